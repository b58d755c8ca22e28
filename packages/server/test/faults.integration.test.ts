// Faults from sections B, E and F of the adversarial plan, over loopback sockets.
import { connect, type PlayerEvent } from '@rtmp/client';
import { RtmpServer, type RtmpServerOptions } from '@rtmp/server';
import { deferCleanups, ipv6Available, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { type RawConnection, rawConnection, scriptedClient } from './hostile-client';
import { startServer } from './start-server';

const defer = deferCleanups(afterEach);
/** `::1` can be bound (required in CI; elsewhere its tests are skipped, visibly). */
const ipv6 = await ipv6Available();

const start = (options: RtmpServerOptions = {}) => startServer(defer, options);

/** A raw connection, closed after the test. */
function rawSocket(port: number): RawConnection {
  const connection = rawConnection(port);
  defer(() => connection.socket.destroy());
  return connection;
}

/** A player that collects events until the stream ends; `ended` settles when it does. */
async function play(url: string, name: string) {
  const connection = await connect(url, { player: true });
  defer(() => connection.close());
  const player = await connection.play(name);
  const events: PlayerEvent[] = [];
  const ended = (async () => {
    for await (const event of player) events.push(event);
  })();
  return { events, ended };
}

async function rawClient(port: number, url: string, name: string, role: 'publish' | 'play') {
  const client = await scriptedClient(port, url, name, role);
  defer(() => client.socket.destroy());
  return client;
}

describe('RtmpServer listeners', () => {
  it.skipIf(!ipv6)('listens on both loopbacks at once: publish over IPv4, play over IPv6', async () => {
    const server = new RtmpServer({ host: ['127.0.0.1', '::1'], port: 0 });
    const { port } = await server.listen();
    defer(() => server.close());
    const publishing = await connect(`rtmp://127.0.0.1:${port}/live`);
    defer(() => publishing.close());
    const publisher = await publishing.publish('cam');
    const player = await play(`rtmp://[::1]:${port}/live`, 'cam');
    await publisher.writeVideo(0, Uint8Array.of(0x17, 1, 0, 0, 0, 6));
    await waitFor(() => player.events.some((e) => e.type === 'video'));
    expect(server.stats()[0]?.playerDetails.map((p) => p.remoteAddress)).toEqual(['::1']);
  });
});

describe('RtmpServer faults', () => {
  it('B3: a socket that never finishes connecting is closed at connectTimeoutMs; others are served', async () => {
    const { port, url } = await start({ connectTimeoutMs: 300 });
    const silent = rawSocket(port);
    const slowloris = rawSocket(port);
    slowloris.socket.write(Uint8Array.of(3)); // C0, then nothing
    await Promise.all([silent.closed, slowloris.closed]);
    const connection = await connect(url);
    await connection.close();
  });

  it('E8: connections over maxConnections are closed at once, the others unaffected, counts right after churn', async () => {
    const { server, port, url } = await start({ maxConnections: 3 });
    const kept = await Promise.all([connect(url), connect(url), connect(url)]);
    for (const connection of kept) defer(() => connection.close());
    for (let i = 0; i < 5; i++) await rawSocket(port).closed; // refused: closed without a handshake
    expect(server.traffic().connections).toBe(3);
    const publisher = await kept[0]!.publish('cam');
    await expect(publisher.writeVideo(0, Uint8Array.of(0x17, 1, 0, 0, 0))).resolves.toBeUndefined();
    await Promise.all(kept.map((connection) => connection.close()));
    await waitFor(() => server.traffic().connections === 0);
    const again = await connect(url);
    await again.close();
  });

  it('B9: an HTTP GET and a TLS ClientHello on the RTMP port are closed; the live stream goes on', async () => {
    const { port, url } = await start();
    const publishing = await connect(url);
    defer(() => publishing.close());
    const publisher = await publishing.publish('cam');
    const player = await play(url, 'cam');
    const http = rawSocket(port);
    http.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    const tls = rawSocket(port);
    // A TLS record header (handshake, TLS 1.0) then the start of a ClientHello.
    tls.socket.write(Buffer.concat([Buffer.of(0x16, 0x03, 0x01, 0x02, 0x00, 0x01), Buffer.alloc(512, 0x03)]));
    for (let i = 0; i < 10; i++)
      await publisher.writeVideo(i * 40, Uint8Array.of(i % 5 ? 0x27 : 0x17, 1, 0, 0, 0, i));
    await Promise.all([http.closed, tls.closed]);
    await waitFor(() => player.events.filter((e) => e.type === 'video').length === 10);
    expect(player.events.flatMap((e) => (e.type === 'video' ? [e.payload[5]] : []))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it('B8: 200 half-open handshakes from one address hit its cap; a client from another address still connects', async () => {
    const server = new RtmpServer({ host: '127.0.0.1', port: 0, maxConnectionsPerAddress: 32 });
    const { port } = await server.listen();
    defer(() => server.close());
    const halfOpen = Array.from({ length: 200 }, () => {
      const raw = rawSocket(port);
      raw.socket.on('connect', () => raw.socket.write(Buffer.alloc(1 + 1000, 3))); // C0, part of C1
      return raw;
    });
    // Everything past the 32 allowed is closed at once.
    let closed = 0;
    for (const raw of halfOpen) void raw.closed.then(() => closed++);
    await waitFor(() => closed >= 200 - 32);
    expect(server.traffic().connections).toBeLessThanOrEqual(32);
    // Another address (any 127.x.y.z is loopback) still gets through the whole publish.
    const legit = await scriptedClient(port, `rtmp://127.0.0.1:${port}/live`, 'cam', 'publish', '127.0.0.2');
    defer(() => legit.socket.destroy());
    expect(legit.streamId).toBe(1);
  });

  it('E12: a hook that throws or rejects denies that request; an observer that throws closes that connection only', async () => {
    const { url } = await start({
      onPublish: (info) => {
        if (info.name === 'boom') throw new Error('hook bug');
        return true;
      },
      onPlay: () => Promise.reject(new Error('async hook bug')),
      observe: {
        published: (key) => {
          if (key === 'live/observed-boom') throw new Error('observer bug');
        },
      },
    });
    const a = await connect(url);
    defer(() => a.close());
    const refused = { description: 'refused: the server could not decide' };
    await expect(a.publish('boom')).rejects.toMatchObject({ code: 'CLIENT_PUBLISH_REJECTED', ...refused });
    await expect(a.play('anything')).rejects.toMatchObject({ code: 'CLIENT_PLAY_FAILED', ...refused });
    const b = await connect(url);
    defer(() => b.close());
    await b.publish('observed-boom');
    await b.closed; // the observer threw: this connection closes
    const c = await connect(url);
    defer(() => c.close());
    const fine = await c.publish('fine');
    await expect(fine.writeVideo(0, Uint8Array.of(0x17, 1, 0, 0, 0))).resolves.toBeUndefined();
  });

  it('F4: a publisher reset in the middle of a 1 MB frame: the player gets whole frames only, the name frees up', async () => {
    const { server, port, url } = await start();
    const publisher = await rawClient(port, url, 'cam', 'publish');
    const player = await play(url, 'cam');
    await waitFor(() => server.stats().some((s) => s.players === 1));
    const whole = new Uint8Array(1000).fill(1);
    whole[0] = 0x17;
    whole[1] = 1;
    for (const piece of publisher.session.writeMedia(publisher.streamId, 'video', 0, whole))
      publisher.socket.write(piece);
    const big = new Uint8Array(1 << 20).fill(2);
    big[0] = 0x27;
    big[1] = 1;
    const pieces = publisher.session.writeMedia(publisher.streamId, 'video', 40, big);
    for (const piece of pieces.slice(0, pieces.length / 2)) publisher.socket.write(piece);
    await waitFor(() => server.stats().some((s) => s.messages === 1));
    publisher.socket.resetAndDestroy();
    await player.ended; // UnpublishNotify / StreamEOF
    const videos = player.events.flatMap((e) => (e.type === 'video' ? [e.payload] : []));
    expect(videos.map((payload) => payload.length)).toEqual([1000]);
    const next = await connect(url);
    defer(() => next.close());
    await expect(next.publish('cam')).resolves.toBeDefined();
  });

  it('F6: 300 connects reset mid-handshake and mid-play leave the server serving, with no connections left', async () => {
    const { server, port, url } = await start();
    const publisherConnection = await connect(url);
    defer(() => publisherConnection.close());
    const publisher = await publisherConnection.publish('cam');
    const churn = async (i: number) => {
      if (i % 3 === 0) {
        // A player that resets while the server writes to it.
        const player = await rawClient(port, url, 'cam', 'play');
        await publisher.writeVideo(i, new Uint8Array(50_000).fill(0x27));
        player.socket.resetAndDestroy();
        await player.closed;
        return;
      }
      const { socket, closed } = rawSocket(port);
      socket.on('connect', () => {
        socket.write(Buffer.alloc(1 + 700, 3)); // C0 and part of C1
        socket.resetAndDestroy();
      });
      await closed;
    };
    for (let batch = 0; batch < 30; batch++)
      await Promise.all(Array.from({ length: 10 }, (_, i) => churn(batch * 10 + i)));
    await waitFor(() => server.traffic().connections === 1);
    const player = await play(url, 'cam');
    await publisher.writeVideo(1000, Uint8Array.of(0x17, 1, 0, 0, 0, 9));
    await waitFor(() => player.events.some((e) => e.type === 'video'));
  });

  it('F1: a player that stops reading is bounded in time too: frames drop long before its byte budget fills', async () => {
    const { server, port, url } = await start({ maxPlayerQueueBytes: 1 << 30, maxPlayerQueueDelayMs: 200 });
    const stalled = await rawClient(port, url, 'cam', 'play');
    stalled.socket.pause();
    const healthy = await play(url, 'cam');
    const publishing = await connect(url);
    defer(() => publishing.close());
    const publisher = await publishing.publish('cam');
    const dropped = () => server.stats()[0]?.playerDetails.reduce((sum, p) => sum + p.dropped, 0) ?? 0;
    // 100 KB frames every 5 ms until the stalled player's drops start (bounded: at most 2000 frames).
    let frames = 0;
    while (dropped() === 0 && frames < 2000) {
      const body = new Uint8Array(100_000).fill(frames & 0xff);
      body[0] = frames % 25 === 0 ? 0x17 : 0x27;
      body[1] = 1;
      await publisher.writeVideo(frames * 40, body);
      frames++;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const details = server.stats()[0]!.playerDetails;
    expect(details.find((p) => p.dropped > 0)?.queuedBytes).toBeLessThan(64 * 1024 * 1024);
    await waitFor(() => healthy.events.filter((e) => e.type === 'video').length === frames);
    expect(details.filter((p) => p.dropped > 0)).toHaveLength(1); // only the stalled one
  });

  it('C21: a player that never acknowledges still gets 100 MB: the server waits for no acks', async () => {
    const { port, url } = await start({ maxPlayerQueueBytes: 256 * 1024 * 1024 });
    const silent = await rawClient(port, url, 'cam', 'play');
    silent.socket.removeAllListeners('data'); // reads, never answers: no Acknowledgement ever
    let received = 0;
    silent.socket.on('data', (bytes: Buffer) => {
      received += bytes.length;
    });
    const publishing = await connect(url);
    defer(() => publishing.close());
    const publisher = await publishing.publish('cam');
    const frame = new Uint8Array(1 << 20).fill(0x27);
    frame[0] = 0x17;
    frame[1] = 1;
    for (let i = 0; i < 100; i++) await publisher.writeVideo(i * 40, frame);
    await waitFor(() => received >= 100 * (1 << 20), 30_000);
  });

  it('F12: peers asking for 1-byte chunks are closed; normal players lose nothing', async () => {
    const { port, url } = await start({ maxConnectionsPerAddress: 1000 }); // all from 127.0.0.1
    const publishing = await connect(url);
    defer(() => publishing.close());
    const publisher = await publishing.publish('cam');
    const players = await Promise.all(Array.from({ length: 10 }, () => play(url, 'cam')));
    // Set Chunk Size 1 (fmt 0, csid 2, type 1, length 4) from 100 connected peers.
    const setChunkSize1 = Buffer.of(0x02, 0, 0, 0, 0, 0, 4, 0x01, 0, 0, 0, 0, 0, 0, 0, 1);
    const abusers = await Promise.all(
      Array.from({ length: 100 }, () => rawClient(port, url, 'other', 'play')),
    );
    for (const abuser of abusers) abuser.socket.write(setChunkSize1);
    for (let i = 0; i < 20; i++)
      await publisher.writeVideo(i * 40, Uint8Array.of(i % 10 ? 0x27 : 0x17, 1, 0, 0, 0, i));
    await Promise.all(abusers.map((abuser) => abuser.closed));
    await waitFor(() => players.every((p) => p.events.filter((e) => e.type === 'video').length === 20));
  });

  it('F14: worst-case commands (16,000 levels deep, 12,000 properties) cost little; the stream flows', async () => {
    const { port, url } = await start({ maxConnectionsPerAddress: 1000 });
    const publishing = await connect(url);
    defer(() => publishing.close());
    const publisher = await publishing.publish('cam');
    const player = await play(url, 'cam');
    // Command bodies as large as an unauthorized peer may send (64 KiB): a string, then either
    // 16,000 nested objects or one object with thousands of one-letter properties.
    const name = Buffer.of(0x02, 0, 4, ...Buffer.from('ping'), 0x00, 0x40, 0x08, 0, 0, 0, 0, 0, 0); // 'ping', 3
    const nested = Buffer.concat([name, Buffer.alloc(16_000 * 4, Buffer.of(0x03, 0, 1, 0x61))]);
    const wide = Buffer.concat([
      name,
      Buffer.of(0x03),
      Buffer.alloc(12_000 * 4, Buffer.of(0, 1, 0x61, 0x05)),
      Buffer.of(0, 0, 9),
    ]);
    // fmt 0 on csid 3, type 20 (AMF0 command), stream 0, then the body in 4096-byte chunks (the
    // chunk size a ClientSession announces).
    const command = (body: Buffer) =>
      Buffer.concat([
        Buffer.of(
          0x03,
          0,
          0,
          0,
          body.length >> 16,
          (body.length >> 8) & 0xff,
          body.length & 0xff,
          20,
          0,
          0,
          0,
          0,
        ),
        ...Array.from({ length: Math.ceil(body.length / 4096) }, (_, i) =>
          Buffer.concat([
            i === 0 ? Buffer.alloc(0) : Buffer.of(0xc3),
            body.subarray(i * 4096, (i + 1) * 4096),
          ]),
        ),
      ]);
    const abusers = await Promise.all(Array.from({ length: 20 }, () => rawClient(port, url, 'x', 'play')));
    for (const [i, abuser] of abusers.entries()) abuser.socket.write(command(i % 2 ? nested : wide));
    for (let i = 0; i < 20; i++)
      await publisher.writeVideo(i * 40, Uint8Array.of(i % 10 ? 0x27 : 0x17, 1, 0, 0, 0, i));
    await waitFor(() => player.events.filter((e) => e.type === 'video').length === 20);
    // Both are commands the session cannot use (too deep: bad AMF; too wide: unknown): ignored,
    // like any other (D3), after a bounded parse; nobody is disconnected for them.
    expect(abusers.every((abuser) => !abuser.socket.destroyed)).toBe(true);
  });

  it('E13: close() during a live publish with players: every client sees the close, close() resolves', async () => {
    const { server, url } = await start();
    const publishing = await connect(url);
    const publisher = await publishing.publish('cam');
    const players = await Promise.all([play(url, 'cam'), play(url, 'cam'), play(url, 'cam')]);
    await publisher.writeVideo(0, Uint8Array.of(0x17, 1, 0, 0, 0));
    await waitFor(() => players.every((p) => p.events.some((e) => e.type === 'video')));
    await server.close();
    await Promise.all(players.map((p) => p.ended.catch(() => {})));
    await publishing.closed;
    expect(server.traffic().connections).toBe(0);
  });
});
