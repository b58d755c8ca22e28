import type { FlvTag } from '@rtmp/flv';
import { readFlvTags, sampleFlv, toHex } from '@rtmp/test-helpers';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VodPlayback } from '../src/node/vod';

// VodPlayback on a fake clock: what a recorded file's player gets, and when, without sockets.

const AHEAD_MS = 500;

/** A playback of the 3 s sample and what its sink got: tags (with the clock when sent) and completion. */
async function playback(startMs = 0, durationMs = -1) {
  const file = await sampleFlv({ seconds: 3 });
  const sent: { tag: FlvTag; at: number }[] = [];
  let completed = false;
  const clockStart = Date.now();
  const vod = new VodPlayback(
    file,
    {
      send: (tag) => sent.push({ tag, at: Date.now() - clockStart }),
      complete: () => {
        completed = true;
      },
      fail: (error) => {
        throw error;
      },
    },
    startMs,
    durationMs,
    AHEAD_MS,
  );
  await vod.loaded;
  return { vod, sent, file, completed: () => completed };
}

type Tag = { type: number; timestamp: number; body: Uint8Array };

/** A tag's identity across readers: type, time and body. */
const id = (tag: Tag) => `${tag.type}@${tag.timestamp}:${toHex(tag.body)}`;
const isKeyframe = (tag: Tag) => tag.type === 9 && tag.body[0] === 0x17 && tag.body[1] === 1;
const isConfig = (tag: Tag) => (tag.type === 9 || tag.type === 8) && tag.body[1] === 0;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('VodPlayback', () => {
  it('sends each tag no earlier than aheadMs before its time, every tag once, then completes', async () => {
    const { sent, file, completed } = await playback();
    await vi.advanceTimersByTimeAsync(4000);
    expect(sent.map(({ tag }) => id(tag))).toEqual(readFlvTags(file).map(id));
    for (const { tag, at } of sent) expect(at).toBeGreaterThanOrEqual(tag.timestamp - AHEAD_MS);
    expect(completed()).toBe(true);
  });

  it('pause stops the clock: nothing is sent while paused, resume goes on where it was', async () => {
    const { vod, sent, file, completed } = await playback();
    await vi.advanceTimersByTimeAsync(1000);
    vod.pause();
    const before = sent.length;
    const last = sent.at(-1)!.tag.timestamp;
    expect(last).toBeLessThanOrEqual(1000 + AHEAD_MS);
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent.length).toBe(before);
    vod.resume();
    await vi.advanceTimersByTimeAsync(500);
    // The stream clock stood still for the five seconds: it is now at 1.5 s, not 6.5 s.
    expect(sent.at(-1)!.tag.timestamp).toBeLessThanOrEqual(1500 + AHEAD_MS);
    expect(completed()).toBe(false);
    await vi.advanceTimersByTimeAsync(3000);
    expect(sent.map(({ tag }) => id(tag))).toEqual(readFlvTags(file).map(id));
    expect(completed()).toBe(true);
  });

  it("start and duration: from the keyframe at or before start, up to start's keyframe + duration", async () => {
    const { sent, file, completed } = await playback(1200, 1000);
    await vi.advanceTimersByTimeAsync(3000);
    const key = readFlvTags(file)
      .filter((tag) => isKeyframe(tag) && tag.timestamp <= 1200)
      .at(-1)!;
    const frames = sent.map(({ tag }) => tag).filter((tag) => !isConfig(tag) && tag.type !== 18);
    expect(id(frames[0]!)).toBe(id(key));
    expect(frames.at(-1)!.timestamp).toBeLessThanOrEqual(key.timestamp + 1000);
    expect(frames.at(-1)!.timestamp).toBeGreaterThan(key.timestamp + 900);
    expect(completed()).toBe(true);
  });

  it('receive: audio off and on, video off and back at its next keyframe', async () => {
    const { vod, sent, completed } = await playback();
    await vi.advanceTimersByTimeAsync(300);
    vod.receive('audio', false);
    vod.receive('video', false);
    const off = sent.length;
    await vi.advanceTimersByTimeAsync(700);
    expect(sent.length).toBe(off);
    vod.receive('audio', true);
    vod.receive('video', true);
    await vi.advanceTimersByTimeAsync(3000);
    const after = sent.slice(off).map(({ tag }) => tag);
    expect(after.some((tag) => tag.type === 8)).toBe(true);
    // Video comes back at a keyframe: the first video after turning it on is one.
    expect(isKeyframe(after.find((tag) => tag.type === 9)!)).toBe(true);
    expect(completed()).toBe(true);
  });

  it('controls before the file is read apply once it is; stop sends nothing more', async () => {
    const file = await sampleFlv({ seconds: 3 });
    const sent: FlvTag[] = [];
    const vod = new VodPlayback(file, { send: (tag) => sent.push(tag), complete() {}, fail() {} }, 0, -1);
    vod.pause();
    await vod.loaded;
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent).toEqual([]);
    vod.resume();
    await vi.advanceTimersByTimeAsync(100);
    expect(sent.length).toBeGreaterThan(0);
    const count = sent.length;
    vod.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent.length).toBe(count);
  });
});
