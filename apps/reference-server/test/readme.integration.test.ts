import { readmeShows } from '@rtmp/test-helpers';
import { expect, it, vi } from 'vitest';

it('the README shows examples/client-under-test.ts, and it runs as documented', async () => {
  expect(readmeShows(`${import.meta.dirname}/..`, 'examples/client-under-test.ts')).toBe(true);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../examples/client-under-test');
  expect(log.mock.calls).toEqual([
    ['live', true],
    [
      [
        [9, 0, 9],
        [9, 40, 10],
      ],
    ],
  ]);
});

it('the README documents every finding code with its severity and why it matters, as FINDING_KINDS says', async () => {
  const { readFileSync } = await import('node:fs');
  const { FINDING_KINDS } = await import('@rtmp/server');
  const readme = readFileSync(`${import.meta.dirname}/../README.md`, 'utf8');
  // Table rows as their trimmed cells (a formatter may pad the columns).
  const rows = readme
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  for (const [code, kind] of Object.entries(FINDING_KINDS))
    expect(rows).toContainEqual([`\`${code}\``, kind.severity, kind.why]);
});
