import { type ClientEvent, type ClientOutput, ClientSession, RtmpClientError } from '@rtmp/client';
import { StatusCode } from '@rtmp/messages';
import { describe, expect, it } from 'vitest';
import { type Script, ScriptedServer } from './scripted-server';

/** Runs the client against the server, delivering bytes `pieceSize` at a time both ways. */
class Pair {
  readonly events: ClientEvent[] = [];
  readonly server: ScriptedServer;
  now = 0;
  readonly client: ClientSession;

  constructor(
    script: Script = {},
    readonly pieceSize = 1,
    options: { player?: boolean; commandTimeoutMs?: number } = {},
  ) {
    this.server = new ScriptedServer(script);
    this.client = new ClientSession({
      url: 'rtmp://example.com/live/instance?token=x',
      now: () => this.now,
      ...(options.commandTimeoutMs ? { commandTimeoutMs: options.commandTimeoutMs } : {}),
    });
    this.deliver(this.client.start({ player: options.player ?? false }));
  }

  /** Sends the client's output to the server and everything back until quiet. */
  deliver(output: ClientOutput | Uint8Array[]): void {
    let toServer = Buffer.concat(Array.isArray(output) ? output : output.send);
    if (!Array.isArray(output)) this.events.push(...output.events);
    while (toServer.length > 0) {
      const toClient = this.server.receive(toServer);
      toServer = Buffer.alloc(0);
      for (let i = 0; i < toClient.length; i += this.pieceSize) {
        const result = this.client.receive(toClient.subarray(i, i + this.pieceSize));
        this.events.push(...result.events);
        toServer = Buffer.concat([toServer, ...result.send]);
      }
    }
  }

  /** Connected, a stream created, playing `cam` on stream 1. */
  startPlaying(): void {
    this.take('connected');
    this.deliver(this.client.createStream());
    this.take('stream-created');
    this.deliver(this.client.play(1, 'cam'));
    this.take('play-started');
  }

  fromServer(bytes: Uint8Array): void {
    const result = this.client.receive(bytes);
    this.events.push(...result.events);
    this.deliver(result.send);
  }

  take<T extends ClientEvent['type']>(type: T): Extract<ClientEvent, { type: T }> {
    const index = this.events.findIndex((e) => e.type === type);
    expect(
      index,
      `expected a ${type} event, got ${this.events.map((e) => e.type).join(', ')}`,
    ).toBeGreaterThanOrEqual(0);
    return this.events.splice(index, 1)[0] as Extract<ClientEvent, { type: T }>;
  }
}

describe('ClientSession against a scripted server, byte by byte', () => {
  it('connects with app and tcUrl from the URL, like an FFmpeg publisher', () => {
    const pair = new Pair();
    expect(pair.take('connected').info.code).toBe(StatusCode.ConnectSuccess);
    expect(pair.client.state).toBe('connected');
    const connect = pair.server.received.find((m) => m.type === 'command');
    expect(connect).toMatchObject({
      name: 'connect',
      transactionId: 1,
      commandObject: {
        app: 'live/instance?token=x',
        type: 'nonprivate',
        flashVer: 'FMLE/3.0 (compatible; @rtmp/client)',
        tcUrl: 'rtmp://example.com/live/instance?token=x',
      },
    });
    // It answered Set Peer Bandwidth with its own window and announced its chunk size.
    expect(pair.server.received.filter((m) => m.type !== 'command').map((m) => m.type)).toEqual([
      'window-acknowledgement-size',
      'set-chunk-size',
    ]);
  });

  it('publishes the way OBS and FFmpeg do, then sends metadata and media intact', () => {
    const pair = new Pair({}, 7);
    pair.take('connected');
    const created = pair.client.createStream();
    pair.deliver(created);
    expect(pair.take('stream-created')).toEqual({
      type: 'stream-created',
      requestId: created.requestId,
      streamId: 1,
    });
    pair.deliver(pair.client.publish(1, 'cam?key=secret'));
    expect(pair.take('publish-started').streamId).toBe(1);
    expect(pair.server.commands()).toEqual([
      'connect',
      'createStream',
      'releaseStream',
      'FCPublish',
      'publish',
    ]);
    const video = Uint8Array.from({ length: 10_000 }, (_, i) => i & 0xff);
    pair.deliver(pair.client.setMetadata(1, { width: 640 }));
    pair.deliver(pair.client.writeMedia(1, 'video', 40, video));
    pair.deliver(pair.client.writeMedia(1, 'audio', 41, Uint8Array.of(0xaf, 1, 2)));
    const media = pair.server.received.filter(
      (m) => m.type === 'video' || m.type === 'audio' || m.type === 'data',
    );
    expect(media.map((m) => [m.type, m.streamId, m.timestamp])).toEqual([
      ['data', 1, 0],
      ['video', 1, 40],
      ['audio', 1, 41],
    ]);
    expect(media[1]?.type === 'video' && media[1].payload).toEqual(video);
    pair.deliver(pair.client.closeStream(1));
    expect(pair.server.commands().slice(-2)).toEqual(['FCUnpublish', 'deleteStream']);
  });

  it('plays: play, SetBufferLength, then media events', () => {
    const pair = new Pair({}, 3, { player: true });
    expect(pair.server.received[0]).toMatchObject({
      commandObject: { fpad: false, capabilities: 15, videoCodecs: 252 },
    });
    pair.take('connected');
    pair.deliver(pair.client.createStream());
    pair.take('stream-created');
    pair.deliver(pair.client.play(1, 'cam'));
    expect(pair.take('play-started').streamId).toBe(1);
    expect(pair.server.received.at(-1)).toMatchObject({
      type: 'user-control',
      event: { kind: 'set-buffer-length', streamId: 1, bufferLength: 3000 },
    });
    pair.fromServer(
      pair.server.send({ type: 'video', streamId: 1, timestamp: 80, payload: Uint8Array.of(0x17, 1) }, 7),
    );
    expect(pair.take('media')).toMatchObject({
      streamId: 1,
      message: { type: 'video', timestamp: 80, payload: Uint8Array.of(0x17, 1) },
    });
    pair.fromServer(
      pair.server.send({ type: 'audio', streamId: 2, timestamp: 80, payload: Uint8Array.of(1) }, 6),
    );
    expect(pair.events.filter((e) => e.type === 'media')).toEqual([]); // not a stream it plays
  });

  it('splits an aggregate (as Wowza and FMS send to players) into its media messages, timestamps rebased on the aggregate', () => {
    const pair = new Pair({}, 5, { player: true });
    pair.startPlaying();
    const sub = (typeId: number, timestamp: number, ...bytes: number[]) => ({
      typeId,
      streamId: 0,
      timestamp,
      payload: Uint8Array.from(bytes),
    });
    const messages = [sub(9, 5000, 0x17, 1, 9), sub(8, 5021, 0xaf, 1, 8), sub(9, 5040, 0x27, 1, 7)];
    pair.fromServer(pair.server.send({ type: 'aggregate', streamId: 1, timestamp: 1000, messages }, 7));
    expect(
      pair.events
        .filter((e) => e.type === 'media')
        .map((e) => e.type === 'media' && [e.message.type, e.message.timestamp]),
    ).toEqual([
      ['video', 1000],
      ['audio', 1021],
      ['video', 1040],
    ]);
  });

  it("takes media on message stream 0 (node-media-server's habit) for the one stream it plays", () => {
    const pair = new Pair({}, 3, { player: true });
    pair.take('connected');
    const media = () => pair.events.filter((e) => e.type === 'media');
    pair.fromServer(
      pair.server.send({ type: 'video', streamId: 0, timestamp: 1, payload: Uint8Array.of(0x17) }, 7),
    );
    expect(media()).toEqual([]); // nothing playing yet
    pair.deliver(pair.client.createStream());
    pair.take('stream-created');
    pair.deliver(pair.client.play(1, 'cam'));
    pair.take('play-started');
    pair.fromServer(
      pair.server.send({ type: 'video', streamId: 0, timestamp: 40, payload: Uint8Array.of(0x27) }, 7),
    );
    expect(pair.take('media')).toMatchObject({
      streamId: 1,
      message: { timestamp: 40, payload: Uint8Array.of(0x27) },
    });
    pair.deliver(pair.client.createStream());
    pair.take('stream-created');
    pair.deliver(pair.client.play(2, 'other'));
    pair.fromServer(
      pair.server.send({ type: 'video', streamId: 0, timestamp: 80, payload: Uint8Array.of(0x27) }, 7),
    );
    expect(media()).toEqual([]); // two streams playing (the second's answer pending): stream 0 is ambiguous
  });

  it('reports StreamDry and StreamIsRecorded for a stream it has, and onBWDone (after answering _checkbw)', () => {
    const pair = new Pair({}, 3, { player: true });
    pair.startPlaying();
    for (const kind of ['stream-dry', 'stream-is-recorded'] as const)
      pair.fromServer(
        pair.server.send(
          { type: 'user-control', streamId: 0, timestamp: 0, event: { kind, streamId: 1 } },
          2,
        ),
      );
    pair.fromServer(
      pair.server.send(
        { type: 'user-control', streamId: 0, timestamp: 0, event: { kind: 'stream-dry', streamId: 9 } },
        2,
      ),
    );
    pair.fromServer(
      pair.server.send({
        type: 'command',
        streamId: 0,
        timestamp: 0,
        name: 'onBWDone',
        transactionId: 0,
        commandObject: null,
        args: [8192],
        form: 'amf0',
      }),
    );
    expect(
      pair.events.filter((e) => ['stream-dry', 'stream-is-recorded', 'bw-done'].includes(e.type)),
    ).toEqual([
      { type: 'stream-dry', streamId: 1 },
      { type: 'stream-is-recorded', streamId: 1 },
      { type: 'bw-done' },
    ]);
    expect(pair.server.commands().at(-1)).toBe('_checkbw');
  });

  it('sends SetBufferLength again when the player changes its buffer', () => {
    const pair = new Pair({}, 3, { player: true });
    pair.startPlaying();
    pair.deliver(pair.client.setBufferLength(1, 500));
    expect(pair.server.received.at(-1)).toMatchObject({
      type: 'user-control',
      event: { kind: 'set-buffer-length', streamId: 1, bufferLength: 500 },
    });
  });

  it('answers pings and acknowledges at the window', () => {
    const pair = new Pair();
    pair.take('connected');
    pair.fromServer(
      pair.server.send(
        { type: 'user-control', streamId: 0, timestamp: 0, event: { kind: 'ping-request', timestamp: 1234 } },
        2,
      ),
    );
    expect(pair.server.received.at(-1)).toMatchObject({ event: { kind: 'ping-response', timestamp: 1234 } });
    pair.fromServer(
      pair.server.send({ type: 'window-acknowledgement-size', streamId: 0, timestamp: 0, window: 8192 }, 2),
    );
    const big = pair.server.send(
      { type: 'data', streamId: 0, timestamp: 0, name: 'x', values: ['y'.repeat(9000)], form: 'amf0' },
      5,
    );
    pair.fromServer(big);
    const acks = pair.server.received.filter((m) => m.type === 'acknowledgement');
    expect(acks.length).toBe(1);
    expect(acks[0]).toMatchObject({ sequenceNumber: expect.any(Number) });
  });

  it("reports the server's acknowledgements, so a publisher can pace itself by them", () => {
    const pair = new Pair();
    pair.take('connected');
    for (const sequenceNumber of [5_000_000, 0xffff_fff0, 12])
      pair.fromServer(
        pair.server.send({ type: 'acknowledgement', streamId: 0, timestamp: 0, sequenceNumber }, 2),
      );
    expect(pair.events.filter((e) => e.type === 'acknowledgement')).toEqual([
      { type: 'acknowledgement', sequenceNumber: 5_000_000 },
      { type: 'acknowledgement', sequenceNumber: 0xffff_fff0 },
      { type: 'acknowledgement', sequenceNumber: 12 },
    ]);
  });

  it('a refused connect, publish or play fails with the server’s code and description', () => {
    const refused = new Pair({ rejectConnect: 'wrong key' });
    const failure = refused.take('failed');
    expect(failure.error).toBeInstanceOf(RtmpClientError);
    expect(failure.error).toMatchObject({
      code: 'CLIENT_CONNECT_REJECTED',
      statusCode: StatusCode.ConnectRejected,
      description: 'wrong key',
    });
    expect(refused.client.state).toBe('closed');

    const badName = new Pair({
      publishStatus: { level: 'error', code: StatusCode.PublishBadName, description: 'Already publishing' },
    });
    badName.take('connected');
    badName.deliver(badName.client.createStream());
    badName.take('stream-created');
    badName.deliver(badName.client.publish(1, 'cam'));
    expect(badName.take('failed')).toMatchObject({
      streamId: 1,
      error: {
        code: 'CLIENT_PUBLISH_REJECTED',
        statusCode: 'NetStream.Publish.BadName',
        description: 'Already publishing',
      },
    });

    const notFound = new Pair({
      playStatus: { level: 'error', code: StatusCode.PlayStreamNotFound, description: 'No such stream' },
    });
    notFound.take('connected');
    notFound.deliver(notFound.client.createStream());
    notFound.take('stream-created');
    notFound.deliver(notFound.client.play(1, 'nope'));
    expect(notFound.take('failed').error).toMatchObject({
      code: 'CLIENT_PLAY_FAILED',
      statusCode: 'NetStream.Play.StreamNotFound',
    });
  });

  it('times out commands and publishes by the clock it is given', () => {
    const pair = new Pair({ silent: ['createStream'] }, 1, { commandTimeoutMs: 500 });
    pair.take('connected');
    const { requestId } = pair.client.createStream();
    pair.now = 499;
    expect(pair.client.tick().events).toEqual([]);
    expect(pair.client.nextDeadline()).toBe(500);
    pair.now = 500;
    expect(pair.client.tick().events).toEqual([
      { type: 'failed', requestId, error: expect.objectContaining({ code: 'CLIENT_TIMEOUT' }) },
    ]);

    const silent = new Pair({ silent: ['publish'] }, 1, { commandTimeoutMs: 500 });
    silent.take('connected');
    silent.deliver(silent.client.createStream());
    silent.take('stream-created');
    silent.deliver(silent.client.publish(1, 'cam'));
    silent.now = 1000;
    expect(silent.client.tick().events).toMatchObject([
      { type: 'failed', streamId: 1, error: { code: 'CLIENT_TIMEOUT' } },
    ]);
  });

  it('close() while publishing ends the publish first (FCUnpublish, deleteStream), as FFmpeg does', () => {
    const pair = new Pair();
    pair.take('connected');
    pair.deliver(pair.client.createStream());
    pair.take('stream-created');
    pair.deliver(pair.client.publish(1, 'cam?key=secret'));
    pair.take('publish-started');
    pair.deliver(pair.client.close());
    expect(pair.server.commands().slice(-2)).toEqual(['FCUnpublish', 'deleteStream']);
    const unpublish = pair.server.received.filter((m) => m.type === 'command').at(-2)!;
    expect(unpublish).toMatchObject({ args: ['cam?key=secret'] });
    expect(pair.client.close().send).toEqual([]); // once
  });

  it('close() fails everything pending once; a protocol error closes the session', () => {
    const pair = new Pair({ silent: ['createStream'] });
    pair.take('connected');
    const { requestId } = pair.client.createStream();
    expect(pair.client.close().events).toMatchObject([
      { type: 'failed', requestId, error: { code: 'CLIENT_CONNECTION_CLOSED' } },
    ]);
    expect(pair.client.close().events).toEqual([]);

    const broken = new Pair();
    broken.take('connected');
    const result = broken.client.receive(Uint8Array.of(0x85, 0, 0, 0)); // fmt 2 on a fresh chunk stream
    expect(result.events).toMatchObject([
      { type: 'protocol-error', error: { code: 'CLIENT_PROTOCOL_ERROR' } },
    ]);
    expect(broken.client.state).toBe('closed');
  });

  it('misuse is CLIENT_INVALID_STATE', () => {
    const client = new ClientSession({ url: 'rtmp://h/live' });
    expect(() => client.createStream()).toThrow(expect.objectContaining({ code: 'CLIENT_INVALID_STATE' }));
    const pair = new Pair();
    pair.take('connected');
    expect(() => pair.client.writeMedia(1, 'video', 0, Uint8Array.of(1))).toThrow(
      expect.objectContaining({ code: 'CLIENT_INVALID_STATE' }),
    );
  });
});
