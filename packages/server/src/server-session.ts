import {
  ChunkDecoder,
  type ChunkDecoderOptions,
  ChunkEncoder,
  ChunkError,
  encodeAcknowledgement,
  encodeStandaloneChunks,
  PeerBandwidthLimit,
  type RawMessage,
} from '@rtmp/chunk';
import { HandshakeError, ServerHandshake } from '@rtmp/handshake';
import {
  buildConnectRejected,
  buildConnectResult,
  buildCreateStreamResult,
  buildError,
  buildOnFCPublish,
  buildOnFCUnpublish,
  buildResult,
  buildRtmpSampleAccess,
  buildStatus,
  CapsEx,
  type CommandMessage,
  type ConnectRequest,
  type DataMessage,
  DEFAULT_MAX_NAME_LENGTH,
  decodeMessage,
  type EnhancedCapabilities,
  encodeMessage,
  forwardingCapabilities,
  type MediaMessage,
  MessageError,
  offersEnhancedRtmp,
  type PublishType,
  parseConnect,
  parsePlay,
  parsePlay2,
  parsePublish,
  parseSeek,
  parseStreamNameArgument,
  type RtmpMessage,
  StatusCode,
  stripSetDataFrame,
} from '@rtmp/messages';
import { RtmpServerError } from './errors';

/** Options of {@link ServerSession}. Every field is optional. */
export interface ServerSessionOptions {
  /** Outgoing chunk size, announced with Set Chunk Size after connect. @default 4096 */
  readonly chunkSize?: number;
  /** Window Acknowledgement Size and Set Peer Bandwidth sent after connect. @default 5000000 (nginx-rtmp's) */
  readonly windowAcknowledgementSize?: number;
  /** NetStreams one connection may create. @default 16 */
  readonly maxStreams?: number;
  /** Longest stream name accepted. @default 1024 */
  readonly maxNameLength?: number;
  /** Answer digest handshakes with the digest scheme. @default true */
  readonly digestHandshake?: boolean;
  /** Limits of the incoming chunk stream. */
  readonly chunkDecoder?: ChunkDecoderOptions;
  /**
   * Longest message accepted before a publish is accepted (commands only, so a peer that has not
   * been authorized cannot make the server buffer megabytes). After it, `chunkDecoder`'s limit.
   * @default 65536 ({@link DEFAULT_MAX_MESSAGE_LENGTH_BEFORE_PUBLISH})
   */
  readonly maxMessageLengthBeforePublish?: number;
  /** The length of a recorded stream in ms, for `getStreamLength` (0 or undefined: live or unknown). */
  readonly streamLength?: (name: string) => number | undefined;
  /** Properties added to every connect `_result`, after the Enhanced RTMP ones. */
  readonly connectProperties?: Readonly<Record<string, unknown>>;
  /**
   * What the connect `_result` says this server does with Enhanced RTMP, sent only to clients
   * whose `connect` carried `fourCcList`, an info map or `capsEx` (legacy clients get the legacy
   * `_result`). `false` never sends them.
   * @default {@link ENHANCED_RTMP_SERVER_CAPABILITIES}
   */
  readonly enhancedRtmp?: EnhancedCapabilities | false;
}

/**
 * What this server says of Enhanced RTMP in the connect `_result`: it forwards every FourCC of the
 * v2 spec (the bytes pass through; it decodes none), multitrack, ModEx with nanosecond timestamp
 * offsets, and sends ReconnectRequest.
 */
export const ENHANCED_RTMP_SERVER_CAPABILITIES: EnhancedCapabilities = forwardingCapabilities(
  CapsEx.Reconnect | CapsEx.Multitrack | CapsEx.ModEx | CapsEx.TimestampNanoOffset,
);

/** What the session asks the application to decide, or tells it. */
export type ServerEvent =
  /** A `connect`: call {@link ServerSession.accept} or {@link ServerSession.reject} with the request id. */
  | { readonly type: 'connect-request'; readonly requestId: number; readonly request: ConnectRequest }
  /** A `publish` on a created stream: accept or reject it. */
  | {
      readonly type: 'publish-request';
      readonly requestId: number;
      readonly streamId: number;
      /** The stream name without the query string. */
      readonly name: string;
      /** The query string after `?`, stream keys and tokens included (never log it). */
      readonly query: string;
      readonly publishType: PublishType;
    }
  /** A `play` (or `play2`): accept or reject it. */
  | {
      readonly type: 'play-request';
      readonly requestId: number;
      readonly streamId: number;
      readonly name: string;
      readonly query: string;
      /** Where to start, in ms: ≥ 0 a recorded stream from there; -1 live only; -2 live, else recorded from 0. */
      readonly start: number;
      /** How much to play, in ms; negative: all. */
      readonly duration: number;
      /**
       * A `play` with `reset: false` on a stream that already plays: it plays after what plays now
       * (a playlist; start it with {@link ServerSession.playNext}). Otherwise what played has ended
       * (`stream-closed`) and this replaces it (`play` with reset, `play2`'s switch).
       */
      readonly queued: boolean;
    }
  /** Audio, video or data from an accepted publisher (`@setDataFrame` stripped). */
  | { readonly type: 'media'; readonly streamId: number; readonly message: MediaMessage | DataMessage }
  /** A publish or play ended (FCUnpublish, closeStream, deleteStream). */
  | { readonly type: 'stream-closed'; readonly streamId: number; readonly role: 'publish' | 'play' }
  /**
   * A player paused or resumed (`enabled`: playing), turned audio or video off or on, or sought
   * (`milliseconds`; the session has answered `NetStream.Seek.Notify`).
   */
  | {
      readonly type: 'player-control';
      readonly streamId: number;
      readonly control: 'pause' | 'receive-audio' | 'receive-video' | 'seek';
      readonly enabled: boolean;
      readonly milliseconds?: number;
    }
  /** The client broke the protocol or sent an unusable connect: close the connection. */
  | { readonly type: 'protocol-error'; readonly error: RtmpServerError };

/** What every call returns: bytes to write, in order, and events. */
export interface ServerOutput {
  readonly send: Uint8Array[];
  readonly events: ServerEvent[];
}

/** Chunk streams the session's own encoder sends on: control, commands, status (all below 32). */
/** Longest message a peer may send before a publish is accepted: commands are far smaller. */
export const DEFAULT_MAX_MESSAGE_LENGTH_BEFORE_PUBLISH = 64 * 1024;

const CSID = { control: 2, command: 3, status: 5 } as const;
/**
 * Chunk streams of media (audio 8, video 9, data 18), sent with standalone headers (fmt 0 first)
 * that do not depend on earlier messages, so one encoding can go to every player.
 */
const MEDIA_CSID: Readonly<Record<number, number>> = { 8: 6, 9: 7, 18: 8 };

type Stream = { role: 'none' | 'publish' | 'play'; name: string };
type Pending =
  | { kind: 'connect'; transactionId: number; objectEncoding: number; enhanced: boolean }
  | { kind: 'publish'; streamId: number; name: string }
  | { kind: 'play'; streamId: number; name: string; queued: boolean };

const splitName = (raw: string) => {
  const at = raw.indexOf('?');
  return at === -1 ? { name: raw, query: '' } : { name: raw.slice(0, at), query: raw.slice(at + 1) };
};

/**
 * The server side of one RTMP connection, sans-IO. Feed it the client's bytes with
 * {@link ServerSession.receive}; it handles the handshake, answers what every encoder expects
 * (releaseStream, FCPublish/FCUnpublish, `_checkbw`, getStreamLength, createStream,
 * deleteStream, closeStream, pause, receiveAudio/receiveVideo), acknowledges at the window, and
 * raises `connect-request`, `publish-request` and `play-request` events for the application to
 * {@link ServerSession.accept} or {@link ServerSession.reject}: policy is never decided here.
 */
export class ServerSession {
  readonly #options: ServerSessionOptions;
  readonly #handshake: ServerHandshake;
  readonly #decoder: ChunkDecoder;
  /** The Window Acknowledgement Size last sent to the peer. */
  #acknowledgementWindow: number | undefined;
  /** The decoder's limit once a publish is accepted. */
  readonly #fullMessageLength: number;
  readonly #encoder = new ChunkEncoder();
  readonly #streams = new Map<number, Stream>();
  readonly #pending = new Map<number, Pending>();
  #nextRequest = 1;
  #nextStreamId = 1;
  #state: 'handshake' | 'awaiting-connect' | 'connecting' | 'connected' | 'closed' = 'handshake';

  constructor(options: ServerSessionOptions = {}) {
    this.#options = options;
    this.#handshake = new ServerHandshake({ digest: options.digestHandshake ?? true });
    this.#decoder = new ChunkDecoder(options.chunkDecoder);
    this.#fullMessageLength = this.#decoder.maxMessageLength;
    this.#decoder.maxMessageLength = Math.min(
      this.#fullMessageLength,
      options.maxMessageLengthBeforePublish ?? DEFAULT_MAX_MESSAGE_LENGTH_BEFORE_PUBLISH,
    );
  }

  /** Where the connection is: `connected` once a connect was accepted. */
  get state(): 'handshake' | 'awaiting-connect' | 'connecting' | 'connected' | 'closed' {
    return this.#state;
  }

  /** The outgoing chunk encoder: a fan-out layer encodes media for this connection with it. */
  /**
   * The limit the peer set on what we send (Set Peer Bandwidth), and how much of it it has
   * acknowledged (its latest Acknowledgement, modulo 2^32, counted from after the handshake);
   * undefined while it set none, which is most peers.
   */
  get peerFlow(): { readonly window: number; readonly acknowledged: number } | undefined {
    const limit = this.#decoder.peerBandwidth;
    return limit === undefined
      ? undefined
      : { window: limit.window, acknowledged: this.#decoder.peerAcknowledged ?? 0 };
  }

  get encoder(): ChunkEncoder {
    return this.#encoder;
  }

  /** Feeds bytes from the client. */
  receive(bytes: Uint8Array): ServerOutput {
    const output: ServerOutput = { send: [], events: [] };
    if (this.#state === 'closed') return output;
    try {
      let input = bytes;
      if (this.#state === 'handshake') {
        const result = this.#handshake.receive(bytes);
        output.send.push(...result.send);
        if (result.status !== 'done') return output;
        input = result.remaining;
        this.#state = 'awaiting-connect';
      }
      this.#decoder.push(input);
      const limit = this.#decoder.peerBandwidth;
      for (let raw = this.#decoder.next(); raw !== undefined && !this.#closed; raw = this.#decoder.next()) {
        this.#handle(raw, output);
      }
      // The peer set a limit on what we send: ask it to acknowledge at that window (RTMP 1.0 §5.4.5),
      // or it would acknowledge only at ours and the limit would stall the stream.
      const peer = this.#decoder.peerBandwidth;
      if (peer !== undefined && peer !== limit && peer.window !== this.#acknowledgementWindow) {
        this.#acknowledgementWindow = peer.window;
        const message = {
          type: 'window-acknowledgement-size' as const,
          streamId: 0,
          timestamp: 0,
          window: peer.window,
        };
        this.#sendMessage(output, message, CSID.control);
      }
      const ack = this.#decoder.takeAcknowledgement();
      if (ack !== undefined) this.#send(output, encodeAcknowledgement(ack), CSID.control);
    } catch (error) {
      if (!ChunkError.isInstance(error) && !HandshakeError.isInstance(error)) throw error;
      this.#fail(
        output,
        new RtmpServerError('SERVER_PROTOCOL_ERROR', `the client broke the protocol: ${error.message}`, {
          cause: error,
        }),
      );
    }
    return output;
  }

  /**
   * Accepts a connect, publish or play request, sending what the client waits for.
   * @throws {@link RtmpServerError} `SERVER_INVALID_STATE` for an unknown or already answered request.
   */
  accept(requestId: number): ServerOutput {
    const pending = this.#take(requestId);
    const output: ServerOutput = { send: [], events: [] };
    if (this.#state === 'closed') return output;
    switch (pending.kind) {
      case 'connect': {
        // nginx-rtmp's sequence: window, peer bandwidth, chunk size, then the result.
        const window = this.#options.windowAcknowledgementSize ?? 5_000_000;
        this.#acknowledgementWindow = window;
        this.#sendMessage(
          output,
          { type: 'window-acknowledgement-size', streamId: 0, timestamp: 0, window },
          CSID.control,
        );
        this.#sendMessage(
          output,
          {
            type: 'set-peer-bandwidth',
            streamId: 0,
            timestamp: 0,
            window,
            limitType: PeerBandwidthLimit.Dynamic,
          },
          CSID.control,
        );
        output.send.push(...this.#encoder.setChunkSize(this.#options.chunkSize ?? 4096));
        const enhanced = pending.enhanced
          ? (this.#options.enhancedRtmp ?? ENHANCED_RTMP_SERVER_CAPABILITIES)
          : false;
        const result = buildConnectResult(pending.transactionId, {
          objectEncoding: pending.objectEncoding,
          properties: { ...(enhanced || {}), ...this.#options.connectProperties },
        });
        this.#sendMessage(output, result, CSID.command);
        this.#state = 'connected';
        return output;
      }
      case 'publish': {
        this.#decoder.maxMessageLength = this.#fullMessageLength;
        this.#streams.set(pending.streamId, { role: 'publish', name: pending.name });
        this.#streamBegin(output, pending.streamId);
        this.#status(output, pending.streamId, StatusCode.PublishStart, `${pending.name} is now published`);
        return output;
      }
      case 'play': {
        if (pending.queued) return output; // it says Play.Start when it starts (playNext)
        this.#streams.set(pending.streamId, { role: 'play', name: pending.name });
        this.#streamBegin(output, pending.streamId);
        this.#status(output, pending.streamId, StatusCode.PlayReset, `Playing and resetting ${pending.name}`);
        this.#status(output, pending.streamId, StatusCode.PlayStart, `Started playing ${pending.name}`);
        this.#sendMessage(output, buildRtmpSampleAccess(pending.streamId), CSID.status);
        return output;
      }
    }
  }

  /**
   * Refuses a request with a status code and description: `_error` for connect (then the
   * connection should close), an error `onStatus` for publish and play.
   * @throws {@link RtmpServerError} `SERVER_INVALID_STATE` for an unknown or already answered request.
   */
  reject(requestId: number, reason: { code?: string; description: string }): ServerOutput {
    const pending = this.#take(requestId);
    const output: ServerOutput = { send: [], events: [] };
    if (this.#state === 'closed') return output;
    if (pending.kind === 'connect') {
      this.#sendMessage(
        output,
        buildConnectRejected(pending.transactionId, reason.description, reason.code),
        CSID.command,
      );
      this.#state = 'closed';
      return output;
    }
    const code =
      reason.code ?? (pending.kind === 'publish' ? StatusCode.PublishBadName : StatusCode.PlayStreamNotFound);
    this.#status(output, pending.streamId, code, reason.description, 'error');
    return output;
  }

  /**
   * Chunks a media message (audio, video or data) for this connection with standalone headers:
   * the bytes do not depend on what the connection received before, so a fan-out layer can encode
   * a message once and write the same bytes to every player with the same stream id and chunk size.
   */
  encodeMedia(raw: RawMessage): Uint8Array {
    const csid = MEDIA_CSID[raw.typeId];
    if (csid === undefined) throw new RangeError(`type ${raw.typeId} is not audio, video or data`);
    return encodeStandaloneChunks(raw, csid, this.#encoder.chunkSize);
  }

  /** {@link ServerSession.encodeMedia} for a typed audio, video or data message. */
  send(message: RtmpMessage): Uint8Array[] {
    return [this.encodeMedia(encodeMessage(message))];
  }

  /** A PingRequest carrying `timestamp`: a client must answer with a PingResponse (liveness). */
  ping(timestamp: number): Uint8Array[] {
    const output: ServerOutput = { send: [], events: [] };
    this.#sendMessage(
      output,
      {
        type: 'user-control',
        streamId: 0,
        timestamp: 0,
        event: { kind: 'ping-request', timestamp: timestamp >>> 0 },
      },
      CSID.control,
    );
    return output.send;
  }

  /** StreamIsRecorded for a stream that plays a recording (VOD), as FMS sends it. */
  recorded(streamId: number): Uint8Array[] {
    const output: ServerOutput = { send: [], events: [] };
    const message = {
      type: 'user-control' as const,
      streamId: 0,
      timestamp: 0,
      event: { kind: 'stream-is-recorded' as const, streamId },
    };
    this.#sendMessage(output, message, CSID.control);
    return output.send;
  }

  /**
   * The end of a recorded stream (VOD): `onPlayStatus NetStream.Play.Complete` (with its duration in
   * seconds), `NetStream.Play.Stop`, then StreamEOF.
   */
  complete(streamId: number, durationMs: number): Uint8Array[] {
    const output: ServerOutput = { send: [], events: [] };
    const info = { level: 'status', code: StatusCode.PlayComplete, duration: durationMs / 1000, bytes: 0 };
    this.#onPlayStatus(output, streamId, info);
    this.#status(output, streamId, StatusCode.PlayStop, 'the recording ended');
    this.#sendMessage(
      output,
      { type: 'user-control', streamId: 0, timestamp: 0, event: { kind: 'stream-eof', streamId } },
      CSID.control,
    );
    return output.send;
  }

  /**
   * The next item of a playlist starts on a stream (after the item before it completed):
   * `onPlayStatus NetStream.Play.Switch`, then `NetStream.Play.Start` for `name`.
   */
  playNext(streamId: number, name: string): Uint8Array[] {
    const output: ServerOutput = { send: [], events: [] };
    const stream = this.#streams.get(streamId);
    if (stream?.role !== 'play') return output.send;
    this.#streams.set(streamId, { role: 'play', name });
    this.#onPlayStatus(output, streamId, { level: 'status', code: StatusCode.PlaySwitch });
    this.#status(output, streamId, StatusCode.PlayStart, `Started playing ${name}`);
    return output.send;
  }

  /**
   * Enhanced RTMP's ReconnectRequest: `onStatus NetConnection.Connect.ReconnectRequest` on stream 0,
   * asking the client to connect again (to `tcUrl`, absolute or relative to its current one, or the
   * same URL when absent) and move its streams there; this connection stays usable until it leaves.
   */
  requestReconnect(options: { readonly tcUrl?: string; readonly description?: string } = {}): Uint8Array[] {
    const output: ServerOutput = { send: [], events: [] };
    const info = {
      level: 'status',
      code: StatusCode.ConnectReconnectRequest,
      description: options.description ?? 'the server asks you to reconnect',
      ...(options.tcUrl !== undefined ? { tcUrl: options.tcUrl } : {}),
    };
    this.#sendMessage(output, buildStatus(0, info), CSID.command);
    return output.send;
  }

  /** Tells a player its stream's publisher left (StreamEOF, Play.UnpublishNotify), or came back. */
  notify(streamId: number, event: 'unpublished' | 'published'): Uint8Array[] {
    const output: ServerOutput = { send: [], events: [] };
    if (event === 'unpublished') {
      this.#sendMessage(
        output,
        { type: 'user-control', streamId: 0, timestamp: 0, event: { kind: 'stream-eof', streamId } },
        CSID.control,
      );
      this.#status(output, streamId, StatusCode.PlayUnpublishNotify, 'the publisher left');
    } else {
      this.#streamBegin(output, streamId);
      this.#status(output, streamId, StatusCode.PlayPublishNotify, 'the publisher is back');
    }
    return output.send;
  }

  // --- internals ---------------------------------------------------------------------------------

  /** Read through a getter: handling a message may close the session mid-loop. */
  get #closed(): boolean {
    return this.#state === 'closed';
  }

  #take(requestId: number): Pending {
    const pending = this.#pending.get(requestId);
    if (pending === undefined) {
      throw new RtmpServerError(
        'SERVER_INVALID_STATE',
        `no pending request ${requestId} (unknown, or already answered)`,
      );
    }
    this.#pending.delete(requestId);
    return pending;
  }

  #request(output: ServerOutput, pending: Pending, event: (requestId: number) => ServerEvent): void {
    const requestId = this.#nextRequest++;
    this.#pending.set(requestId, pending);
    output.events.push(event(requestId));
  }

  #fail(output: ServerOutput, error: RtmpServerError): void {
    this.#state = 'closed';
    output.events.push({ type: 'protocol-error', error });
  }

  #send(output: ServerOutput, raw: RawMessage, csid: number): void {
    output.send.push(...this.#encoder.encode(raw, csid));
  }

  #sendMessage(output: ServerOutput, message: RtmpMessage, csid: number): void {
    this.#send(output, encodeMessage(message), csid);
  }

  #streamBegin(output: ServerOutput, streamId: number): void {
    this.#sendMessage(
      output,
      { type: 'user-control', streamId: 0, timestamp: 0, event: { kind: 'stream-begin', streamId } },
      CSID.control,
    );
  }

  #status(
    output: ServerOutput,
    streamId: number,
    code: string,
    description: string,
    level: 'status' | 'error' = 'status',
  ): void {
    this.#sendMessage(output, buildStatus(streamId, { level, code, description }), CSID.status);
  }

  #handle(raw: RawMessage, output: ServerOutput): void {
    let message: RtmpMessage;
    try {
      message = decodeMessage(raw);
    } catch (error) {
      if (MessageError.isInstance(error)) return; // D3: an unreadable message is ignored
      throw error;
    }
    switch (message.type) {
      case 'command':
        this.#command(message, output);
        return;
      case 'audio':
      case 'video':
      case 'data': {
        // D13: media only from a stream whose publish was accepted.
        if (this.#streams.get(message.streamId)?.role !== 'publish') return;
        const media = message.type === 'data' ? stripSetDataFrame(message) : message;
        output.events.push({ type: 'media', streamId: message.streamId, message: media });
        return;
      }
      case 'aggregate':
        // Wowza, FMS and relays batch media this way: each audio, video and data sub-message is
        // a media message of its own (its sizes and back-pointers were checked by the decoder).
        if (this.#streams.get(message.streamId)?.role !== 'publish') return;
        for (const sub of message.messages) {
          if (sub.typeId === 8 || sub.typeId === 9 || sub.typeId === 18) this.#handle(sub, output);
        }
        return;
      default:
        return; // protocol control was applied by the chunk decoder; user control needs no answer
    }
  }

  #command(message: CommandMessage, output: ServerOutput): void {
    const { name, transactionId } = message;
    if (name === 'connect') {
      this.#connect(message, output);
      return;
    }
    if (this.#state !== 'connected') {
      // D4: nothing but connect before connect.
      if (transactionId !== 0)
        this.#sendMessage(
          output,
          buildError(transactionId, {
            level: 'error',
            code: StatusCode.CallFailed,
            description: `${name} before connect`,
          }),
          CSID.command,
        );
      return;
    }
    switch (name) {
      case 'createStream': {
        // D8: a bounded number of NetStreams per connection.
        if (this.#streams.size >= (this.#options.maxStreams ?? 16)) {
          this.#sendMessage(
            output,
            buildError(transactionId, {
              level: 'error',
              code: StatusCode.CallFailed,
              description: 'too many streams',
            }),
            CSID.command,
          );
          return;
        }
        const streamId = this.#nextStreamId++;
        this.#streams.set(streamId, { role: 'none', name: '' });
        this.#sendMessage(output, buildCreateStreamResult(transactionId, streamId), CSID.command);
        return;
      }
      case 'releaseStream':
        this.#sendMessage(output, buildResult(transactionId, null, undefined), CSID.command);
        return;
      case 'FCPublish':
      case 'FCUnpublish': {
        const streamName = tryName(message);
        if (name === 'FCPublish')
          this.#sendMessage(
            output,
            buildOnFCPublish(StatusCode.PublishStart, streamName ?? ''),
            CSID.command,
          );
        else {
          this.#sendMessage(
            output,
            buildOnFCUnpublish(StatusCode.UnpublishSuccess, streamName ?? ''),
            CSID.command,
          );
          for (const [streamId, stream] of this.#streams) {
            if (stream.role === 'publish' && stream.name === streamName?.split('?')[0])
              this.#closeStream(output, streamId);
          }
        }
        return;
      }
      case '_checkbw':
        // The answer to onBWDone (FFmpeg, librtmp and Flash send it): a plain result. Never another
        // onBWDone, which FFmpeg would answer with another _checkbw, and so on.
        this.#sendMessage(output, buildResult(transactionId, null, null), CSID.command);
        return;
      case 'getStreamLength': {
        // In seconds, as FMS answers: a recorded file's duration, 0 for live (or unknown).
        const name = typeof message.args[0] === 'string' ? message.args[0] : message.args[1];
        const length = typeof name === 'string' ? (this.#options.streamLength?.(name) ?? 0) : 0;
        this.#sendMessage(output, buildResult(transactionId, null, length / 1000), CSID.command);
        return;
      }
      case 'deleteStream': {
        const streamId = message.args[0];
        // D9: unknown ids, twice, before publish: a no-op.
        if (typeof streamId === 'number' && this.#streams.has(streamId)) {
          this.#closeStream(output, streamId);
          this.#streams.delete(streamId);
        }
        return;
      }
      case 'closeStream':
        if (this.#streams.has(message.streamId)) this.#closeStream(output, message.streamId);
        return;
      case 'publish':
      case 'play':
      case 'play2':
        this.#streamRequest(message, output);
        return;
      case 'seek': {
        if (this.#streams.get(message.streamId)?.role !== 'play') return;
        let milliseconds: number;
        try {
          milliseconds = parseSeek(message);
        } catch {
          this.#status(
            output,
            message.streamId,
            StatusCode.SeekFailed,
            'seek needs a position ≥ 0 in ms',
            'error',
          );
          return;
        }
        this.#status(
          output,
          message.streamId,
          StatusCode.SeekNotify,
          `Seeking ${milliseconds} (stream ID: ${message.streamId}).`,
        );
        output.events.push({
          type: 'player-control',
          streamId: message.streamId,
          control: 'seek',
          enabled: true,
          milliseconds,
        });
        return;
      }
      case 'pause':
      case 'pauseRaw':
      case 'pauseraw':
      case 'receiveAudio':
      case 'receiveVideo': {
        if (this.#streams.get(message.streamId)?.role !== 'play') return;
        const pause = name.startsWith('pause');
        const enabled = pause ? message.args[0] === false : message.args[0] !== false;
        const control = pause ? 'pause' : name === 'receiveAudio' ? 'receive-audio' : 'receive-video';
        output.events.push({ type: 'player-control', streamId: message.streamId, control, enabled });
        if (pause) {
          this.#status(
            output,
            message.streamId,
            enabled ? StatusCode.UnpauseNotify : StatusCode.PauseNotify,
            enabled ? 'Resumed' : 'Paused',
          );
        }
        return;
      }
      case 'FCSubscribe':
      case '_result':
      case '_error':
        return; // an edge's request to an origin, or a client answering a call: nothing to say
      default:
        // A call it does not know, made with a transaction id, is told so rather than left waiting.
        if (transactionId !== 0) {
          const description = `no such command: ${name.length > 64 ? `${name.slice(0, 64)}...` : name}`;
          const info = { level: 'error', code: StatusCode.CallFailed, description };
          this.#sendMessage(output, buildError(transactionId, info), CSID.command);
        }
        return;
    }
  }

  #connect(message: CommandMessage, output: ServerOutput): void {
    if (this.#state !== 'awaiting-connect') {
      // D10: a second connect is refused; the first stands.
      this.#sendMessage(
        output,
        buildConnectRejected(message.transactionId, 'already connected'),
        CSID.command,
      );
      return;
    }
    let request: ConnectRequest;
    try {
      request = parseConnect(message);
    } catch (error) {
      if (!MessageError.isInstance(error)) throw error;
      // D1, D2: answer why, then the connection must close.
      this.#sendMessage(output, buildConnectRejected(message.transactionId, error.message), CSID.command);
      this.#fail(output, new RtmpServerError('SERVER_BAD_CONNECT', error.message, { cause: error }));
      return;
    }
    this.#state = 'connecting';
    const objectEncoding = request.objectEncoding ?? 0;
    this.#request(
      output,
      {
        kind: 'connect',
        transactionId: message.transactionId,
        objectEncoding,
        enhanced: offersEnhancedRtmp(request),
      },
      (requestId) => ({
        type: 'connect-request',
        requestId,
        request,
      }),
    );
  }

  #streamRequest(message: CommandMessage, output: ServerOutput): void {
    const streamId = message.streamId;
    const stream = this.#streams.get(streamId);
    const publish = message.name === 'publish';
    const failure = publish ? StatusCode.PublishBadName : StatusCode.PlayFailed;
    const playing = !publish && stream?.role === 'play';
    // D4: on a stream that was never created, or already in use (a play may follow a play).
    if (stream === undefined || (stream.role !== 'none' && !playing)) {
      this.#status(
        output,
        streamId,
        failure,
        stream === undefined ? 'no such stream: call createStream first' : 'the stream is in use',
        'error',
      );
      return;
    }
    const maxName = this.#options.maxNameLength ?? DEFAULT_MAX_NAME_LENGTH;
    try {
      if (publish) {
        const { name: raw, type } = parsePublish(message, maxName);
        const { name, query } = splitName(raw);
        this.#request(output, { kind: 'publish', streamId, name }, (requestId) => ({
          type: 'publish-request',
          requestId,
          streamId,
          name,
          query,
          publishType: type,
        }));
      } else {
        const play = message.name === 'play' ? parsePlay(message, maxName) : parsePlay2(message, maxName);
        const { name, query } = splitName(play.name);
        // On a stream that plays: play2 and play with reset switch to the new name, the old play
        // ends here; play with reset false goes after it.
        const queued = playing && !play.reset;
        if (playing && !queued) this.#closeStream(output, streamId);
        this.#request(output, { kind: 'play', streamId, name, queued }, (requestId) => ({
          type: 'play-request',
          requestId,
          streamId,
          name,
          query,
          start: play.start,
          duration: play.duration,
          queued,
        }));
      }
    } catch (error) {
      if (!MessageError.isInstance(error)) throw error;
      // D5, D6: a missing, empty, non-string or too long name.
      this.#status(output, streamId, failure, error.message, 'error');
    }
  }

  #onPlayStatus(output: ServerOutput, streamId: number, info: Record<string, unknown>): void {
    const message = {
      type: 'data' as const,
      streamId,
      timestamp: 0,
      name: 'onPlayStatus',
      values: [info],
      form: 'amf0' as const,
    };
    this.#sendMessage(output, message, MEDIA_CSID[18]!);
  }

  #closeStream(output: ServerOutput, streamId: number): void {
    const stream = this.#streams.get(streamId);
    if (stream === undefined || stream.role === 'none') return;
    if (stream.role === 'publish')
      this.#status(output, streamId, StatusCode.UnpublishSuccess, `${stream.name} is now unpublished`);
    output.events.push({ type: 'stream-closed', streamId, role: stream.role });
    this.#streams.set(streamId, { role: 'none', name: '' });
  }
}

function tryName(message: CommandMessage): string | undefined {
  try {
    return parseStreamNameArgument(message);
  } catch {
    return undefined;
  }
}
