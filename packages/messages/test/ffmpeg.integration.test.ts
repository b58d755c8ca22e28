// A minimal server made only of this toolkit's layers (handshake, chunk, messages) takes a real
// FFmpeg publish from connect to deleteStream: the builders' bytes are what FFmpeg expects, and
// every media message that arrives is its FLV tag.
import { createServer, type Socket } from 'node:net';
import { ChunkDecoder, ChunkEncoder } from '@rtmp/chunk';
import { ServerHandshake } from '@rtmp/handshake';
import {
  buildConnectResult,
  buildCreateStreamResult,
  buildOnMetaData,
  buildRtmpSampleAccess,
  buildStatus,
  type CommandMessage,
  type DataMessage,
  decodeMessage,
  encodeMessage,
  parseConnect,
  parseMetadata,
  parsePlay,
  parsePublish,
  type RtmpMessage,
  StatusCode,
} from '@rtmp/messages';
import {
  ffmpegPublishArgs,
  packetHashes,
  peerAvailable,
  readFlvTags,
  runProcess,
  sampleFlv,
  toHex,
} from '@rtmp/test-helpers';
import { describe, expect, it } from 'vitest';

/**
 * Accepts one client, answers its commands, and resolves with everything it sent once it
 * deletes its stream (or, for a player, once `servePlay` has sent everything and it hangs up).
 */
function miniServer(
  servePlay?: (send: (message: RtmpMessage, csid: number) => void) => void,
): Promise<{ port: number; received: Promise<RtmpMessage[]>; close: () => void }> {
  let done!: (messages: RtmpMessage[]) => void;
  let failed!: (error: unknown) => void;
  const received = new Promise<RtmpMessage[]>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const handshake = new ServerHandshake();
    const decoder = new ChunkDecoder();
    const encoder = new ChunkEncoder();
    const messages: RtmpMessage[] = [];
    const send = (message: RtmpMessage, csid: number) => {
      for (const piece of encoder.encode(encodeMessage(message), csid)) socket.write(piece);
    };
    const handle = (message: CommandMessage) => {
      if (message.name === 'connect') {
        expect(parseConnect(message).app).toBe('live');
        send({ type: 'window-acknowledgement-size', streamId: 0, timestamp: 0, window: 5_000_000 }, 2);
        send({ type: 'set-peer-bandwidth', streamId: 0, timestamp: 0, window: 5_000_000, limitType: 2 }, 2);
        for (const piece of encoder.setChunkSize(4096)) socket.write(piece);
        send(buildConnectResult(message.transactionId), 3);
      } else if (message.name === 'createStream') {
        send(buildCreateStreamResult(message.transactionId, 1), 3);
      } else if (message.name === 'publish') {
        expect(parsePublish(message)).toEqual({ name: 'cam', type: 'live' });
        send(
          { type: 'user-control', streamId: 0, timestamp: 0, event: { kind: 'stream-begin', streamId: 1 } },
          2,
        );
        send(buildStatus(1, { level: 'status', code: StatusCode.PublishStart, description: 'go' }), 5);
      } else if (message.name === 'play' && servePlay) {
        send(
          { type: 'user-control', streamId: 0, timestamp: 0, event: { kind: 'stream-begin', streamId: 1 } },
          2,
        );
        send(buildStatus(1, { level: 'status', code: StatusCode.PlayStart, description: 'go' }), 5);
        servePlay(send);
      } else if (message.name === 'deleteStream') {
        done(messages);
      }
    };
    socket.on('error', failed);
    socket.on('close', () => done(messages));
    socket.on('data', (bytes: Buffer) => {
      try {
        let input: Uint8Array = bytes;
        if (!handshake.done) {
          const result = handshake.receive(bytes);
          for (const piece of result.send) socket.write(piece);
          if (result.status !== 'done') return;
          input = result.remaining;
        }
        for (const raw of decoder.decode(input)) {
          const message = decodeMessage(raw);
          messages.push(message);
          if (message.type === 'command') handle(message);
        }
      } catch (error) {
        failed(error);
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        received,
        close: () => {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      });
    }),
  );
}

describe.skipIf(!peerAvailable('ffmpeg'))('FFmpeg against a server built from these layers', () => {
  it('completes the publish; audio and video arrive equal to the FLV tags', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const server = await miniServer();
    try {
      await runProcess(
        'ffmpeg',
        ffmpegPublishArgs(flv, `rtmp://127.0.0.1:${server.port}/live/cam`, { realtime: false }),
      );
      const messages = await server.received;
      const tags = readFlvTags(flv);
      for (const [type, kind] of [
        [8, 'audio'],
        [9, 'video'],
      ] as const) {
        const got = messages
          .filter((m) => m.type === kind)
          .map((m) => (m.type === kind ? toHex(m.payload) : ''));
        expect(got).toEqual(tags.filter((t) => t.type === type).map((t) => toHex(t.body)));
      }
      expect(messages.some((m) => m.type === 'data' && m.name === '@setDataFrame')).toBe(true);
    } finally {
      server.close();
    }
  });

  it('FFmpeg plays what the server sends: its packets equal the source’s; its commands decode and re-encode', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const tags = readFlvTags(flv);
    const server = await miniServer((send) => {
      send(buildRtmpSampleAccess(1), 5);
      for (const tag of tags) {
        const raw = { typeId: tag.type, streamId: 1, timestamp: tag.timestamp, payload: tag.body };
        send(
          decodeMessage(tag.type === 18 ? encodeMessage(buildOnMetaData(1, parseOnMetaData(tag.body))) : raw),
          tag.type === 8 ? 6 : tag.type === 9 ? 7 : 5,
        );
      }
      send(
        { type: 'user-control', streamId: 0, timestamp: 0, event: { kind: 'stream-eof', streamId: 1 } },
        2,
      );
      send(buildStatus(1, { level: 'status', code: StatusCode.PlayUnpublishNotify, description: 'done' }), 5);
    });
    try {
      const played = await packetHashes(`rtmp://127.0.0.1:${server.port}/live/cam`, 'v');
      expect(played).toEqual(await packetHashes(flv, 'v'));
      const received = await server.received;
      const commands = received.filter((m): m is CommandMessage => m.type === 'command');
      expect(commands.map((c) => c.name)).toEqual(
        expect.arrayContaining(['connect', 'createStream', 'play']),
      );
      expect(parsePlay(commands.find((c) => c.name === 'play')!)).toMatchObject({
        name: 'cam',
        start: -2000,
      });
      for (const message of received) expect(decodeMessage(encodeMessage(message))).toEqual(message);
    } finally {
      server.close();
    }
  });
});

/** The metadata object of an FLV script tag body ("onMetaData", {...}). */
function parseOnMetaData(body: Uint8Array): Record<string, unknown> {
  return parseMetadata(
    decodeMessage({ typeId: 18, streamId: 1, timestamp: 0, payload: body }) as DataMessage,
  )!;
}
