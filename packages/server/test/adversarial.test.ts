// Section D of ../shared/adversarial-plan.md as the server session sees it: commands crafted by
// hand, the answers decoded.
import { encodeAll } from '@rtmp/amf0';
import { ChunkDecoder, ChunkEncoder } from '@rtmp/chunk';
import { ClientHandshake } from '@rtmp/handshake';
import { type CommandMessage, decodeMessage, type RtmpMessage } from '@rtmp/messages';
import { type ServerEvent, ServerSession } from '@rtmp/server';
import { describe, expect, it } from 'vitest';

/** A raw client: completes the handshake, then sends commands as given and decodes the answers. */
class RawClient {
  readonly server = new ServerSession({ maxStreams: 3 });
  readonly encoder = new ChunkEncoder();
  readonly decoder = new ChunkDecoder();
  readonly events: ServerEvent[] = [];

  constructor() {
    const handshake = new ClientHandshake();
    const reply = this.server.receive(handshake.start());
    const c2 = handshake.receive(Buffer.concat(reply.send)).send;
    this.server.receive(Buffer.concat(c2));
  }

  /** Sends a command (values after the name), returns the commands the server answered with. */
  command(values: unknown[], streamId = 0): CommandMessage[] {
    const pieces = this.encoder.encode({ typeId: 20, streamId, timestamp: 0, payload: encodeAll(values) }, 3);
    return this.#answers(this.server.receive(Buffer.concat(pieces)));
  }

  accept(requestId: number): CommandMessage[] {
    return this.#answers(this.server.accept(requestId));
  }

  media(streamId: number, payload = Uint8Array.of(0x17, 1)): void {
    const pieces = this.encoder.encode({ typeId: 9, streamId, timestamp: 0, payload }, 7);
    this.#answers(this.server.receive(Buffer.concat(pieces)));
  }

  #answers(output: { send: Uint8Array[]; events: ServerEvent[] }): CommandMessage[] {
    this.events.push(...output.events);
    return this.decoder
      .decode(Buffer.concat(output.send))
      .map((raw) => decodeMessage(raw))
      .filter((m: RtmpMessage): m is CommandMessage => m.type === 'command');
  }

  connected(): this {
    this.command(['connect', 1, { app: 'live', tcUrl: 'rtmp://h/live' }]);
    const request = this.events.find((e) => e.type === 'connect-request');
    this.accept(request!.type === 'connect-request' ? request!.requestId : 0);
    return this;
  }
}

const info = (message: CommandMessage | undefined) =>
  message?.args.find((a) => typeof a === 'object' && a !== null) as { code: string } | undefined;

describe('adversarial plan, section D (server session)', () => {
  it('D1: connect without a usable command object is answered Connect.Rejected, and the session closes', () => {
    for (const object of [undefined, null, 5, 'live', ['live']]) {
      const client = new RawClient();
      const answers = client.command(['connect', 1, ...(object === undefined ? [] : [object])]);
      expect(answers[0]).toMatchObject({ name: '_error', transactionId: 1 });
      expect(info(answers[0])?.code).toBe('NetConnection.Connect.Rejected');
      expect(client.events.at(-1)).toMatchObject({
        type: 'protocol-error',
        error: { code: 'SERVER_BAD_CONNECT' },
      });
      expect(client.server.state).toBe('closed');
    }
  });

  it('D2: an app over 1024 characters or a 10 KB tcUrl is refused with a clear description', () => {
    for (const object of [
      { app: 'a'.repeat(1025) },
      { app: 'live', tcUrl: `rtmp://h/${'x'.repeat(10_000)}` },
    ]) {
      const answers = new RawClient().command(['connect', 1, object]);
      expect(answers[0]?.name).toBe('_error');
      expect((info(answers[0]) as { description?: string }).description).toMatch(/over (1024|4096)/);
    }
  });

  it('D3: a command name that is a number, an object, empty or has NUL is ignored; the session goes on', () => {
    const client = new RawClient();
    for (const name of [5, { a: 1 }, '', 'a\0b']) expect(client.command([name, 1, null])).toEqual([]);
    client.connected();
    expect(client.server.state).toBe('connected');
  });

  it('D4: commands before connect, publish before createStream or on an unknown stream', () => {
    const early = new RawClient();
    expect(early.command(['createStream', 2, null])[0]).toMatchObject({ name: '_error', transactionId: 2 });
    const client = new RawClient().connected();
    const noStream = client.command(['publish', 3, null, 'cam', 'live'], 7);
    expect(info(noStream[0])?.code).toBe('NetStream.Publish.BadName');
    expect(client.events.some((e) => e.type === 'publish-request')).toBe(false);
  });

  it('D5, D6: publish names false, null, a number, "", or over the length limit: Publish.BadName', () => {
    const client = new RawClient().connected();
    client.command(['createStream', 2, null]);
    for (const name of [false, null, 42, '', 'n'.repeat(1025)]) {
      const answers = client.command(['publish', 3, null, name, 'live'], 1);
      expect(info(answers[0])?.code).toBe('NetStream.Publish.BadName');
    }
    expect(client.events.some((e) => e.type === 'publish-request')).toBe(false);
  });

  it('D8: createStream beyond the cap is refused', () => {
    const client = new RawClient().connected();
    const ids = [2, 3, 4].map((txn) => client.command(['createStream', txn, null])[0]?.args[0]);
    expect(ids).toEqual([1, 2, 3]);
    expect(client.command(['createStream', 5, null])[0]?.name).toBe('_error');
  });

  it('D9: deleteStream, closeStream, FCUnpublish for unknown ids, twice, or before publish: no-ops', () => {
    const client = new RawClient().connected();
    expect(client.command(['deleteStream', 2, null, 99])).toEqual([]);
    client.command(['createStream', 3, null]);
    expect(client.command(['deleteStream', 4, null, 1])).toEqual([]);
    expect(client.command(['deleteStream', 5, null, 1])).toEqual([]);
    expect(client.command(['closeStream', 0, null], 1)).toEqual([]);
    expect(client.command(['FCUnpublish', 6, null, 'never'])[0]?.name).toBe('onFCUnpublish');
    expect(client.events.some((e) => e.type === 'stream-closed')).toBe(false);
  });

  it('D10: a second connect is refused; the first stands', () => {
    const client = new RawClient().connected();
    expect(client.command(['connect', 9, { app: 'other' }])[0]).toMatchObject({
      name: '_error',
      transactionId: 9,
    });
    expect(client.server.state).toBe('connected');
  });

  it('messages over 64 KiB before a publish is accepted are a protocol error; after it, megabytes pass', () => {
    const early = new RawClient().connected();
    early.media(1, new Uint8Array(65 * 1024));
    expect(early.events.find((e) => e.type === 'protocol-error')).toMatchObject({
      error: {
        code: 'SERVER_PROTOCOL_ERROR',
        message: expect.stringMatching(/exceeds maxMessageLength 65536/),
      },
    });

    const publisher = new RawClient().connected();
    publisher.command(['createStream', 2, null]);
    publisher.command(['publish', 3, null, 'cam', 'live'], 1);
    const request = publisher.events.find((e) => e.type === 'publish-request');
    publisher.accept(request!.type === 'publish-request' ? request!.requestId : 0);
    const frame = new Uint8Array(2 * 1024 * 1024).fill(7);
    frame[0] = 0x17;
    frame[1] = 1;
    publisher.media(1, frame);
    expect(publisher.events.filter((e) => e.type === 'protocol-error')).toEqual([]);
    const media = publisher.events.find((e) => e.type === 'media');
    expect(media?.type === 'media' && media.message.type === 'video' && media.message.payload.length).toBe(
      frame.length,
    );
  });

  it('D13: media on a stream that is not being published is ignored', () => {
    const client = new RawClient().connected();
    client.command(['createStream', 2, null]);
    client.media(1);
    client.media(0);
    expect(client.events.some((e) => e.type === 'media')).toBe(false);
  });
});
