import { JoinCache } from '@rtmp/server';
import { describe, expect, it } from 'vitest';

const message = (typeId: number, bytes: number[], size = bytes.length) => {
  const payload = new Uint8Array(size);
  payload.set(bytes);
  return { typeId, streamId: 1, timestamp: 0, payload };
};
const metadata = message(18, [2, 0, 10]);
const avcConfig = message(9, [0x17, 0, 0, 0, 0, 1]);
const aacConfig = message(8, [0xaf, 0, 0x12, 0x10]);
const keyframe = (size = 10) => message(9, [0x17, 1], size);
const inter = (size = 10) => message(9, [0x27, 1], size);

describe('JoinCache', () => {
  it('gives a late joiner metadata, sequence headers, then the GOP from its keyframe', () => {
    const cache = new JoinCache();
    cache.add(inter()); // before any keyframe: not cached
    cache.add(metadata);
    cache.add(avcConfig);
    cache.add(aacConfig);
    const first = keyframe();
    cache.add(first);
    const second = inter();
    cache.add(second);
    expect(cache.joinSequence()).toEqual([metadata, avcConfig, aacConfig, first, second]);
    const next = keyframe();
    cache.add(next); // a new GOP replaces the old
    expect(cache.joinSequence()).toEqual([metadata, avcConfig, aacConfig, next]);
  });

  it('E10: a publisher that never sends another keyframe cannot grow it past its message or byte cap', () => {
    const byCount = new JoinCache(100, 1 << 30);
    byCount.add(avcConfig);
    byCount.add(keyframe());
    for (let i = 0; i < 10_000; i++) byCount.add(inter());
    expect(byCount.joinSequence().length).toBeLessThanOrEqual(101);

    const byBytes = new JoinCache(1_000_000, 1 << 20);
    byBytes.add(keyframe(1000));
    for (let i = 0; i < 1000; i++) byBytes.add(inter(10_000)); // 10 MB in all
    expect(byBytes.bytes).toBeLessThanOrEqual(1 << 20);
    // The over-long GOP is dropped, never served from the middle; the next keyframe starts again.
    expect(byBytes.joinSequence()).toEqual([]);
    const fresh = keyframe();
    byBytes.add(fresh);
    expect(byBytes.joinSequence()).toEqual([fresh]);
  });
});
