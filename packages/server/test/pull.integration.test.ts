// Edges: a stream nobody publishes here pulled from its origin (ours or nginx-rtmp) on demand.
import { connect } from '@rtmp/client';
import {
  deferCleanups,
  ffmpegPublishArgs,
  flvTagsOf,
  freePort,
  peerAvailable,
  readFlvTags,
  sampleFlv,
  startNginxRtmp,
  startProcess,
  toHex,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { frameIndex, frames, play, publishing, server } from './live-helpers';

const defer = deferCleanups(afterEach);

describe('pull (edge)', () => {
  it('an edge pulls from an origin for its players (one pull for all); the origin unpublish ends them with StreamEOF', async () => {
    const origin = await server();
    const edge = await server({ relay: { pull: `${origin.url}/live`, pullIdleMs: 100 } });
    const publisher = await publishing(`${origin.url}/live`, 'cam');
    const first = await play(`${edge.url}/live`, 'cam');
    const second = await play(`${edge.url}/live`, 'cam');
    await first.until((seen) => frames(seen).length >= 40);
    await second.until((seen) => frames(seen).length >= 10);
    for (const player of [first, second]) {
      const got = frames(player.seen);
      expect(got[0]! % 30).toBe(0); // from a keyframe (the origin's join cache)
      expect(got).toEqual(got.map((_, at) => got[0]! + at));
    }
    expect(origin.server.stats()[0]!.players).toBe(1); // one pull for both
    expect(edge.server.stats()[0]!.relays).toEqual([
      expect.objectContaining({ direction: 'pull', url: `${origin.url}/live/cam`, state: 'live' }),
    ]);
    await publisher.stop();
    expect(await first.until(() => false)).toBe(true);
    expect(first.seen).toContain('eof');
    // The edge's stream is unpublished (its players may wait for it again); the pull is gone.
    await waitFor(
      () => edge.server.stats()[0]?.publishing === false && edge.server.stats()[0]?.relays === undefined,
    );
    await waitFor(() => origin.server.stats().length === 0);
  });

  it('the edge lets go of its pull some time after its last player leaves', async () => {
    const origin = await server();
    const edge = await server({ relay: { pull: `${origin.url}/live`, pullIdleMs: 200 } });
    const publisher = await publishing(`${origin.url}/live`, 'cam');
    defer(() => publisher.stop());
    const player = await play(`${edge.url}/live`, 'cam');
    await player.until((seen) => frames(seen).length >= 5);
    await player.connection.close();
    expect(origin.server.stats()[0]!.players).toBe(1); // not at once
    // The pull's connection closes, then the edge forgets the stream.
    await waitFor(() => origin.server.stats()[0]!.players === 0 && edge.server.stats().length === 0);
  });

  it('a pull chain: origin → edge → edge', async () => {
    const origin = await server();
    const middle = await server({ relay: { pull: `${origin.url}/live` } });
    const outer = await server({ relay: { pull: `${middle.url}/live` } });
    const publisher = await publishing(`${origin.url}/live`, 'cam');
    defer(() => publisher.stop());
    const player = await play(`${outer.url}/live`, 'cam');
    await player.until((seen) => frames(seen).length >= 20);
    const got = frames(player.seen);
    expect(got).toEqual(got.map((_, at) => got[0]! + at));
  });

  it('a pull loop is refused: each edge pulling from the other', async () => {
    const bPort = await freePort();
    const a = await server({
      relay: { pull: `rtmp://127.0.0.1:${bPort}/live`, id: 'edge-a', minDelayMs: 50, maxDelayMs: 100 },
    });
    const b = await server({ port: bPort, relay: { pull: `${a.url}/live`, id: 'edge-b' } });
    const player = await play(`${a.url}/live`, 'nobody');
    await waitFor(() => b.server.stats()[0]?.relays?.[0]?.state === 'failed');
    expect(b.server.stats()[0]!.relays![0]!.error).toMatch(/relay loop/);
    await player.connection.close();
  });

  it('a resolver function picks the origin, or none (then the player waits like any other)', async () => {
    const origin = await server();
    const edge = await server({
      relay: {
        pull: (app, name) => (name.startsWith('remote-') ? `${origin.url}/${app}/${name}` : undefined),
      },
    });
    const publisher = await publishing(`${origin.url}/live`, 'remote-1');
    defer(() => publisher.stop());
    const player = await play(`${edge.url}/live`, 'remote-1');
    await player.until((seen) => frames(seen).length >= 5);
    const local = await play(`${edge.url}/live`, 'local-1');
    expect(edge.server.stats().find((s) => s.key === 'live/local-1')?.relays).toBeUndefined();
    await local.connection.close();
  });

  it('an HTTP-FLV or WebSocket-FLV viewer on an edge gets the stream pulled for it; an unknown one gets 404 and leaves nothing behind', async () => {
    const origin = await server();
    const edge = await server({
      relay: { pull: `${origin.url}/live`, pullIdleMs: 100 },
      http: { pullWaitMs: 1500 },
    });
    const { url: httpUrl } = await edge.server.http.listen({ port: 0 });
    const publisher = await publishing(`${origin.url}/live`, 'cam');
    defer(() => publisher.stop());
    const ws = new WebSocket(`${httpUrl.replace('http', 'ws')}/live/cam.flv`);
    defer(() => ws.terminate());
    const chunks: Buffer[] = [];
    ws.on('message', (data: Buffer) => chunks.push(data));
    const got = () => {
      const tags = flvTagsOf(Buffer.concat(chunks)).filter((tag) => tag.type === 9);
      return tags.map((tag) => frameIndex(tag.body)).filter((index) => index >= 0);
    };
    await waitFor(() => got().length >= 20);
    const indexes = got();
    expect(indexes[0]! % 30).toBe(0); // from a keyframe
    expect(indexes).toEqual(indexes.map((_, at) => indexes[0]! + at));
    expect(origin.server.stats()[0]!.players).toBe(1);
    ws.terminate();
    await waitFor(() => origin.server.stats()[0]!.players === 0 && edge.server.stats().length === 0);

    // The origin has no such stream: the pull plays it, nothing comes, the viewer gets 404.
    const answer = await fetch(`${httpUrl}/live/nobody.flv`);
    expect(answer.status).toBe(404);
    const keys = () => origin.server.stats().map((stream) => stream.key);
    await waitFor(() => keys().join() === 'live/cam' && edge.server.stats().length === 0);
  });
});

describe.skipIf(!peerAvailable('ffmpeg') || !peerAvailable('nginx'))('pull from nginx-rtmp', () => {
  it('nginx-rtmp as the origin: consecutive source packets from a keyframe', async () => {
    const flv = await sampleFlv({ seconds: 10, fps: 25 });
    const nginx = await startNginxRtmp();
    defer(() => nginx.stop());
    const publisher = startProcess('ffmpeg', ffmpegPublishArgs(flv, `${nginx.url}/live/cam`));
    defer(() => publisher.stop());
    await nginx.waitFor('publish', 'cam');
    const edge = await server({ relay: { pull: `${nginx.url}/live` } });
    const connection = await connect(`${edge.url}/live`);
    defer(() => connection.close());
    const video: string[] = [];
    for await (const event of await connection.play('cam')) {
      if (event.type === 'video' && event.payload[1] === 1) video.push(toHex(event.payload));
      if (video.length >= 50) break;
    }
    const source = readFlvTags(flv)
      .filter((tag) => tag.type === 9 && tag.body[1] === 1)
      .map((tag) => toHex(tag.body));
    const first = source.indexOf(video[0]!);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first % 25).toBe(0);
    expect(video).toEqual(source.slice(first, first + video.length));
  });
});

describe('pull across an origin connection that drops', () => {
  it('is retried while players wait; they go on at a later keyframe, nothing repeated', async () => {
    const origin = await server();
    // A proxy between the edge and the origin whose connections the test cuts.
    const { createServer, connect: tcpConnect } = await import('node:net');
    const sockets = new Set<import('node:net').Socket>();
    const proxy = createServer((client) => {
      const upstream = tcpConnect(origin.port, '127.0.0.1');
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
    defer(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => proxy.close(resolve));
    });
    const proxyPort = (proxy.address() as { port: number }).port;
    const edge = await server({
      relay: { pull: `rtmp://127.0.0.1:${proxyPort}/live`, minDelayMs: 50, maxDelayMs: 100 },
    });
    const publisher = await publishing(`${origin.url}/live`, 'cam');
    defer(() => publisher.stop());
    const player = await play(`${edge.url}/live`, 'cam');
    await player.until((seen) => frames(seen).length >= 40);
    const before = frames(player.seen).length;
    for (const socket of sockets) socket.destroy();
    await player.until((seen) => frames(seen).length >= before + 40);
    const got = frames(player.seen);
    // Strictly increasing across the cut (no repeats from the origin's join cache)...
    expect(got.every((index, at) => at === 0 || index > got[at - 1]!)).toBe(true);
    // ...and contiguous but for the cut, after which it goes on at a keyframe.
    const gaps = got.flatMap((index, at) => (at > 0 && index !== got[at - 1]! + 1 ? [index] : []));
    expect(gaps.length).toBeLessThanOrEqual(1);
    for (const resumed of gaps) expect(resumed % 30).toBe(0);
    expect(edge.server.stats()[0]!.relays![0]).toMatchObject({ state: 'live', reconnects: 1 });
    expect(player.seen).not.toContain('eof');
  });
});
