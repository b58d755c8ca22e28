import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions as TlsOptions, connect as tlsConnect } from 'node:tls';
import {
  buildAudioBody,
  buildVideoBody,
  type EnhancedAudioFrame,
  type EnhancedVideoFrame,
  type PlayOptions,
  type PublishType,
  StatusCode,
  type StatusInfo,
} from '@rtmp/messages';
import {
  type ClientEvent,
  type ClientOutput,
  ClientSession,
  type ClientSessionOptions,
} from '../client-session';
import { RtmpClientError } from '../errors';
import { parseRtmpUrl, type RtmpUrl } from '../rtmp-url';
import { RtmptSocket } from './rtmpt-socket';
import { type MediaWrite, PlayerHandover, PublishedSetup } from './stream-handover';

/** Options of {@link connect}: the session's, plus how to reach the server. */
export interface ConnectOptions extends Omit<ClientSessionOptions, 'url' | 'now' | 'encrypted'> {
  /** Gives up (and closes) when it fires. */
  readonly signal?: AbortSignal;
  /** Handshake plus `connect` must complete within this, in ms. @default 10000 */
  readonly timeoutMs?: number;
  /** TLS options for `rtmps://` (ca, rejectUnauthorized, servername, ...). */
  readonly tls?: TlsOptions;
  /** Announce the connection the way FFmpeg's player does (fpad, capabilities, codecs). @default false */
  readonly player?: boolean;
}

/** One thing a player yields: media and data as they arrive, and status changes. */
export type PlayerEvent =
  | { readonly type: 'audio' | 'video'; readonly timestamp: number; readonly payload: Uint8Array }
  | {
      readonly type: 'data';
      readonly timestamp: number;
      readonly name: string;
      readonly values: readonly unknown[];
    }
  | { readonly type: 'status'; readonly info: StatusInfo }
  /** StreamBegin, StreamEOF, StreamDry and StreamIsRecorded for this stream (user control events). */
  | { readonly type: 'stream'; readonly state: 'begin' | 'eof' | 'dry' | 'recorded' };

/** Player events buffered before the socket is paused (the consumer is behind). */
const PLAYER_HIGH_WATER = 512;
/** Status codes after which a live stream has nothing more to give. */
const END_OF_STREAM = new Set([
  'NetStream.Play.Stop',
  'NetStream.Play.UnpublishNotify',
  'NetStream.Play.Complete',
]);
/** What answers a seek. */
const SEEK_ANSWERS = new Set(['NetStream.Seek.Notify', 'NetStream.Seek.Failed']);

/**
 * Opens an RTMP connection: TCP (or TLS for `rtmps://`), handshake, `connect`.
 * @throws {@link RtmpClientError} `CLIENT_INVALID_URL`, `CLIENT_DNS_FAILED`, `CLIENT_NETWORK_ERROR`,
 *   `CLIENT_TIMEOUT`, `CLIENT_CONNECT_REJECTED`, `CLIENT_PROTOCOL_ERROR`, `CLIENT_CONNECTION_CLOSED`,
 *   `CLIENT_ABORTED`.
 * @example
 * ```ts
 * const connection = await connect('rtmp://localhost/live');
 * const publisher = await connection.publish('stream-key');
 * await publisher.writeVideo(0, videoTagBody);
 * await publisher.close();
 * await connection.close();
 * ```
 */
export async function connect(url: string, options: ConnectOptions = {}): Promise<RtmpConnection> {
  const target = parseRtmpUrl(url);
  const connection = new RtmpConnection(target, options);
  await connection.ready;
  return connection;
}

type Waiter<T> = { resolve: (value: T) => void; reject: (error: RtmpClientError) => void };

/** What {@link RtmpConnection.on} can listen to, and what each listener gets. */
export interface ConnectionEvents {
  /** An `onStatus` on the connection (stream 0): `NetConnection.*` codes, ReconnectRequest included. */
  status: (info: StatusInfo) => void;
  /** A command the server called that no {@link RtmpConnection.onCall} handler took. */
  command: (name: string, args: readonly unknown[]) => void;
  /** The server's acknowledgement: it has this many of our bytes (modulo 2^32); pace by it. */
  acknowledgement: (sequenceNumber: number) => void;
  /** The server called onBWDone (answered with `_checkbw` already). */
  'bw-done': () => void;
}

/** A server's Enhanced RTMP ReconnectRequest: where to connect now, and why. */
export interface ReconnectRequest {
  /** The URL to connect to: the request's `tcUrl` resolved against this connection's, or the same. */
  readonly url: string;
  readonly description: string | undefined;
}

/** An open NetConnection. Create it with {@link connect}. */
export class RtmpConnection {
  /** The URL it connected to. */
  readonly url: RtmpUrl;
  /** Resolves once `connect` succeeded (what {@link connect} awaits). */
  readonly ready: Promise<void>;
  /** Resolves when the socket has closed, whatever the reason. */
  readonly closed: Promise<void>;
  /** The server's `connect` result properties (`fmsVer`, `capabilities`, Enhanced RTMP fields). */
  serverProperties: unknown;
  /**
   * Resolves when the server sends Enhanced RTMP's ReconnectRequest (never, on most servers).
   * {@link keepConnected} acts on it with {@link RtmpConnection.handOver}.
   */
  readonly reconnectRequested: Promise<ReconnectRequest>;
  #onReconnectRequest: ((request: ReconnectRequest) => void) | undefined;

  readonly #session: ClientSession;
  readonly #socket: Socket;
  #connecting: Waiter<void> | undefined;
  readonly #createStreams = new Map<number, Waiter<number>>();
  readonly #starts = new Map<number, Waiter<void>>();
  readonly #players = new Map<number, RtmpPlayer>();
  readonly #publishers = new Map<number, RtmpPublisher>();
  readonly #calls = new Map<number, Waiter<unknown[]>>();
  readonly #handlers = new Map<string, (...args: unknown[]) => unknown>();
  readonly #listeners: { [E in keyof ConnectionEvents]: Set<ConnectionEvents[E]> } = {
    status: new Set(),
    command: new Set(),
    acknowledgement: new Set(),
    'bw-done': new Set(),
  };
  #timer: NodeJS.Timeout | undefined;
  #failure: RtmpClientError | undefined;
  /** Set by {@link RtmpConnection.close}: players then end quietly instead of with an error. */
  #closing = false;

  /** @internal Use {@link connect}. */
  constructor(url: RtmpUrl, options: ConnectOptions) {
    this.url = url;
    this.#session = new ClientSession({ ...options, url, encrypted: url.protocol === 'rtmpe' });
    this.ready = new Promise<void>((resolve, reject) => {
      this.#connecting = { resolve, reject };
    });
    this.ready.catch(() => {}); // observed by connect(); avoid an unhandled rejection here
    this.reconnectRequested = new Promise((resolve) => {
      this.#onReconnectRequest = resolve;
    });
    const { signal, timeoutMs = 10_000 } = options;
    const host = url.host;
    const tunnelled = url.protocol === 'rtmpt' || url.protocol === 'rtmpts';
    const secure = url.protocol === 'rtmps' || url.protocol === 'rtmpts';
    const tls = { ...(isIP(host) ? {} : { servername: host }), ...options.tls };
    const socket = tunnelled
      ? (new RtmptSocket({ host, port: url.port, secure, tls }) as unknown as Socket)
      : secure
        ? tlsConnect({ host, port: url.port, ...tls })
        : netConnect({ host, port: url.port, autoSelectFamily: true });
    this.#socket = socket;
    this.closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.setNoDelay(true);
    socket.once(secure ? 'secureConnect' : 'connect', () =>
      this.#output(this.#session.start({ player: options.player ?? false })),
    );
    socket.on('data', (bytes: Buffer) => this.#output(this.#session.receive(bytes)));
    socket.on('error', (error: NodeJS.ErrnoException) => this.#fail(networkError(error, url)));
    socket.on('close', () =>
      this.#fail(new RtmpClientError('CLIENT_CONNECTION_CLOSED', 'the server closed the connection')),
    );

    const deadline = setTimeout(
      () =>
        this.#fail(
          new RtmpClientError('CLIENT_TIMEOUT', `no connection to ${url.tcUrl} within ${timeoutMs} ms`),
        ),
      timeoutMs,
    );
    const onAbort = () =>
      this.#fail(new RtmpClientError('CLIENT_ABORTED', 'connect was aborted', { cause: signal?.reason }));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    void this.ready
      .catch(() => {})
      .finally(() => {
        clearTimeout(deadline);
        signal?.removeEventListener('abort', onAbort);
      });
  }

  /**
   * Publishes a stream: createStream, releaseStream, FCPublish, publish; resolves on
   * NetStream.Publish.Start.
   * @throws {@link RtmpClientError} `CLIENT_PUBLISH_REJECTED` (with the server's `statusCode` and
   *   `description`), `CLIENT_TIMEOUT`, `CLIENT_CONNECTION_CLOSED`, `CLIENT_ABORTED`.
   */
  async publish(
    name: string,
    options: { type?: PublishType; signal?: AbortSignal } = {},
  ): Promise<RtmpPublisher> {
    const streamId = await this.#createStream(options.signal);
    await this.#start(streamId, () => this.#session.publish(streamId, name, options.type), options.signal);
    const publisher = new RtmpPublisher(this, streamId, name, options.type);
    this.#publishers.set(streamId, publisher);
    return publisher;
  }

  /**
   * Plays a stream; resolves on NetStream.Play.Start with an async iterable of what arrives.
   * @throws {@link RtmpClientError} `CLIENT_PLAY_FAILED` (e.g. `NetStream.Play.StreamNotFound`),
   *   `CLIENT_TIMEOUT`, `CLIENT_CONNECTION_CLOSED`, `CLIENT_ABORTED`.
   */
  async play(
    name: string,
    options: PlayOptions & { signal?: AbortSignal; endOnUnpublish?: boolean } = {},
  ): Promise<RtmpPlayer> {
    const streamId = await this.#createStream(options.signal);
    const player = new RtmpPlayer(this, streamId, options.endOnUnpublish ?? true, name, options);
    this.#players.set(streamId, player);
    try {
      await this.#start(streamId, () => this.#session.play(streamId, name, options), options.signal);
    } catch (error) {
      this.#players.delete(streamId);
      throw error;
    }
    return player;
  }

  /**
   * Calls `name` on the server with `args` and resolves with what its `_result` carries (the
   * command object, then the arguments).
   * @throws {@link RtmpClientError} `CLIENT_COMMAND_FAILED` on `_error` (with the server's
   *   `statusCode` and `description`), `CLIENT_TIMEOUT` after `commandTimeoutMs`,
   *   `CLIENT_ABORTED`, `CLIENT_CONNECTION_CLOSED`.
   * @example
   * ```ts
   * const [, length] = await connection.call('getStreamLength', [null, 'cam']);
   * ```
   */
  call(
    name: string,
    args: readonly unknown[] = [],
    options: { signal?: AbortSignal } = {},
  ): Promise<unknown[]> {
    return this.#call(options.signal, (waiter) => {
      const output = this.#session.call(name, args);
      this.#calls.set(output.requestId, waiter);
      this.#output(output);
      return () => this.#calls.delete(output.requestId);
    });
  }

  /**
   * Answers the server's calls of `name` (a server-initiated command): `handler` gets the
   * arguments after the command object; what it returns (or resolves with) goes back in `_result`,
   * what it throws in `_error`. Commands no handler takes are answered with `_error`
   * `NetConnection.Call.Failed` when the server waits for an answer, and reach `on('command')`.
   * @returns a function that removes the handler
   */
  onCall(name: string, handler: (...args: unknown[]) => unknown): () => void {
    this.#handlers.set(name, handler);
    return () => {
      if (this.#handlers.get(name) === handler) this.#handlers.delete(name);
    };
  }

  /**
   * Listens to the connection's own events: `status` (onStatus on stream 0), `command` (server
   * calls no handler took), `acknowledgement` and `bw-done`. A played stream's events come from its
   * {@link RtmpPlayer}.
   * @returns a function that removes the listener
   */
  on<E extends keyof ConnectionEvents>(event: E, listener: ConnectionEvents[E]): () => void {
    const listeners = this.#listeners[event] as Set<ConnectionEvents[E]>;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /**
   * Moves this connection's streams to `next` (another connection, after a ReconnectRequest):
   * each publisher publishes there too and switches at its next keyframe, after sending the
   * metadata and every track's configuration; each player plays there too and switches at the
   * first keyframe later than what it yielded. No frame is lost or repeated. Resolves once every
   * stream has switched, and this connection closes. The publisher and player objects stay the
   * ones to use.
   */
  async handOver(next: RtmpConnection): Promise<void> {
    const moves: Promise<void>[] = [];
    for (const publisher of [...this.#publishers.values()]) {
      moves.push(publisher.moveTo(await next.publish(publisher.name, publisher.publishOptions)));
    }
    for (const player of [...this.#players.values()]) {
      moves.push(player.follow(await next.play(player.name, player.playOptions)));
    }
    await Promise.all(moves);
    void this.close(); // resolves once switched: the old connection's goodbye need not be waited for
  }

  /** @internal */
  forgetPublisher(streamId: number): void {
    this.#publishers.delete(streamId);
  }

  /** Closes the connection (after what was written has been sent). */
  async close(): Promise<void> {
    if (!this.#socket.destroyed) {
      this.#closing = true;
      this.#output(this.#session.close('closed by the client'));
      this.#socket.end();
      // A server that never closes its side must not keep us waiting.
      const timer = setTimeout(() => this.#socket.destroy(), 2000);
      await this.closed;
      clearTimeout(timer);
    }
  }

  /**
   * @internal Encodes and writes; resolves at once, or after 'drain' when the socket is congested.
   * A connection that failed or dropped rejects with why, before anything is encoded.
   */
  async write(encode: () => Uint8Array[]): Promise<void> {
    if (this.#failure) throw this.#failure;
    this.#writePieces(encode());
    if (this.#socket.writableNeedDrain) {
      await new Promise<void>((resolve, reject) => {
        const onDrain = () => {
          this.#socket.off('close', onClose);
          resolve();
        };
        const onClose = () => {
          this.#socket.off('drain', onDrain);
          reject(this.#failure ?? new RtmpClientError('CLIENT_CONNECTION_CLOSED', 'the connection closed'));
        };
        this.#socket.once('drain', onDrain);
        this.#socket.once('close', onClose);
      });
    }
  }

  /** Bytes written but not yet handed to the OS (what backpressure waits on). */
  get queuedBytes(): number {
    return this.#socket.writableLength;
  }

  /** @internal */
  get session(): ClientSession {
    return this.#session;
  }

  /** @internal Sends what the session produced for a local call. */
  send(output: ClientOutput): void {
    this.#output(output);
  }

  /** @internal The player's consumer caught up (or gave up): let data flow again. */
  resume(): void {
    if (![...this.#players.values()].some((player) => player.congested)) this.#socket.resume();
  }

  /** @internal */
  forgetPlayer(streamId: number): void {
    this.#players.delete(streamId);
    this.resume();
  }

  #createStream(signal: AbortSignal | undefined): Promise<number> {
    return this.#call(signal, (waiter) => {
      const output = this.#session.createStream();
      this.#createStreams.set(output.requestId, waiter);
      this.#output(output);
      return () => this.#createStreams.delete(output.requestId);
    });
  }

  /** @internal Starts another play on a player's stream; resolves on its Play.Start. */
  startOn(streamId: number, begin: () => ClientOutput, signal: AbortSignal | undefined): Promise<void> {
    return this.#start(streamId, begin, signal);
  }

  #start(streamId: number, begin: () => ClientOutput, signal: AbortSignal | undefined): Promise<void> {
    return this.#call(signal, (waiter) => {
      this.#starts.set(streamId, waiter);
      this.#output(begin());
      return () => {
        if (this.#starts.delete(streamId)) this.#output(this.#session.closeStream(streamId));
      };
    });
  }

  /** Runs `begin` with a waiter that settles once, on its answer, abort or connection failure. */
  #call<T>(signal: AbortSignal | undefined, begin: (waiter: Waiter<T>) => () => void): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (signal?.aborted)
      return Promise.reject(new RtmpClientError('CLIENT_ABORTED', 'aborted', { cause: signal.reason }));
    return new Promise<T>((resolve, reject) => {
      let cancel = () => {};
      const onAbort = () => {
        cancel();
        reject(new RtmpClientError('CLIENT_ABORTED', 'aborted', { cause: signal?.reason }));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = () => signal?.removeEventListener('abort', onAbort);
      cancel = begin({
        resolve: (value) => {
          done();
          resolve(value);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      });
    });
  }

  #writePieces(pieces: Uint8Array[]): void {
    if (pieces.length === 0 || this.#socket.destroyed) return;
    this.#socket.cork();
    for (const piece of pieces) this.#socket.write(piece);
    this.#socket.uncork();
  }

  #output(output: ClientOutput): void {
    this.#writePieces(output.send);
    for (const event of output.events) this.#dispatch(event);
    this.#schedule();
  }

  #dispatch(event: ClientEvent): void {
    switch (event.type) {
      case 'connected':
        this.serverProperties = event.properties;
        this.#connecting?.resolve();
        this.#connecting = undefined;
        return;
      case 'stream-created':
        this.#createStreams.get(event.requestId)?.resolve(event.streamId);
        this.#createStreams.delete(event.requestId);
        return;
      case 'publish-started':
      case 'play-started':
        // A player's later plays (play2, play with reset) mark in its events where the new one starts.
        if (event.type === 'play-started' && this.#players.get(event.streamId)?.restarting)
          this.#players.get(event.streamId)?.push({ type: 'status', info: event.info });
        this.#starts.get(event.streamId)?.resolve();
        this.#starts.delete(event.streamId);
        return;
      case 'media': {
        const player = this.#players.get(event.streamId);
        if (player?.push(toPlayerEvent(event.message))) this.#socket.pause();
        return;
      }
      case 'status': {
        if (event.streamId === 0) {
          for (const listener of this.#listeners.status) listener(event.info);
          if (event.info.code === StatusCode.ConnectReconnectRequest)
            this.#onReconnectRequest?.(reconnectRequest(event.info, this.url));
          return;
        }
        const player = this.#players.get(event.streamId);
        player?.push({ type: 'status', info: event.info });
        if (player?.endOnUnpublish && END_OF_STREAM.has(event.info.code)) player.end();
        return;
      }
      case 'call-result': {
        const waiter = this.#calls.get(event.requestId);
        this.#calls.delete(event.requestId);
        if (event.ok) waiter?.resolve([...event.values]);
        else waiter?.reject(callFailed(event.name, event.info));
        return;
      }
      case 'failed':
        if (event.requestId !== undefined) {
          this.#createStreams.get(event.requestId)?.reject(event.error);
          this.#createStreams.delete(event.requestId);
          this.#calls.get(event.requestId)?.reject(event.error);
          this.#calls.delete(event.requestId);
        } else if (event.streamId !== undefined) {
          this.#starts.get(event.streamId)?.reject(event.error);
          this.#starts.delete(event.streamId);
          this.#players.get(event.streamId)?.end(this.#closing ? undefined : event.error);
        } else {
          this.#fail(event.error);
        }
        return;
      case 'protocol-error':
        this.#fail(event.error);
        return;
      case 'stream-eof': {
        const player = this.#players.get(event.streamId);
        player?.push({ type: 'stream', state: 'eof' });
        if (player?.endOnUnpublish && !player.seeking) player.end();
        return;
      }
      case 'stream-begin':
      case 'stream-dry':
      case 'stream-is-recorded': {
        const state =
          event.type === 'stream-begin' ? 'begin' : event.type === 'stream-dry' ? 'dry' : 'recorded';
        this.#players.get(event.streamId)?.push({ type: 'stream', state });
        return;
      }
      case 'bw-done':
        for (const listener of this.#listeners['bw-done']) listener();
        return;
      case 'command':
        this.#serverCall(event.message.name, event.message.transactionId, event.message.args);
        return;
      case 'acknowledgement':
        for (const listener of this.#listeners.acknowledgement) listener(event.sequenceNumber);
        return;
    }
  }

  /** A command the server called: its handler answers, or `_error` when the server waits for one. */
  #serverCall(name: string, transactionId: number, args: readonly unknown[]): void {
    const handler = this.#handlers.get(name);
    const answer = (ok: boolean, values: readonly unknown[]) => {
      if (transactionId !== 0 && !this.#failure)
        this.#output(this.#session.respond(transactionId, ok, values));
    };
    if (handler === undefined) {
      for (const listener of this.#listeners.command) listener(name, args);
      answer(false, [
        null,
        { level: 'error', code: StatusCode.CallFailed, description: `no method ${name}` },
      ]);
      return;
    }
    void Promise.resolve()
      .then(() => handler(...args))
      .then(
        (value) => answer(true, [null, ...(value === undefined ? [] : [value])]),
        (error: unknown) =>
          answer(false, [
            null,
            {
              level: 'error',
              code: StatusCode.CallFailed,
              description: String((error as Error)?.message ?? error),
            },
          ]),
      );
  }

  /** Wakes the session for its next deadline (command timeouts). */
  #schedule(): void {
    clearTimeout(this.#timer);
    const deadline = this.#session.nextDeadline();
    if (deadline === undefined || this.#failure) return;
    this.#timer = setTimeout(() => this.#output(this.#session.tick()), Math.max(0, deadline - Date.now()));
    this.#timer.unref();
  }

  /** The first failure wins: everything pending rejects with it, once, and the socket closes. */
  #fail(error: RtmpClientError): void {
    if (this.#failure) return;
    this.#failure = error;
    clearTimeout(this.#timer);
    this.#connecting?.reject(error);
    this.#connecting = undefined;
    for (const waiter of [...this.#createStreams.values(), ...this.#starts.values(), ...this.#calls.values()])
      waiter.reject(error);
    this.#createStreams.clear();
    this.#starts.clear();
    this.#calls.clear();
    for (const player of [...this.#players.values()]) player.end(this.#closing ? undefined : error);
    this.#session.close(error.message);
    this.#socket.destroy();
  }
}

function toPlayerEvent(message: Extract<ClientEvent, { type: 'media' }>['message']): PlayerEvent {
  return message.type === 'data'
    ? { type: 'data', timestamp: message.timestamp, name: message.name, values: message.values }
    : { type: message.type, timestamp: message.timestamp, payload: message.payload };
}

function callFailed(name: string, info: StatusInfo | undefined): RtmpClientError {
  const description = typeof info?.['description'] === 'string' ? info['description'] : undefined;
  return new RtmpClientError(
    'CLIENT_COMMAND_FAILED',
    `the server refused ${name}${info ? `: ${info.code}` : ''}${description ? ` (${description})` : ''}`,
    { ...(info ? { statusCode: info.code } : {}), ...(description ? { description } : {}) },
  );
}

function reconnectRequest(info: StatusInfo, current: RtmpUrl): ReconnectRequest {
  const description = typeof info['description'] === 'string' ? info['description'] : undefined;
  const tcUrl = typeof info['tcUrl'] === 'string' ? info['tcUrl'] : undefined;
  let url = current.tcUrl;
  if (tcUrl !== undefined) {
    try {
      url = new URL(tcUrl, current.tcUrl).href;
    } catch {
      // An unusable tcUrl: reconnect to the same URL, which the request allows.
    }
  }
  return { url, description };
}

function networkError(error: NodeJS.ErrnoException, url: RtmpUrl): RtmpClientError {
  const dns = error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' || error.code === 'EAI_NONAME';
  return new RtmpClientError(
    dns ? 'CLIENT_DNS_FAILED' : 'CLIENT_NETWORK_ERROR',
    dns
      ? `cannot resolve ${url.host} (${error.code})`
      : `cannot reach ${url.host}:${url.port}: ${error.message}`,
    { cause: error },
  );
}

/** A stream being published. Create it with {@link RtmpConnection.publish}. */
export class RtmpPublisher {
  #closed = false;
  /** What a new connection needs before the keyframe a move switches at. */
  readonly #setup = new PublishedSetup();
  /** A publisher on a new connection waiting for the next keyframe, and what to tell when switched. */
  #moving: { readonly to: RtmpPublisher; readonly switched: () => void } | undefined;
  /** Once switched, every write goes to the publisher on the new connection. */
  #movedTo: RtmpPublisher | undefined;

  /** @internal */
  constructor(
    private readonly connection: RtmpConnection,
    /** The message stream id the server gave (on the first connection, if it has moved). */
    readonly streamId: number,
    /** The stream name it publishes to. */
    readonly name: string,
    private readonly type: PublishType | undefined,
  ) {}

  /**
   * True while it moves to a new connection (after a ReconnectRequest) and waits for the next
   * keyframe to switch: an encoder can send one early to make the move quick.
   */
  get moving(): boolean {
    return this.#moving !== undefined;
  }

  /** @internal What {@link RtmpConnection.handOver} publishes with on the new connection. */
  get publishOptions(): { type?: PublishType } {
    return this.type === undefined ? {} : { type: this.type };
  }

  /** Sends metadata (`@setDataFrame onMetaData`), e.g. width, height, framerate, codec ids. */
  setMetadata(metadata: Readonly<Record<string, unknown>>): Promise<void> {
    if (this.#movedTo) return this.#movedTo.setMetadata(metadata);
    this.#setup.metadata = metadata;
    return this.#write(() => this.connection.session.setMetadata(this.streamId, metadata));
  }

  /**
   * Sends one audio message: an FLV AUDIODATA body, timestamp in ms. Resolves at once, or when the
   * socket has drained if it was congested: await it to never buffer without bound.
   */
  writeAudio(timestamp: number, payload: Uint8Array): Promise<void> {
    return this.#media({ type: 'audio', timestamp, payload });
  }

  /** Sends one video message: an FLV VIDEODATA body, timestamp in ms. Backpressure as {@link RtmpPublisher.writeAudio}. */
  writeVideo(timestamp: number, payload: Uint8Array): Promise<void> {
    return this.#media({ type: 'video', timestamp, payload });
  }

  /**
   * Sends an Enhanced RTMP video frame built from its parts: any FourCC, one track or several
   * (a track id other than 0, or several tracks, makes it multitrack), and an optional nanosecond
   * timestamp offset (ModEx). Backpressure as {@link RtmpPublisher.writeAudio}.
   * @throws RangeError for a frame that cannot be written (see `buildVideoBody`).
   * @example
   * ```ts
   * await publisher.writeVideoFrame(0, { frameType: 1, packetType: 'sequence-start', tracks: [{ trackId: 1, fourCc: 'hvc1', data: hvcC }] });
   * ```
   */
  writeVideoFrame(timestamp: number, frame: EnhancedVideoFrame): Promise<void> {
    return this.writeVideo(timestamp, buildVideoBody(frame));
  }

  /** Sends an Enhanced RTMP audio frame built from its parts, as {@link RtmpPublisher.writeVideoFrame}. */
  writeAudioFrame(timestamp: number, frame: EnhancedAudioFrame): Promise<void> {
    return this.writeAudio(timestamp, buildAudioBody(frame));
  }

  /** Sends a data message body as is (AMF0 values, e.g. from an FLV script tag). */
  writeData(timestamp: number, payload: Uint8Array): Promise<void> {
    if (this.#movedTo) return this.#movedTo.writeData(timestamp, payload);
    return this.#write(() => this.connection.session.writeMedia(this.streamId, 'data', timestamp, payload));
  }

  /** Stops publishing: FCUnpublish and deleteStream. The connection stays open. */
  async close(): Promise<void> {
    if (this.#movedTo) return this.#movedTo.close();
    const moving = this.#moving;
    this.#moving = undefined;
    await moving?.to.close(); // a move under way is called off
    this.#stop();
    moving?.switched();
  }

  /**
   * @internal Moves this stream to `to` (the same stream published on a new connection): at the
   * next keyframe (or, without video, the next audio), `to` gets the metadata and configuration,
   * then that frame and every later write; this stream is unpublished. Resolves once switched.
   */
  moveTo(to: RtmpPublisher): Promise<void> {
    return new Promise((switched) => {
      this.#moving = { to, switched };
    });
  }

  async #media(write: MediaWrite): Promise<void> {
    if (this.#movedTo) return this.#movedTo.#media(write);
    const canSwitch = this.#setup.note(write);
    if (this.#moving && canSwitch) {
      await this.#switch(this.#moving);
      return this.#movedTo!.#media(write);
    }
    return this.#write(() =>
      this.connection.session.writeMedia(this.streamId, write.type, write.timestamp, write.payload),
    );
  }

  async #switch({
    to,
    switched,
  }: {
    readonly to: RtmpPublisher;
    readonly switched: () => void;
  }): Promise<void> {
    this.#moving = undefined;
    if (this.#setup.metadata) await to.setMetadata(this.#setup.metadata);
    for (const config of this.#setup.config()) await to.#media(config);
    this.#movedTo = to;
    this.#stop();
    switched();
  }

  #stop(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.connection.forgetPublisher(this.streamId);
    this.connection.send(this.connection.session.closeStream(this.streamId));
  }

  #write(encode: () => Uint8Array[]): Promise<void> {
    if (this.#closed)
      return Promise.reject(new RtmpClientError('CLIENT_INVALID_STATE', 'this publisher is closed'));
    return this.connection.write(encode);
  }
}

/**
 * A stream being played: iterate it for media, data and status. The iteration ends when the
 * publisher leaves (StreamEOF, Play.Stop or Play.UnpublishNotify, unless `endOnUnpublish: false`)
 * or on {@link RtmpPlayer.close}, and throws if the connection fails.
 */
export class RtmpPlayer implements AsyncIterable<PlayerEvent> {
  readonly #queue: PlayerEvent[] = [];
  #waiting:
    | { resolve: (result: IteratorResult<PlayerEvent>) => void; reject: (error: unknown) => void }
    | undefined;
  #ended = false;
  #error: RtmpClientError | undefined;
  /** Timestamps of the last video and audio queued: where a move to a new connection picks up. */
  #lastVideo: number | undefined;
  #lastAudio: number | undefined;
  /** A move under way: the player on the new connection, its held events, and who waits for it. */
  #moving: { readonly handover: PlayerHandover; readonly switched: () => void } | undefined;
  /** The player on the new connection, once this one switched (or while it moves). */
  #successor: RtmpPlayer | undefined;
  /** On a successor: the player its events go to. */
  #upstream: RtmpPlayer | undefined;
  /** After a switch, audio the old connection already gave is not given again. */
  #audioOverlap = false;
  /** The old stream ended while moving: switch as soon as the successor has a switch point. */
  #oldEnded = false;

  /** @internal */
  constructor(
    private readonly connection: RtmpConnection,
    /** The message stream id the server gave (on the first connection, if it has moved). */
    readonly streamId: number,
    /** @internal */
    readonly endOnUnpublish: boolean,
    name: string,
    private options: PlayOptions & { endOnUnpublish?: boolean },
  ) {
    this.#name = name;
  }

  #name: string;
  /** @internal A play2 or play with reset is under way: its Play.Start is one of the events. */
  restarting = false;

  /** The stream name it plays (the latest one asked for, after {@link RtmpPlayer.play2}). */
  get name(): string {
    return this.#name;
  }

  /** True while it follows the stream on a new connection and waits for a keyframe there to switch. */
  get moving(): boolean {
    return this.#moving !== undefined;
  }

  /** @internal What {@link RtmpConnection.handOver} plays with on the new connection. */
  get playOptions(): PlayOptions & { endOnUnpublish?: boolean } {
    return this.options;
  }

  /** @internal Whether the consumer is behind (the socket is paused for it). */
  get congested(): boolean {
    return (this.#upstream ?? this).#queue.length >= PLAYER_HIGH_WATER;
  }

  /** @internal Queues an event from its connection; returns true when the socket should pause. */
  push(event: PlayerEvent): boolean {
    if (event.type === 'status' && SEEK_ANSWERS.has(event.info.code)) this.#seeking = false;
    if (this.#upstream) return this.#upstream.#fromSuccessor(event);
    if (this.#successor && !this.#moving) return false; // switched: the old stream is done
    // Moving: the old stream goes on until it reaches the point the new one holds from.
    if (this.#moving?.handover.reached(event)) {
      this.#switch();
      return this.congested;
    }
    return this.#enqueue(event);
  }

  /** @internal Ends the iteration, with an error if the connection failed. */
  end(error?: RtmpClientError): void {
    if (this.#upstream) {
      this.connection.forgetPlayer(this.streamId);
      this.#upstream.#finish(error);
      return;
    }
    // Moving or moved: the old connection's end is expected; the successor's counts. A move that
    // has its switch point switches now (the old stream has nothing more to give).
    if (this.#successor) {
      this.connection.forgetPlayer(this.streamId);
      if (this.#moving) {
        this.#oldEnded = true;
        if (this.#moving.handover.ready) this.#switch();
      }
      return;
    }
    this.#finish(error);
  }

  /**
   * @internal Follows the same stream on a new connection (`to`): its events are held until its
   * first video keyframe later than the last video queued here (audio-only: audio later than the
   * last audio), then its metadata and configuration, that keyframe and what follows are queued,
   * and this player's old stream is closed. Resolves once switched.
   */
  follow(to: RtmpPlayer): Promise<void> {
    return new Promise((switched) => {
      this.#moving = { handover: new PlayerHandover(), switched };
      this.#successor = to;
      to.#upstream = this;
      // What it got between its Play.Start and now (the join cache, in the same read) counts too.
      for (const event of to.#queue.splice(0)) this.#fromSuccessor(event);
    });
  }

  /**
   * Pauses the stream (`pause` true): the server stops sending media until {@link RtmpPlayer.resume}.
   * Events already on their way still arrive.
   */
  pause(): void {
    this.#control({ kind: 'pause', paused: true, milliseconds: this.#lastVideo ?? this.#lastAudio ?? 0 });
  }

  /** Resumes a paused stream: the server sends the codec configuration again, then video from a keyframe. */
  resume(): void {
    this.#control({ kind: 'pause', paused: false, milliseconds: this.#lastVideo ?? this.#lastAudio ?? 0 });
  }

  /** Turns audio off (`false`) or on again (`receiveAudio`). */
  receiveAudio(enabled: boolean): void {
    this.#control({ kind: 'receive-audio', enabled });
  }

  /** Turns video off (`false`) or on again, from the next keyframe (`receiveVideo`). */
  receiveVideo(enabled: boolean): void {
    this.#control({ kind: 'receive-video', enabled });
  }

  /** Tells the server this player now buffers `milliseconds` (SetBufferLength). */
  setBufferLength(milliseconds: number): void {
    const target = this.#target();
    target.connection.send(target.connection.session.setBufferLength(target.streamId, milliseconds));
  }

  /** Seeks to `milliseconds` (on a live stream, servers restart it at its latest keyframe). */
  seek(milliseconds: number): void {
    this.#target().#seeking = true;
    this.#control({ kind: 'seek', milliseconds });
  }

  /** A seek is answered by neither Seek.Notify nor Seek.Failed yet. */
  #seeking = false;

  /**
   * @internal Whether a StreamEOF is part of a seek rather than the stream's end: nginx-rtmp sends
   * StreamEOF, Seek.Notify, StreamBegin for a seek in a recorded file.
   */
  get seeking(): boolean {
    return this.#seeking;
  }

  #control(control: Parameters<ClientSession['control']>[1]): void {
    const target = this.#target();
    target.connection.send(target.connection.session.control(target.streamId, control));
  }

  /**
   * Plays `name` on this player's stream: with `reset: false` after what plays now (a playlist: the
   * server says Play.Switch and Play.Start when it starts, seen as events), otherwise instead of it
   * (resolves on its Play.Start). The iteration goes on with what it plays.
   * @throws {@link RtmpClientError} `CLIENT_PLAY_FAILED` when the server refuses it (the
   *   iteration then ends with that error), `CLIENT_TIMEOUT`, `CLIENT_ABORTED`.
   */
  async play(name: string, options: PlayOptions & { signal?: AbortSignal } = {}): Promise<void> {
    const target = this.#target();
    if (options.reset === false) {
      target.connection.send(target.connection.session.play(target.streamId, name, options));
      return;
    }
    await this.#restart(name, options, () => target.connection.session.play(target.streamId, name, options));
  }

  /**
   * Switches to another stream with `play2` (`transition: "switch"`): what plays stops, `name` plays
   * in the same iteration; resolves on its Play.Start. After {@link RtmpPlayer.closeStream} it plays
   * `name` on the stream again.
   * @throws {@link RtmpClientError} as {@link RtmpPlayer.play}.
   */
  async play2(
    name: string,
    options: { start?: number; len?: number; transition?: string; signal?: AbortSignal } = {},
  ): Promise<void> {
    const target = this.#target();
    await this.#restart(name, { start: options.start ?? -2000 }, () =>
      target.connection.session.play2(target.streamId, name, options),
    );
  }

  /**
   * Stops what plays with `closeStream` (as Flash's NetStream.close): media stops, the stream
   * stays, and the iteration waits for a {@link RtmpPlayer.play2} or {@link RtmpPlayer.play} on it.
   * {@link RtmpPlayer.close} ends it.
   */
  closeStream(): void {
    const target = this.#target();
    target.connection.send(target.connection.session.stopPlaying(target.streamId));
  }

  async #restart(
    name: string,
    options: PlayOptions & { signal?: AbortSignal },
    begin: () => ClientOutput,
  ): Promise<void> {
    const target = this.#target();
    target.restarting = true;
    try {
      await target.connection.startOn(target.streamId, begin, options.signal);
    } finally {
      target.restarting = false;
    }
    this.#name = name;
    target.#name = name;
    const { signal: _, ...playOptions } = options;
    this.options = { ...this.options, ...playOptions };
  }

  /** Where controls go: the successor once it has switched to a new connection. */
  #target(): RtmpPlayer {
    return this.#successor && !this.#moving ? this.#successor : this;
  }

  /** Stops playing (deleteStream); the iteration ends. The connection stays open. */
  async close(): Promise<void> {
    if (this.#successor) await this.#successor.close();
    if (!this.#ended) this.connection.send(this.connection.session.closeStream(this.streamId));
    this.#finish();
  }

  #fromSuccessor(event: PlayerEvent): boolean {
    if (this.#moving) {
      const { handover } = this.#moving;
      handover.offer(event, this.#lastVideo, this.#lastAudio);
      if (this.#oldEnded && handover.ready) this.#switch();
      return this.congested;
    }
    if (this.#audioOverlap && event.type === 'audio') {
      if (this.#lastAudio !== undefined && ((event.timestamp - this.#lastAudio) | 0) <= 0) return false;
      this.#audioOverlap = false;
    }
    return this.#enqueue(event);
  }

  /** The switch: the old stream closed, the successor's held events queued, and from now on its own. */
  #switch(): void {
    const moving = this.#moving;
    if (moving === undefined) return;
    this.#moving = undefined;
    this.#audioOverlap = true;
    this.connection.send(this.connection.session.closeStream(this.streamId));
    this.connection.forgetPlayer(this.streamId);
    for (const queued of moving.handover.take(this.#lastAudio)) this.#enqueue(queued);
    moving.switched();
  }

  #enqueue(event: PlayerEvent): boolean {
    if (this.#ended) return false;
    if (event.type === 'video') this.#lastVideo = event.timestamp;
    else if (event.type === 'audio') this.#lastAudio = event.timestamp;
    if (this.#waiting) {
      this.#waiting.resolve({ value: event, done: false });
      this.#waiting = undefined;
      return false;
    }
    this.#queue.push(event);
    return this.congested;
  }

  #finish(error?: RtmpClientError): void {
    if (this.#ended) return;
    this.#ended = true;
    // A move under way is moot once the iteration ends.
    this.#moving?.switched();
    this.#moving = undefined;
    this.#error = error;
    this.connection.forgetPlayer(this.streamId);
    if (this.#waiting) {
      if (error) this.#waiting.reject(error);
      else this.#waiting.resolve({ value: undefined, done: true });
      this.#waiting = undefined;
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<PlayerEvent> {
    return {
      next: () => {
        const event = this.#queue.shift();
        if (event !== undefined) {
          if (this.#queue.length < PLAYER_HIGH_WATER / 2) (this.#successor ?? this).connection.resume();
          return Promise.resolve({ value: event, done: false });
        }
        if (this.#ended) {
          return this.#error
            ? Promise.reject(this.#error)
            : Promise.resolve({ value: undefined, done: true });
        }
        return new Promise((resolve, reject) => {
          this.#waiting = { resolve, reject };
        });
      },
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }
}
