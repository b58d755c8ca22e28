import {
  ChunkDecoder,
  ChunkEncoder,
  ChunkError,
  encodeAcknowledgement,
  encodeStandaloneChunks,
  type RawMessage,
} from '@rtmp/chunk';
import { HandshakeError, type RtmpeCipher, ServerHandshake } from '@rtmp/handshake';
import {
  buildConnectRejected,
  buildResult,
  type CommandMessage,
  type ConnectRequest,
  decodeMessage,
  encodeMessage,
  MessageError,
  parseConnect,
  type RtmpMessage,
  StatusCode,
} from '@rtmp/messages';
import { type ConnectPending, connectAnswer, connectPending } from './connect-exchange';
import { RtmpServerError } from './errors';
import { type NetStreamOutput, NetStreams, type StreamRequest } from './net-streams';
import { PendingRequests } from './pending-requests';
import type { ServerOutput } from './server-events';
import {
  DEFAULT_MAX_MESSAGE_LENGTH_BEFORE_PUBLISH,
  type ServerSessionOptions,
} from './server-session-options';
import * as notices from './stream-notices';
import { CSID, MEDIA_CSID, type Outgoing } from './stream-notices';

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
  readonly #streams: NetStreams;
  readonly #pending = new PendingRequests<ConnectPending | StreamRequest>();
  #state: 'handshake' | 'awaiting-connect' | 'connecting' | 'connected' | 'closed' = 'handshake';
  /** A client that connected with `objectEncoding` 3 gets our commands and data in the "AMF3" form (17, 15). */
  #amf3 = false;
  #encryption: RtmpeCipher | undefined;

  constructor(options: ServerSessionOptions = {}) {
    this.#options = options;
    this.#streams = new NetStreams(options);
    this.#handshake = new ServerHandshake({
      digest: options.digestHandshake ?? true,
      encryption: options.rtmpe ?? true,
    });
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

  /** The client's latest Acknowledgement (bytes it received after the handshake), if it sent one. */
  get peerAcknowledged(): number | undefined {
    return this.#decoder.peerAcknowledged;
  }

  /** Whether the client's C2 answered our S1 (undefined until it came): reported, not enforced. */
  get c2AnswersS1(): boolean | undefined {
    return this.#handshake.c2AnswersS1;
  }

  /** fmt-3 chunks from the client that did not repeat their message's extended timestamp. */
  get extendedTimestampOmissions(): number {
    return this.#decoder.extendedTimestampOmissions;
  }

  /** The outgoing chunk encoder: a fan-out layer encodes media for this connection with it. */
  get encoder(): ChunkEncoder {
    return this.#encoder;
  }

  /**
   * RTMPE: set once an encrypted handshake completed. What arrives is decrypted by
   * {@link ServerSession.receive}; everything written to the socket from then on (this session's
   * output and media encoded elsewhere alike) must go through `encryption.encrypt`, in order.
   */
  get encryption(): RtmpeCipher | undefined {
    return this.#encryption;
  }

  /** Feeds bytes from the client (as read from the socket, RTMPE-encrypted or not). */
  receive(bytes: Uint8Array): ServerOutput {
    const output: ServerOutput = { send: [], events: [] };
    if (this.#state === 'closed') return output;
    try {
      let input = this.#encryption ? this.#encryption.decrypt(bytes) : bytes;
      if (this.#state === 'handshake') {
        const result = this.#handshake.receive(bytes);
        output.send.push(...result.send);
        if (result.status !== 'done') return output;
        input = result.remaining;
        this.#encryption = result.encryption;
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
        this.#send(output, { message, csid: CSID.control });
      }
      const ack = this.#decoder.takeAcknowledgement();
      if (ack !== undefined)
        output.send.push(...this.#encoder.encode(encodeAcknowledgement(ack), CSID.control));
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
    const pending = this.#pending.take(requestId);
    const output: ServerOutput = { send: [], events: [] };
    if (this.#state === 'closed') return output;
    if (pending.kind !== 'connect') {
      if (pending.kind === 'publish') this.#decoder.maxMessageLength = this.#fullMessageLength;
      for (const outgoing of this.#streams.accepted(pending)) this.#send(output, outgoing);
      return output;
    }
    const answer = connectAnswer(pending, this.#options);
    this.#acknowledgementWindow = answer.window;
    for (const outgoing of answer.control) this.#send(output, outgoing);
    // RTMPE clients stay at 128-byte chunks: FFmpeg publishing over rtmpe:// echoes a Set Chunk
    // Size back, encrypting the payload in place, then reads its new chunk size from the ciphertext.
    if (!this.#encryption) output.send.push(...this.#encoder.setChunkSize(answer.chunkSize));
    this.#send(output, answer.result);
    // The answer itself went in AMF0, as the connect did; from here on commands go in its form.
    this.#amf3 = pending.objectEncoding === 3;
    this.#state = 'connected';
    return output;
  }

  /**
   * Refuses a request with a status code and description: `_error` for connect (then the
   * connection should close), an error `onStatus` for publish and play.
   * @throws {@link RtmpServerError} `SERVER_INVALID_STATE` for an unknown or already answered request.
   */
  reject(requestId: number, reason: { code?: string; description: string }): ServerOutput {
    const pending = this.#pending.take(requestId);
    const output: ServerOutput = { send: [], events: [] };
    if (this.#state === 'closed') return output;
    if (pending.kind === 'connect') {
      this.#send(
        output,
        notices.command(buildConnectRejected(pending.transactionId, reason.description, reason.code)),
      );
      this.#state = 'closed';
      return output;
    }
    const code =
      reason.code ?? (pending.kind === 'publish' ? StatusCode.PublishBadName : StatusCode.PlayStreamNotFound);
    this.#send(output, notices.status(pending.streamId, code, reason.description, 'error'));
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
    return this.#encode([notices.userControl({ kind: 'ping-request', timestamp: timestamp >>> 0 })]);
  }

  /** StreamIsRecorded for a stream that plays a recording (VOD), as FMS sends it. */
  recorded(streamId: number): Uint8Array[] {
    return this.#encode([notices.userControl({ kind: 'stream-is-recorded', streamId })]);
  }

  /**
   * The end of a recorded stream (VOD): `onPlayStatus NetStream.Play.Complete` (with its duration in
   * seconds), `NetStream.Play.Stop`, then StreamEOF.
   */
  complete(streamId: number, durationMs: number): Uint8Array[] {
    return this.#encode(notices.playCompleted(streamId, durationMs));
  }

  /**
   * The next item of a playlist starts on a stream (after the item before it completed):
   * `onPlayStatus NetStream.Play.Switch`, then `NetStream.Play.Start` for `name`.
   */
  playNext(streamId: number, name: string): Uint8Array[] {
    return this.#encode(this.#streams.playNext(streamId, name));
  }

  /**
   * Enhanced RTMP's ReconnectRequest: `onStatus NetConnection.Connect.ReconnectRequest` on stream 0,
   * asking the client to connect again (to `tcUrl`, absolute or relative to its current one, or the
   * same URL when absent) and move its streams there; this connection stays usable until it leaves.
   */
  requestReconnect(options: { readonly tcUrl?: string; readonly description?: string } = {}): Uint8Array[] {
    return this.#encode([notices.reconnectRequest(options)]);
  }

  /** Tells a player its stream's publisher left (StreamEOF, Play.UnpublishNotify), or came back. */
  notify(streamId: number, event: 'unpublished' | 'published'): Uint8Array[] {
    return this.#encode(notices.publisherNotice(streamId, event));
  }

  // --- internals ---------------------------------------------------------------------------------

  /** Read through a getter: handling a message may close the session mid-loop. */
  get #closed(): boolean {
    return this.#state === 'closed';
  }

  #fail(output: ServerOutput, error: RtmpServerError): void {
    this.#state = 'closed';
    output.events.push({ type: 'protocol-error', error });
  }

  #send(output: ServerOutput, outgoing: Outgoing): void {
    const { csid } = outgoing;
    const message =
      this.#amf3 && (outgoing.message.type === 'command' || outgoing.message.type === 'data')
        ? { ...outgoing.message, form: 'amf3' as const }
        : outgoing.message;
    this.#options.onSent?.(message);
    output.send.push(...this.#encoder.encode(encodeMessage(message), csid));
  }

  #encode(outgoing: readonly Outgoing[]): Uint8Array[] {
    const output: ServerOutput = { send: [], events: [] };
    for (const item of outgoing) this.#send(output, item);
    return output.send;
  }

  #handle(raw: RawMessage, output: ServerOutput): void {
    let message: RtmpMessage;
    try {
      message = decodeMessage(raw);
    } catch (error) {
      if (MessageError.isInstance(error)) return; // D3: an unreadable message is ignored
      throw error;
    }
    this.#options.onMessage?.(message);
    switch (message.type) {
      case 'command':
        this.#command(message, output);
        return;
      case 'audio':
      case 'video':
      case 'data':
      case 'aggregate':
        this.#streams.media(message, output.events);
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
        this.#send(output, notices.callFailed(transactionId, `${name} before connect`));
      return;
    }
    const out: NetStreamOutput = {
      send: (outgoing) => this.#send(output, outgoing),
      event: (event) => output.events.push(event),
      request: (request, event) => output.events.push(this.#pending.raise(request, event)),
    };
    if (this.#streams.command(message, out)) return;
    switch (name) {
      case '_checkbw':
        // The answer to onBWDone (FFmpeg, librtmp and Flash send it): a plain result. Never another
        // onBWDone, which FFmpeg would answer with another _checkbw, and so on.
        this.#send(output, notices.command(buildResult(transactionId, null, null)));
        return;
      case 'FCSubscribe':
      case '_result':
      case '_error':
        return; // an edge's request to an origin, or a client answering a call: nothing to say
      default:
        // A call it does not know, made with a transaction id, is told so rather than left waiting.
        if (transactionId !== 0)
          this.#send(
            output,
            notices.callFailed(
              transactionId,
              `no such command: ${name.length > 64 ? `${name.slice(0, 64)}...` : name}`,
            ),
          );
    }
  }

  #connect(message: CommandMessage, output: ServerOutput): void {
    if (this.#state !== 'awaiting-connect') {
      // D10: a second connect is refused; the first stands.
      this.#send(output, notices.command(buildConnectRejected(message.transactionId, 'already connected')));
      return;
    }
    let request: ConnectRequest;
    try {
      request = parseConnect(message);
    } catch (error) {
      if (!MessageError.isInstance(error)) throw error;
      // D1, D2: answer why, then the connection must close.
      this.#send(output, notices.command(buildConnectRejected(message.transactionId, error.message)));
      this.#fail(output, new RtmpServerError('SERVER_BAD_CONNECT', error.message, { cause: error }));
      return;
    }
    this.#state = 'connecting';
    const pending = connectPending(message.transactionId, request);
    output.events.push(
      this.#pending.raise(pending, (requestId) => ({ type: 'connect-request', requestId, request })),
    );
  }
}
