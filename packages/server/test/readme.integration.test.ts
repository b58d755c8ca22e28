import { readmeSynopsis } from '@rtmp/test-helpers';
import { expect, it, vi } from 'vitest';

it('the README synopsis is examples/synopsis.ts, and it runs as documented', async () => {
  const { block, example } = readmeSynopsis(`${import.meta.dirname}/..`);
  expect(block).toBe(example);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../examples/synopsis');
  expect(log.mock.calls).toEqual([
    ['played', 10, 'bytes at', 0, 'ms'],
    ['live/cam', 'publishing:', true, 'players:', 1],
  ]);
});
