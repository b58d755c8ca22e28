// Browser playback's transport: live streams as HTTP-FLV and WebSocket-FLV.
import { writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { connect } from '@rtmp/client';
import { buildVideoBody } from '@rtmp/messages';
import { RtmpServer, type RtmpServerOptions } from '@rtmp/server';
import {
  deferCleanups,
  ffmpegPublishArgs,
  flvTagsOf,
  frameNumber,
  numberedFrame,
  packetHashes,
  peerAvailable,
  probeCodecs,
  sampleFlv,
  startProcess,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const defer = deferCleanups(afterEach);

async function servers(options: RtmpServerOptions = {}) {
  const server = new RtmpServer({ port: 0, ...options });
  const { url } = await server.listen();
  const http = await server.http.listen({ port: 0 });
  defer(() => server.close());
  return { server, url, httpUrl: http.url };
}

const CONFIG = Uint8Array.from([0x17, 0, 0, 0, 0, 1, 0x64, 0, 0x1f]);
const frame = (index: number, size = 100) => numberedFrame(index, { size });
const indexOf = frameNumber;

async function publisherOf(url: string, name: string) {
  const connection = await connect(url);
  defer(() => connection.close());
  const publisher = await connection.publish(name);
  await publisher.writeVideo(0, CONFIG);
  return publisher;
}

/** A WebSocket-FLV viewer collecting frame indexes until `count`. */
function wsViewer(url: string) {
  const ws = new WebSocket(url);
  defer(() => ws.terminate());
  const chunks: Buffer[] = [];
  ws.on('message', (data: Buffer) => chunks.push(data));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  const frames = () =>
    flvTagsOf(Buffer.concat(chunks))
      .filter((tag) => tag.type === 9)
      .map((tag) => indexOf(tag.body))
      .filter((index) => index >= 0);
  return { ws, opened, frames, chunks };
}

describe.skipIf(!peerAvailable('ffmpeg'))('HTTP-FLV with FFmpeg', () => {
  it('ffmpeg publishes; a plain HTTP GET for 4 s gives an FLV ffprobe reads (H.264, AAC), video a contiguous run of the source from a keyframe', async () => {
    const flv = await sampleFlv({ seconds: 10, fps: 25 });
    const { server, url, httpUrl } = await servers();
    const publisher = startProcess('ffmpeg', ffmpegPublishArgs(flv, `${url}/live/cam`));
    defer(() => publisher.stop());
    await waitFor(() => server.stats().some((s) => s.publishing && s.messages > 20), 15_000);
    const response = await fetch(`${httpUrl}/live/cam.flv`, { signal: AbortSignal.timeout(4000) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/x-flv');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const chunks: Uint8Array[] = [];
    try {
      for await (const chunk of response.body!) chunks.push(chunk);
    } catch {
      // the 4 s are up
    }
    const out = `${flv}.http.flv`;
    writeFileSync(out, Buffer.concat(chunks));
    expect(await probeCodecs(out)).toEqual(['aac', 'h264']);
    const played = await packetHashes(out, 'v');
    const source = await packetHashes(flv, 'v');
    const first = source.indexOf(played[0]!);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first % 25).toBe(0);
    expect(played.length).toBeGreaterThan(50);
    expect(played).toEqual(source.slice(first, first + played.length));
  });
});

describe('WebSocket-FLV', () => {
  it('200 viewers of one stream all get every frame, in order', async () => {
    const { server, url, httpUrl } = await servers({ maxConnectionsPerAddress: 1000 });
    const publisher = await publisherOf(`${url}/live`, 'wide');
    await publisher.writeVideo(0, frame(0));
    const viewers = Array.from({ length: 200 }, () =>
      wsViewer(`${httpUrl.replace('http', 'ws')}/live/wide.flv`),
    );
    await Promise.all(viewers.map((viewer) => viewer.opened));
    await waitFor(() => server.stats()[0]!.players === 200);
    for (let index = 1; index < 100; index++) await publisher.writeVideo(index * 33, frame(index));
    await waitFor(() => viewers.every((viewer) => viewer.frames().at(-1) === 99), 20_000);
    for (const viewer of viewers) expect(viewer.frames()).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(server.stats()[0]!.dropped).toBe(0);
  });

  it('a viewer that stops reading drops to keyframes, then is closed; the others are unaffected', async () => {
    const { server, url, httpUrl } = await servers({
      maxPlayerQueueBytes: 64 * 1024,
      maxPlayerQueueDelayMs: 200,
      playerDrainTimeoutMs: 1000,
    });
    const publisher = await publisherOf(`${url}/live`, 'slow');
    const healthy = wsViewer(`${httpUrl.replace('http', 'ws')}/live/slow.flv`);
    const stalled = wsViewer(`${httpUrl.replace('http', 'ws')}/live/slow.flv`);
    await Promise.all([healthy.opened, stalled.opened]);
    (stalled.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await waitFor(() => server.stats()[0]!.players === 2);
    // Feed until the stalled viewer is gone (bounded): its socket buffers fill, then its queue.
    let index = 0;
    for (; index < 3000 && server.stats()[0]!.players === 2; index++) {
      await publisher.writeVideo(index * 33, frame(index, 20_000));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(server.stats()[0]!.players).toBe(1);
    const last = index - 1;
    await waitFor(() => healthy.frames().at(-1) === last, 20_000);
    expect(healthy.frames()).toEqual(Array.from({ length: index }, (_, i) => i));
    expect(server.stats()[0]!.dropped).toBeGreaterThan(0);
    expect(server.stats()[0]!.players).toBe(1);
  });
});

describe('HTTP-FLV content', () => {
  it('an Enhanced RTMP stream goes out as Enhanced FLV, tag bodies byte for byte; onPlay sees the viewer with its query', async () => {
    const seen: string[] = [];
    const { url, httpUrl } = await servers({
      onPlay: ({ name, query, remoteAddress }) => {
        seen.push(`${name}?${query} from ${remoteAddress}`);
        return true;
      },
    });
    const connection = await connect(`${url}/live`);
    defer(() => connection.close());
    const publisher = await connection.publish('hevc');
    const bodies = [
      buildVideoBody({
        frameType: 1,
        packetType: 'sequence-start',
        tracks: [{ trackId: 0, fourCc: 'hvc1', data: Uint8Array.from([1, 2]) }],
      }),
      buildVideoBody({
        frameType: 1,
        packetType: 'coded-frames',
        tracks: [{ trackId: 0, fourCc: 'hvc1', data: Uint8Array.from([3]) }],
      }),
      buildVideoBody({
        frameType: 2,
        packetType: 'coded-frames',
        tracks: [{ trackId: 0, fourCc: 'hvc1', data: Uint8Array.from([4]) }],
      }),
    ];
    for (const body of bodies) await publisher.writeVideo(0, body);
    const response = await fetch(`${httpUrl}/live/hevc.flv?token=abc`);
    const reader = response.body!.getReader();
    let bytes = new Uint8Array(0);
    while (flvTagsOf(bytes).length < bodies.length) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes = new Uint8Array(Buffer.concat([bytes, value]));
    }
    await reader.cancel();
    expect(bytes[4]).toBe(0x01); // the header's flags: video only
    expect(flvTagsOf(bytes).map((tag) => Buffer.from(tag.body).toString('hex'))).toEqual(
      bodies.map((body) => Buffer.from(body).toString('hex')),
    );
    expect(seen.at(-1)).toBe('hevc?token=abc from 127.0.0.1');
  });
});

describe('HTTP-FLV bad input', () => {
  /** A raw request, for what fetch would not send; resolves with the status line. */
  const raw = (port: number, text: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = tcpConnect(port, '127.0.0.1', () => socket.write(text));
      let answer = '';
      socket.on('data', (data) => {
        answer += data.toString('latin1');
      });
      socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
      socket.on('error', reject);
    });

  it('answers .. with 400, an unknown stream with 404 (after waitMs), a huge header with 431, a bad upgrade with 400, a denied play with 403; the server goes on', async () => {
    const { url, httpUrl } = await servers({
      http: { waitMs: 200 },
      onPlay: ({ name }) => (name === 'secret' ? { allow: false, description: 'not for you' } : true),
    });
    const port = Number(new URL(httpUrl).port);
    expect(
      await raw(port, 'GET /live/../etc/passwd.flv HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    ).toBe('HTTP/1.1 400 Bad Request');
    const started = Date.now();
    expect((await fetch(`${httpUrl}/live/nobody.flv`)).status).toBe(404);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(
      await raw(
        port,
        `GET /live/x.flv HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`,
      ),
    ).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    await publisherOf(`${url}/live`, 'cam');
    expect(
      await raw(
        port,
        'GET /live/cam.flv HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      ),
    ).toBe('HTTP/1.1 400 Bad Request');
    const denied = await fetch(`${httpUrl}/live/secret.flv`);
    expect(denied.status).toBe(403);
    expect(await denied.text()).toBe('not for you\n');
    expect((await fetch(`${httpUrl}/other`)).status).toBe(404);
    // Still serving.
    const response = await fetch(`${httpUrl}/live/cam.flv`);
    expect(response.status).toBe(200);
    await response.body?.cancel();
  });

  it('attaches to an existing node:http server: its other routes stay its own', async () => {
    const server = new RtmpServer({ port: 0 });
    await server.listen();
    defer(() => server.close());
    const { createServer } = await import('node:http');
    const app = createServer((req, res) => {
      if (!server.http.handle(req, res)) res.writeHead(200).end('app');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', () => resolve()));
    defer(() => new Promise((resolve) => app.close(resolve)));
    const port = (app.address() as { port: number }).port;
    expect(await (await fetch(`http://127.0.0.1:${port}/index.html`)).text()).toBe('app');
    expect((await fetch(`http://127.0.0.1:${port}/live/none.flv`)).status).toBe(404);
  });
});
