import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createTcpServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { encode } from '@rtmp/amf0';
import {
  connect,
  keepConnected,
  type PlayerEvent,
  type RtmpClientError,
  type RtmpConnection,
  type RtmpPublisher,
} from '@rtmp/client';
import {
  deferCleanups,
  FFMPEG_QUIET,
  type FlvTag,
  ffmpegFramemd5Args,
  ffmpegPublishArgs,
  freePort,
  ipv6Available,
  packetHashes,
  parseFramemd5,
  peerAvailable,
  readFlvTags,
  retry,
  runProcess,
  sampleFlv,
  selfSignedCertificate,
  startNginxRtmp,
  startProcess,
  toHex,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';

const defer = deferCleanups(afterEach);
/** `::1` can be bound (required in CI; elsewhere its tests are skipped, visibly). */
const ipv6 = await ipv6Available();
const SET_DATA_FRAME = encode('@setDataFrame');

/** Publishes every tag of an FLV file, paced by timestamps (`realtime`) or as fast as possible. */
async function publishTags(
  publisher: RtmpPublisher,
  tags: readonly FlvTag[],
  realtime: boolean,
): Promise<void> {
  const start = Date.now();
  for (const tag of tags) {
    if (realtime) {
      const wait = start + tag.timestamp - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    if (tag.type === 8) await publisher.writeAudio(tag.timestamp, tag.body);
    else if (tag.type === 9) await publisher.writeVideo(tag.timestamp, tag.body);
    else await publisher.writeData(tag.timestamp, Buffer.concat([SET_DATA_FRAME, tag.body]));
  }
}

async function open(url: string, options: Parameters<typeof connect>[1] = {}): Promise<RtmpConnection> {
  const connection = await connect(url, options);
  defer(() => connection.close());
  return connection;
}

/** Everything a player yields until the stream ends. */
async function collect(url: string, name: string, options: Parameters<typeof connect>[1] = {}) {
  const connection = await open(url, { ...options, player: true });
  const player = await connection.play(name);
  const events: PlayerEvent[] = [];
  return {
    done: (async () => {
      for await (const event of player) events.push(event);
      return events;
    })(),
  };
}

const media = (events: PlayerEvent[], type: 'audio' | 'video') =>
  events
    .filter((e): e is Extract<PlayerEvent, { type: 'audio' | 'video' }> => e.type === type)
    .map((e) => toHex(e.payload));
const tagBodies = (tags: FlvTag[], type: number) =>
  tags.filter((t) => t.type === type).map((t) => toHex(t.body));

describe.skipIf(!peerAvailable('ffmpeg') || !peerAvailable('nginx'))('with nginx-rtmp', () => {
  it('our client publishes a real H.264/AAC FLV; ffmpeg plays it back with identical video packets', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    // publish_notify: nginx tells players when the publisher leaves, and ffmpeg then stops.
    const nginx = await startNginxRtmp('application live { live on; publish_notify on; }');
    defer(() => nginx.stop());
    // ffmpeg subscribes first and waits; it stops when the publisher leaves (UnpublishNotify).
    const player = startProcess('ffmpeg', ffmpegFramemd5Args(`${nginx.url}/live/cam`));
    defer(() => player.stop());
    const connection = await open(`${nginx.url}/live`);
    const publisher = await retry(async () => connection.publish('cam'));
    await nginx.waitFor('play', 'cam'); // ffmpeg's play has reached nginx
    await publishTags(publisher, readFlvTags(flv), true);
    await publisher.close();
    await player.exited;
    expect(parseFramemd5(player.stdout())).toEqual(await packetHashes(flv, 'v'));
  });

  it('ffmpeg publishes; our client plays every audio and video message identical to the source', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const nginx = await startNginxRtmp();
    defer(() => nginx.stop());
    const playing = await collect(`${nginx.url}/live`, 'cam');
    await runProcess('ffmpeg', ffmpegPublishArgs(flv, `${nginx.url}/live/cam`));
    const events = await playing.done;
    const tags = readFlvTags(flv);
    expect(media(events, 'video')).toEqual(tagBodies(tags, 9));
    expect(media(events, 'audio')).toEqual(tagBodies(tags, 8));
    expect(events.filter((e) => e.type === 'data').map((e) => e.type === 'data' && e.name)).toEqual([
      '|RtmpSampleAccess',
      'onMetaData',
    ]);
  });

  it('a second publisher of the same name is refused with NetStream.Publish.BadName', async () => {
    const nginx = await startNginxRtmp();
    defer(() => nginx.stop());
    await (await open(`${nginx.url}/live`)).publish('cam');
    const second = await open(`${nginx.url}/live`);
    await expect(second.publish('cam')).rejects.toMatchObject({
      code: 'CLIENT_PUBLISH_REJECTED',
      statusCode: 'NetStream.Publish.BadName',
      description: 'Already publishing',
    });
  });

  it('an unknown application: nginx hangs up and connect fails with a typed error', async () => {
    const nginx = await startNginxRtmp();
    defer(() => nginx.stop());
    await expect(connect(`${nginx.url}/no-such-app`)).rejects.toMatchObject({
      name: 'RtmpClientError',
      code: 'CLIENT_CONNECTION_CLOSED',
    });
  });

  it('RTMPS: publishing through a TLS listener with a self-signed certificate', async () => {
    const { cert, key } = await selfSignedCertificate();
    const nginx = await startNginxRtmp();
    defer(() => nginx.stop());
    const proxy = createTlsServer({ key, cert }, (secure) => {
      const plain = tcpConnect({ host: '127.0.0.1', port: nginx.port });
      secure.pipe(plain).pipe(secure);
      secure.on('error', () => plain.destroy());
      plain.on('error', () => secure.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    defer(() => new Promise((resolve) => proxy.close(resolve)));
    const port = (proxy.address() as { port: number }).port;

    const flv = await sampleFlv({ seconds: 2 });
    const playing = await collect(`${nginx.url}/live`, 'secure');
    const connection = await open(`rtmps://localhost:${port}/live`, { tls: { ca: cert } });
    expect(connection.url).toMatchObject({ protocol: 'rtmps', port });
    const publisher = await connection.publish('secure');
    await publishTags(publisher, readFlvTags(flv), true);
    await publisher.close();
    expect(media(await playing.done, 'video')).toEqual(tagBodies(readFlvTags(flv), 9));
    // Without trusting the certificate, TLS fails with a typed network error.
    await expect(connect(`rtmps://localhost:${port}/live`)).rejects.toMatchObject({
      code: 'CLIENT_NETWORK_ERROR',
    });
  });

  it.skipIf(!ipv6)('IPv6: publishing and playing over [::1]', async () => {
    const flv = await sampleFlv({ seconds: 1 });
    const nginx = await startNginxRtmp(undefined, undefined, '::1');
    defer(() => nginx.stop());
    expect(nginx.url).toMatch(/^rtmp:\/\/\[::1\]:\d+$/);
    const playing = await collect(`${nginx.url}/live`, 'v6');
    const publisher = await (await open(`${nginx.url}/live`)).publish('v6');
    await publishTags(publisher, readFlvTags(flv), true);
    await publisher.close();
    expect(media(await playing.done, 'video')).toEqual(tagBodies(readFlvTags(flv), 9));
  });
});

describe.skipIf(!peerAvailable('ffmpeg'))('with ffmpeg -listen as the server', () => {
  it('our client publishes; the file ffmpeg writes has identical audio and video packets', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const dir = mkdtempSync(join(tmpdir(), 'ffmpeg-listen-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const out = join(dir, 'out.flv');
    const port = await freePort();
    const server = startProcess('ffmpeg', [
      ...FFMPEG_QUIET,
      '-listen',
      '1',
      '-i',
      `rtmp://127.0.0.1:${port}/live/cam`,
      '-c',
      'copy',
      '-f',
      'flv',
      out,
    ]);
    defer(() => server.stop());
    // ffmpeg -listen accepts one connection: retry until it listens (a refused connect is cheap).
    const connection = await retry(() => connect(`rtmp://127.0.0.1:${port}/live`), 100, 100);
    const publisher = await connection.publish('cam');
    await publishTags(publisher, readFlvTags(flv), false);
    await publisher.close();
    await connection.close();
    expect(await server.exited).toBe(0);
    expect(await packetHashes(out, 'v')).toEqual(await packetHashes(flv, 'v'));
    expect(await packetHashes(out, 'a')).toEqual(await packetHashes(flv, 'a'));
  });
});

describe('faults (F7): each rejects once with a typed error, no unhandled rejection', () => {
  /** A TCP server that accepts and then does what `behave` says; cleanup destroys what it accepted. */
  async function server(behave: (socket: import('node:net').Socket) => void): Promise<number> {
    const accepted = new Set<import('node:net').Socket>();
    const listener = createTcpServer((socket) => {
      accepted.add(socket);
      behave(socket);
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    defer(() => {
      for (const socket of accepted) socket.destroy();
      return new Promise((resolve) => listener.close(resolve));
    });
    return (listener.address() as { port: number }).port;
  }

  /** A server that accepts connections and never says a word. */
  const silentServer = () => server(() => {});

  it('F7: connection refused: CLIENT_NETWORK_ERROR', async () => {
    const port = await freePort();
    await expect(connect(`rtmp://127.0.0.1:${port}/live`)).rejects.toMatchObject({
      code: 'CLIENT_NETWORK_ERROR',
    });
  });

  it('F7: DNS failure: CLIENT_DNS_FAILED', async () => {
    await expect(connect('rtmp://no-such-host.invalid/live')).rejects.toMatchObject({
      code: 'CLIENT_DNS_FAILED',
    });
  });

  it('a server that accepts and never answers: CLIENT_TIMEOUT within timeoutMs', async () => {
    const port = await silentServer();
    await expect(connect(`rtmp://127.0.0.1:${port}/live`, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'CLIENT_TIMEOUT',
    });
  });

  it('F7: server closes mid-handshake and mid-connect: CLIENT_CONNECTION_CLOSED', async () => {
    const midHandshake = await server((socket) => socket.once('data', () => socket.destroy()));
    await expect(connect(`rtmp://127.0.0.1:${midHandshake}/live`)).rejects.toMatchObject({
      code: 'CLIENT_CONNECTION_CLOSED',
    });
    const { ScriptedServer } = await import('./scripted-server');
    const midConnect = await server((socket) => {
      const scripted = new ScriptedServer({ silent: ['connect'] });
      socket.on('data', (bytes) => {
        socket.write(scripted.receive(bytes));
        if (scripted.commands().includes('connect')) socket.destroy();
      });
    });
    await expect(connect(`rtmp://127.0.0.1:${midConnect}/live`)).rejects.toMatchObject({
      code: 'CLIENT_CONNECTION_CLOSED',
    });
  });

  it('F7: server closes mid-publish: publish() rejects with CLIENT_CONNECTION_CLOSED', async () => {
    const { ScriptedServer } = await import('./scripted-server');
    const port = await server((socket) => {
      const scripted = new ScriptedServer({ silent: ['publish'] });
      socket.on('data', (bytes) => {
        socket.write(scripted.receive(bytes));
        if (scripted.commands().includes('publish')) socket.destroy();
      });
    });
    const connection = await connect(`rtmp://127.0.0.1:${port}/live`);
    await expect(connection.publish('cam')).rejects.toMatchObject({ code: 'CLIENT_CONNECTION_CLOSED' });
    await expect(connection.publish('again')).rejects.toMatchObject({ code: 'CLIENT_CONNECTION_CLOSED' });
  });

  it('F7: keepConnected reconnects after a drop and a failed attempt, and the publish goes on', async () => {
    const { ScriptedServer } = await import('./scripted-server');
    // Connection 1 is dropped after 5 video messages, connection 2 mid-handshake; 3 stays.
    const framesPerConnection: number[][] = [];
    const port = await server((socket) => {
      const index = framesPerConnection.push([]) - 1;
      const scripted = new ScriptedServer();
      socket.on('data', (bytes) => {
        if (index === 1) return void socket.destroy();
        socket.write(scripted.receive(bytes));
        const frames = scripted.received.flatMap((m) => (m.type === 'video' ? [m.payload[2]!] : []));
        framesPerConnection[index] = frames;
        if (index === 0 && frames.length >= 5) socket.destroy();
      });
    });
    const retries: Array<{ code: unknown; attempt: number; delayMs: number }> = [];
    let next = 0;
    const result = await keepConnected(
      `rtmp://127.0.0.1:${port}/live`,
      async (connection, attempt) => {
        const publisher = await connection.publish('cam');
        for (; next < 20; next++) {
          await publisher.writeVideo(next * 40, Uint8Array.of(next % 10 ? 0x27 : 0x17, 1, next));
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        await waitFor(() => framesPerConnection[attempt - 1]?.at(-1) === 19);
        return attempt;
      },
      {
        minDelayMs: 20,
        onRetry: (error, attempt, delayMs) =>
          retries.push({ code: (error as RtmpClientError).code, attempt, delayMs }),
      },
    );
    expect(result).toBe(3);
    expect(retries.map((r) => [r.code, r.attempt])).toEqual([
      ['CLIENT_CONNECTION_CLOSED', 1],
      ['CLIENT_CONNECTION_CLOSED', 2],
    ]);
    // The wait starts at minDelayMs and doubles with failures in a row (with up to half as jitter).
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(10);
    expect(retries[0]!.delayMs).toBeLessThanOrEqual(20);
    expect(retries[1]!.delayMs).toBeGreaterThanOrEqual(20);
    expect(retries[1]!.delayMs).toBeLessThanOrEqual(40);
    const [first, , third] = framesPerConnection;
    expect(first!.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    // The third connection carries on from where the drop interrupted, through to the last frame.
    expect(third!.at(-1)).toBe(19);
    expect(third![0]).toBeLessThanOrEqual(first!.length);
  });

  it('F7: keepConnected does not retry a refusal, gives up after maxAttempts, and stops on abort', async () => {
    const { ScriptedServer } = await import('./scripted-server');
    const refusing = await server((socket) => {
      const scripted = new ScriptedServer({ rejectConnect: 'bad key' });
      socket.on('data', (bytes) => socket.write(scripted.receive(bytes)));
    });
    let sessions = 0;
    await expect(
      keepConnected(`rtmp://127.0.0.1:${refusing}/live`, async () => void sessions++, { minDelayMs: 1 }),
    ).rejects.toMatchObject({ code: 'CLIENT_CONNECT_REJECTED' });
    expect(sessions).toBe(0);

    const nobody = await freePort();
    const attempts: number[] = [];
    await expect(
      keepConnected(`rtmp://127.0.0.1:${nobody}/live`, async () => {}, {
        minDelayMs: 1,
        maxAttempts: 3,
        onRetry: (_error, attempt) => attempts.push(attempt),
      }),
    ).rejects.toMatchObject({ code: 'CLIENT_NETWORK_ERROR' });
    expect(attempts).toEqual([1, 2]);

    const controller = new AbortController();
    const waiting = keepConnected(`rtmp://127.0.0.1:${nobody}/live`, async () => {}, {
      minDelayMs: 60_000,
      signal: controller.signal,
      onRetry: () => controller.abort(),
    });
    await expect(waiting).rejects.toMatchObject({ code: 'CLIENT_ABORTED' });
  });

  it('an AbortSignal stops connect with CLIENT_ABORTED', async () => {
    const port = await silentServer();
    const controller = new AbortController();
    const pending = connect(`rtmp://127.0.0.1:${port}/live`, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CLIENT_ABORTED' });
    await expect(connect('rtmp://127.0.0.1:1/live', { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'CLIENT_ABORTED',
    });
  });
});
