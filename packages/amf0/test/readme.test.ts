import { runReadmeSynopsis } from '@rtmp/test-helpers';
import { expect, it } from 'vitest';

it('the README synopsis is examples/synopsis.ts, and it runs as documented', async () => {
  const { block, example, logged } = await runReadmeSynopsis(
    `${import.meta.dirname}/..`,
    () => import('../examples/synopsis'),
  );
  expect(block).toBe(example);
  expect(logged).toEqual([
    [
      'connect',
      1,
      {
        app: 'live',
        type: 'nonprivate',
        flashVer: 'FMLE/3.0 (compatible; FMSc/1.0)',
        tcUrl: 'rtmp://localhost/live',
      },
    ],
    ['object', true],
    ['AMF0_TRUNCATED', 28],
  ]);
});
