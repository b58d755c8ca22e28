// Live-stream test helpers shared by the relay tests (pull, registry): servers on ephemeral ports,
// a publisher of numbered frames, and a player that labels what it sees. Everything is stopped
// after each test.
import { connect, type PlayerEvent } from '@rtmp/client';
import { RtmpServer, type RtmpServerOptions } from '@rtmp/server';
import { deferCleanups, frameNumber, numberedFrame } from '@rtmp/test-helpers';
import { afterEach, expect } from 'vitest';

const defer = deferCleanups(afterEach);

/** An RtmpServer on an ephemeral loopback port. */
export async function server(options: RtmpServerOptions = {}) {
  const rtmp = new RtmpServer({ port: 0, ...options });
  const { url, port } = await rtmp.listen();
  defer(() => rtmp.close());
  return { server: rtmp, url, port };
}

export const CONFIG = Uint8Array.from([0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f]);
/** Frame `index` of the test streams: 64 bytes, a keyframe every 30. */
export const frame = (index: number) => numberedFrame(index);
export const frameIndex = frameNumber;

/** Publishes frames to `url/name` until the returned `stop()`, 10 ms apart. */
export async function publishing(url: string, name: string) {
  const connection = await connect(url);
  defer(() => connection.close());
  const publisher = await connection.publish(name);
  await publisher.writeVideo(0, CONFIG);
  let stopped = false;
  // A server that goes away ends the loop; stop() reports it.
  let failure: unknown;
  const running = (async () => {
    for (let index = 0; !stopped; index++) {
      await publisher.writeVideo(index * 33, frame(index));
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })().catch((error: unknown) => {
    failure = error;
  });
  return {
    stop: async () => {
      stopped = true;
      await running;
      if (failure !== undefined) throw failure;
      await publisher.close();
    },
  };
}

/** Plays `url/name`, yielding frame indexes and stream states as labels. */
export async function play(url: string, name: string) {
  const connection = await connect(url);
  defer(() => connection.close());
  const player = await connection.play(name);
  const seen: string[] = [];
  const events = player[Symbol.asyncIterator]();
  const until = async (done: (seen: string[]) => boolean) => {
    while (!done(seen)) {
      const next = await events.next();
      if (next.done) return true;
      const event: PlayerEvent = next.value;
      if (event.type === 'video' && frameIndex(event.payload) >= 0)
        seen.push(`F${frameIndex(event.payload)}`);
      if (event.type === 'stream') seen.push(event.state);
      if (event.type === 'status') seen.push(event.info.code);
    }
    return false;
  };
  return { connection, seen, until };
}

export const frames = (seen: string[]) =>
  seen.filter((label) => label.startsWith('F')).map((label) => Number(label.slice(1)));

/** The first `count` frames a player saw follow one another: none lost, none reordered. */
export function expectConsecutive(seen: string[], count: number): void {
  const got = frames(seen).slice(0, count);
  expect(got).toHaveLength(count);
  expect(got).toEqual(got.map((_, i) => got[0]! + i));
}
