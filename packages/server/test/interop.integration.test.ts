// ServerSession over real sockets (a thin adapter written here; the real listener is next) against
// Debian's ffmpeg, rtmpdump and GStreamer (its own RTMP elements and librtmp's).
import { createServer, type Socket } from 'node:net';
import { type ServerEvent, ServerSession } from '@rtmp/server';
import {
  deferCleanups,
  ffmpegPublishArgs,
  gstreamerPublishArgs,
  packetHashes,
  peerAvailable,
  readFlvTags,
  runProcess,
  sampleFlv,
  startProcess,
  toHex,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';

const defer = deferCleanups(afterEach);

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
  defer(() => server.close());
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
    await runProcess('ffmpeg', ffmpegPublishArgs(flv, url, { realtime: false }));
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
      expect(media.flatMap((m) => (m.type === kind ? [toHex(m.payload)] : []))).toEqual(
        readFlvTags(flv)
          .filter((t) => t.type === type)
          .map((t) => toHex(t.body)),
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
    defer(() => void rtmpdump.stop());
    await rtmpdump.exited; // it stops by itself on StreamEOF / UnpublishNotify
    expect(await packetHashes(out, 'v')).toEqual(await packetHashes(flv, 'v'));
  });
});

describe.skipIf(!peerAvailable('gst-launch-1.0', 'gstreamer1.0-tools gstreamer1.0-plugins-bad'))(
  'ServerSession with GStreamer',
  () => {
    it.each(['rtmp2sink', 'rtmpsink'] as const)(
      'GStreamer publishes with %s: every video and audio frame arrives intact',
      async (sink) => {
        const flv = await sampleFlv({ seconds: 2 });
        const { url, events } = await listen();
        await runProcess('gst-launch-1.0', gstreamerPublishArgs(flv, url, sink));
        const seen = await events;
        expect(seen.find((e) => e.type === 'publish-request')).toMatchObject({
          name: 'cam',
          publishType: 'live',
        });
        const media = seen.flatMap((e) => (e.type === 'media' ? [e.message] : []));
        // flvmux rewrites the tags' headers, not the codec data: compare the frames past the headers.
        for (const [type, kind, header] of [
          [8, 'audio', 2],
          [9, 'video', 5],
        ] as const) {
          expect(media.flatMap((m) => (m.type === kind ? [toHex(m.payload.subarray(header))] : []))).toEqual(
            readFlvTags(flv)
              .filter((t) => t.type === type)
              .map((t) => toHex(t.body.subarray(header))),
          );
        }
      },
    );

    it.each(['rtmp2src', 'rtmpsrc'])(
      'GStreamer plays with %s: the video packets it writes equal the source’s',
      async (source) => {
        const flv = await sampleFlv({ seconds: 2 });
        const { url } = await listen(serveFile(flv));
        const out = `${flv}.${source}.flv`;
        // rtmp2src ends on the StreamEOF that follows the file; rtmpsrc (librtmp) does not, so it is
        // stopped once its file holds every packet.
        const location = source === 'rtmpsrc' ? `location=${url} live=1` : `location=${url}`;
        const player = startProcess('gst-launch-1.0', [
          '-q',
          source,
          location,
          '!',
          'filesink',
          `location=${out}`,
        ]);
        defer(() => void player.stop());
        const expected = await packetHashes(flv, 'v');
        if (source === 'rtmp2src') await player.exited;
        else
          await waitFor(
            async () => (await packetHashes(out, 'v').catch(() => [])).length === expected.length,
          );
        expect(await packetHashes(out, 'v')).toEqual(expected);
      },
    );
  },
);
