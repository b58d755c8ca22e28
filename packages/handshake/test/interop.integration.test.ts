// The handshake against real peers on loopback: Debian's ffmpeg, rtmpdump and nginx-rtmp.
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { encodeAll } from '@rtmp/amf0';
import { ClientHandshake, type HandshakeScheme, ServerHandshake } from '@rtmp/handshake';
import {
  deferCleanups,
  ffmpegPublishArgs,
  freePort,
  type ManagedProcess,
  peerAvailable,
  sampleFlv,
  startNginxRtmp,
  startProcess,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';

const CONNECT_NAME = Buffer.from('020007636f6e6e656374', 'hex'); // AMF0 string "connect"
const defer = deferCleanups(afterEach);

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * A server made of ServerHandshake and a socket: accepts one connection, completes the handshake,
 * and resolves once the peer's next bytes contain its `connect` command.
 */
async function handshakeServer(): Promise<{
  url: string;
  accepted: Promise<{ scheme: HandshakeScheme; c2AnswersS1: boolean | undefined }>;
}> {
  let resolveAccepted!: (value: { scheme: HandshakeScheme; c2AnswersS1: boolean | undefined }) => void;
  let rejectAccepted!: (error: unknown) => void;
  const accepted = new Promise<{ scheme: HandshakeScheme; c2AnswersS1: boolean | undefined }>(
    (resolve, reject) => {
      resolveAccepted = resolve;
      rejectAccepted = reject;
    },
  );
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const handshake = new ServerHandshake();
    let after = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (bytes: Buffer) => {
      try {
        if (!handshake.done) {
          const result = handshake.receive(bytes);
          for (const piece of result.send) socket.write(piece);
          if (result.status !== 'done') return;
          after = Buffer.from(result.remaining);
        } else {
          after = Buffer.concat([after, bytes]);
        }
        if (after.includes(CONNECT_NAME))
          resolveAccepted({ scheme: handshake.scheme, c2AnswersS1: handshake.c2AnswersS1 });
      } catch (error) {
        rejectAccepted(error);
        socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  defer(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `rtmp://127.0.0.1:${port}/live/interop`, accepted };
}

function track(proc: ManagedProcess): ManagedProcess {
  defer(() => proc.stop());
  return proc;
}

/** `promise`, unless `peer` exits first: then fail at once with what the peer printed. */
function unlessExits<T>(promise: Promise<T>, peer: ManagedProcess): Promise<T> {
  return Promise.race([
    promise,
    peer.exited.then((code) => {
      throw new Error(`peer exited (${code}) first: ${peer.stderr().slice(-500)}`);
    }),
  ]);
}

/** Connects, retrying while nothing listens yet (ffmpeg -listen accepts one connection only). */
async function connectWithRetry(port: number, timeoutMs = 10_000): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const socket = await new Promise<Socket | undefined>((resolve) => {
      const s = tcpConnect({ port, host: '127.0.0.1' });
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(undefined));
    });
    if (socket) {
      defer(() => void socket.destroy());
      return socket;
    }
    if (Date.now() > deadline) throw new Error(`could not connect to port ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A client made of ClientHandshake and a socket: handshakes, sends a `connect` command in one
 * 128-byte chunk, and resolves with the type id of the first message the server answers with.
 */
async function clientHandshake(socket: Socket, scheme: HandshakeScheme, tcUrl: string) {
  const handshake = new ClientHandshake({ scheme });
  const body = encodeAll(['connect', 1, { app: 'live', flashVer: 'FMLE/3.0 (compatible; test)', tcUrl }]);
  expect(body.length).toBeLessThanOrEqual(128); // one chunk at the default chunk size
  const header = Buffer.from([0x03, 0, 0, 0, 0, 0, body.length, 0x14, 0, 0, 0, 0]);
  header.writeUIntBE(body.length, 4, 3);
  return new Promise<{ scheme: HandshakeScheme; firstReply: { csid: number; typeId: number } }>(
    (resolve, reject) => {
      let after = Buffer.alloc(0);
      socket.on('error', reject);
      socket.on('data', (bytes: Buffer) => {
        try {
          if (!handshake.done) {
            const result = handshake.receive(bytes);
            for (const piece of result.send) socket.write(piece);
            if (result.status !== 'done') return;
            socket.write(Buffer.concat([header, body]));
            after = Buffer.from(result.remaining);
          } else {
            after = Buffer.concat([after, bytes]);
          }
          // First reply: a fmt-0 chunk header, 12 bytes: csid, timestamp, length, type id, stream id.
          if (after.length >= 12) {
            resolve({ scheme: handshake.scheme, firstReply: { csid: after[0]! & 0x3f, typeId: after[7]! } });
          }
        } catch (error) {
          reject(error);
        }
      });
      socket.write(handshake.start());
    },
  );
}

describe.skipIf(!peerAvailable('ffmpeg'))('ServerHandshake with ffmpeg', () => {
  it('ffmpeg publishing: digest C1 at offset 8 detected, answered, and connect follows', async () => {
    const { url, accepted } = await handshakeServer();
    const flv = await sampleFlv();
    const ffmpeg = track(startProcess('ffmpeg', ffmpegPublishArgs(flv, url)));
    // Its C2 is signed for our S1's digest, as the spec's digest handshake asks.
    expect(await withTimeout(unlessExits(accepted, ffmpeg), 20_000, 'connect from ffmpeg')).toEqual({
      scheme: 'digest-8',
      c2AnswersS1: true,
    });
  });

  it('ffmpeg playing validates our digest S1 and S2 (it aborts otherwise) and sends connect', async () => {
    const { url, accepted } = await handshakeServer();
    const ffmpeg = track(
      startProcess('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', url, '-f', 'null', '-']),
    );
    // Its C2 is signed for our S1's digest, as the spec's digest handshake asks.
    expect(await withTimeout(unlessExits(accepted, ffmpeg), 20_000, 'connect from ffmpeg')).toEqual({
      scheme: 'digest-8',
      c2AnswersS1: true,
    });
    expect(ffmpeg.stderr()).not.toMatch(/validating failed|Signature mismatch/);
  });
});

describe.skipIf(!peerAvailable('rtmpdump'))('ServerHandshake with rtmpdump', () => {
  it('rtmpdump playing: simple handshake, then connect', async () => {
    const { url, accepted } = await handshakeServer();
    const rtmpdump = track(startProcess('rtmpdump', ['-r', url, '--live', '-o', '/dev/null', '-q']));
    expect(await withTimeout(unlessExits(accepted, rtmpdump), 20_000, 'connect from rtmpdump')).toEqual({
      scheme: 'simple',
      c2AnswersS1: true,
    });
  });
});

describe.skipIf(!peerAvailable('nginx'))('ClientHandshake with nginx-rtmp', () => {
  for (const scheme of ['simple', 'digest-8', 'digest-772'] as const) {
    it(`${scheme}: nginx completes the handshake and answers connect with Window Acknowledgement Size`, async () => {
      const nginx = await startNginxRtmp();
      defer(() => nginx.stop());
      const socket = await connectWithRetry(nginx.port);
      const result = await withTimeout(clientHandshake(socket, scheme, `${nginx.url}/live`), 10_000, 'nginx');
      // nginx always answers a valid digest C1 with a digest S1, which our client verified.
      expect(result).toEqual({ scheme, firstReply: { csid: 2, typeId: 5 } });
    });
  }
});

describe.skipIf(!peerAvailable('ffmpeg'))('ClientHandshake with ffmpeg -listen 1', () => {
  for (const scheme of ['simple', 'digest-8'] as const) {
    it(`${scheme} C1: ffmpeg (simple-only server) completes and answers connect`, async () => {
      const port = await freePort();
      track(
        startProcess('ffmpeg', [
          '-hide_banner',
          '-loglevel',
          'error',
          '-listen',
          '1',
          '-i',
          `rtmp://127.0.0.1:${port}/live/x`,
          '-f',
          'null',
          '-',
        ]),
      );
      const socket = await connectWithRetry(port);
      const result = await withTimeout(
        clientHandshake(socket, scheme, `rtmp://127.0.0.1:${port}/live`),
        10_000,
        'ffmpeg',
      );
      // FFmpeg's server does the simple handshake only: a digest client falls back to the echo.
      expect(result).toEqual({ scheme: 'simple', firstReply: { csid: 2, typeId: 5 } });
    });
  }
});
