// RTMPT (rtmpt://: RTMP carried by HTTP POSTs) on RtmpServer's HTTP listener, against Debian's
// FFmpeg 5.1 publishing and playing, and our client; the tunnel's limits.
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer, get as httpsGet } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect } from '@rtmp/client';
import {
  deferCleanups,
  ffmpegPublishArgs,
  numberedFrame,
  packetHashes,
  peerAvailable,
  runProcess,
  sampleFlv,
  selfSignedCertificate,
  startProcess,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { expectConsecutive, frames, play, publishing } from './live-helpers';
import { startServer } from './start-server';

const defer = deferCleanups(afterEach);

/** An RtmpServer with an RTMPT listener on an ephemeral port; `rtmpt` is `rtmpt://127.0.0.1:PORT/live`. */
async function tunnelServer(options: Parameters<typeof startServer>[1] = {}) {
  const started = await startServer(defer, options);
  const http = await started.server.listenRtmpt({ port: 0 });
  return { ...started, http, rtmpt: `rtmpt://127.0.0.1:${http.port}/live` };
}

const post = (url: string, body: Uint8Array = Uint8Array.of(0)) =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-fcs' } });

describe.skipIf(!peerAvailable('ffmpeg'))('RTMPT with FFmpeg 5.1', () => {
  it('ffmpeg publishes over rtmpt:// while ffmpeg plays over rtmpt://: the player’s video packets are the source’s', async () => {
    const flv = await sampleFlv({ seconds: 3 });
    const { server, rtmpt } = await tunnelServer();
    const out = `${flv}.rtmpt.flv`;
    const player = startProcess('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-i',
      `${rtmpt}/cam`,
      '-c',
      'copy',
      '-f',
      'flv',
      out,
    ]);
    defer(() => void player.stop());
    await waitFor(() => server.stats().some((s) => s.key === 'live/cam' && s.players === 1), 15_000);
    await runProcess('ffmpeg', ffmpegPublishArgs(flv, `${rtmpt}/cam`));
    await player.exited;
    expect(await packetHashes(out, 'v')).toEqual(await packetHashes(flv, 'v'));
  });
});

describe('RTMPT with our client', () => {
  it('a publisher over rtmpt:// and players over rtmpt:// and rtmp:// get every frame in order', async () => {
    const { url, rtmpt } = await tunnelServer();
    const tunnelled = await play(rtmpt, 'cam');
    const direct = await play(url, 'cam');
    const publisher = await publishing(rtmpt, 'cam');
    await tunnelled.until((seen) => frames(seen).length >= 30);
    await direct.until((seen) => frames(seen).length >= 30);
    await publisher.stop();
    for (const player of [tunnelled, direct]) expectConsecutive(player.seen, 30);
  });
});

describe('RTMPTS: rtmptHandler on an HTTPS server of its own', () => {
  it('our client tunnels through https with the certificate trusted; the server’s other routes still answer', async () => {
    const { cert, key } = await selfSignedCertificate();
    const { server, url } = await startServer(defer);
    const tunnel = server.rtmptHandler();
    const https = createHttpsServer({ cert, key }, (req, res) => {
      if (!tunnel(req, res)) res.writeHead(200).end('other route');
    });
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    defer(() => new Promise((resolve) => https.close(resolve)));
    const port = (https.address() as AddressInfo).port;
    const rtmpts = `rtmpts://localhost:${port}/live`;
    const player = await play(url, 'cam');
    const connection = await connect(rtmpts, { tls: { ca: cert } });
    defer(() => connection.close());
    expect(connection.url).toMatchObject({ protocol: 'rtmpts', port });
    const publisher = await connection.publish('cam');
    for (let index = 0; index < 10; index++) await publisher.writeVideo(index * 33, numberedFrame(index));
    await player.until((seen) => frames(seen).length >= 10);
    expect(frames(player.seen).slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const other = await new Promise<string>((resolve, reject) =>
      httpsGet(`https://localhost:${port}/`, { ca: cert }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve(body));
      }).on('error', reject),
    );
    expect(other).toBe('other route');
  });
});

describe('RTMPT client refusals', () => {
  it('an HTTP server that is not a tunnel (404 on /open/1) fails the connect with a typed client error', async () => {
    const http = createHttpServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    defer(() => new Promise((resolve) => http.close(resolve)));
    const port = (http.address() as AddressInfo).port;
    await expect(connect(`rtmpt://127.0.0.1:${port}/live`, { timeoutMs: 5000 })).rejects.toMatchObject({
      code: expect.stringMatching(/^CLIENT_/),
      message: expect.stringMatching(/HTTP 404/),
    });
  });
});

describe('the RTMPT tunnel', () => {
  it('answers /open/1 with a random session id; send, idle and close carry a polling byte; unknown ids get 404', async () => {
    const { http } = await tunnelServer();
    const base = `http://127.0.0.1:${http.port}`;
    const opened = await post(`${base}/open/1`);
    expect(opened.status).toBe(200);
    expect(opened.headers.get('content-type')).toBe('application/x-fcs');
    const id = (await opened.text()).trim();
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    const other = (await (await post(`${base}/open/1`)).text()).trim();
    expect(other).not.toBe(id);
    // Nothing to say yet: the polling hint alone, growing while idle.
    const idle = new Uint8Array(await (await post(`${base}/idle/${id}/1`)).arrayBuffer());
    expect([...idle]).toEqual([3]);
    // A C0+C1 in a send: the S0+S1+S2 comes back in the same response.
    const c0c1 = new Uint8Array(1537);
    c0c1[0] = 3;
    const answer = new Uint8Array(await (await post(`${base}/send/${id}/2`, c0c1)).arrayBuffer());
    expect(answer[0]).toBe(1);
    expect(answer.length).toBe(1 + 3073);
    expect(answer[1]).toBe(3);
    expect((await post(`${base}/idle/${'0'.repeat(32)}/3`)).status).toBe(404);
    expect((await fetch(`${base}/idle/${id}/4`)).status).toBe(405);
    expect((await post(`${base}/close/${id}/5`)).status).toBe(200);
    expect((await post(`${base}/idle/${id}/6`)).status).toBe(404);
    expect((await post(`${base}/crossdomain.xml`)).status).toBe(404);
  });

  it('closes a session that stops polling (idleTimeoutMs), refuses /open past maxSessions once observed, and a body past maxRequestBytes', async () => {
    const refused: unknown[] = [];
    const { server, http } = await tunnelServer({
      rtmpt: { idleTimeoutMs: 200, maxSessions: 2, maxRequestBytes: 4096 },
      observe: { refused: (refusal) => refused.push(refusal) },
    });
    const base = `http://127.0.0.1:${http.port}`;
    const first = (await (await post(`${base}/open/1`)).text()).trim();
    await waitFor(() => server.connections === 1);
    // No request for 200 ms: the session and its connection end (polling would have kept it).
    await waitFor(() => server.connections === 0, 5000);
    expect((await post(`${base}/idle/${first}/1`)).status).toBe(404);
    const a = (await (await post(`${base}/open/1`)).text()).trim();
    await post(`${base}/open/1`);
    expect((await post(`${base}/open/1`)).status).toBe(503);
    expect(refused).toEqual([
      { kind: 'connection', remoteAddress: expect.any(String), option: 'rtmptMaxSessions', limit: 2 },
    ]);
    expect((await post(`${base}/send/${a}/1`, new Uint8Array(8192))).status).toBe(413);
    expect((await post(`${base}/idle/${a}/2`)).status).toBe(404);
  });
});
