import { connect, type PlayerEvent } from '@rtmp/client';
import type { RtmpServerOptions } from '@rtmp/server';
import {
  deferCleanups,
  ffmpegFramemd5Args,
  ffmpegPublishArgs,
  type ManagedProcess,
  packetHashes,
  parseFramemd5,
  peerAvailable,
  readFlvTags,
  runProcess,
  sampleFlv,
  startProcess,
  toHex,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { scriptedClient } from './hostile-client';
import { startServer } from './start-server';

const defer = deferCleanups(afterEach);

const start = (options: RtmpServerOptions = {}) => startServer(defer, options);
function track(proc: ManagedProcess): ManagedProcess {
  defer(() => proc.stop());
  return proc;
}
/** Our client plays `name` and collects everything until the publisher leaves. */
async function collect(url: string, name: string) {
  const connection = await connect(url, { player: true });
  defer(() => connection.close());
  const player = await connection.play(name);
  const events: PlayerEvent[] = [];
  const done = (async () => {
    for await (const event of player) events.push(event);
    return events;
  })();
  return { events, done };
}
const payloads = (events: PlayerEvent[], type: 'audio' | 'video') =>
  events.flatMap((e) => (e.type === type ? [toHex(e.payload)] : []));

describe.skipIf(!peerAvailable('ffmpeg'))('RtmpServer with real peers', () => {
  it('ffmpeg publishes, ffmpeg plays: identical video packets; our client sees every message', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const { server, url } = await start();
    const ffmpegPlayer = track(startProcess('ffmpeg', ffmpegFramemd5Args(`${url}/cam`)));
    const ours = await collect(url, 'cam');
    await waitFor(() => server.stats().some((s) => s.players === 2));
    await runProcess('ffmpeg', ffmpegPublishArgs(flv, `${url}/cam`));
    await ffmpegPlayer.exited;
    expect(parseFramemd5(ffmpegPlayer.stdout())).toEqual(await packetHashes(flv, 'v'));
    const events = await ours.done;
    const tags = readFlvTags(flv);
    expect(payloads(events, 'video')).toEqual(tags.filter((t) => t.type === 9).map((t) => toHex(t.body)));
    expect(payloads(events, 'audio')).toEqual(tags.filter((t) => t.type === 8).map((t) => toHex(t.body)));
  });

  it('a player joining 3 s late starts on a keyframe and gets consecutive source packets', async () => {
    const flv = await sampleFlv({ seconds: 10, fps: 25 });
    const { server, url } = await start();
    track(startProcess('ffmpeg', ffmpegPublishArgs(flv, `${url}/late`)));
    await waitFor(() => server.stats().some((s) => s.publishing && s.messages > 3 * 25));
    const played = await packetHashes(`${url}/late`, 'v', ['-t', '2']);
    const source = await packetHashes(flv, 'v');
    const first = source.indexOf(played[0]!);
    expect(first).toBeGreaterThan(0);
    expect(first % 25).toBe(0); // a keyframe every 25 frames: the GOP cache starts on one
    expect(played).toEqual(source.slice(first, first + played.length));
    expect(server.stats().find((s) => s.key === 'live/late')).toMatchObject({
      videoCodec: 'avc1',
      audioCodec: 'mp4a',
      bitrateKbps: expect.any(Number),
    });
    expect(server.stats().find((s) => s.key === 'live/late')?.bitrateKbps).toBeGreaterThan(0);
  });

  it.for([
    ['rtmpdump', (url: string, out: string) => ['-q', '-r', url, '--live', '-o', out]],
    [
      'gst-launch-1.0',
      (url: string, out: string) => ['-q', 'rtmp2src', `location=${url}`, '!', 'filesink', `location=${out}`],
    ],
  ] as const)(
    '%s plays through the server and exits by itself when the publisher leaves: its file has the source’s video packets',
    async ([command, args], { skip }) => {
      if (!peerAvailable(command)) skip();
      const flv = await sampleFlv({ seconds: 2 });
      const { server, url } = await start();
      const out = `${flv}.server-${command}.flv`;
      const player = track(startProcess(command, args(`${url}/cam`, out)));
      await waitFor(() => server.stats().some((s) => s.players === 1));
      await runProcess('ffmpeg', ffmpegPublishArgs(flv, `${url}/cam`));
      // On the StreamEOF and onStatus that follow the unpublish: no idle timeout is involved.
      expect(await player.exited).toBe(0);
      expect(await packetHashes(out, 'v')).toEqual(await packetHashes(flv, 'v'));
    },
  );
});

describe('RtmpServer policies', () => {
  it('E1: a second publisher of a live name gets NetStream.Publish.BadName; the first goes on', async () => {
    const { url } = await start();
    const first = await connect(url);
    defer(() => first.close());
    const publisher = await first.publish('cam');
    const second = await connect(url);
    defer(() => second.close());
    await expect(second.publish('cam')).rejects.toMatchObject({
      statusCode: 'NetStream.Publish.BadName',
      description: 'Already publishing',
    });
    await expect(publisher.writeVideo(0, Uint8Array.of(0x17, 1, 0, 0, 0))).resolves.toBeUndefined();
  });

  it('E2: replace: the same key takes a live name over, the player keeps playing; another key gets BadName', async () => {
    const { server, url } = await start({
      onPublish: (info) =>
        info.publisher && info.publisher.query === info.query ? { allow: true, replace: true } : true,
    });
    const first = await connect(url);
    defer(() => first.close());
    const oldPublisher = await first.publish('cam?key=a');
    const { events } = await collect(url, 'cam');
    await waitFor(() => server.stats().some((s) => s.players === 1));
    await oldPublisher.writeVideo(0, Uint8Array.of(0x17, 1, 0, 0, 0, 1));

    const stranger = await connect(url);
    defer(() => stranger.close());
    await expect(stranger.publish('cam?key=b')).rejects.toMatchObject({
      statusCode: 'NetStream.Publish.BadName',
    });

    const second = await connect(url);
    defer(() => second.close());
    const newPublisher = await second.publish('cam?key=a');
    // The old publisher's connection is closed: the player, the stranger and the newcomer remain.
    await waitFor(() => server.traffic().connections === 3);
    await newPublisher.writeVideo(80, Uint8Array.of(0x17, 1, 0, 0, 0, 2));
    await waitFor(() => events.filter((e) => e.type === 'video').length === 2);
    expect(payloads(events, 'video')).toEqual(['170100000001', '170100000002']);
    expect(
      events.filter((e) => e.type === 'status').map((e) => e.type === 'status' && e.info.code),
    ).not.toContain('NetStream.Play.UnpublishNotify');
    expect(server.stats()).toMatchObject([{ key: 'live/cam', publishing: true, players: 1 }]);
  });

  it('hooks decide: a publish with the wrong key is refused with the hook’s description', async () => {
    const { url } = await start({
      onPublish: (info) => (info.query === 'key=right' ? true : { allow: false, description: 'bad key' }),
    });
    const connection = await connect(url);
    defer(() => connection.close());
    await expect(connection.publish('cam?key=wrong')).rejects.toMatchObject({
      code: 'CLIENT_PUBLISH_REJECTED',
      description: 'bad key',
    });
    await expect(connection.publish('cam?key=right')).resolves.toBeDefined();
  });

  it('two streams, three players; a stalled player loses frames while the healthy ones lose none', async () => {
    const { server, url } = await start({ maxPlayerQueueBytes: 4 * 1024 * 1024 });
    // The stalled player: handshakes and plays, then never reads again.
    const stalled = await scriptedClient(Number(new URL(url).port), url, 'a', 'play');
    defer(() => stalled.socket.destroy());
    stalled.socket.pause();
    const healthyA = await collect(url, 'a');
    const healthyB = await collect(url, 'b');
    const publishers = await Promise.all(
      ['a', 'b'].map(async (name) => {
        const connection = await connect(url);
        defer(() => connection.close());
        return connection.publish(name);
      }),
    );
    // 24 MB per stream at ~50 MB/s (far above real time, within what a reader here keeps up with):
    // more than the kernel's socket buffers and the 4 MiB budget hold for the stalled reader.
    const frames = 240;
    for (let i = 0; i < frames; i++) {
      const body = new Uint8Array(100_000).fill(i & 0xff);
      body[0] = i % 25 === 0 ? 0x17 : 0x27;
      body[1] = 1;
      await Promise.all(publishers.map((p) => p.writeVideo(i * 40, body)));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await Promise.all(publishers.map((p) => p.close()));
    const [a, b] = await Promise.all([healthyA.done, healthyB.done]);
    expect(payloads(a, 'video').length).toBe(frames);
    expect(payloads(b, 'video').length).toBe(frames);
    expect(payloads(a, 'video').map((p) => p.slice(4, 6))).toEqual(
      Array.from({ length: frames }, (_, i) => (i & 0xff).toString(16).padStart(2, '0')),
    );
    expect(server.stats().find((s) => s.key === 'live/a')?.dropped ?? 0).toBeGreaterThan(0);
  });
});

describe('RtmpServer merged writes', () => {
  /**
   * A server whose merge window (far longer than a test) never ends by itself. `play(name, count)`
   * adds a player whose `done` resolves once it got `count` frames: their bytes, and how many frames
   * (of any stream) had been published when each arrived. `publisher(name)` gives a `publish(n)`
   * that sends a frame with byte n and waits until the server has taken it, so each frame is a read
   * of its own.
   */
  async function mergingServer(options: RtmpServerOptions) {
    let taken = 0;
    let published = 0;
    const { server, url } = await start({
      fanOutMergeMs: 600_000,
      ...options,
      observe: { message: () => void taken++ },
    });
    return {
      play: async (name: string, count: number) => {
        const connection = await connect(url, { player: true });
        defer(() => connection.close());
        const player = await connection.play(name);
        // Wrapped: an async function returning the promise itself would wait for it.
        const done = (async () => {
          const bytes: number[] = [];
          const whenPublished: number[] = [];
          for await (const event of player) {
            if (event.type !== 'video') continue;
            bytes.push(event.payload[2]!);
            whenPublished.push(published);
            if (bytes.length === count) break;
          }
          return { bytes, whenPublished };
        })();
        return { done };
      },
      publisher: async (name: string) => {
        const publisher = await (await connect(url)).publish(name);
        defer(() => publisher.close());
        return async (n: number) => {
          await publisher.writeVideo(published * 40, new Uint8Array([0x17, 1, n, 0, 0]));
          await waitFor(() => taken === published + 1);
          published++;
        };
      },
      playing: (players: number) =>
        waitFor(() => server.stats().reduce((n, s) => n + s.players, 0) === players),
    };
  }

  it('with enough players, writes are held until fanOutMergeMaxMessages are published, then leave in order', async () => {
    const server = await mergingServer({ fanOutMergeMinPlayers: 2, fanOutMergeMaxMessages: 3 });
    const players = [await server.play('m', 6), await server.play('m', 6)];
    await server.playing(2);
    const publish = await server.publisher('m');
    for (let i = 0; i < 6; i++) await publish(i);
    for (const { bytes, whenPublished } of await Promise.all(players.map((p) => p.done))) {
      expect(bytes).toEqual([0, 1, 2, 3, 4, 5]);
      // Frames 0-2 left together once frame 2 was in, frames 3-5 once frame 5 was.
      expect(whenPublished.every((n, i) => n >= (i < 3 ? 2 : 5))).toBe(true);
    }
  });

  it('streams are held on their own: a narrow one leaves at once, a wide one waits for its own third frame', async () => {
    const server = await mergingServer({ fanOutMergeMinPlayers: 2, fanOutMergeMaxMessages: 3 });
    const wide = [await server.play('wide', 3), await server.play('wide', 3)];
    const narrow = await server.play('narrow', 1);
    await server.playing(3);
    const [publishWide, publishNarrow] = [await server.publisher('wide'), await server.publisher('narrow')];
    await publishWide(1);
    await publishWide(2);
    await publishNarrow(9);
    expect((await narrow.done).bytes).toEqual([9]); // not held behind the wide stream's window
    await publishWide(3);
    for (const { bytes, whenPublished } of await Promise.all(wide.map((p) => p.done))) {
      expect(bytes).toEqual([1, 2, 3]);
      expect(whenPublished.every((n) => n >= 3)).toBe(true); // all three left with the third
    }
  });

  it('with fewer players than fanOutMergeMinPlayers, every frame leaves at once', async () => {
    const server = await mergingServer({ fanOutMergeMinPlayers: 3 });
    const players = [await server.play('m', 1), await server.play('m', 1)];
    await server.playing(2);
    await (await server.publisher('m'))(7);
    for (const { bytes } of await Promise.all(players.map((p) => p.done))) expect(bytes).toEqual([7]);
  });
});
