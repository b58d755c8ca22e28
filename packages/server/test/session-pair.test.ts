// ServerSession against the toolkit's own ClientSession, in memory, byte by byte.
import { ChunkDecoder, ChunkEncoder } from '@rtmp/chunk';
import { type ClientEvent, ClientSession, type ClientSessionOptions } from '@rtmp/client';
import { buildCheckBandwidth, command, decodeMessage, encodeMessage, type RtmpMessage } from '@rtmp/messages';
import { type ServerEvent, ServerSession, type ServerSessionOptions } from '@rtmp/server';
import { describe, expect, it } from 'vitest';

class Pair {
  readonly client: ClientSession;
  readonly server: ServerSession;
  readonly clientEvents: ClientEvent[] = [];
  readonly serverEvents: ServerEvent[] = [];

  constructor(
    player = false,
    clientOptions: Partial<ClientSessionOptions> = {},
    serverOptions: ServerSessionOptions = {},
  ) {
    this.client = new ClientSession({ url: 'rtmp://localhost/live', now: () => 0, ...clientOptions });
    this.server = new ServerSession(serverOptions);
    this.toServer(this.client.start({ player }).send);
  }

  /** Delivers bytes to the server one at a time, and its answers back, until quiet. */
  toServer(pieces: Uint8Array[]): void {
    const bytes = Buffer.concat(pieces);
    const answers: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const out = this.server.receive(bytes.subarray(i, i + 1));
      this.serverEvents.push(...out.events);
      answers.push(...out.send);
    }
    if (answers.length > 0) this.toClient(answers);
  }

  toClient(pieces: Uint8Array[]): void {
    // RTMPE: what the server sends after its handshake is encrypted where it meets the socket.
    const encryption = this.server.encryption;
    const out = this.client.receive(
      Buffer.concat(encryption ? pieces.map((piece) => encryption.encrypt(piece)) : pieces),
    );
    this.clientEvents.push(...out.events);
    if (out.send.length > 0) this.toServer(out.send);
  }

  request<T extends ServerEvent['type']>(type: T): Extract<ServerEvent, { type: T }> {
    const index = this.serverEvents.findIndex((e) => e.type === type);
    expect(
      index,
      `no ${type} among ${this.serverEvents.map((e) => e.type).join(', ')}`,
    ).toBeGreaterThanOrEqual(0);
    return this.serverEvents.splice(index, 1)[0] as Extract<ServerEvent, { type: T }>;
  }

  clientEvent<T extends ClientEvent['type']>(type: T): Extract<ClientEvent, { type: T }> {
    const index = this.clientEvents.findIndex((e) => e.type === type);
    expect(
      index,
      `no ${type} among ${this.clientEvents.map((e) => e.type).join(', ')}`,
    ).toBeGreaterThanOrEqual(0);
    return this.clientEvents.splice(index, 1)[0] as Extract<ClientEvent, { type: T }>;
  }

  /** Connect (accepted) and create a stream; returns its id. */
  connectAndCreateStream(): number {
    this.toClient(this.server.accept(this.request('connect-request').requestId).send);
    this.clientEvent('connected');
    this.toServer(this.client.createStream().send);
    return this.clientEvent('stream-created').streamId;
  }
}

describe('ServerSession with ClientSession', () => {
  it('objectEncoding 3: after connect both sides send commands (the client its metadata too) in the AMF3 form, and read them; players get the metadata in AMF0', () => {
    const sent: RtmpMessage[] = [];
    const received: RtmpMessage[] = [];
    const pair = new Pair(
      false,
      { connect: { objectEncoding: 3 } },
      { onSent: (message) => sent.push(message), onMessage: (message) => received.push(message) },
    );
    const streamId = pair.connectAndCreateStream();
    pair.toServer(pair.client.publish(streamId, 'cam').send);
    pair.toClient(pair.server.accept(pair.request('publish-request').requestId).send);
    expect(pair.clientEvent('publish-started').info).toMatchObject({ code: 'NetStream.Publish.Start' });
    pair.toServer(pair.client.setMetadata(streamId, { width: 640, encoder: 'test' }));

    const forms = (messages: RtmpMessage[]) =>
      messages
        .filter((m) => m.type === 'command' || m.type === 'data')
        .map((m) => [m.type === 'command' || m.type === 'data' ? m.name : '', 'form' in m ? m.form : '']);
    expect(forms(received)).toEqual([
      ['connect', 'amf0'],
      ['createStream', 'amf3'],
      ['releaseStream', 'amf3'],
      ['FCPublish', 'amf3'],
      ['publish', 'amf3'],
      ['@setDataFrame', 'amf3'],
    ]);
    expect(forms(sent)).toEqual([
      ['_result', 'amf0'],
      ['_result', 'amf3'],
      ['_result', 'amf3'],
      ['onFCPublish', 'amf3'],
      ['onStatus', 'amf3'],
    ]);
    // On the wire the command objects are AMF3 behind the AVM+ marker: the publish's onStatus.
    const onStatus = encodeMessage(sent.at(-1)!);
    expect(onStatus.typeId).toBe(17);
    expect(Buffer.from(onStatus.payload).includes(0x11)).toBe(true);
    expect(pair.serverEvents.find((e) => e.type === 'media')).toMatchObject({
      message: { type: 'data', name: 'onMetaData', values: [{ width: 640, encoder: 'test' }], form: 'amf0' },
    });
  });

  it('RTMPE: connect, publish with media, and play, every byte after the handshake encrypted both ways', () => {
    const publisher = new Pair(false, { encrypted: true });
    expect(publisher.server.encryption).toBeDefined();
    const streamId = publisher.connectAndCreateStream();
    publisher.toServer(publisher.client.publish(streamId, 'cam').send);
    publisher.toClient(publisher.server.accept(publisher.request('publish-request').requestId).send);
    expect(publisher.clientEvent('publish-started').info.code).toBe('NetStream.Publish.Start');
    const frame = Uint8Array.of(0x17, 1, 0, 0, 0, 9, 8, 7);
    const sent = publisher.client.writeMedia(streamId, 'video', 40, frame);
    // On the wire the frame is not in the clear.
    expect(Buffer.concat(sent).includes(Buffer.from(frame))).toBe(false);
    publisher.toServer(sent);
    expect(publisher.serverEvents.find((e) => e.type === 'media')).toMatchObject({
      message: { type: 'video', timestamp: 40, payload: frame },
    });

    const player = new Pair(true, { encrypted: true });
    const playId = player.connectAndCreateStream();
    player.toServer(player.client.play(playId, 'cam').send);
    player.toClient(player.server.accept(player.request('play-request').requestId).send);
    expect(player.clientEvent('play-started').streamId).toBe(playId);
    player.toClient(player.server.send({ type: 'video', streamId: playId, timestamp: 80, payload: frame }));
    expect(player.clientEvents.find((e) => e.type === 'media' && e.message.type === 'video')).toMatchObject({
      message: { timestamp: 80, payload: frame },
    });
  });

  it('RTMPE turned off: the client is refused at the first byte', () => {
    const pair = new Pair(false, { encrypted: true }, { rtmpe: false });
    expect(pair.serverEvents.map((e) => e.type)).toEqual(['protocol-error']);
  });

  it('objectEncoding 3 on a player: Play.Start in the AMF3 form, and |RtmpSampleAccess as type-15 data it reads', () => {
    const sent: RtmpMessage[] = [];
    const pair = new Pair(
      true,
      { connect: { objectEncoding: 3 } },
      { onSent: (message) => sent.push(message) },
    );
    const streamId = pair.connectAndCreateStream();
    pair.toServer(pair.client.play(streamId, 'cam').send);
    pair.toClient(pair.server.accept(pair.request('play-request').requestId).send);
    expect(pair.clientEvent('play-started').info.code).toBe('NetStream.Play.Start');
    expect(pair.clientEvent('media')).toMatchObject({
      message: { type: 'data', name: '|RtmpSampleAccess', form: 'amf3' },
    });
    expect(sent.filter((m) => m.type === 'data').map((m) => encodeMessage(m).typeId)).toEqual([15]);
  });

  it('a client that did not ask for objectEncoding 3 keeps AMF0 both ways', () => {
    const sent: RtmpMessage[] = [];
    const pair = new Pair(false, {}, { onSent: (message) => sent.push(message) });
    pair.connectAndCreateStream();
    expect(sent.filter((m) => m.type === 'command').map((m) => m.type === 'command' && m.form)).toEqual([
      'amf0',
      'amf0',
    ]);
  });

  it('connect: the request carries the client’s fields; accepting sends what clients expect', () => {
    const pair = new Pair();
    const { request } = pair.request('connect-request');
    expect(request).toMatchObject({
      app: 'live',
      tcUrl: 'rtmp://localhost/live',
      flashVer: 'FMLE/3.0 (compatible; @rtmp/client)',
    });
    expect(pair.server.state).toBe('connecting');
    pair.toClient(pair.server.accept(1).send);
    expect(pair.clientEvent('connected').info.code).toBe('NetConnection.Connect.Success');
    expect(pair.server.state).toBe('connected');
  });

  it('publish: name and query split, Publish.Start, media (with @setDataFrame stripped), unpublish', () => {
    const pair = new Pair();
    const streamId = pair.connectAndCreateStream();
    expect(streamId).toBe(1);
    pair.toServer(pair.client.publish(streamId, 'cam?key=secret').send);
    const publish = pair.request('publish-request');
    expect(publish).toMatchObject({ streamId: 1, name: 'cam', query: 'key=secret', publishType: 'live' });
    pair.toClient(pair.server.accept(publish.requestId).send);
    expect(pair.clientEvent('publish-started').info.code).toBe('NetStream.Publish.Start');

    pair.toServer(pair.client.setMetadata(1, { width: 640 }));
    pair.toServer(pair.client.writeMedia(1, 'video', 40, Uint8Array.of(0x17, 1, 0, 0, 0, 9)));
    const media = pair.serverEvents.filter((e) => e.type === 'media');
    expect(media.map((e) => e.type === 'media' && [e.message.type, e.message.timestamp])).toEqual([
      ['data', 0],
      ['video', 40],
    ]);
    expect(media[0]).toMatchObject({ message: { name: 'onMetaData' } });

    pair.toServer(pair.client.closeStream(1).send);
    expect(pair.request('stream-closed')).toEqual({ type: 'stream-closed', streamId: 1, role: 'publish' });
  });

  it('play: Play.Start, media sent to the player arrives, the publisher leaving ends it', () => {
    const pair = new Pair(true);
    const streamId = pair.connectAndCreateStream();
    pair.toServer(pair.client.play(streamId, 'cam').send);
    const play = pair.request('play-request');
    expect(play).toMatchObject({ name: 'cam', query: '', start: -2000 });
    pair.toClient(pair.server.accept(play.requestId).send);
    expect(pair.clientEvent('play-started').streamId).toBe(1);
    expect(pair.clientEvent('media')).toMatchObject({ message: { type: 'data', name: '|RtmpSampleAccess' } });
    pair.toClient(
      pair.server.send({ type: 'video', streamId: 1, timestamp: 80, payload: Uint8Array.of(0x17, 1) }),
    );
    expect(pair.clientEvent('media')).toMatchObject({ message: { type: 'video', timestamp: 80 } });
    pair.toClient(pair.server.notify(1, 'unpublished'));
    expect(pair.clientEvent('stream-eof').streamId).toBe(1);
  });

  it('pause and pauseRaw (nginx-rtmp, Wowza), receiveAudio/receiveVideo and seek raise player-control events, with their notices', () => {
    const pair = new Pair(true);
    const streamId = pair.connectAndCreateStream();
    pair.toServer(pair.client.play(streamId, 'cam').send);
    pair.toClient(pair.server.accept(pair.request('play-request').requestId).send);
    const encoder = new ChunkEncoder();
    encoder.setChunkSize(4096); // what the client announced
    const send = (name: string, ...args: unknown[]) =>
      pair.toServer(encoder.encode(encodeMessage(command(name, 0, null, args, streamId)), 8));
    send('pauseRaw', true, 0);
    send('pauseraw', false, 0);
    send('pause', true, 0);
    send('receiveVideo', false);
    send('seek', 1500);
    send('seek', -1);
    const controls = pair.serverEvents.filter((e) => e.type === 'player-control');
    expect(
      controls.map((e) => e.type === 'player-control' && [e.control, e.enabled, e.milliseconds]),
    ).toEqual([
      ['pause', false, undefined],
      ['pause', true, undefined],
      ['pause', false, undefined],
      ['receive-video', false, undefined],
      ['seek', true, 1500],
    ]);
    const codes = pair.clientEvents
      .filter((e) => e.type === 'status' && e.info.code !== 'NetStream.Play.Reset')
      .map((e) => e.type === 'status' && e.info.code);
    expect(codes).toEqual([
      'NetStream.Pause.Notify',
      'NetStream.Unpause.Notify',
      'NetStream.Pause.Notify',
      'NetStream.Seek.Notify',
      'NetStream.Seek.Failed',
    ]);
  });

  it('rejections reach the client with their code and description', () => {
    const refused = new Pair();
    refused.toClient(
      refused.server.reject(refused.request('connect-request').requestId, { description: 'bad key' }).send,
    );
    expect(refused.clientEvent('failed').error).toMatchObject({
      code: 'CLIENT_CONNECT_REJECTED',
      description: 'bad key',
    });
    expect(refused.server.state).toBe('closed');

    const pair = new Pair();
    const streamId = pair.connectAndCreateStream();
    pair.toServer(pair.client.publish(streamId, 'cam').send);
    pair.toClient(
      pair.server.reject(pair.request('publish-request').requestId, { description: 'Already publishing' })
        .send,
    );
    expect(pair.clientEvent('failed').error).toMatchObject({
      code: 'CLIENT_PUBLISH_REJECTED',
      statusCode: 'NetStream.Publish.BadName',
    });

    expect(() => pair.server.accept(99)).toThrow(expect.objectContaining({ code: 'SERVER_INVALID_STATE' }));
  });

  it('_checkbw (the answer to onBWDone) gets a _result with nulls, not _error, and no onBWDone back', () => {
    const pair = new Pair();
    pair.connectAndCreateStream();
    const out = pair.server.receive(
      Buffer.concat(new ChunkEncoder().encode(encodeMessage(buildCheckBandwidth(7)), 3)),
    );
    const answers = new ChunkDecoder().decode(Buffer.concat(out.send)).map((raw) => decodeMessage(raw));
    expect(answers).toEqual([
      expect.objectContaining({
        type: 'command',
        name: '_result',
        transactionId: 7,
        commandObject: null,
        args: [null],
      }),
    ]);
  });
});
