// ServerSession over real sockets (a thin adapter written here; the real listener is next) against
// Debian's ffmpeg and rtmpdump.
import { createServer, type Socket } from 'node:net';
import { type ServerEvent, ServerSession } from '@rtmp/server';
import {
  packetHashes,
  peerAvailable,
  readFlvTags,
  runProcess,
  sampleFlv,
  startProcess,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/**
 * Listens on loopback; every connection gets a ServerSession that accepts everything. `onPlay`
 * serves a player once its play is accepted. Resolves `events` when the client disconnects.
 */
async function listen(onPlay?: (session: ServerSession, socket: Socket, streamId: number) => void) {
  let resolveEvents!: (events: ServerEvent[]) => void;
  const events = new Promise<ServerEvent[]>((resolve) => {
    resolveEvents = resolve;
  });
  const server = createServer((socket) => {
    const session = new ServerSession();
    const seen: ServerEvent[] = [];
    const write = (pieces: Uint8Array[]) => {
      for (const piece of pieces) socket.write(piece);
    };
    socket.on('error', () => {});
    socket.on('close', () => resolveEvents(seen));
    socket.on('data', (bytes: Buffer) => {
      const out = session.receive(bytes);
      write(out.send);
      for (const event of out.events) {
        seen.push(event);
        if (
          event.type === 'connect-request' ||
          event.type === 'publish-request' ||
          event.type === 'play-request'
        ) {
          write(session.accept(event.requestId).send);
          if (event.type === 'play-request') onPlay?.(session, socket, event.streamId);
        }
        if (event.type === 'protocol-error') socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => server.close());
  return { url: `rtmp://127.0.0.1:${(server.address() as { port: number }).port}/live/cam`, events };
}

/** Sends every tag of an FLV file to a player, then tells it the publisher left. */
function serveFile(flv: string) {
  return (session: ServerSession, socket: Socket, streamId: number) => {
    for (const tag of readFlvTags(flv)) {
      const type = tag.type === 8 ? 'audio' : tag.type === 9 ? 'video' : undefined;
      if (type)
        for (const piece of session.send({ type, streamId, timestamp: tag.timestamp, payload: tag.body }))
          socket.write(piece);
    }
    for (const piece of session.notify(streamId, 'unpublished')) socket.write(piece);
  };
}

describe.skipIf(!peerAvailable('ffmpeg'))('ServerSession with ffmpeg', () => {
  it('ffmpeg publishes: connect, publish and every media message arrive as events, equal to the FLV tags', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const { url, events } = await listen();
    await runProcess('ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-i',
      flv,
      '-c',
      'copy',
      '-f',
      'flv',
      url,
    ]);
    const seen = await events;
    expect(seen.find((e) => e.type === 'publish-request')).toMatchObject({
      name: 'cam',
      publishType: 'live',
    });
    const media = seen.flatMap((e) => (e.type === 'media' ? [e.message] : []));
    for (const [type, kind] of [
      [8, 'audio'],
      [9, 'video'],
    ] as const) {
      expect(media.flatMap((m) => (m.type === kind ? [hex(m.payload)] : []))).toEqual(
        readFlvTags(flv)
          .filter((t) => t.type === type)
          .map((t) => hex(t.body)),
      );
    }
    expect(media.find((m) => m.type === 'data')).toMatchObject({ name: 'onMetaData' }); // @setDataFrame stripped
    expect(seen.some((e) => e.type === 'stream-closed')).toBe(true);
  });

  it('ffmpeg plays: Play.Start, then the packets it gets equal the source file’s (framemd5)', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const { url } = await listen(serveFile(flv));
    expect(await packetHashes(url, 'v')).toEqual(await packetHashes(flv, 'v'));
  });
});

describe.skipIf(!peerAvailable('rtmpdump'))('ServerSession with rtmpdump', () => {
  it('rtmpdump plays and writes an FLV whose video packets equal the source’s', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const { url } = await listen(serveFile(flv));
    const out = `${flv}.rtmpdump.flv`;
    const rtmpdump = startProcess('rtmpdump', ['-q', '-r', url, '--live', '-o', out]);
    cleanups.push(() => void rtmpdump.stop());
    await rtmpdump.exited; // it stops by itself on StreamEOF / UnpublishNotify
    expect(await packetHashes(out, 'v')).toEqual(await packetHashes(flv, 'v'));
  });
});
