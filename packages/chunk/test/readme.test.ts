import { readmeSynopsis } from '@rtmp/test-helpers';
import { expect, it, vi } from 'vitest';

it('the README synopsis is examples/synopsis.ts, and it runs as documented', async () => {
  const { block, example } = readmeSynopsis(`${import.meta.dirname}/..`);
  expect(block).toBe(example);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../examples/synopsis');
  expect(log.mock.calls).toEqual([
    [8, 10_030],
    [1, undefined],
    [9, 40, 10_000, 4096],
  ]);
});
