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
const hvc1 = [0x68, 0x76, 0x63, 0x31];
const opus = [0x4f, 0x70, 0x75, 0x73];
// Track 1 as FFmpeg 8.1 writes it: Enhanced RTMP multitrack, one track per message.
const hevcConfig1 = message(9, [0x96, 0x00, ...hvc1, 1, 1, 1]);
const hevcKey1 = message(9, [0x96, 0x01, ...hvc1, 1, 0, 0, 0, 0x26]);
const hevcInter1 = message(9, [0xa6, 0x01, ...hvc1, 1, 0, 0, 0, 0x02]);
const opusConfig1 = message(8, [0x95, 0x00, ...opus, 1, 0x4f]);
const opusChannels1 = message(8, [0x95, 0x04, ...opus, 1, 1, 2, 0]);
const opusFrame1 = message(8, [0x95, 0x01, ...opus, 1, 0xf8]);
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

  it("keeps every track's configuration, one per track and kind, the latest of each", () => {
    const cache = new JoinCache();
    for (const config of [avcConfig, aacConfig, hevcConfig1, opusConfig1, opusChannels1]) cache.add(config);
    const newerAvc = message(9, [0x17, 0, 0, 0, 0, 2]);
    cache.add(newerAvc); // replaces track 0's, keeps its place
    const first = keyframe();
    cache.add(first);
    expect(cache.joinSequence()).toEqual([
      newerAvc,
      aacConfig,
      hevcConfig1,
      opusConfig1,
      opusChannels1,
      first,
    ]);
  });

  it('a keyframe of another track does not restart the GOP; each video track joins at its own keyframe', () => {
    const cache = new JoinCache();
    cache.add(avcConfig);
    cache.add(hevcConfig1);
    const key0 = keyframe();
    cache.add(key0);
    cache.add(hevcInter1); // track 1 has no keyframe in the cache yet: not for joiners
    const key1 = hevcKey1;
    cache.add(key1);
    const inter0 = inter();
    cache.add(inter0);
    cache.add(opusFrame1);
    expect(cache.joinSequence()).toEqual([avcConfig, hevcConfig1, key0, key1, inter0, opusFrame1]);

    // Track 1's keyframe comes just before track 0's: the new GOP keeps it, and track 0's inter
    // frame between them is not sent (track 0 starts at its own keyframe).
    const nextKey1 = message(9, [0x96, 0x01, ...hvc1, 1, 0, 0, 0, 0x26]);
    cache.add(nextKey1);
    const lateInter0 = inter();
    cache.add(lateInter0);
    const nextKey0 = keyframe();
    cache.add(nextKey0);
    expect(cache.joinSequence()).toEqual([avcConfig, hevcConfig1, nextKey1, nextKey0]);
  });

  it("forgets a track's sequence header at its SequenceEnd; ignores video metadata of a track for the GOP", () => {
    const cache = new JoinCache();
    const colorInfo = message(9, [0xd4, ...hvc1, 2, 0, 9]);
    cache.add(hevcConfig1);
    cache.add(colorInfo);
    cache.add(message(9, [0x96, 0x02, ...hvc1, 1])); // SequenceEnd of track 1
    expect(cache.joinSequence()).toEqual([colorInfo]);
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

  it('keeps its own copy of a payload that is a view of a larger buffer (a socket read), so the read is not kept alive', () => {
    // As the chunk decoder hands out one-chunk messages: views of the 64 KiB read they came in.
    const read = new Uint8Array(65_536).fill(0x55);
    const view = (typeId: number, at: number, bytes: number[]) => {
      read.set(bytes, at);
      return { typeId, streamId: 1, timestamp: 0, payload: read.subarray(at, at + bytes.length) };
    };
    const cache = new JoinCache();
    const config = view(9, 0, [0x17, 0, 0, 0, 0, 1]);
    const key = view(9, 100, [0x17, 1, 0, 0, 0, 0x65]);
    const audio = view(8, 200, [0xaf, 1, 0x21, 0x22]);
    for (const message of [config, key, audio]) cache.add(message);
    const joined = cache.joinSequence();
    expect(joined.map((message) => [...message.payload])).toEqual(
      [config, key, audio].map((message) => [...message.payload]),
    );
    for (const message of joined) expect(message.payload.buffer.byteLength).toBe(message.payload.length);
    expect(cache.bytes).toBe(6 + 6 + 4);
    // The read's memory is reused by the caller: what the cache serves does not change.
    read.fill(0);
    expect([...cache.joinSequence()[2]!.payload]).toEqual([0xaf, 1, 0x21, 0x22]);
    // A payload that owns its buffer is kept as it is, not copied.
    const whole = keyframe();
    cache.add(whole);
    expect(cache.joinSequence().at(-1)).toBe(whole);
  });
});
