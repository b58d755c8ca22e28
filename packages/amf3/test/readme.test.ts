import { runReadmeSynopsis } from '@rtmp/test-helpers';
import { expect, it } from 'vitest';

it('the README synopsis is examples/synopsis.ts, and it runs as documented', async () => {
  const { block, example, logged } = await runReadmeSynopsis(
    `${import.meta.dirname}/..`,
    () => import('../examples/synopsis'),
  );
  expect(block).toBe(example);
  expect(logged).toEqual([
    [{ app: 'live', flashVer: 'WIN 32,0,0,465', objectEncoding: 3 }],
    ['object', true],
    [true, true],
    ['AMF3_TRUNCATED', 9],
  ]);
});
