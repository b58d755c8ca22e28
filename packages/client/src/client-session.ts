import {
  ChunkDecoder,
  type ChunkDecoderOptions,
  ChunkEncoder,
  ChunkError,
  encodeAcknowledgement,
} from '@rtmp/chunk';
import { ClientHandshake, HandshakeError, type HandshakeScheme, type RtmpeCipher } from '@rtmp/handshake';
import {
  aggregateMedia,
  buildCheckBandwidth,
  buildCloseStream,
  command as buildCommand,
  buildConnect,
  buildCreateStream,
  buildDeleteStream,
  buildFCPublish,
  buildFCUnpublish,
  buildPause,
  buildPlay,
  buildPlay2,
  buildPublish,
  buildReceive,
  buildReleaseStream,
  buildSeek,
  buildSetDataFrame,
  CapsEx,
  type CommandMessage,
  type ConnectParameters,
  type DataMessage,
  DEFAULT_TRANSACTION_TIMEOUT_MS,
  decodeMessage,
  type EnhancedCapabilities,
  encodeMessage,
  forwardingCapabilities,
  type MediaMessage,
  MessageError,
  type PlayOptions,
  type PublishType,
  parseCreateStreamResult,
  parseStatus,
  type RtmpMessage,
  StatusCode,
  type StatusInfo,
  TransactionTable,
} from '@rtmp/messages';
import { RtmpClientError } from './errors';
import { parseRtmpUrl, type RtmpUrl } from './rtmp-url';

/**
 * What this client says of Enhanced RTMP with `enhancedRtmp: true`: it carries every FourCC of the
 * v2 spec (it passes codec bytes through, decoding none), multitrack, ModEx and nanosecond
 * timestamp offsets.
 */
export const CLIENT_ENHANCED_CAPABILITIES: EnhancedCapabilities = forwardingCapabilities(
  CapsEx.Multitrack | CapsEx.ModEx | CapsEx.TimestampNanoOffset,
);

/** Options of {@link ClientSession}. Every field but `url` is optional. */
export interface ClientSessionOptions {
  /** The NetConnection URL (`rtmp://host/app[/instance][?query]`) or its parts. */
  readonly url: string | RtmpUrl;
  /** Handshake to offer: `simple` (what OBS sends) or a digest one (what FFmpeg sends). @default 'simple' */
  readonly handshake?: HandshakeScheme;
  /**
   * RTMPE (`rtmpe://`): the encrypted handshake (type 6, a digest C1 with a Diffie-Hellman key),
   * then RC4 on every byte. Everything the session returns is then already encrypted, and
   * {@link ClientSession.receive} takes the bytes as they arrive.
   * @default false
   */
  readonly encrypted?: boolean;
  /**
   * `connect` fields added to (or replacing) the defaults: app, tcUrl, `flashVer: 'FMLE/3.0
   * (compatible; @rtmp/client)'`, `type: 'nonprivate'`, and for players fpad, capabilities,
   * audioCodecs, videoCodecs, videoFunction as FFmpeg sends them.
   */
  readonly connect?: Partial<ConnectParameters> & Readonly<Record<string, unknown>>;
  /** Enhanced RTMP: FourCCs to announce in `connect` (`fourCcList`). Not sent by default. */
  readonly fourCcList?: readonly string[];
  /**
   * Enhanced RTMP v2 negotiation: `true` sends {@link CLIENT_ENHANCED_CAPABILITIES} in `connect`
   * (`fourCcList`, `videoFourCcInfoMap`, `audioFourCcInfoMap`, `capsEx`); an object sends those
   * fields instead. The server's answer is in the `connected` event's properties. Not sent by
   * default (a legacy `connect`). `fourCcList`, when also given, wins for that field.
   */
  readonly enhancedRtmp?: boolean | EnhancedCapabilities;
  /** Outgoing chunk size, announced after connect. @default 4096 */
  readonly chunkSize?: number;
  /** How long a command waits for its answer, in ms. @default 10000 */
  readonly commandTimeoutMs?: number;
  /** Buffer length announced when playing (SetBufferLength), in ms. @default 3000 */
  readonly bufferLengthMs?: number;
  /** The clock, in ms (used for timeouts only). @default Date.now */
  readonly now?: () => number;
  /** Random source for the handshake (tests inject a seeded one). */
  readonly randomBytes?: (size: number) => Uint8Array;
  /** Limits of the chunk decoder. */
  readonly chunkDecoder?: ChunkDecoderOptions;
}

/** The `connect` fields for an `enhancedRtmp` option. */
function enhancedFields(option: boolean | EnhancedCapabilities | undefined): EnhancedCapabilities {
  if (!option) return {};
  return option === true ? CLIENT_ENHANCED_CAPABILITIES : option;
}

/** What the session tells its user. */
export type ClientEvent =
  /** `connect` succeeded: the server's properties and status info. */
  | { readonly type: 'connected'; readonly properties: unknown; readonly info: StatusInfo }
  | { readonly type: 'stream-created'; readonly requestId: number; readonly streamId: number }
  | { readonly type: 'publish-started'; readonly streamId: number; readonly info: StatusInfo }
  | { readonly type: 'play-started'; readonly streamId: number; readonly info: StatusInfo }
  /** Any other onStatus (Play.Stop, UnpublishNotify, ...). */
  | { readonly type: 'status'; readonly streamId: number; readonly info: StatusInfo }
  /** StreamBegin / StreamEOF for a stream: what nginx-rtmp sends when a publisher arrives or leaves. */
  | { readonly type: 'stream-begin'; readonly streamId: number }
  | { readonly type: 'stream-eof'; readonly streamId: number }
  /** StreamDry (no data for a while) and StreamIsRecorded (a recorded stream), as servers send them. */
  | { readonly type: 'stream-dry'; readonly streamId: number }
  | { readonly type: 'stream-is-recorded'; readonly streamId: number }
  /** The server called onBWDone (the client has answered `_checkbw` already). */
  | { readonly type: 'bw-done' }
  /** Audio, video or data on a stream being played. */
  | { readonly type: 'media'; readonly streamId: number; readonly message: MediaMessage | DataMessage }
  /** A command the server sent on its own (not an answer, not onStatus). */
  | { readonly type: 'command'; readonly message: CommandMessage }
  /**
   * The answer to {@link ClientSession.call}: `ok` for `_result`, else `_error`; `values` are the
   * command object and the arguments, `info` the status object when there is one.
   */
  | {
      readonly type: 'call-result';
      readonly requestId: number;
      readonly name: string;
      readonly ok: boolean;
      readonly values: readonly unknown[];
      readonly info: StatusInfo | undefined;
    }
  /**
   * The server's Acknowledgement: it has received `sequenceNumber` bytes of ours (modulo 2^32),
   * sent each time its window fills. A publisher can pace itself by it.
   */
  | { readonly type: 'acknowledgement'; readonly sequenceNumber: number }
  /**
   * An operation failed: `connect` (no requestId, no streamId), a command (`requestId`), or a
   * publish or play (`streamId`). The connection may still be usable, except after connect.
   */
  | {
      readonly type: 'failed';
      readonly requestId?: number;
      readonly streamId?: number;
      readonly error: RtmpClientError;
    }
  /** The server broke the protocol: close the connection. */
  | { readonly type: 'protocol-error'; readonly error: RtmpClientError };

/** What every call returns: bytes to write (in order) and events. */
export interface ClientOutput {
  readonly send: Uint8Array[];
  readonly events: ClientEvent[];
}

/** Chunk streams the client sends on (FFmpeg's layout; nginx-rtmp wants ids below 32). */
const CSID = { control: 2, connection: 3, stream: 4, data: 5, audio: 6, video: 7 } as const;
const FLASH_VERSION = 'FMLE/3.0 (compatible; @rtmp/client)';
/** What FFmpeg's player announces (rtmp-notes §7.2). */
const PLAYER_FIELDS = {
  fpad: false,
  capabilities: 15,
  audioCodecs: 4071,
  videoCodecs: 252,
  videoFunction: 1,
};

type Pending =
  | { kind: 'connect' }
  | { kind: 'createStream' }
  | { kind: 'command'; name: string }
  | { kind: 'call'; name: string };
type StreamRole = { role: 'publish' | 'play'; name: string; started: boolean; deadline: number };

/**
 * The client side of an RTMP NetConnection and its NetStreams, sans-IO: feed it the server's
 * bytes with {@link ClientSession.receive}, write what every call returns, and read its events.
 * It answers what a client must answer on its own (acknowledgements at the window, ping
 * responses, Window Acknowledgement Size after Set Peer Bandwidth, `_checkbw` after onBWDone) and
 * times out commands by the clock it is given ({@link ClientSession.tick}).
 *
 * Sequence: {@link ClientSession.start} (C0+C1) → handshake → `connect` (sent by the session) →
 * `connected` → {@link ClientSession.createStream} → `stream-created` → {@link ClientSession.publish}
 * or {@link ClientSession.play} → `publish-started`/`play-started` → media → {@link ClientSession.closeStream}.
 */
export class ClientSession {
  readonly #url: RtmpUrl;
  readonly #options: ClientSessionOptions;
  readonly #now: () => number;
  readonly #handshake: ClientHandshake;
  readonly #decoder: ChunkDecoder;
  readonly #encoder = new ChunkEncoder();
  readonly #transactions: TransactionTable<Pending>;
  readonly #streams = new Map<number, StreamRole>();
  #state: 'new' | 'handshake' | 'connecting' | 'connected' | 'closed' = 'new';
  /** Both sides agreed on `objectEncoding` 3: commands and data go in the "AMF3" form (17, 15). */
  #amf3 = false;
  #player = false;
  /** RTMPE's RC4 streams, from the end of the handshake on. */
  #encryption: RtmpeCipher | undefined;
  #announcedWindow: number | undefined;

  constructor(options: ClientSessionOptions) {
    this.#options = options;
    this.#url = typeof options.url === 'string' ? parseRtmpUrl(options.url) : options.url;
    this.#now = options.now ?? Date.now;
    this.#handshake = new ClientHandshake({
      scheme: options.handshake ?? 'simple',
      encrypted: options.encrypted ?? false,
      ...(options.randomBytes ? { randomBytes: options.randomBytes } : {}),
    });
    this.#decoder = new ChunkDecoder(options.chunkDecoder);
    this.#transactions = new TransactionTable({
      timeoutMs: options.commandTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS,
    });
  }

  /** `connected` once `connect` succeeded; `closed` after a fatal error or {@link ClientSession.close}. */
  get state(): 'new' | 'handshake' | 'connecting' | 'connected' | 'closed' {
    return this.#state;
  }

  /**
   * C0+C1, the first bytes to write. `player: true` makes `connect` look like FFmpeg's player
   * (fpad, capabilities, codecs), which some servers expect before a play.
   */
  start(options: { player?: boolean } = {}): ClientOutput {
    this.#expect('new', 'start');
    this.#player = options.player ?? false;
    this.#state = 'handshake';
    return { send: [this.#handshake.start()], events: [] };
  }

  /** Feeds bytes from the server. */
  receive(bytes: Uint8Array): ClientOutput {
    const output: ClientOutput = { send: [], events: [] };
    if (this.#state === 'closed') return output;
    try {
      let input = this.#encryption ? this.#encryption.decrypt(bytes) : bytes;
      if (this.#state === 'handshake') {
        const result = this.#handshake.receive(bytes);
        output.send.push(...result.send); // C2 in the clear; what follows is encrypted
        if (result.status !== 'done') return output;
        input = result.remaining;
        this.#encryption = result.encryption;
        this.#sendConnect(output);
      }
      this.#decoder.push(input);
      for (let raw = this.#decoder.next(); raw !== undefined; raw = this.#decoder.next()) {
        let message: RtmpMessage;
        try {
          message = decodeMessage(raw);
        } catch (error) {
          if (MessageError.isInstance(error)) continue; // a message we cannot read is ignored, not fatal
          throw error;
        }
        this.#handle(message, output);
      }
      const ack = this.#decoder.takeAcknowledgement();
      if (ack !== undefined) this.#send(output, encodeAcknowledgement(ack), CSID.control);
    } catch (error) {
      if (!ChunkError.isInstance(error) && !HandshakeError.isInstance(error)) throw error;
      this.#state = 'closed';
      output.events.push({
        type: 'protocol-error',
        error: new RtmpClientError(
          'CLIENT_PROTOCOL_ERROR',
          `the server broke the protocol: ${error.message}`,
          { cause: error },
        ),
      });
    }
    return output;
  }

  /** Times out commands, publishes and plays whose deadline has passed. Call it from a timer. */
  tick(now = this.#now()): ClientOutput {
    const output: ClientOutput = { send: [], events: [] };
    for (const expired of this.#transactions.expire(now)) {
      const context = expired.context;
      const what = context.kind === 'command' || context.kind === 'call' ? context.name : context.kind;
      const error = new RtmpClientError('CLIENT_TIMEOUT', `no answer to ${what} within the command timeout`);
      output.events.push(
        expired.context.kind === 'connect'
          ? { type: 'failed', error }
          : { type: 'failed', requestId: expired.id, error },
      );
      if (expired.context.kind === 'connect') this.#state = 'closed';
    }
    for (const [streamId, stream] of this.#streams) {
      if (!stream.started && stream.deadline <= now) {
        stream.started = true; // report once
        const error = new RtmpClientError(
          'CLIENT_TIMEOUT',
          `no answer to ${stream.role} "${stream.name}" within the command timeout`,
        );
        output.events.push({ type: 'failed', streamId, error });
      }
    }
    return output;
  }

  /** The earliest deadline the caller's timer should wake up for, if any. */
  nextDeadline(): number | undefined {
    let next = this.#transactions.nextDeadline();
    for (const stream of this.#streams.values()) {
      if (!stream.started && (next === undefined || stream.deadline < next)) next = stream.deadline;
    }
    return next;
  }

  /** Asks for a NetStream; `stream-created` (or `failed`) carries the returned `requestId`. */
  createStream(): ClientOutput & { requestId: number } {
    this.#expect('connected', 'createStream');
    const output: ClientOutput = { send: [], events: [] };
    const requestId = this.#transactions.allocate(this.#now(), { kind: 'createStream' });
    this.#sendMessage(output, buildCreateStream(requestId), CSID.connection);
    return { ...output, requestId };
  }

  /**
   * Publishes on a created stream, as OBS and FFmpeg do: releaseStream, FCPublish, publish.
   * `publish-started` follows NetStream.Publish.Start; an error status gives `failed`.
   */
  publish(streamId: number, name: string, type: PublishType = 'live'): ClientOutput {
    this.#expect('connected', 'publish');
    const output: ClientOutput = { send: [], events: [] };
    const now = this.#now();
    // Servers may never answer these two (nginx-rtmp does not): nothing waits for them.
    this.#sendMessage(output, buildReleaseStream(this.#transactions.reserveId(), name), CSID.connection);
    this.#sendMessage(output, buildFCPublish(this.#transactions.reserveId(), name), CSID.connection);
    this.#streams.set(streamId, {
      role: 'publish',
      name,
      started: false,
      deadline: now + this.#commandTimeout,
    });
    this.#sendMessage(
      output,
      buildPublish(this.#transactions.reserveId(), streamId, name, type),
      CSID.stream,
    );
    return output;
  }

  /**
   * Plays a created stream; `play-started`, then `media` events. On a stream that plays already,
   * `reset: false` queues `name` behind what plays (its Play.Start comes when it starts); otherwise
   * it replaces what plays.
   */
  play(streamId: number, name: string, options: PlayOptions = {}): ClientOutput {
    this.#expect('connected', 'play');
    const output: ClientOutput = { send: [], events: [] };
    const queued = options.reset === false && this.#streams.get(streamId)?.role === 'play';
    if (!queued) this.#startPlay(streamId, name);
    this.#sendMessage(
      output,
      buildPlay(this.#transactions.reserveId(), streamId, name, options),
      CSID.stream,
    );
    if (queued) return output;
    const bufferLength = this.#options.bufferLengthMs ?? 3000;
    this.#sendMessage(
      output,
      {
        type: 'user-control',
        streamId: 0,
        timestamp: 0,
        event: { kind: 'set-buffer-length', streamId, bufferLength },
      },
      CSID.control,
    );
    return output;
  }

  /**
   * `play2`: switches a stream that plays to another one (`transition: "switch"`, or as given), or
   * plays one on a stream that plays nothing; `play-started` when the server starts it.
   */
  play2(
    streamId: number,
    name: string,
    options: { readonly start?: number; readonly len?: number; readonly transition?: string } = {},
  ): ClientOutput {
    this.#expect('connected', 'play2');
    const output: ClientOutput = { send: [], events: [] };
    const old = this.#streams.get(streamId);
    this.#startPlay(streamId, name);
    const playOptions = {
      streamName: name,
      start: options.start ?? -2000,
      len: options.len ?? -1,
      transition: options.transition ?? 'switch',
      ...(old?.role === 'play' ? { oldStreamName: old.name } : {}),
    };
    this.#sendMessage(output, buildPlay2(streamId, playOptions), CSID.stream);
    return output;
  }

  /**
   * Stops what a stream plays with `closeStream` (what Flash's NetStream.close sends); the stream
   * stays created, for another {@link ClientSession.play} or {@link ClientSession.play2}.
   */
  stopPlaying(streamId: number): ClientOutput {
    const output: ClientOutput = { send: [], events: [] };
    if (this.#streams.get(streamId)?.role !== 'play' || this.#state !== 'connected') return output;
    this.#streams.delete(streamId);
    this.#sendMessage(output, buildCloseStream(streamId), CSID.stream);
    return output;
  }

  #startPlay(streamId: number, name: string): void {
    this.#streams.set(streamId, {
      role: 'play',
      name,
      started: false,
      deadline: this.#now() + this.#commandTimeout,
    });
  }

  /** Metadata for a published stream (`@setDataFrame onMetaData`), returned as bytes to write. */
  setMetadata(streamId: number, metadata: Readonly<Record<string, unknown>>): Uint8Array[] {
    this.#expectPublishing(streamId);
    return this.#wire(
      this.#encoder.encode(encodeMessage(this.#inForm(buildSetDataFrame(streamId, metadata))), CSID.data),
    );
  }

  /** Commands and data in the negotiated form: "AMF3" (17, 15) after an `objectEncoding` 3 connect. */
  #inForm(message: RtmpMessage): RtmpMessage {
    return this.#amf3 && (message.type === 'command' || message.type === 'data')
      ? { ...message, form: 'amf3' }
      : message;
  }

  /**
   * One audio or video message (an FLV tag body) or data message body for a published stream,
   * as bytes to write. The payload is not copied: the pieces are views of it.
   */
  writeMedia(
    streamId: number,
    kind: 'audio' | 'video' | 'data',
    timestamp: number,
    payload: Uint8Array,
  ): Uint8Array[] {
    this.#expectPublishing(streamId);
    const typeId = kind === 'audio' ? 8 : kind === 'video' ? 9 : 18;
    const csid = kind === 'audio' ? CSID.audio : kind === 'video' ? CSID.video : CSID.data;
    return this.#wire(this.#encoder.encode({ typeId, streamId, timestamp, payload }, csid));
  }

  /**
   * A player's control of its stream: `pause` (true pauses, false resumes, at `milliseconds` of
   * the stream), `receiveAudio` / `receiveVideo` (false turns that kind off), `seek`.
   * @throws {@link RtmpClientError} `CLIENT_INVALID_STATE` unless `streamId` is playing.
   */
  control(
    streamId: number,
    control:
      | { readonly kind: 'pause'; readonly paused: boolean; readonly milliseconds: number }
      | { readonly kind: 'receive-audio' | 'receive-video'; readonly enabled: boolean }
      | { readonly kind: 'seek'; readonly milliseconds: number },
  ): ClientOutput {
    if (this.#streams.get(streamId)?.role !== 'play')
      throw new RtmpClientError('CLIENT_INVALID_STATE', `stream ${streamId} is not playing`);
    const output: ClientOutput = { send: [], events: [] };
    const message =
      control.kind === 'pause'
        ? buildPause(streamId, control.paused, control.milliseconds)
        : control.kind === 'seek'
          ? buildSeek(streamId, control.milliseconds)
          : buildReceive(control.kind === 'receive-audio' ? 'audio' : 'video', streamId, control.enabled);
    this.#sendMessage(output, message, CSID.stream);
    return output;
  }

  /**
   * Calls a command on the server (`name`, a transaction id, `commandObject`, `args`); its answer
   * comes as a `call-result` event with the returned `requestId`, or a `failed` one on timeout.
   * @throws {@link RtmpClientError} `CLIENT_INVALID_STATE` before `connected`.
   */
  call(
    name: string,
    args: readonly unknown[] = [],
    commandObject: unknown = null,
  ): ClientOutput & { requestId: number } {
    this.#expect('connected', name);
    const output: ClientOutput = { send: [], events: [] };
    const requestId = this.#transactions.allocate(this.#now(), { kind: 'call', name });
    this.#sendMessage(output, buildCommand(name, requestId, commandObject, args), CSID.connection);
    return { ...output, requestId };
  }

  /**
   * Answers a command the server called (a `command` event with a transaction id other than 0):
   * `_result` with `values` (the command object, then the arguments), or `_error` when `ok` is false.
   */
  respond(transactionId: number, ok: boolean, values: readonly unknown[]): ClientOutput {
    const output: ClientOutput = { send: [], events: [] };
    if (this.#state !== 'connected') return output;
    const [commandObject = null, ...args] = values;
    this.#sendMessage(
      output,
      buildCommand(ok ? '_result' : '_error', transactionId, commandObject, args),
      CSID.connection,
    );
    return output;
  }

  /**
   * Tells the server how much a played stream's player buffers, in ms (SetBufferLength; sent with
   * play, and again whenever it changes).
   */
  setBufferLength(streamId: number, bufferLength: number): ClientOutput {
    const output: ClientOutput = { send: [], events: [] };
    if (this.#state !== 'connected') return output;
    const message = {
      type: 'user-control' as const,
      streamId: 0,
      timestamp: 0,
      event: {
        kind: 'set-buffer-length' as const,
        streamId,
        bufferLength: Math.max(0, Math.round(bufferLength)),
      },
    };
    this.#sendMessage(output, message, CSID.control);
    return output;
  }

  /** Ends a publish (FCUnpublish, deleteStream) or a play (deleteStream). */
  closeStream(streamId: number): ClientOutput {
    const output: ClientOutput = { send: [], events: [] };
    const stream = this.#streams.get(streamId);
    this.#streams.delete(streamId);
    if (this.#state !== 'connected') return output;
    if (stream?.role === 'publish') {
      this.#sendMessage(
        output,
        buildFCUnpublish(this.#transactions.reserveId(), stream.name),
        CSID.connection,
      );
    }
    this.#sendMessage(output, buildDeleteStream(this.#transactions.reserveId(), streamId), CSID.connection);
    return output;
  }

  /**
   * The connection is gone (or being closed): every pending command and unstarted stream fails
   * once with `CLIENT_CONNECTION_CLOSED`. While still connected, started publishes are ended first
   * (FCUnpublish and deleteStream to send).
   */
  close(reason = 'the connection closed'): ClientOutput {
    const events: ClientEvent[] = [];
    const output: ClientOutput = { send: [], events };
    // Closed while connected (by the application): publishes end the way FFmpeg's do, so a
    // server that tracks FCPublish (CDNs) frees the name at once.
    if (this.#state === 'connected')
      for (const [streamId, stream] of this.#streams)
        if (stream.started && stream.role === 'publish') output.send.push(...this.closeStream(streamId).send);
    if (this.#state !== 'closed') {
      const error = () => new RtmpClientError('CLIENT_CONNECTION_CLOSED', reason);
      if (this.#state === 'handshake' || this.#state === 'connecting')
        events.push({ type: 'failed', error: error() });
      for (const { id, context } of this.#transactions.clear()) {
        if (context.kind !== 'connect') events.push({ type: 'failed', requestId: id, error: error() });
      }
      for (const [streamId, stream] of this.#streams) {
        if (!stream.started || stream.role === 'play')
          events.push({ type: 'failed', streamId, error: error() });
      }
      this.#streams.clear();
      this.#state = 'closed';
    }
    return output;
  }

  // --- internals ---------------------------------------------------------------------------------

  get #commandTimeout(): number {
    return this.#options.commandTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS;
  }

  #expect(state: ClientSession['state'], what: string): void {
    if (this.#state !== state) {
      throw new RtmpClientError(
        'CLIENT_INVALID_STATE',
        `${what} needs a ${state} session, this one is ${this.#state}`,
      );
    }
  }

  #expectPublishing(streamId: number): void {
    this.#expect('connected', 'writing media');
    if (this.#streams.get(streamId)?.role !== 'publish') {
      throw new RtmpClientError('CLIENT_INVALID_STATE', `stream ${streamId} is not being published`);
    }
  }

  #send(output: ClientOutput, raw: Parameters<ChunkEncoder['encode']>[0], csid: number): void {
    output.send.push(...this.#wire(this.#encoder.encode(raw, csid)));
  }

  /** Chunks as they go on the wire: RC4-encrypted on an RTMPE connection (in order: one keystream). */
  #wire(pieces: Uint8Array[]): Uint8Array[] {
    const encryption = this.#encryption;
    return encryption ? pieces.map((piece) => encryption.encrypt(piece)) : pieces;
  }

  #sendMessage(output: ClientOutput, message: RtmpMessage, csid: number): void {
    this.#send(output, encodeMessage(this.#inForm(message)), csid);
  }

  #sendConnect(output: ClientOutput): void {
    this.#state = 'connecting';
    const id = this.#transactions.allocate(this.#now(), { kind: 'connect' });
    const parameters = {
      app: this.#url.app,
      type: 'nonprivate',
      flashVer: FLASH_VERSION,
      tcUrl: this.#url.tcUrl,
      ...(this.#player ? PLAYER_FIELDS : {}),
      ...enhancedFields(this.#options.enhancedRtmp),
      ...(this.#options.fourCcList ? { fourCcList: [...this.#options.fourCcList] } : {}),
      ...this.#options.connect,
    };
    if (this.#player) delete (parameters as Record<string, unknown>)['type'];
    this.#sendMessage(output, buildConnect(parameters, id), CSID.connection);
  }

  #handle(message: RtmpMessage, output: ClientOutput): void {
    switch (message.type) {
      case 'set-peer-bandwidth':
        // Answer with our own window, as FFmpeg and librtmp do (RTMP 1.0 §5.4.5).
        if (message.window !== this.#announcedWindow && message.window > 0) {
          this.#announcedWindow = message.window;
          this.#sendMessage(
            output,
            { type: 'window-acknowledgement-size', streamId: 0, timestamp: 0, window: message.window },
            CSID.control,
          );
        }
        return;
      case 'user-control': {
        const { event } = message;
        if (event.kind === 'ping-request') {
          const pong = {
            type: 'user-control',
            streamId: 0,
            timestamp: 0,
            event: { kind: 'ping-response', timestamp: event.timestamp },
          } as const;
          this.#sendMessage(output, pong, CSID.control);
        } else if (
          (event.kind === 'stream-begin' ||
            event.kind === 'stream-eof' ||
            event.kind === 'stream-dry' ||
            event.kind === 'stream-is-recorded') &&
          this.#streams.has(event.streamId)
        ) {
          output.events.push({ type: event.kind, streamId: event.streamId });
        }
        return;
      }
      case 'command':
        this.#handleCommand(message, output);
        return;
      case 'audio':
      case 'video':
      case 'data': {
        const streamId = this.#playingStreamOf(message.streamId);
        if (streamId !== undefined) output.events.push({ type: 'media', streamId, message });
        return;
      }
      case 'aggregate':
        // Wowza and FMS send media to players in aggregates: each sub-message as its own.
        for (const media of aggregateMedia(message)) this.#handle(media, output);
        return;
      case 'acknowledgement':
        output.events.push({ type: 'acknowledgement', sequenceNumber: message.sequenceNumber });
        return;
      default:
        return; // control messages were applied by the chunk decoder
    }
  }

  /**
   * The played stream a media message belongs to. node-media-server sends every media message on
   * message stream 0 (the NetConnection's); with exactly one stream playing, that is unambiguous.
   */
  #playingStreamOf(messageStreamId: number): number | undefined {
    if (this.#streams.get(messageStreamId)?.role === 'play') return messageStreamId;
    if (messageStreamId !== 0) return undefined;
    const playing = [...this.#streams].filter(([, stream]) => stream.role === 'play');
    return playing.length === 1 ? playing[0]![0] : undefined;
  }

  #handleCommand(message: CommandMessage, output: ClientOutput): void {
    const settled = this.#transactions.settle(message);
    if (settled !== undefined) {
      this.#answer(settled.context, settled.id, settled.outcome === 'result', message, output);
      return;
    }
    if (message.name === 'onStatus') {
      this.#status(message, output);
    } else if (message.name === 'onBWDone') {
      const id = this.#transactions.allocate(this.#now(), { kind: 'command', name: '_checkbw' });
      this.#sendMessage(output, buildCheckBandwidth(id), CSID.connection);
      output.events.push({ type: 'bw-done' });
    } else if (
      message.name !== '_result' &&
      message.name !== '_error' &&
      message.name !== 'onFCPublish' &&
      message.name !== 'onFCUnpublish'
    ) {
      output.events.push({ type: 'command', message });
    }
  }

  #answer(pending: Pending, id: number, ok: boolean, message: CommandMessage, output: ClientOutput): void {
    const info = tryStatus(message);
    if (pending.kind === 'call') {
      const values = [message.commandObject, ...message.args];
      output.events.push({ type: 'call-result', requestId: id, name: pending.name, ok, values, info });
      return;
    }
    if (pending.kind === 'connect') {
      if (ok) {
        this.#state = 'connected';
        this.#amf3 =
          this.#options.connect?.objectEncoding === 3 &&
          (info as { objectEncoding?: unknown } | undefined)?.objectEncoding === 3;
        output.send.push(...this.#wire(this.#encoder.setChunkSize(this.#options.chunkSize ?? 4096)));
        output.events.push({
          type: 'connected',
          properties: message.commandObject,
          info: info ?? { level: 'status', code: StatusCode.ConnectSuccess },
        });
      } else {
        this.#state = 'closed';
        output.events.push({ type: 'failed', error: refusal('CLIENT_CONNECT_REJECTED', 'connect', info) });
      }
      return;
    }
    if (pending.kind === 'createStream') {
      try {
        if (!ok) throw refusal('CLIENT_COMMAND_FAILED', 'createStream', info);
        output.events.push({
          type: 'stream-created',
          requestId: id,
          streamId: parseCreateStreamResult(message),
        });
      } catch (error) {
        const failure = RtmpClientError.isInstance(error)
          ? error
          : new RtmpClientError('CLIENT_PROTOCOL_ERROR', `createStream result: ${(error as Error).message}`, {
              cause: error,
            });
        output.events.push({ type: 'failed', requestId: id, error: failure });
      }
      return;
    }
    // _checkbw: servers often answer _error; it does not matter.
  }

  #status(message: CommandMessage, output: ClientOutput): void {
    const info = tryStatus(message);
    if (info === undefined) return;
    const stream = this.#streams.get(message.streamId);
    if (stream !== undefined && !stream.started) {
      if (info.level === 'error') {
        stream.started = true;
        this.#streams.delete(message.streamId);
        const code = stream.role === 'publish' ? 'CLIENT_PUBLISH_REJECTED' : 'CLIENT_PLAY_FAILED';
        output.events.push({
          type: 'failed',
          streamId: message.streamId,
          error: refusal(code, `${stream.role} "${stream.name}"`, info),
        });
        return;
      }
      if (info.code === (stream.role === 'publish' ? StatusCode.PublishStart : StatusCode.PlayStart)) {
        stream.started = true;
        output.events.push({
          type: stream.role === 'publish' ? 'publish-started' : 'play-started',
          streamId: message.streamId,
          info,
        });
        return;
      }
    }
    output.events.push({ type: 'status', streamId: message.streamId, info });
  }
}

function tryStatus(message: CommandMessage): StatusInfo | undefined {
  try {
    return parseStatus(message);
  } catch {
    return undefined;
  }
}

function refusal(code: RtmpClientError['code'], what: string, info: StatusInfo | undefined): RtmpClientError {
  const description = typeof info?.description === 'string' ? info.description : undefined;
  return new RtmpClientError(
    code,
    `the server refused ${what}${info ? `: ${info.code}` : ''}${description ? ` (${description})` : ''}`,
    {
      ...(info ? { statusCode: info.code } : {}),
      ...(description ? { description } : {}),
    },
  );
}
