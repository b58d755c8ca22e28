import { readmeSynopsis } from '@rtmp/test-helpers';
import { expect, it, vi } from 'vitest';

it('the README synopsis is examples/synopsis.ts, and it runs as documented', async () => {
  const { block, example } = readmeSynopsis(`${import.meta.dirname}/..`);
  expect(block).toBe(example);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  await import('../examples/synopsis');
  expect(log.mock.calls).toEqual([
    ['connect → releaseStream → FCPublish → createStream → publish → FCUnpublish → deleteStream'],
    ['FMLE/3.0 (compatible; Lavf59.27.100)', { name: 'capture', type: 'live' }],
    [2, 'keyframes'],
    ['0300000000006e1400000000020007636f6e6e656374'],
  ]);
});
