import { peerAvailable, runReadmeSynopsis, startRedis } from '@rtmp/test-helpers';
import { expect, it } from 'vitest';

it.skipIf(!peerAvailable('redis-server'))(
  'the README synopsis is examples/synopsis.ts, and it plays on B what was published on A',
  async () => {
    const redis = await startRedis();
    process.env['REDIS_URL'] = redis.url;
    try {
      const { block, example, logged } = await runReadmeSynopsis(
        `${import.meta.dirname}/..`,
        () => import('../examples/synopsis'),
      );
      expect(block).toBe(example);
      expect(logged).toEqual([['published on node', 'a', '- keyframe of', 11, 'bytes']]);
    } finally {
      delete process.env['REDIS_URL'];
      await redis.stop();
    }
  },
);
