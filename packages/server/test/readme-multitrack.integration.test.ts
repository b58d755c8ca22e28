import { runReadmeSynopsis } from '@rtmp/test-helpers';
import { expect, it } from 'vitest';

it("the README's multitrack example is examples/multitrack.ts, and it runs as documented", async () => {
  const { block, example, logged } = await runReadmeSynopsis(
    `${import.meta.dirname}/..`,
    () => import('../examples/multitrack'),
    'examples/multitrack.ts',
    'Enhanced RTMP v2',
  );
  expect(block).toBe(example);
  expect(logged).toEqual([
    ['server capsEx:', 15],
    ['video', 'track', 0, 'avc1', 'sequence-start', 'key'],
    ['video', 'track', 1, 'hvc1', 'sequence-start', 'key'],
    ['video', 'track', 0, 'avc1', 'coded-frames', 'key'],
    ['video', 'track', 1, 'hvc1', 'coded-frames', 'key'],
    [
      [
        { kind: 'video', trackId: 0, codec: 'avc1' },
        { kind: 'video', trackId: 1, codec: 'hvc1' },
      ],
    ],
  ]);
});
