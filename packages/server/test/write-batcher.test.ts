// Write batching: a batch's writes leave together; audio of a stream with video waits (bounded)
// for the next video message and leaves with it.
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WriteBatcher } from '../src/node/write-batcher';

/** A socket that only counts how corked it is. */
function fakeSocket() {
  const socket = { corked: 0, cork: () => void socket.corked++, uncork: () => void socket.corked-- };
  return socket as typeof socket & Socket;
}
const WINDOW = {
  fanOutMergeMs: 35,
  fanOutMergeMinPlayers: 100,
  fanOutMergeMaxMessages: 8,
  fanOutAudioHoldMs: 40,
};

afterEach(() => vi.useRealTimers());

describe('WriteBatcher', () => {
  it('a batch corks its sockets and uncorks them when it ends', () => {
    const batcher = new WriteBatcher(WINDOW);
    const stream = {};
    const socket = fakeSocket();
    batcher.batch(() => WriteBatcher.cork(batcher.hold(stream), socket));
    expect(socket.corked).toBe(0);
  });

  it('audio of a stream with video stays corked until the next video message, which leaves with it', () => {
    const batcher = new WriteBatcher(WINDOW);
    const stream = {};
    const socket = fakeSocket();
    batcher.batch(() => WriteBatcher.cork(batcher.hold(stream, true), socket));
    expect(socket.corked).toBe(1); // held
    batcher.batch(() => WriteBatcher.cork(batcher.hold(stream, true), socket));
    expect(socket.corked).toBe(1); // still one cork: the writes pile up behind it
    batcher.batch(() => WriteBatcher.cork(batcher.hold(stream, false), socket));
    expect(socket.corked).toBe(0); // video came: everything left in one write
  });

  it('held audio leaves after fanOutAudioHoldMs without video; 0 turns the hold off', () => {
    vi.useFakeTimers();
    const batcher = new WriteBatcher(WINDOW);
    const stream = {};
    const socket = fakeSocket();
    batcher.batch(() => WriteBatcher.cork(batcher.hold(stream, true), socket));
    vi.advanceTimersByTime(39);
    expect(socket.corked).toBe(1);
    vi.advanceTimersByTime(1);
    expect(socket.corked).toBe(0);

    const off = new WriteBatcher({ ...WINDOW, fanOutAudioHoldMs: 0 });
    off.batch(() => WriteBatcher.cork(off.hold(stream, true), socket));
    expect(socket.corked).toBe(0);
  });

  it('a batch with audio and video is not held; another stream in the batch is not held by one that waits', () => {
    const batcher = new WriteBatcher(WINDOW);
    const [mixed, waiting] = [{}, {}];
    const [a, b] = [fakeSocket(), fakeSocket()];
    batcher.batch(() => {
      WriteBatcher.cork(batcher.hold(mixed, true), a);
      WriteBatcher.cork(batcher.hold(mixed, false), a);
      WriteBatcher.cork(batcher.hold(waiting, true), b);
    });
    expect(a.corked).toBe(0);
    expect(b.corked).toBe(1);
    batcher.releaseAll();
    expect(b.corked).toBe(0);
  });

  it('a merge window shorter than the audio hold already armed still ends on time', () => {
    vi.useFakeTimers();
    const batcher = new WriteBatcher({ ...WINDOW, fanOutMergeMs: 5, fanOutMergeMinPlayers: 1 });
    const [audioOnly, video] = [{}, {}];
    const [a, b] = [fakeSocket(), fakeSocket()];
    batcher.batch(() => WriteBatcher.cork(batcher.hold(audioOnly, true), a)); // held up to 40 ms
    vi.advanceTimersByTime(10);
    batcher.batch(() => WriteBatcher.cork(batcher.hold(video, false), b)); // merged for 5 ms
    vi.advanceTimersByTime(4);
    expect(b.corked).toBe(1);
    vi.advanceTimersByTime(1);
    expect(b.corked).toBe(0); // at 15 ms, not at the audio's 40
  });
});
