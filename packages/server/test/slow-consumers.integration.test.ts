// Slow consumers among healthy ones (adversarial plan F2, F3), over loopback sockets. Frames carry
// their index in bytes 2-5 so each side can tell which arrived.
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { connect, type PlayerEvent } from '@rtmp/client';
import type { RtmpServerOptions } from '@rtmp/server';
import { deferCleanups, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedClient } from './hostile-client';
import { startServer } from './start-server';

const defer = deferCleanups(afterEach);

const start = (options: RtmpServerOptions = {}) => startServer(defer, options);

/** A video frame of `size` bytes: a keyframe every `gop` frames, its index in bytes 2-5. */
function frame(index: number, size: number, gop: number): Uint8Array {
  const body = new Uint8Array(size).fill(index & 0xff);
  body[0] = index % gop === 0 ? 0x17 : 0x27;
  body[1] = 1;
  new DataView(body.buffer).setUint32(2, index);
  return body;
}
const frameIndex = (payload: Uint8Array) =>
  new DataView(payload.buffer, payload.byteOffset, payload.length).getUint32(2);
const isKeyframe = (payload: Uint8Array) => payload[0]! >> 4 === 1;

/** A player that records the index of every video frame it gets, in order. */
async function indexingPlayer(url: string, name: string) {
  const connection = await connect(url, { player: true });
  defer(() => connection.close());
  const player = await connection.play(name);
  const frames: number[] = [];
  void (async () => {
    for await (const event of player as AsyncIterable<PlayerEvent>)
      if (event.type === 'video') frames.push(frameIndex(event.payload));
  })();
  return frames;
}

/** Sends `count` frames at `fps` in real time (on schedule, not drifting); returns when each left. */
async function publishRealtime(
  publisher: { writeVideo(timestamp: number, body: Uint8Array): Promise<void> },
  count: number,
  fps: number,
  make: (index: number) => Uint8Array,
): Promise<number[]> {
  const sentAt: number[] = [];
  const start = Date.now();
  for (let i = 0; i < count; i++) {
    const due = start + (i * 1000) / fps;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    sentAt.push(Date.now());
    await publisher.writeVideo(Math.round((i * 1000) / fps), make(i));
  }
  return sentAt;
}

describe('slow consumers', () => {
  it('F2: a player reading at half the bitrate loses frames, resumes at keyframes, stays within its queue delay and connected', async () => {
    // 12 MB/s for 8 s (480 KB frames at 25 fps, a keyframe every 5): large enough that the ~4 MB
    // the kernel buffers on loopback is a fraction of a second of the reader's rate.
    const fps = 25;
    const frames = 200;
    const size = 480_000;
    const gop = 5;
    const queueDelayMs = 300;
    const { server, port, url } = await start({
      maxPlayerQueueDelayMs: queueDelayMs,
      maxPlayerQueueBytes: 1 << 30, // only the time bound acts
    });
    const publishing = await connect(url);
    defer(() => publishing.close());
    const publisher = await publishing.publish('cam');
    const healthy = await indexingPlayer(url, 'cam');

    // The slow player reads through a token bucket at half the stream's rate.
    const slow = await scriptedClient(port, url, 'cam', 'play');
    defer(() => slow.socket.destroy());
    slow.socket.removeAllListeners('data');
    const readRate = (size * fps) / 2 / 1000; // bytes per ms
    const arrivals: Array<{ index: number; key: boolean; at: number }> = [];
    const began = Date.now();
    let read = 0;
    slow.socket.on('data', (bytes: Buffer) => {
      const output = slow.session.receive(bytes);
      for (const piece of output.send) slow.socket.write(piece);
      for (const event of output.events) {
        if (event.type === 'media' && event.message.type === 'video') {
          const { payload } = event.message;
          arrivals.push({ index: frameIndex(payload), key: isKeyframe(payload), at: Date.now() });
        }
      }
      read += bytes.length;
      const ahead = read / readRate - (Date.now() - began);
      if (ahead > 0) {
        slow.socket.pause();
        setTimeout(() => slow.socket.resume(), ahead);
      }
    });
    let maxQueued = 0;
    const sampler = setInterval(() => {
      const queued = server.stats()[0]?.playerDetails.map((p) => p.queuedBytes) ?? [];
      maxQueued = Math.max(maxQueued, ...queued);
    }, 50);
    defer(() => clearInterval(sampler));

    const sentAt = await publishRealtime(publisher, frames, fps, (i) => frame(i, size, gop));
    await waitFor(() => healthy.length === frames, 20_000);

    expect(healthy).toEqual(Array.from({ length: frames }, (_, i) => i)); // the healthy one lost nothing
    expect(slow.socket.destroyed).toBe(false); // slow, not dead: it stays connected
    const details = server.stats()[0]!.playerDetails;
    expect(details).toHaveLength(2);
    expect(details.find((p) => p.dropped > 0)).toBeDefined();
    // Frames were dropped, and after every gap the player starts again on a keyframe.
    expect(arrivals.length).toBeLessThan(frames);
    expect(arrivals.length).toBeGreaterThan(frames / 5);
    for (let i = 1; i < arrivals.length; i++) {
      expect(arrivals[i]!.index).toBeGreaterThan(arrivals[i - 1]!.index);
      if (arrivals[i]!.index !== arrivals[i - 1]!.index + 1) expect(arrivals[i]!.key).toBe(true);
    }
    // Latency stays bounded: queue delay, plus what the kernel holds (~4 MB at 6 MB/s), plus a GOP.
    // Unbounded, it would grow to half the run (4 s) by the end.
    const late = arrivals.filter((a) => sentAt[a.index]! - sentAt[0]! > 4000);
    expect(late.length).toBeGreaterThan(0);
    expect(Math.max(...late.map((a) => a.at - sentAt[a.index]!))).toBeLessThan(2500);
    // Node's buffer for it holds about the queue delay's worth (300 ms: 3.6 MB), never the backlog.
    expect(maxQueued).toBeLessThan(size * fps * 0.5);
  });

  it('F3: 1,000 players and one that stops reading: write() false is respected, the 999 get every frame in order', async () => {
    const limit = Number(/Max open files\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]);
    expect(limit, 'the open-file limit (ulimit -n) must allow 2,000 sockets').toBeGreaterThanOrEqual(4096);
    const budget = 512 * 1024;
    const { server, port, url } = await start({
      maxConnections: 1100,
      maxConnectionsPerAddress: 1100,
      maxPlayerQueueBytes: budget,
    });
    const delay = monitorEventLoopDelay({ resolution: 5 });
    // `cam`: 40 frames of 2 KB to 999 players; `big`: 12 MB to the one that stopped reading (far
    // more than the kernel buffers, so the server's writes to it return false and its queue fills).
    const publishing = await connect(url);
    defer(() => publishing.close());
    const cam = await publishing.publish('cam');
    const bigPublishing = await connect(url);
    defer(() => bigPublishing.close());
    const big = await bigPublishing.publish('big');
    const players: number[][] = [];
    for (let batch = 0; batch < 999; batch += 111) {
      players.push(...(await Promise.all(Array.from({ length: 111 }, () => indexingPlayer(url, 'cam')))));
    }
    const stalled = await scriptedClient(port, url, 'big', 'play');
    defer(() => stalled.socket.destroy());
    stalled.socket.pause();
    expect(server.connections).toBe(1002);

    delay.enable();
    let maxQueued = 0;
    for (let i = 0; i < 40; i++) {
      await cam.writeVideo(i * 40, frame(i, 2000, 10));
      await big.writeVideo(i * 40, frame(i, 300_000, 10));
      const stalledQueue = server.stats().find((s) => s.key === 'live/big')?.playerDetails[0]?.queuedBytes;
      maxQueued = Math.max(maxQueued, stalledQueue ?? 0);
    }
    await waitFor(() => players.every((frames) => frames.length === 40), 30_000);
    delay.disable();
    console.log(
      `F3: event-loop delay with 1,000 players in this process (server and clients): p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms`,
    );

    const inOrder = Array.from({ length: 40 }, (_, i) => i);
    expect(players.filter((frames) => frames.join() !== inOrder.join())).toEqual([]);
    const stalledPlayer = server.stats().find((s) => s.key === 'live/big')!.playerDetails[0]!;
    expect(stalledPlayer.dropped).toBeGreaterThan(0); // write() said false; frames were dropped
    expect(maxQueued).toBeLessThanOrEqual(budget + 300_100); // its buffer stays within budget + a frame
  });
});
