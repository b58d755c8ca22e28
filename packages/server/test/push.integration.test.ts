// Restreaming: every stream published to one server pushed to other servers (ours and nginx-rtmp).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer, type Socket, connect as tcpConnect } from 'node:net';
import { connect, type PlayerEvent, type RtmpConnection } from '@rtmp/client';
import { buildVideoBody } from '@rtmp/messages';
import { diagnostics, RtmpServer, type RtmpServerOptions } from '@rtmp/server';
import {
  deferCleanups,
  ffmpegCopyArgs,
  ffmpegPublishArgs,
  frameNumber,
  freePort,
  numberedFrame,
  packetHashes,
  peerAvailable,
  runProcess,
  sampleFlv,
  selfSignedCertificate,
  startNginxRtmp,
  startProcess,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';

const defer = deferCleanups(afterEach);

async function server(options: RtmpServerOptions = {}) {
  const rtmp = new RtmpServer({ port: 0, ...options });
  const { url, port } = await rtmp.listen();
  defer(() => rtmp.close());
  return { server: rtmp, url, port };
}

/** An AVC-looking video stream: configuration, then 30 fps with a keyframe each second. */
const CONFIG = Uint8Array.from([0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f]);
const frame = (index: number, size = 200) => numberedFrame(index, { size });
const frameIndex = frameNumber;

/** Publishes `frames` video frames (and the configuration first) to `url/name`, `everyMs` apart. */
async function publishFrames(url: string, name: string, frames: number, everyMs = 5, size = 200) {
  const connection = await connect(url);
  defer(() => connection.close());
  const publisher = await connection.publish(name);
  await publisher.writeVideo(0, CONFIG);
  for (let index = 0; index < frames; index++) {
    await publisher.writeVideo(index * 33, frame(index, size));
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return { connection, publisher };
}

/** Collects the frame indexes a player of `url/name` gets until `done` says so. */
async function collect(url: string, name: string, done: (indexes: number[]) => boolean) {
  const connection: RtmpConnection = await connect(url);
  defer(() => connection.close());
  const indexes: number[] = [];
  const player = await connection.play(name, { endOnUnpublish: false });
  const events = player[Symbol.asyncIterator]();
  const result = (async () => {
    while (!done(indexes)) {
      const next = await events.next();
      if (next.done) break;
      const event: PlayerEvent = next.value;
      if (event.type === 'video' && frameIndex(event.payload) >= 0) indexes.push(frameIndex(event.payload));
    }
    return indexes;
  })();
  return { indexes, result };
}

/** A contiguous run of frame indexes that starts on a keyframe. */
const expectContiguousFromKeyframe = (indexes: number[]) => {
  expect(indexes.length).toBeGreaterThan(0);
  expect(indexes[0]! % 30).toBe(0);
  expect(indexes).toEqual(indexes.map((_, at) => indexes[0]! + at));
};

describe('push (restream)', () => {
  it('pushes to two destinations at once; one that is down at first gets the stream once it is up', async () => {
    const reported: string[] = [];
    const listener = (message: unknown) => {
      const { url, state } = message as { url: string; state: string };
      reported.push(`${url.includes('/later/') ? 'later' : 'mirror'} ${state}`);
    };
    subscribe(diagnostics.relay.name, listener);
    defer(() => unsubscribe(diagnostics.relay.name, listener));
    const a = await server();
    const downPort = await freePort();
    const origin = await server({
      relay: {
        push: [`${a.url}/mirror`, `rtmp://127.0.0.1:${downPort}/later`],
        minDelayMs: 100,
        maxDelayMs: 200,
      },
    });
    const toA = await collect(`${a.url}/mirror`, 'cam', (indexes) => indexes.includes(149));
    const publishing = publishFrames(`${origin.url}/live`, 'cam', 150, 20);
    await waitFor(
      () => origin.server.stats()[0]?.relays?.some((relay) => relay.state === 'retrying') ?? false,
    );
    const b = await server({ port: downPort });
    const toB = await collect(`${b.url}/later`, 'cam', (indexes) => indexes.includes(149));
    await publishing;
    expectContiguousFromKeyframe(await toA.result);
    expect((await toA.result)[0]).toBe(0);
    expectContiguousFromKeyframe(await toB.result);
    const relays = origin.server.stats()[0]!.relays!;
    expect(relays.map((relay) => [relay.url, relay.state])).toEqual([
      [`${a.url}/mirror/cam`, 'live'],
      [`rtmp://127.0.0.1:${downPort}/later/cam`, 'live'],
    ]);
    expect(relays[1]!.reconnects).toBeGreaterThan(0);
    expect(relays[0]!.messages).toBeGreaterThan(150);
    expect(origin.server.stats()[0]!.players).toBe(0); // relays are not players
    // rtmp:server:relay tells each state change.
    expect(reported.filter((line) => line.startsWith('mirror'))).toEqual(['mirror live']);
    expect(reported.filter((line) => line.startsWith('later'))).toContain('later retrying');
    expect(reported.filter((line) => line.startsWith('later')).at(-1)).toBe('later live');
  });

  it('a destination that stops reading drops to keyframes; the other destination and local players get every frame', async () => {
    const healthy = await server();
    const stalledTarget = await server();
    // A proxy in front of the stalled destination that stops reading after the handshake.
    const proxy = createServer((client: Socket) => {
      const upstream = tcpConnect(stalledTarget.port, '127.0.0.1');
      let seen = 0;
      client.on('data', (bytes) => {
        seen += bytes.length;
        upstream.write(bytes);
        if (seen > 20_000) client.pause(); // publish accepted and the first frames through, then nothing
      });
      upstream.pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      defer(() => {
        client.destroy();
        upstream.destroy();
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
    defer(() => new Promise((resolve) => proxy.close(resolve)));
    const proxyPort = (proxy.address() as { port: number }).port;
    const origin = await server({
      maxPlayerQueueBytes: 256 * 1024,
      relay: { push: [`rtmp://127.0.0.1:${proxyPort}/stuck`, `${healthy.url}/mirror`] },
    });
    const local = await collect(`${origin.url}/live`, 'cam', (indexes) => indexes.includes(299));
    const mirrored = await collect(`${healthy.url}/mirror`, 'cam', (indexes) => indexes.includes(299));
    await publishFrames(`${origin.url}/live`, 'cam', 300, 2, 60_000);
    expectContiguousFromKeyframe(await local.result);
    expect((await local.result)[0]).toBe(0);
    expectContiguousFromKeyframe(await mirrored.result);
    expect((await mirrored.result)[0]).toBe(0);
    const stuck = origin.server.stats()[0]!.relays!.find((relay) => relay.url.includes('/stuck/'))!;
    expect(stuck.dropped).toBeGreaterThan(0);
  });

  it('pushes over rtmps:// to a TLS listener with a self-signed certificate', async () => {
    const { cert, key } = await selfSignedCertificate();
    const secure = await server();
    const tls = await secure.server.listenTls({ port: 0, host: '127.0.0.1', cert, key });
    const origin = await server({
      relay: { push: [`rtmps://127.0.0.1:${tls.port}/secure`], tls: { ca: cert, servername: 'localhost' } },
    });
    const received = await collect(`${secure.url}/secure`, 'cam', (indexes) => indexes.includes(59));
    await publishFrames(`${origin.url}/live`, 'cam', 60, 10);
    expectContiguousFromKeyframe(await received.result);
    expect(origin.server.stats()[0]!.relays![0]).toMatchObject({
      state: 'live',
      url: `rtmps://127.0.0.1:${tls.port}/secure/cam`,
    });
  });

  it('destinations added and removed while the stream runs; an added one starts from the join cache', async () => {
    const target = await server();
    const origin = await server();
    const publishing = publishFrames(`${origin.url}/live`, 'cam', 120, 20);
    await waitFor(() => (origin.server.stats()[0]?.messages ?? 0) > 40);
    const received = await collect(`${target.url}/added`, 'cam', (indexes) => indexes.length >= 30);
    origin.server.push('live/cam', `${target.url}/added/cam`);
    const indexes = await received.result;
    expectContiguousFromKeyframe(indexes);
    expect(await origin.server.unpush('live/cam', `${target.url}/added/cam`)).toBe(1);
    expect(origin.server.stats()[0]!.relays).toBeUndefined();
    expect(() => origin.server.push('live/nobody', `${target.url}/added/x`)).toThrow(
      expect.objectContaining({ code: 'SERVER_INVALID_STATE' }),
    );
    expect(() => origin.server.push('live/cam', 'http://example.com/app/x')).toThrow(
      expect.objectContaining({ code: 'CLIENT_INVALID_URL' }),
    );
    await publishing;
  });

  it('relays an Enhanced RTMP stream as it is: HEVC on track 0, AV1 on track 1 (multitrack), byte for byte', async () => {
    const target = await server();
    const origin = await server({ relay: { push: [`${target.url}/mirror`] } });
    const bodies = [
      buildVideoBody({
        frameType: 1,
        packetType: 'sequence-start',
        tracks: [{ trackId: 0, fourCc: 'hvc1', data: Uint8Array.from([1, 2, 3]) }],
      }),
      buildVideoBody({
        frameType: 1,
        packetType: 'sequence-start',
        tracks: [{ trackId: 1, fourCc: 'av01', data: Uint8Array.from([4, 5]) }],
      }),
      ...Array.from({ length: 30 }, (_, i) =>
        buildVideoBody({
          frameType: i % 10 === 0 ? 1 : 2,
          packetType: 'coded-frames',
          tracks: [
            { trackId: 0, fourCc: 'hvc1', data: Uint8Array.from([i, 0xaa]) },
            { trackId: 1, fourCc: 'av01', data: Uint8Array.from([i, 0xbb]) },
          ],
        }),
      ),
    ];
    const connection = await connect(`${target.url}/mirror`);
    defer(() => connection.close());
    const player = await connection.play('enhanced', { endOnUnpublish: false });
    const received: string[] = [];
    const done = (async () => {
      for await (const event of player) {
        if (event.type === 'video') received.push(Buffer.from(event.payload).toString('hex'));
        if (received.length === bodies.length) return;
      }
    })();
    const publishing = await connect(`${origin.url}/live`);
    defer(() => publishing.close());
    const publisher = await publishing.publish('enhanced');
    await publisher.writeVideo(0, bodies[0]!);
    await publisher.writeVideo(0, bodies[1]!);
    // The push starts from the join cache once it is live: every frame after that goes through.
    await waitFor(() => origin.server.stats()[0]?.relays?.[0]?.state === 'live');
    for (const [i, body] of bodies.slice(2).entries()) await publisher.writeVideo(i * 33, body);
    await done;
    expect(received).toEqual(bodies.map((body) => Buffer.from(body).toString('hex')));
  });

  it("a destination's key: the stream's own query never leaves by default; a name function carries or replaces it", async () => {
    const queries: string[] = [];
    const target = await server({
      onPublish: ({ name, query }) => {
        queries.push(`${name}?${query}`);
        return true;
      },
    });
    const origin = await server({
      relay: {
        push: [
          `${target.url}/plain`,
          { url: `${target.url}/carried`, name: (info) => `${info.name}?${info.query}` },
          { url: `${target.url}/replaced`, name: (info) => `${info.name}-out?key=destination-key` },
        ],
      },
    });
    const connection = await connect(`${origin.url}/live`);
    defer(() => connection.close());
    await connection.publish('cam?key=origin-key');
    await waitFor(() => queries.length === 3);
    expect(queries.sort()).toEqual(['cam-out?key=destination-key', 'cam?', 'cam?key=origin-key']);
    // The figures never show a key.
    await waitFor(() => origin.server.stats()[0]?.relays?.every((relay) => relay.state === 'live') ?? false);
    expect(
      origin.server
        .stats()[0]!
        .relays!.map((relay) => relay.url)
        .some((url) => url.includes('key=')),
    ).toBe(false);
  });

  it('a destination URL that does not parse is refused at start', () => {
    expect(() => new RtmpServer({ relay: { push: ['http://example.com/live'] } })).toThrow(
      expect.objectContaining({ code: 'SERVER_INVALID_OPTION' }),
    );
    expect(() => new RtmpServer({ relay: { push: ['rtmp://127.0.0.1:1935'] } })).toThrow(
      /expected rtmp\[s\]:\/\/host/,
    );
    expect(() => new RtmpServer({ relay: { pull: 'ftp://origin/live' } })).toThrow(
      expect.objectContaining({
        code: 'SERVER_INVALID_OPTION',
        message: expect.stringContaining('relay.pull'),
      }),
    );
  });

  it('a destination that refuses the publish: state failed with its status, no retries; a relay loop is refused', async () => {
    const refusing = await server({
      onPublish: () => ({ allow: false, description: 'no key', code: 'NetStream.Publish.BadName' }),
    });
    const origin = await server({
      relay: { push: [`${refusing.url}/app`], minDelayMs: 50, maxDelayMs: 100 },
    });
    const { publisher } = await publishFrames(`${origin.url}/live`, 'cam', 10, 5);
    await waitFor(() => origin.server.stats()[0]?.relays?.[0]?.state === 'failed');
    const failed = origin.server.stats()[0]!.relays![0]!;
    expect(failed.error).toMatch(/NetStream\.Publish\.BadName.*no key/);
    expect(failed.reconnects).toBe(0);
    await publisher.close();

    // A pushes to B, B pushes back to A: A sees its own name in rtmpRelayVia and refuses.
    const bPort = await freePort();
    const a = await server({ relay: { push: [`rtmp://127.0.0.1:${bPort}/live`], id: 'server-a' } });
    const b = await server({ port: bPort, relay: { push: [`${a.url}/live`], id: 'server-b' } });
    await publishFrames(`${a.url}/live`, 'loop', 10, 5);
    await waitFor(() => b.server.stats().find((s) => s.key === 'live/loop')?.relays?.[0]?.state === 'failed');
    expect(b.server.stats().find((s) => s.key === 'live/loop')!.relays![0]!.error).toMatch(/relay loop/);
  });
});

describe.skipIf(!peerAvailable('ffmpeg') || !peerAvailable('nginx'))('push to nginx-rtmp', () => {
  it('ffmpeg publishes to us, ffmpeg plays from nginx: the same video packets', async () => {
    const flv = await sampleFlv({ seconds: 3 });
    const nginx = await startNginxRtmp();
    defer(() => nginx.stop());
    const origin = await server({ relay: { push: [`${nginx.url}/live`] } });
    const out = `${flv}.pushed.flv`;
    // nginx ends a live stream with UnpublishNotify, which FFmpeg waits through: it stops after 2 s
    // without data (-rw_timeout) instead.
    const player = startProcess('ffmpeg', [
      '-rw_timeout',
      '2000000',
      ...ffmpegCopyArgs(`${nginx.url}/live/pushed`, out),
    ]);
    defer(() => player.stop());
    await nginx.waitFor('play', 'pushed');
    await runProcess('ffmpeg', ffmpegPublishArgs(flv, `${origin.url}/live/pushed`));
    expect(await player.exited).toBe(0);
    expect(await packetHashes(out, 'v')).toEqual(await packetHashes(flv, 'v'));
  });
});
