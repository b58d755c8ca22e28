import { runReadmeSynopsis } from '@rtmp/test-helpers';
import { expect, it } from 'vitest';

it('the README synopsis is examples/synopsis.ts, and it runs as documented', async () => {
  const { block, example, logged } = await runReadmeSynopsis(
    `${import.meta.dirname}/..`,
    () => import('../examples/synopsis'),
  );
  expect(block).toBe(example);
  expect(logged).toEqual([
    ['connect → releaseStream → FCPublish → createStream → publish → FCUnpublish → deleteStream'],
    ['FMLE/3.0 (compatible; Lavf59.27.100)', { name: 'capture', type: 'live' }],
    [2, 'keyframes'],
    ['0300000000006e1400000000020007636f6e6e656374'],
  ]);
});
