import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import type { RawMessage } from '@rtmp/chunk';
import type { FlvTag } from '@rtmp/flv';
import {
  type ConnectRequest,
  encodeMessage,
  type MediaInfo,
  type MediaKind,
  mediaInfo,
  VideoFrameType,
  videoFrameType,
} from '@rtmp/messages';
import { admit, type QueueState, type VideoTracks } from '../admission';

import { RtmpServerError } from '../errors';
import { DEFAULT_GOP_CACHE_MAX_BYTES, DEFAULT_GOP_CACHE_MAX_MESSAGES } from '../join-cache';
import { type ServerEvent, ServerSession, type ServerSessionOptions } from '../server-session';
import { AccessRules } from './access-rules';
import { AdobeAuth, type AdobeAuthOptions } from './adobe-auth';
import { diagnostics, report } from './diagnostics';
import {
  DEFAULT_MAX_TRACKS_PER_STREAM,
  type HeldWrites,
  LiveStream,
  type Player as StreamPlayer,
  type StreamStats,
} from './live-stream';
import { VodPlayback, vodDuration, vodPath } from './vod';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

type Player = StreamPlayer<Connection>;

/** What a hook learns about a request. `query` carries stream keys and tokens: never log it. */
export interface RequestInfo {
  readonly app: string;
  readonly name: string;
  readonly query: string;
  readonly remoteAddress: string;
  readonly connect: ConnectRequest;
  /** On a publish to a name already published: who publishes it now (compare credentials to replace). */
  readonly publisher?: RequestInfo;
}

/**
 * A hook's verdict: allow, or deny with a description the client will see. A publish hook may
 * also allow with `replace: true`: the current publisher of the name (see
 * {@link RequestInfo.publisher}) is disconnected and the newcomer takes over; players keep
 * playing. Say it only when the newcomer holds the same credential (an encoder reconnecting
 * before its old connection timed out); otherwise a second publisher gets `Publish.BadName`.
 */
export type Verdict =
  | boolean
  | { readonly allow: true; readonly replace: true }
  | { readonly allow: false; readonly description: string; readonly code?: string };

/** Options of {@link RtmpServer}. */
export interface RtmpServerOptions extends ServerSessionOptions {
  /**
   * Where to listen: one address, or several on the same port, e.g. `['127.0.0.1', '::1']` for
   * both loopbacks (`'::'` alone is dual stack on every interface).
   * @default '127.0.0.1'
   */
  readonly host?: string | readonly string[];
  /** 0 for an ephemeral port. @default 1935 */
  readonly port?: number;
  /** From accepting the socket to an accepted `connect`, in ms: a total deadline, not per read. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** A PingRequest goes to a connection silent this long, in ms. @default 60000 */
  readonly pingIntervalMs?: number;
  /** A connection still silent this long after the ping is closed (F5: half-open peers), in ms. @default 30000 */
  readonly pingTimeoutMs?: number;
  /** A publisher that sends no media this long after publish is closed (E9), in ms. @default 20000 */
  readonly publishFirstMediaTimeoutMs?: number;
  /** A publisher whose media stops this long is closed (E9), in ms. @default 5000 */
  readonly publishIdleTimeoutMs?: number;
  /** Connections at once. @default 1000 */
  readonly maxConnections?: number;
  /** Connections at once from one address. @default 32 */
  readonly maxConnectionsPerAddress?: number;
  /** Bytes a player may have queued before frames are dropped. @default 8 MiB */
  readonly maxPlayerQueueBytes?: number;
  /**
   * The queue's bound in time: a player whose socket has not drained (no `'drain'` since a
   * `write()` returned false) for this long is treated as over its byte budget (frames dropped
   * until it catches up), in ms.
   * @default 10000
   */
  readonly maxPlayerQueueDelayMs?: number;
  /** A player that stays over its queue budget this long is closed, in ms. @default 30000 */
  readonly playerDrainTimeoutMs?: number;
  /**
   * A peer that limited what we send (Set Peer Bandwidth) gets no more media while its window is
   * full of unacknowledged bytes; one that acknowledges nothing for this long then is closed
   * (`SERVER_PEER_UNACKNOWLEDGED`), in ms. Peers that set no limit are never held back.
   * @default 10000
   */
  readonly peerAcknowledgementTimeoutMs?: number;
  /**
   * Holds player writes up to this long so several messages leave in one syscall (SRS's merged
   * write, whose default is 350 ms): at 200 players, about 35% less CPU per delivered byte for
   * about 20 ms more latency on average (bench/fanout.bench.ts). Only when fan-out is wide, see
   * `fanOutMergeMinPlayers`. 0 merges only what one read from the publisher produced.
   * @default 35
   */
  readonly fanOutMergeMs?: number;
  /**
   * A stream's writes are held (`fanOutMergeMs`) only when at least this many of its players are
   * written to: below it, the syscalls saved are not worth the latency. Other streams are not held.
   * @default 100
   */
  readonly fanOutMergeMinPlayers?: number;
  /**
   * A stream's held writes leave as soon as it has published this many messages in the merge
   * window, so a fast stream is not held for the whole window.
   * @default 8
   */
  readonly fanOutMergeMaxMessages?: number;
  readonly gopCacheMaxMessages?: number;
  readonly gopCacheMaxBytes?: number;
  /**
   * Play recorded FLV files from this directory (VOD): a play of a name that is not live and names
   * a file here (`name` or `name.flv`, the stream-name characters only, never outside the
   * directory) streams it at real time with `Play.Start`, `onPlayStatus` `Play.Complete` and
   * `Play.Stop`, honouring pause, seek and play's start and duration. Off by default.
   */
  readonly vodDir?: string;
  /**
   * Require Flash Media Server's `authmod=adobe` challenge on connect (opt-in): FFmpeg completes it
   * with `rtmp://user:password@host/app`, OBS with its username and password fields. Every
   * connection must authenticate; the hooks see the app without the auth parameters.
   */
  readonly adobeAuth?: AdobeAuthOptions;
  /**
   * Audio and video tracks a published stream may carry besides track 0 of each (Enhanced RTMP
   * multitrack); a publisher that sends more is closed with `SERVER_TOO_MANY_TRACKS`.
   * @default 16
   */
  readonly maxTracksPerStream?: number;
  /**
   * Who may publish and play, by address, in nginx-rtmp's syntax: `allow publish 127.0.0.1`,
   * `deny play 10.0.0.0/8`, `deny publish all`. The first rule matching the action and the address
   * decides, before the hooks are asked; with none matching, the request goes on to the hooks. An
   * IPv4 rule matches the IPv4-mapped `::ffff:a.b.c.d` form too.
   * @throws {@link RtmpServerError} `SERVER_INVALID_OPTION` from the constructor for a rule it cannot read.
   * @default [] (everyone)
   */
  readonly access?: readonly string[];
  /** Decides connects. @default allow */
  readonly onConnect?: (connect: ConnectRequest, remoteAddress: string) => Verdict | Promise<Verdict>;
  /** Decides publishes. @default allow */
  readonly onPublish?: (info: RequestInfo) => Verdict | Promise<Verdict>;
  /** Decides plays. @default allow */
  readonly onPlay?: (info: RequestInfo) => Verdict | Promise<Verdict>;
  /**
   * Observers (recording, statistics, tests). They run synchronously on the server's path; one
   * that throws closes that connection only (E12).
   */
  readonly observe?: {
    readonly connected?: (connect: ConnectRequest, remoteAddress: string) => void;
    readonly published?: (key: string, info: RequestInfo) => void;
    /** Every audio, video and data message of a published stream (data without `@setDataFrame`). */
    readonly message?: (key: string, message: RawMessage) => void;
    /** A connection refused for a limit, or a publish or play an access rule denied. */
    readonly refused?: (refusal: Refusal) => void;
    readonly unpublished?: (key: string) => void;
  };
}

/** What the server sends in the handshake (S0, S1, S2), which acknowledgements do not count. */
const HANDSHAKE_BYTES = 1 + 1536 + 1536;

/**
 * A refusal the server made on its own, as `observe.refused` and the `rtmp:server:refused` channel
 * tell it: a connection over a limit (which option, its value), or a publish or play an access
 * rule denied.
 */
export type Refusal =
  | {
      readonly kind: 'connection';
      readonly remoteAddress: string;
      readonly option: 'maxConnections' | 'maxConnectionsPerAddress';
      readonly limit: number;
    }
  | {
      readonly kind: 'access';
      readonly remoteAddress: string;
      readonly action: 'publish' | 'play';
      readonly name: string;
    };

/** A connection as {@link RtmpServer.requestReconnect}'s filter sees it. */
export interface ConnectionInfo {
  readonly remoteAddress: string;
  /** Its accepted `connect` (undefined before one). */
  readonly connect: ConnectRequest | undefined;
  /** Keys (`app/name`) it publishes and plays. */
  readonly publishing: readonly string[];
  readonly playing: readonly string[];
}

/** Options of {@link RtmpServer.requestReconnect}. */
export interface ReconnectRequestOptions {
  /** Where to reconnect: absolute, or relative to the client's tcUrl; absent, the same URL. */
  readonly tcUrl?: string;
  readonly description?: string;
  /** Which connections to ask. @default every connection that has connected */
  readonly filter?: (connection: ConnectionInfo) => boolean;
}

/** The named defaults of {@link RtmpServerOptions}' limits and deadlines. */
export const RTMP_SERVER_DEFAULTS = {
  host: '127.0.0.1',
  port: 1935,
  connectTimeoutMs: 10_000,
  pingIntervalMs: 60_000,
  pingTimeoutMs: 30_000,
  publishFirstMediaTimeoutMs: 20_000,
  publishIdleTimeoutMs: 5000,
  maxConnections: 1000,
  maxConnectionsPerAddress: 32,
  maxPlayerQueueBytes: 8 * 1024 * 1024,
  playerDrainTimeoutMs: 30_000,
  peerAcknowledgementTimeoutMs: 10_000,
  maxPlayerQueueDelayMs: 10_000,
  fanOutMergeMs: 35,
  fanOutMergeMinPlayers: 100,
  fanOutMergeMaxMessages: 8,
  gopCacheMaxMessages: DEFAULT_GOP_CACHE_MAX_MESSAGES,
  gopCacheMaxBytes: DEFAULT_GOP_CACHE_MAX_BYTES,
  maxTracksPerStream: DEFAULT_MAX_TRACKS_PER_STREAM,
} as const;

type Defaults = typeof RTMP_SERVER_DEFAULTS;
/** Options with every default filled in. */
type ResolvedOptions = Omit<RtmpServerOptions, keyof Defaults> & {
  readonly [K in keyof Defaults]: K extends 'host' ? string | readonly string[] : number;
};

function resolveOptions(options: RtmpServerOptions): ResolvedOptions {
  const resolved: Record<string, unknown> = { ...options };
  for (const [key, value] of Object.entries(RTMP_SERVER_DEFAULTS)) resolved[key] ??= value;
  return resolved as ResolvedOptions;
}

/**
 * An RTMP server on node:net: one {@link ServerSession} per socket, a registry of live streams
 * (`app/name`, one publisher each; a second gets `NetStream.Publish.BadName`), and fan-out that
 * chunks each published message once per player stream id and writes the same bytes to every
 * player. Players that join late get metadata, codec configuration and the current GOP first.
 * A player whose queue passes its budget loses disposable frames, then inter frames and audio,
 * and resumes at the next keyframe; one that stays congested too long is closed. The publisher is
 * never slowed by players.
 */
export class RtmpServer {
  readonly #options: ResolvedOptions;
  /** @internal */
  readonly access: AccessRules;
  /** @internal */
  readonly adobeAuth: AdobeAuth | undefined;
  readonly #server: Server;
  /** Listeners besides the first: more addresses, TLS. */
  readonly #moreServers: Server[] = [];
  readonly #connections = new Set<Connection>();
  readonly #perAddress = new Map<string, number>();
  /** Streams with player writes held ({@link LiveStream.held}). */
  readonly #held = new Set<LiveStream<Connection>>();
  #batching = false;
  #closedBytesIn = 0;
  #closedBytesOut = 0;
  #mergeTimer: NodeJS.Timeout | undefined;
  /** @internal */
  readonly streams = new Map<string, LiveStream<Connection>>();

  constructor(options: RtmpServerOptions = {}) {
    this.#options = resolveOptions(options);
    this.access = new AccessRules(options.access ?? []);
    this.adobeAuth = options.adobeAuth ? new AdobeAuth(options.adobeAuth) : undefined;
    this.#server = createServer((socket) => this.#accept(socket));
  }

  /**
   * Starts listening; resolves with the first bound address (port 0 gives an ephemeral one, the
   * same for every address in `host`).
   */
  async listen(): Promise<{ host: string; port: number; url: string }> {
    const [first, ...others] = this.#hosts();
    const bound = await this.#bind(this.#server, this.#options.port, first!, 'rtmp');
    for (const host of others) {
      const server = createServer((socket) => this.#accept(socket));
      this.#moreServers.push(server);
      await this.#bind(server, bound.port, host, 'rtmp');
    }
    return bound;
  }

  #hosts(): readonly string[] {
    const { host } = this.#options;
    return typeof host === 'string' ? [host] : host;
  }

  #bind(
    server: Server,
    port: number,
    host: string,
    scheme: 'rtmp' | 'rtmps',
  ): Promise<{ host: string; port: number; url: string }> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        const bound = (server.address() as { port: number }).port;
        resolve({
          host,
          port: bound,
          url: `${scheme}://${host.includes(':') ? `[${host}]` : host}:${bound}`,
        });
      });
    });
  }

  /**
   * Also accepts `rtmps://` on a TLS listener (same streams, same policies), e.g. on port 443.
   * @param options `node:tls` server options (`key`, `cert`, ...) plus where to listen.
   */
  listenTls(
    options: TlsOptions & { port?: number; host?: string },
  ): Promise<{ host: string; port: number; url: string }> {
    const { port = 443, host = this.#hosts()[0]!, ...tls } = options;
    const server = createTlsServer(tls, (socket) => this.#accept(socket));
    // A failed TLS handshake (a plain RTMP client on this port, a scanner) is that socket's problem.
    server.on('tlsClientError', () => {});
    this.#moreServers.push(server);
    return this.#bind(server, port, host, 'rtmps');
  }

  /** Stops accepting, tells players the streams ended, and closes every connection. */
  async close(): Promise<void> {
    const closed = [this.#server, ...this.#moreServers].map(
      (server) =>
        new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
    );
    this.#releaseAll();
    for (const connection of this.#connections) connection.close();
    await Promise.all(closed);
  }

  /** Live streams with their figures. */
  stats(): StreamStats[] {
    return [...this.streams.values()].map((stream) => stream.stats());
  }

  /** Connections open now, and bytes received and sent over all connections since listening. */
  traffic(): { connections: number; bytesIn: number; bytesOut: number } {
    let bytesIn = this.#closedBytesIn;
    let bytesOut = this.#closedBytesOut;
    for (const { socket } of this.#connections) {
      bytesIn += socket.bytesRead;
      bytesOut += socket.bytesWritten;
    }
    return { connections: this.#connections.size, bytesIn, bytesOut };
  }

  /**
   * Sends Enhanced RTMP's ReconnectRequest to the matching connections (a graceful drain before a
   * redeploy, or a move to another server with `tcUrl`). Clients that honour it (`keepConnected`)
   * open a new connection and move their streams there at a keyframe, then close this one. While a
   * publisher that was asked moves, a new publish of its stream is let in as its successor and
   * takes the stream over, players and join cache kept, at its first media message.
   * @returns how many connections were asked
   */
  requestReconnect(options: ReconnectRequestOptions = {}): number {
    let asked = 0;
    for (const connection of this.#connections) {
      if (connection.info.connect === undefined || (options.filter && !options.filter(connection.info)))
        continue;
      connection.askToReconnect(options);
      asked++;
    }
    return asked;
  }

  /** @internal Tells `observe.refused` and the diagnostics channel of a refusal. */
  refused(refusal: Refusal): void {
    report(diagnostics.refused, () => refusal);
    try {
      this.#options.observe?.refused?.(refusal);
    } catch {
      // An observer's bug does not reach the listener or the connection.
    }
  }

  /** Connections open now. */
  get connections(): number {
    return this.#connections.size;
  }

  /**
   * @internal Runs `work` (one read from a socket) with the player sockets it writes to corked,
   * then uncorks them: the messages of one read leave as one writev per player, not one write
   * each. The players of a stream with at least `fanOutMergeMinPlayers` of them written to stay
   * corked for `fanOutMergeMs` (or until that stream has `fanOutMergeMaxMessages` held): syscalls
   * are most of fan-out's cost.
   */
  batchWrites(work: () => void): void {
    if (this.#batching) {
      work();
      return;
    }
    this.#batching = true;
    try {
      work();
    } finally {
      this.#batching = false;
      const { fanOutMergeMs, fanOutMergeMinPlayers, fanOutMergeMaxMessages } = this.#options;
      for (const stream of this.#held) {
        const { sockets, messages } = stream.held;
        if (fanOutMergeMs === 0 || sockets.size < fanOutMergeMinPlayers || messages >= fanOutMergeMaxMessages)
          this.#release(stream);
      }
      if (this.#held.size === 0)
        this.#releaseAll(); // nothing held: no window either
      else this.#mergeTimer ??= setTimeout(() => this.#releaseAll(), fanOutMergeMs);
    }
  }

  /** @internal `stream` publishes a message: its players' writes wait for the batch (or window) end. */
  holdForBatch(stream: LiveStream<Connection>): HeldWrites {
    this.#held.add(stream);
    stream.held.messages++;
    return stream.held;
  }

  #release(stream: LiveStream<Connection>): void {
    this.#held.delete(stream);
    const { sockets } = stream.held;
    for (const socket of sockets) socket.uncork();
    sockets.clear();
    stream.held.messages = 0;
  }

  #releaseAll(): void {
    clearTimeout(this.#mergeTimer);
    this.#mergeTimer = undefined;
    for (const stream of this.#held) this.#release(stream);
  }

  /** @internal */
  get options(): ResolvedOptions {
    return this.#options;
  }

  /** @internal */
  forget(connection: Connection): void {
    if (!this.#connections.delete(connection)) return;
    this.#closedBytesIn += connection.socket.bytesRead;
    this.#closedBytesOut += connection.socket.bytesWritten;
    const count = (this.#perAddress.get(connection.address) ?? 1) - 1;
    if (count > 0) this.#perAddress.set(connection.address, count);
    else this.#perAddress.delete(connection.address);
  }

  #accept(socket: Socket): void {
    const address = socket.remoteAddress ?? 'unknown';
    const perAddress = this.#perAddress.get(address) ?? 0;
    const total = this.#connections.size >= this.#options.maxConnections;
    if (total || perAddress >= this.#options.maxConnectionsPerAddress) {
      socket.destroy(); // E8: refused fast; the others are not disturbed
      const option = total ? 'maxConnections' : 'maxConnectionsPerAddress';
      this.refused({ kind: 'connection', remoteAddress: address, option, limit: this.#options[option] });
      return;
    }
    this.#perAddress.set(address, perAddress + 1);
    this.#connections.add(new Connection(this, socket, address));
    report(diagnostics.connection, () => ({ remoteAddress: address }));
  }
}

/** One client connection. */
class Connection {
  readonly session: ServerSession;
  #lastReceived = Date.now();
  #lastMedia: number | undefined;
  #publishedAt: number | undefined;
  #pingedAt: number | undefined;
  readonly #liveness: NodeJS.Timeout;
  #connect: ConnectRequest | undefined;
  readonly #published = new Map<number, LiveStream<Connection>>();
  readonly #playing = new Map<number, { stream: LiveStream<Connection>; player: Player }>();
  /** Recorded files being played (VOD), by stream id. */
  readonly #recorded = new Map<number, VodPlayback>();
  /** Plays queued behind what a stream plays (`play` with reset false), by stream id. */
  readonly #playlists = new Map<number, { info: RequestInfo; start: number; duration: number }[]>();
  readonly #deadline: NodeJS.Timeout;
  #closed = false;
  /** Asked to reconnect: a new publish of a stream it publishes is let in as its successor. */
  reconnectRequested = false;
  /** The peer's latest acknowledgement under a Set Peer Bandwidth limit, and when it last moved. */
  #acknowledged: number | undefined;
  #acknowledgedAt = 0;
  /** When a `write()` last returned false with no `'drain'` since (the queue's bound in time). */
  #backlogSince: number | undefined;

  constructor(
    readonly server: RtmpServer,
    readonly socket: Socket,
    readonly address: string,
  ) {
    const { vodDir } = server.options;
    this.session = new ServerSession({
      ...server.options,
      // getStreamLength: a recorded file's duration; live streams (and unknown names) 0.
      ...(vodDir !== undefined
        ? {
            streamLength: (name: string) => ((file) => (file ? vodDuration(file) : 0))(vodPath(vodDir, name)),
          }
        : {}),
    });
    socket.setNoDelay(true);
    // B3, the connect deadline: total, from accept to an accepted connect.
    this.#deadline = setTimeout(() => this.close(), server.options.connectTimeoutMs);
    socket.on('data', (bytes: Buffer) => {
      this.#lastReceived = Date.now();
      this.#pingedAt = undefined;
      this.server.batchWrites(() => this.#output(this.session.receive(bytes)));
    });
    socket.on('drain', () => {
      this.#backlogSince = undefined;
    });
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    const options = server.options;
    const tick = Math.min(options.pingIntervalMs, options.publishIdleTimeoutMs, 1000);
    this.#liveness = setInterval(() => this.#checkLiveness(), tick);
    this.#liveness.unref();
  }

  /** Pings silent peers, closes dead ones and idle publishers (F5, E9). */
  #checkLiveness(): void {
    const options = this.server.options;
    const now = Date.now();
    if (this.#pingedAt !== undefined && now - this.#pingedAt >= options.pingTimeoutMs) {
      this.close();
      return;
    }
    if (
      this.#pingedAt === undefined &&
      now - this.#lastReceived >= options.pingIntervalMs &&
      this.session.state === 'connected'
    ) {
      this.#pingedAt = now;
      this.write(this.session.ping(now));
    }
    if (this.#publishedAt !== undefined) {
      const idle =
        this.#lastMedia === undefined
          ? now - this.#publishedAt >= options.publishFirstMediaTimeoutMs
          : now - this.#lastMedia >= options.publishIdleTimeoutMs;
      if (idle) this.close();
    }
  }

  /** When a `write()` found the socket's queue over its high-water mark, if it has not drained since. */
  get backlogSince(): number | undefined {
    return this.#backlogSince;
  }

  writeBytes(bytes: Uint8Array): void {
    if (!this.socket.destroyed && !this.socket.write(bytes)) this.#backlogSince ??= Date.now();
  }

  write(pieces: readonly Uint8Array[]): void {
    if (this.socket.destroyed) return;
    if (pieces.length === 1) {
      this.writeBytes(pieces[0]!);
      return;
    }
    this.socket.cork();
    for (const piece of pieces) this.writeBytes(piece);
    this.socket.uncork();
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#deadline);
    clearInterval(this.#liveness);
    report(diagnostics.close, () => ({ remoteAddress: this.address }));
    for (const streamId of [...this.#published.keys()]) this.#unpublish(streamId);
    for (const streamId of [...this.#playing.keys()]) this.#stopPlaying(streamId);
    for (const playback of this.#recorded.values()) playback.stop();
    this.#recorded.clear();
    this.socket.destroy();
    this.server.forget(this);
  }

  #output(output: { send: Uint8Array[]; events: ServerEvent[] }): void {
    this.write(output.send);
    for (const event of output.events) this.#event(event);
  }

  #event(event: ServerEvent): void {
    switch (event.type) {
      case 'connect-request': {
        // With authmod=adobe, the challenge comes first; the app goes on without its auth parameters.
        const auth = this.server.adobeAuth?.check(event.request.app, Date.now());
        const request = auth?.allow ? { ...event.request, app: auth.app } : event.request;
        this.#decide(
          event.requestId,
          () =>
            auth && !auth.allow
              ? { allow: false, description: auth.description }
              : this.server.options.onConnect?.(request, this.address),
          () => {
            this.#connect = request;
            clearTimeout(this.#deadline);
            this.#observe(() => this.server.options.observe?.connected?.(request, this.address));
          },
        );
        return;
      }
      case 'publish-request': {
        const current = this.server.streams.get(this.#key(event.name))?.publisher;
        const info = { ...this.#info(event.name, event.query), publisher: current?.info };
        this.#decide(
          event.requestId,
          () =>
            this.#allowedByRules('publish', info.name)
              ? this.server.options.onPublish?.(info)
              : {
                  allow: false,
                  description: 'this address may not publish',
                  code: 'NetStream.Publish.Denied',
                },
          (verdict) => this.#publish(event.streamId, info, verdict !== true),
          (verdict) => {
            // E1: one publisher per name; the first is untouched unless the hook said replace.
            // A publisher asked to reconnect may be followed by one successor (its new connection).
            const stream = this.server.streams.get(this.#key(event.name));
            const moving = stream?.publisher?.connection.reconnectRequested && !stream.successor;
            return stream?.publisher && verdict === true && !moving
              ? { allow: false, description: 'Already publishing' }
              : verdict;
          },
        );
        return;
      }
      case 'play-request': {
        const info = this.#info(event.name, event.query);
        this.#decide(
          event.requestId,
          () =>
            this.#allowedByRules('play', info.name)
              ? this.server.options.onPlay?.(info)
              : { allow: false, description: 'this address may not play' },
          () => {
            const item = { info, start: event.start, duration: event.duration };
            if (!event.queued) this.#playLiveOrRecorded(event.streamId, item);
            else if (this.#playing.has(event.streamId) || this.#recorded.has(event.streamId))
              this.#playlists.set(event.streamId, [...(this.#playlists.get(event.streamId) ?? []), item]);
            else this.#playNext(event.streamId, item); // what played before it has completed
          },
        );
        return;
      }
      case 'media':
        this.#broadcast(event.streamId, encodeMessage(event.message));
        return;
      case 'stream-closed':
        if (event.role === 'publish') this.#unpublish(event.streamId);
        else this.#stopPlaying(event.streamId);
        return;
      case 'protocol-error':
        report(diagnostics.error, () => ({ remoteAddress: this.address, error: event.error }));
        this.close();
        return;
      case 'player-control':
        this.#control(event);
        return;
    }
  }

  /**
   * Asks the hook, then the server's own rule (`check`), and answers the request. A hook that
   * throws or rejects denies (E12: the session closes, the server goes on).
   */
  #decide(
    requestId: number,
    hook: () => Verdict | Promise<Verdict> | undefined,
    onAllow: (verdict: Verdict) => void,
    check?: (allowed: Verdict) => Verdict,
  ): void {
    const allows = (verdict: Verdict) => verdict === true || (typeof verdict === 'object' && verdict.allow);
    // A hook that throws or rejects denies (E12); it never reaches the socket's event handler.
    const failed = (error: unknown): Verdict => {
      report(diagnostics.error, () => ({ remoteAddress: this.address, error }));
      return { allow: false, description: 'refused: the server could not decide' };
    };
    void Promise.resolve()
      .then(hook)
      .then((verdict) => verdict ?? true, failed)
      .then((verdict) => (allows(verdict) && check ? check(verdict) : verdict))
      .then(
        (verdict) => {
          if (this.#closed) return;
          if (allows(verdict)) {
            this.#output(this.session.accept(requestId));
            onAllow(verdict);
          } else if (typeof verdict !== 'object' || !verdict.allow) {
            const reason = verdict === false ? { description: 'not allowed' } : verdict;
            this.#output(this.session.reject(requestId, reason));
            if (this.session.state === 'closed') this.close();
          }
        },
        () => this.close(),
      );
  }

  /** Runs an observer; one that throws closes this connection, never the server. */
  #observe(run: () => void): void {
    try {
      run();
    } catch {
      queueMicrotask(() => this.close());
    }
  }

  #key(name: string): string {
    return `${this.#connect?.app ?? ''}/${name}`;
  }

  #info(name: string, query: string): RequestInfo {
    return {
      app: this.#connect?.app ?? '',
      name,
      query,
      remoteAddress: this.address,
      connect: this.#connect!,
    };
  }

  /**
   * Whether what we send may go on, for a peer that set Set Peer Bandwidth: `open` (room in its
   * window, or no limit), `full` (its window of unacknowledged bytes is used up), or `stalled`
   * (full, with no acknowledgement for `peerAcknowledgementTimeoutMs`).
   */
  flow(now: number): 'open' | 'full' | 'stalled' {
    const limit = this.session.peerFlow;
    if (limit === undefined) return 'open';
    if (limit.acknowledged !== this.#acknowledged) {
      this.#acknowledged = limit.acknowledged;
      this.#acknowledgedAt = now;
    }
    // Acknowledgements count what came after the handshake (S0, S1, S2), modulo 2^32.
    const sent = Math.max(0, this.socket.bytesWritten - HANDSHAKE_BYTES) % 2 ** 32;
    const unacknowledged = (sent - limit.acknowledged + 2 ** 32) % 2 ** 32;
    if (unacknowledged < limit.window) return 'open';
    return now - this.#acknowledgedAt > this.server.options.peerAcknowledgementTimeoutMs ? 'stalled' : 'full';
  }

  /** Closes this connection for `error`, reported on the diagnostics channel. */
  fail(error: RtmpServerError): void {
    report(diagnostics.error, () => ({ remoteAddress: this.address, error }));
    this.close();
  }

  /** Whether the access rules let this address `action`; a denial is reported as a refusal. */
  #allowedByRules(action: 'publish' | 'play', name: string): boolean {
    if (this.server.access.allows(action, this.address)) return true;
    this.server.refused({ kind: 'access', remoteAddress: this.address, action, name });
    return false;
  }

  /** What {@link RtmpServer.requestReconnect}'s filter sees. */
  get info(): ConnectionInfo {
    return {
      remoteAddress: this.address,
      connect: this.#connect,
      publishing: [...this.#published.values()].map((stream) => stream.key),
      playing: [...this.#playing.values()].map(({ stream }) => stream.key),
    };
  }

  askToReconnect(options: { readonly tcUrl?: string; readonly description?: string }): void {
    this.reconnectRequested = true;
    this.write(this.session.requestReconnect(options));
  }

  #stream(name: string): LiveStream<Connection> {
    const key = this.#key(name);
    let stream = this.server.streams.get(key);
    if (!stream) {
      const { gopCacheMaxMessages, gopCacheMaxBytes, maxTracksPerStream } = this.server.options;
      stream = new LiveStream<Connection>(key, gopCacheMaxMessages, gopCacheMaxBytes, maxTracksPerStream);
      this.server.streams.set(key, stream);
    }
    return stream;
  }

  #publish(streamId: number, info: RequestInfo, replace: boolean): void {
    const stream = this.#stream(info.name);
    const current = stream.publisher;
    if (current && !replace && current.connection.reconnectRequested && !stream.successor) {
      stream.successor = { connection: this, streamId, info };
      this.#published.set(streamId, stream);
      this.#publishedAt = Date.now();
      report(diagnostics.publish, () => ({ stream: stream.key, remoteAddress: this.address }));
      return;
    }
    if (current && replace) {
      // The stream changes hands: the old connection goes without unpublishing to the players.
      current.connection.#published.delete(current.streamId);
      stream.publisher = undefined;
      current.connection.close();
      this.#observe(() => this.server.options.observe?.unpublished?.(stream.key));
    } else if (current) {
      // Lost a race with another publisher between the check and now.
      this.close();
      return;
    }
    stream.publisher = { connection: this, streamId, info };
    this.#published.set(streamId, stream);
    this.#publishedAt = Date.now();
    this.#observe(() => this.server.options.observe?.published?.(stream.key, info));
    report(diagnostics.publish, () => ({ stream: stream.key, remoteAddress: this.address }));
    if (current) return; // a replacement: the players are already playing
    for (const player of stream.players)
      player.connection.write(player.connection.session.notify(player.streamId, 'published'));
  }

  /** The successor's first media: it publishes the stream from now on; the old publisher is let go. */
  #takeOver(stream: LiveStream<Connection>): void {
    const old = stream.publisher;
    if (old) old.connection.#released(old.streamId);
    stream.publisher = stream.successor;
    stream.successor = undefined;
  }

  /** This connection no longer publishes `streamId` (its successor does); it may still close it. */
  #released(streamId: number): void {
    this.#published.delete(streamId);
    if (this.#published.size === 0) this.#publishedAt = this.#lastMedia = undefined;
  }

  #unpublish(streamId: number): void {
    const stream = this.#published.get(streamId);
    if (!stream) return;
    this.#released(streamId);
    const { successor } = stream;
    if (successor?.connection === this && successor.streamId === streamId) {
      stream.successor = undefined; // it left before taking over: the publisher goes on
      return;
    }
    if (successor) {
      // The moving publisher left first: its successor has the stream now, players undisturbed.
      stream.publisher = successor;
      stream.successor = undefined;
      return;
    }
    stream.publisher = undefined;
    stream.cache.clear();
    this.#observe(() => this.server.options.observe?.unpublished?.(stream.key));
    for (const player of stream.players)
      player.connection.write(player.connection.session.notify(player.streamId, 'unpublished'));
    if (stream.players.size === 0) this.server.streams.delete(stream.key);
  }

  #play(streamId: number, info: RequestInfo): void {
    const stream = this.#stream(info.name);
    const player: Player = {
      connection: this,
      streamId,
      waitingForKeyframe: false,
      paused: false,
      audioOff: false,
      videoOff: false,
      // A player that comes before any keyframe gets the configuration and audio; video from keyframes.
      videoStarted: stream.cache.keyed ? undefined : new Set(),
      congestedSince: undefined,
      dropped: 0,
    };
    stream.players.add(player);
    this.#playing.set(streamId, { stream, player });
    report(diagnostics.play, () => ({ stream: stream.key, remoteAddress: this.address }));
    // A late joiner starts with metadata, codec configuration and the GOP; an early one waits.
    for (const message of stream.cache.joinSequence())
      this.write([this.session.encodeMedia({ ...message, streamId })]);
  }

  /**
   * A play: the live stream when it is published (or when the player asked for live only, or there
   * is no such file), else the recorded file of that name in `vodDir`.
   */
  #playLiveOrRecorded(
    streamId: number,
    { info, start, duration }: { info: RequestInfo; start: number; duration: number },
  ): void {
    const { vodDir } = this.server.options;
    const live = this.server.streams.get(this.#key(info.name))?.publisher !== undefined;
    const file = vodDir !== undefined && !live && start !== -1 ? vodPath(vodDir, info.name) : undefined;
    if (file === undefined) {
      this.#play(streamId, info);
      return;
    }
    const sink = {
      send: (tag: FlvTag) =>
        this.write([
          this.session.encodeMedia({
            typeId: tag.type,
            streamId,
            timestamp: tag.timestamp,
            payload: tag.body,
          }),
        ]),
      complete: () => {
        this.#recorded.delete(streamId);
        const next = this.#playlists.get(streamId)?.shift();
        if (next !== undefined) this.#playNext(streamId, next);
        else this.write(this.session.complete(streamId, vodDuration(file)));
      },
      fail: (error: unknown) =>
        this.fail(
          new RtmpServerError('SERVER_VOD_FAILED', `cannot play ${info.name}: ${(error as Error).message}`, {
            cause: error,
          }),
        ),
    };
    this.write(this.session.recorded(streamId));
    this.#recorded.set(streamId, new VodPlayback(file, sink, start, duration));
  }

  /** A playlist's next item: Play.Switch and Play.Start, then what it plays. */
  #playNext(streamId: number, item: { info: RequestInfo; start: number; duration: number }): void {
    this.write(this.session.playNext(streamId, item.info.name));
    this.#playLiveOrRecorded(streamId, item);
  }

  #stopPlaying(streamId: number): void {
    this.#playlists.delete(streamId);
    this.#recorded.get(streamId)?.stop();
    this.#recorded.delete(streamId);
    const entry = this.#playing.get(streamId);
    if (!entry) return;
    this.#playing.delete(streamId);
    entry.stream.players.delete(entry.player);
    if (!entry.stream.publisher && entry.stream.players.size === 0)
      this.server.streams.delete(entry.stream.key);
  }

  /** Fan-out: each message chunked once per (player stream id, chunk size), the bytes shared. */
  #broadcast(streamId: number, message: RawMessage): void {
    const stream = this.#published.get(streamId);
    if (!stream) return;
    if (stream.successor?.connection === this && stream.successor.streamId === streamId)
      this.#takeOver(stream);
    const now = Date.now();
    this.#lastMedia = now;
    let info: MediaInfo;
    try {
      info = mediaInfo(message);
      stream.add(message, now, info);
    } catch (cause) {
      // A bad publisher is closed; its stream's players and every other stream go on.
      const error = RtmpServerError.isInstance(cause)
        ? cause
        : new RtmpServerError(
            'SERVER_BAD_MEDIA',
            `unreadable media from the publisher of ${stream.key}: ${(cause as Error).message}`,
            { cause },
          );
      report(diagnostics.error, () => ({ remoteAddress: this.address, error }));
      this.close();
      return;
    }
    // A keyframe of whichever track: a player waiting for one track's keyframe starts that track here.
    const keyframe = message.typeId === 9 && videoFrameType(message.payload) === VideoFrameType.Keyframe;
    // Made once per message, not per player: the policy reads them synchronously.
    const tracks = { trackIds: info.trackIds, keyframe };
    const queue: Mutable<QueueState> = { bytes: 0, backlogSince: undefined };
    this.#observe(() => this.server.options.observe?.message?.(stream.key, message));
    const held = this.server.holdForBatch(stream);
    // Nearly every player has the same (stream id, chunk size): that encoding is kept at hand, and
    // a map is made only when another one turns up. Nothing is encoded for dropped messages.
    let firstKey = -1;
    let firstBytes: Uint8Array | undefined;
    let others: Map<number, Uint8Array> | undefined;
    for (const player of stream.players) {
      if (!this.#admit(player, info.kind, tracks, queue, now, stream)) continue;
      const { session, socket } = player.connection;
      const key = player.streamId * 2 ** 32 + session.encoder.chunkSize;
      let bytes = key === firstKey ? firstBytes : others?.get(key);
      if (!bytes) {
        bytes = session.encodeMedia({ ...message, streamId: player.streamId });
        if (firstBytes === undefined) {
          firstKey = key;
          firstBytes = bytes;
        } else {
          others ??= new Map();
          others.set(key, bytes);
        }
      }
      if (!held.sockets.has(socket)) {
        socket.cork();
        held.sockets.add(socket);
      }
      player.connection.writeBytes(bytes);
    }
  }

  /** Whether a player takes this message now ({@link admit}); one over budget too long is closed. */
  #admit(
    player: Player,
    kind: MediaKind,
    tracks: VideoTracks,
    queue: Mutable<QueueState>,
    now: number,
    stream: LiveStream<Connection>,
  ): boolean {
    const { socket, backlogSince } = player.connection;
    const flow = player.connection.flow(now);
    if (flow === 'stalled') {
      player.connection.fail(
        new RtmpServerError(
          'SERVER_PEER_UNACKNOWLEDGED',
          `a player limited what it receives (Set Peer Bandwidth) and acknowledged nothing for ${this.server.options.peerAcknowledgementTimeoutMs} ms (option peerAcknowledgementTimeoutMs)`,
        ),
      );
      return false;
    }
    const dropped = player.dropped;
    // A full window counts as a queue over budget: media waits (and resumes at a keyframe).
    queue.bytes = flow === 'full' ? Number.POSITIVE_INFINITY : socket.writableLength;
    queue.backlogSince = backlogSince;
    const admission = admit(player, kind, queue, now, stream.hasVideo, this.server.options, tracks);
    stream.dropped += player.dropped - dropped;
    if (admission === 'close') player.connection.close();
    return admission === 'send';
  }

  /** What a player asked of its stream: pause, unpause, audio or video off and on, a seek. */
  #control(event: Extract<ServerEvent, { type: 'player-control' }>): void {
    const recorded = this.#recorded.get(event.streamId);
    if (recorded !== undefined) {
      // A recorded file: pause stops its clock, seek goes to the keyframe at or before the time.
      if (event.control === 'pause') event.enabled ? recorded.resume() : recorded.pause();
      if (event.control === 'seek') recorded.seek(event.milliseconds ?? 0);
      if (event.control === 'receive-audio') recorded.receive('audio', event.enabled);
      if (event.control === 'receive-video') recorded.receive('video', event.enabled);
      return;
    }
    const entry = this.#playing.get(event.streamId);
    if (!entry) return;
    const { player, stream } = entry;
    const send = (messages: readonly RawMessage[]) => {
      for (const message of messages)
        this.write([this.session.encodeMedia({ ...message, streamId: player.streamId })]);
    };
    switch (event.control) {
      case 'pause':
        player.paused = !event.enabled;
        if (event.enabled) {
          // Unpaused: the configuration again, then video from the next keyframe.
          send(stream.cache.setup());
          player.waitingForKeyframe = stream.hasVideo;
        }
        return;
      case 'receive-audio':
        player.audioOff = !event.enabled;
        return;
      case 'receive-video':
        player.videoOff = !event.enabled;
        player.videoStarted = event.enabled && stream.hasVideo ? new Set() : undefined;
        return;
      case 'seek':
        // A live stream has one position: as FMS and Wowza do, restart at its latest keyframe. A
        // player whose queue is already over budget (a seek storm) gets no second copy of the GOP:
        // it waits for the next keyframe instead.
        if (this.socket.writableLength > this.server.options.maxPlayerQueueBytes) {
          player.videoStarted = new Set();
          return;
        }
        send(stream.cache.joinSequence());
        player.videoStarted = stream.cache.keyed ? undefined : new Set();
        return;
    }
  }
}
