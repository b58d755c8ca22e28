import type { RawMessage } from '@rtmp/chunk';
import type { ConnectRequest, RtmpMessage } from '@rtmp/messages';
import type { Finding } from '../conformance/findings';
import type { ConnectionInfo, Refusal, RequestInfo, Verdict } from '../hooks';
import { DEFAULT_GOP_CACHE_MAX_BYTES, DEFAULT_GOP_CACHE_MAX_MESSAGES } from '../join-cache';
import { DEFAULT_MAX_TRACKS_PER_STREAM } from '../live-stream';
import type { ServerSessionOptions } from '../server-session-options';
import type { AdobeAuthOptions } from './adobe-auth';
import type { HttpFlvOptions } from './http-flv';
import type { RegistryOptions } from './registry-link';
import type { RelayOptions } from './relays';
import type { RtmptOptions } from './rtmpt-tunnel';

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
  /** Limits of the RTMPT tunnel ({@link RtmpServer.listenRtmpt}, {@link RtmpServer.rtmptHandler}). */
  readonly rtmpt?: RtmptOptions;
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
   * write, whose default is 350 ms), only when fan-out is wide (`fanOutMergeMinPlayers`). Off by
   * default: with audio riding with video (`fanOutAudioHoldMs`) we measured 1.72 ms/MB at 200
   * players with it off against 1.48 at 35 ms, for a p50 of 4 ms against 27 (bench/fanout.bench.ts).
   * 0 merges only what one read from the publisher produced.
   * @default 0
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
  /**
   * An audio message of a stream with video waits for the stream's next video message, this long
   * at most, and leaves with it in one write per player: half the writes, and players buffer by
   * timestamp, so nothing is heard late. Video is never held by it. 0 sends audio at once.
   * @default 40 (a bit over one video interval at 25-30 fps)
   */
  readonly fanOutAudioHoldMs?: number;
  /**
   * Joins a multi-node deployment (worker processes, machines) through a shared stream registry:
   * streams published here are announced with `advertise`, a name another node publishes is
   * refused, and a player asking for a stream another node publishes gets it through one relay pull
   * per node (unless `relay.pull` is set, which then decides).
   */
  readonly registry?: RegistryOptions;
  /**
   * Relaying: every published stream also published to other servers (`relay.push`, with
   * reconnects and a bounded queue each), and the loop rule (`rtmpRelayVia`). Destinations can
   * also be added while a stream runs ({@link RtmpServer.push}).
   */
  readonly relay?: RelayOptions;
  /**
   * HTTP-FLV and WebSocket-FLV playback ({@link RtmpServer.http}): CORS, and how long a request
   * for a stream nobody publishes waits before 404.
   */
  readonly http?: HttpFlvOptions;
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
  /** Decides connects (`connectionId`: {@link ConnectionInfo.id}). @default allow */
  readonly onConnect?: (
    connect: ConnectRequest,
    remoteAddress: string,
    connectionId: number,
  ) => Verdict | Promise<Verdict>;
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
    /**
     * Every message a connection sent (its {@link ConnectionInfo.id}), decoded: commands with
     * their arguments, media and control. Media messages are the publisher's payloads: do not keep
     * them unbounded.
     */
    readonly received?: (connectionId: number, message: RtmpMessage) => void;
    /** A connection refused for a limit, or a publish or play an access rule denied. */
    readonly refused?: (refusal: Refusal) => void;
    /**
     * A conformance finding about what a connection's peer did (see {@link ConformanceChecker}):
     * set, it turns the checks on for every connection.
     */
    readonly finding?: (connectionId: number, finding: Finding) => void;
    readonly unpublished?: (key: string) => void;
  };
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
  fanOutMergeMs: 0,
  fanOutMergeMinPlayers: 100,
  fanOutMergeMaxMessages: 8,
  fanOutAudioHoldMs: 40,
  gopCacheMaxMessages: DEFAULT_GOP_CACHE_MAX_MESSAGES,
  gopCacheMaxBytes: DEFAULT_GOP_CACHE_MAX_BYTES,
  maxTracksPerStream: DEFAULT_MAX_TRACKS_PER_STREAM,
} as const;

type Defaults = typeof RTMP_SERVER_DEFAULTS;
/** @internal Options with every default filled in. */
export type ResolvedOptions = Omit<RtmpServerOptions, keyof Defaults> & {
  readonly [K in keyof Defaults]: K extends 'host' ? string | readonly string[] : number;
};

/** @internal */
export function resolveOptions(options: RtmpServerOptions): ResolvedOptions {
  const resolved: Record<string, unknown> = { ...options };
  for (const [key, value] of Object.entries(RTMP_SERVER_DEFAULTS)) resolved[key] ??= value;
  return resolved as ResolvedOptions;
}
