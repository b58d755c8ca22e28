// Adversarial plan F8: real encoders' captured publish sessions (FFmpeg; GStreamer's own RTMP
// client and librtmp, the OBS lineage; see packages/chunk/test/vectors) replayed to the reference server
// over TCP in random pieces with random pauses. What the server takes in, and what it records, must
// be exactly what the encoder sent.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChunkDecoder } from '@rtmp/chunk';
import { ClientHandshake } from '@rtmp/handshake';
import { type CommandMessage, decodeMessage } from '@rtmp/messages';
import { deferCleanups, peerAvailable, probeCodecs, readFlvTags, waitFor } from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { startReferenceServer } from '../src/index';

const vectors = join(import.meta.dirname, '..', '..', '..', 'packages', 'chunk', 'test', 'vectors');
const defer = deferCleanups(afterEach);

/** A small seeded generator, so a failing split can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) & 0x7fff_ffff;
    return state / 0x8000_0000;
  };
}

/**
 * Where a real client stops and waits: the end offset of each `connect`, `createStream` and
 * `publish` in the capture, and what answers it (a `_result` to its transaction, or onStatus).
 */
function waitPoints(session: Buffer): Array<{ end: number; answered: (answer: CommandMessage) => boolean }> {
  const decoder = new ChunkDecoder();
  decoder.push(session);
  const points = [];
  for (let message = decoder.next(); message; message = decoder.next()) {
    if (message.typeId !== 20) continue;
    const command = decodeMessage(message) as CommandMessage;
    const end = decoder.bytesReceived - decoder.bufferedBytes;
    if (command.name === 'connect' || command.name === 'createStream') {
      const id = command.transactionId;
      points.push({ end, answered: (a: CommandMessage) => a.name === '_result' && a.transactionId === id });
    } else if (command.name === 'publish') {
      points.push({ end, answered: (a: CommandMessage) => a.name === 'onStatus' });
    }
  }
  return points;
}

/**
 * Replays a client's side of a session as the client did: the handshake, then its bytes in pieces
 * of 1 byte to 8 KiB with pauses of up to 3 ms, stopping where it waited for the server's answer.
 */
async function replay(port: number, session: Buffer, next: () => number): Promise<void> {
  const socket = tcpConnect({ host: '127.0.0.1', port });
  defer(() => socket.destroy());
  const handshake = new ClientHandshake();
  const answers = new ChunkDecoder();
  const commands: CommandMessage[] = [];
  let handshaken: () => void;
  const handshakeDone = new Promise<void>((resolve) => {
    handshaken = resolve;
  });
  socket.on('error', () => {});
  socket.on('data', (bytes: Buffer) => {
    let rest: Uint8Array = bytes;
    if (!handshake.done) {
      const result = handshake.receive(bytes);
      for (const piece of result.send) socket.write(piece);
      if (result.status !== 'done') return;
      handshaken();
      rest = result.remaining;
    }
    for (const message of answers.decode(rest))
      if (message.typeId === 20) commands.push(decodeMessage(message) as CommandMessage);
  });
  socket.write(handshake.start());
  await handshakeDone;
  let at = 0;
  const send = async (end: number) => {
    while (at < end) {
      const size = next() < 0.2 ? 1 + Math.floor(next() * 16) : 1 + Math.floor(next() * 8192);
      socket.write(session.subarray(at, Math.min(at + size, end)));
      at = Math.min(at + size, end);
      if (next() < 0.15) await new Promise((resolve) => setTimeout(resolve, next() * 3));
    }
  };
  for (const { end, answered } of waitPoints(session)) {
    await send(end);
    await waitFor(() => commands.some(answered));
  }
  await send(session.length);
  socket.end(); // where the capture ends, the client hung up
}

const captures = [
  'ffmpeg-publish.c2s.bin',
  'ffmpeg-publish-extended.c2s.bin',
  'ffmpeg-publish-wrap.c2s.bin',
  'gstreamer-rtmp2sink-publish.c2s.bin',
  'gstreamer-rtmpsink-publish.c2s.bin',
];

describe.skipIf(!peerAvailable('ffprobe'))(
  'captured publish sessions replayed with random splits and delays',
  () => {
    it.each(captures)(
      'F8: %s: the same audio and video messages, in order, and an ffprobe-valid recording',
      async (file) => {
        const session = readFileSync(join(vectors, file));
        const sent = new ChunkDecoder()
          .decode(session)
          .filter((m) => m.typeId === 8 || m.typeId === 9)
          .map(({ typeId, timestamp, payload }) => ({ typeId, timestamp, payload: Buffer.from(payload) }));
        const dir = mkdtempSync(join(tmpdir(), 'reference-f8-'));
        defer(() => rmSync(dir, { recursive: true, force: true }));
        const server = await startReferenceServer({
          port: 0,
          recordDir: dir,
          messageLog: { payloads: true },
        });
        defer(() => server.close());

        const seed = 1 + captures.indexOf(file);
        await replay(server.port, session, random(seed));
        await server.waitForUnpublish('capture'); // by deleteStream, or the hang-up

        const received = server.messages('capture').media.map(({ typeId, timestamp, payload }) => ({
          typeId,
          timestamp,
          payload: Buffer.from(payload!),
        }));
        expect(received.length, `seed ${seed}`).toBe(sent.length);
        expect(received, `seed ${seed}`).toEqual(sent);
        await waitFor(() => server.recordings().length > 0);
        const [recording] = server.recordings();
        expect(await probeCodecs(recording!)).toEqual(['aac', 'h264']);
        const tags = readFlvTags(recording!).filter((tag) => tag.type === 8 || tag.type === 9);
        expect(tags.map((tag) => tag.type)).toEqual(sent.map((m) => m.typeId));
      },
    );
  },
);
