import { parseRtmpUrl } from '@rtmp/client';
import { RtmpServerError } from '../errors';
import type { RequestInfo, Verdict } from '../hooks';
import type { LiveStream } from '../live-stream';
import type { StreamHub } from '../stream-hub';
import type { StreamRegistry, StreamRegistryEntry } from '../stream-registry';
import { diagnostics, report } from './diagnostics';
import { RelayPull } from './relay-pull';
import type { Relays } from './relays';
import type { StreamSource } from './rtmp-publishing';
import { allows } from './verdicts';

/** How a server joins a multi-node deployment through a {@link StreamRegistry}. */
export interface RegistryOptions {
  /** The shared map of published streams (in memory, a cluster's primary, Redis). */
  readonly registry: StreamRegistry;
  /**
   * `rtmp://host:port`: where the other nodes reach this one; a stream published here is pulled
   * from `<advertise>/<app>/<name>`. @default the address it listens on (127.0.0.1 for a wildcard
   * host), which other machines cannot reach: set it for a deployment over several machines
   */
  readonly advertise?: string;
  /** This node's id in the registry and in the statistics. @default the relay id (`relay.id`) */
  readonly nodeId?: string;
  /**
   * An entry lives this long unless refreshed (every third of it): a node that dies loses its
   * streams after at most this long, in ms. @default 10000
   */
  readonly ttlMs?: number;
  /** How long a player waits for another node's stream to arrive before StreamNotFound, in ms. @default 5000 */
  readonly pullWaitMs?: number;
}

/** The named defaults of {@link RegistryOptions}. */
export const REGISTRY_DEFAULTS = { ttlMs: 10_000, pullWaitMs: 5000, pullAttempts: 3 } as const;

/** Where this node stands with its registry, for the statistics. */
export interface RegistryStatus {
  readonly nodeId: string;
  /** `unreachable` while the registry's calls fail: local streams are still served. */
  readonly state: 'ok' | 'unreachable';
  /** The last failure, while unreachable. */
  readonly error?: string;
}

const POLL_MS = 25;

/** Whether an entry names a stream URL this node can pull (an entry may come from anywhere). */
function pullable(entry: StreamRegistryEntry): boolean {
  try {
    return parseRtmpUrl(entry.url).app !== '';
  } catch {
    return false;
  }
}

/**
 * A server's side of a {@link StreamRegistry}: it announces the streams published here and keeps
 * them refreshed, withdraws them when they end, refuses a publish another node holds, finds the node
 * of a stream a player asks for (the relay pulls it from there), and stops a pull whose entry is gone.
 * A registry that fails is reported once; local streams go on, and are announced again when it returns.
 */
export class RegistryLink {
  readonly nodeId: string;
  readonly #ttlMs: number;
  #advertise: string;
  /** Streams published here and announced, by key. */
  readonly #announced = new Map<string, LiveStream<StreamSource>>();
  /** The node each pulled stream comes from, by key. */
  readonly #origins = new Map<string, StreamRegistryEntry>();
  /** Players' streams that no node published when they asked: pulled once a node announces them. */
  readonly #waiting = new Map<LiveStream<StreamSource>, RequestInfo>();
  /** Origins whose pull failed lately: not tried again before the time given (no retry storm). */
  readonly #failed = new Map<string, number>();
  readonly #timer: NodeJS.Timeout;
  #status: RegistryStatus;

  constructor(
    private readonly options: RegistryOptions,
    nodeId: string,
    private readonly relays: Pick<Relays, 'pull' | 'pullState' | 'pulls'>,
    private readonly hub: Pick<StreamHub<StreamSource>, 'streams' | 'open' | 'release'>,
  ) {
    this.nodeId = options.nodeId ?? nodeId;
    this.#ttlMs = options.ttlMs ?? REGISTRY_DEFAULTS.ttlMs;
    this.#advertise = options.advertise?.replace(/\/+$/, '') ?? '';
    this.#status = { nodeId: this.nodeId, state: 'ok' };
    this.#timer = setInterval(() => void this.#refresh(), Math.max(50, this.#ttlMs / 3));
    this.#timer.unref();
  }

  /** The server listens at `url`: what it advertises unless `advertise` says otherwise. */
  listening(url: string): void {
    if (this.options.advertise === undefined) this.#advertise = url;
  }

  get status(): RegistryStatus {
    return this.#status;
  }

  /** The node that publishes `key`, as far as this one knows (here, or the origin of its pull). */
  nodeOf(key: string): string | undefined {
    return this.#announced.has(key) ? this.nodeId : this.#origins.get(key)?.nodeId;
  }

  /** Why a publish of `key` here is refused, if another node holds it. */
  async #refusal(key: string): Promise<string | undefined> {
    const entry = await this.#call(() => this.options.registry.lookup(key));
    return entry && entry.nodeId !== this.nodeId
      ? `${key} is already published on node ${entry.nodeId}`
      : undefined;
  }

  /** A stream began here: announced, unless it is a pull (its origin announced it). */
  started(stream: LiveStream<StreamSource>): void {
    const source = stream.publisher?.connection;
    if (source === undefined || source instanceof RelayPull) return;
    this.#announced.set(stream.key, stream);
    void this.#announce(stream);
  }

  /** A stream ended here: withdrawn. */
  ended(stream: LiveStream<StreamSource>): void {
    this.#origins.delete(stream.key);
    if (this.#announced.get(stream.key) !== stream) return;
    this.#announced.delete(stream.key);
    void this.#call(() => this.options.registry.withdraw(stream.key, this.nodeId));
  }

  /** The URL to pull `app/name` from: another node's, if one publishes it (the relay's resolver). */
  async resolve(app: string, name: string): Promise<string | undefined> {
    const key = `${app}/${name}`;
    const entry = await this.#call(() => this.options.registry.lookup(key));
    if (!entry || entry.nodeId === this.nodeId || !pullable(entry)) return undefined;
    if ((this.#failed.get(entry.url) ?? 0) > Date.now()) return undefined;
    this.#origins.set(key, entry);
    return entry.url;
  }

  /**
   * The registry's word on a publish or play the hook allowed: a name another node publishes is
   * refused here; a stream another node publishes is pulled for the player and waited for (up to
   * `pullWaitMs`), and a node that cannot be reached means StreamNotFound.
   */
  async admit(
    action: 'publish' | 'play',
    key: string,
    info: RequestInfo,
    verdict: Verdict,
  ): Promise<Verdict> {
    if (!allows(verdict)) return verdict;
    if (action === 'publish') {
      const reason = await this.#refusal(key);
      return reason === undefined
        ? verdict
        : { allow: false, description: reason, code: 'NetStream.Publish.BadName' };
    }
    if (this.hub.streams.get(key)?.publisher !== undefined) return verdict;
    const stream = this.hub.open(key);
    const unreachable = await this.#reachable(stream, info);
    if (unreachable === undefined) return verdict;
    this.hub.release(stream);
    return { allow: false, description: unreachable, code: 'NetStream.Play.StreamNotFound' };
  }

  /** Why a player cannot have `stream` (another node publishes it but cannot be reached), if so. */
  async #reachable(stream: LiveStream<StreamSource>, info: RequestInfo): Promise<string | undefined> {
    const entry = await this.#call(() => this.options.registry.lookup(stream.key));
    if (!entry || entry.nodeId === this.nodeId) {
      this.#waiting.set(stream, info); // waits like any player, for a publisher here or elsewhere
      return undefined;
    }
    if (!pullable(entry)) return `the registry's entry for ${stream.key} is malformed (url "${entry.url}")`;
    const unreachable = `${stream.key} is published on node ${entry.nodeId}, which cannot be reached`;
    if ((this.#failed.get(entry.url) ?? 0) > Date.now()) return unreachable;
    this.relays.pull(stream, info);
    const deadline = Date.now() + (this.options.pullWaitMs ?? REGISTRY_DEFAULTS.pullWaitMs);
    while (Date.now() < deadline) {
      if (stream.publisher !== undefined) return undefined;
      const state = this.relays.pullState(stream);
      if (state === 'failed') {
        // Not tried again for this origin until its entry would have expired.
        this.#failed.set(entry.url, Date.now() + this.#ttlMs);
        return unreachable;
      }
      if (state === undefined) return undefined; // the entry went away meanwhile: wait
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return undefined;
  }

  /** Stops refreshing (the server closes); its entries are withdrawn. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#waiting.clear();
    const keys = [...this.#announced.keys()];
    this.#announced.clear();
    await Promise.all(keys.map((key) => this.#call(() => this.options.registry.withdraw(key, this.nodeId))));
  }

  async #announce(stream: LiveStream<StreamSource>): Promise<void> {
    const entry = { key: stream.key, url: `${this.#advertise}/${stream.key}`, nodeId: this.nodeId };
    const held = await this.#call(() => this.options.registry.announce(entry, this.#ttlMs));
    if (held !== false || this.#announced.get(stream.key) !== stream) return;
    // Another node holds the name (it got there first, or while the registry was unreachable).
    this.#announced.delete(stream.key);
    report(diagnostics.error, () => ({
      remoteAddress: stream.publisher?.info.remoteAddress ?? '',
      error: new RtmpServerError(
        'SERVER_REGISTRY_CONFLICT',
        `${stream.key} is published on another node, which claimed it first: this publisher is closed`,
      ),
    }));
    stream.publisher?.connection.close();
  }

  /** Every third of the TTL: our entries refreshed, pulls whose origin is gone stopped. */
  async #refresh(): Promise<void> {
    for (const stream of this.#announced.values()) void this.#announce(stream);
    for (const [stream, pull] of this.relays.pulls()) {
      const origin = this.#origins.get(stream.key);
      if (origin === undefined || pull.state === 'failed' || pull.state === 'stopped') continue;
      const entry = await this.#call(() => this.options.registry.lookup(stream.key));
      // The origin's entry expired (its node died) or moved: the local stream ends.
      if (entry === null) continue; // the registry is unreachable: nothing is known
      if (entry === undefined || entry.url !== pull.url) void pull.stop();
    }
    // A stream players wait for that another node now publishes is pulled for them.
    for (const [stream, info] of this.#waiting) {
      // Published here meanwhile, or its players gave up (the hub forgot it).
      if (stream.publisher !== undefined || this.hub.streams.get(stream.key) !== stream) {
        this.#waiting.delete(stream);
        continue;
      }
      const entry = await this.#call(() => this.options.registry.lookup(stream.key));
      if (entry && entry.nodeId !== this.nodeId) {
        this.#waiting.delete(stream);
        this.relays.pull(stream, info);
      }
    }
    const now = Date.now();
    for (const [url, until] of this.#failed) if (until <= now) this.#failed.delete(url);
  }

  /** Runs a registry call; a failure marks the registry unreachable (reported once) and gives null. */
  async #call<T>(work: () => Promise<T>): Promise<T | null> {
    try {
      const result = await work();
      if (this.#status.state !== 'ok') this.#report({ nodeId: this.nodeId, state: 'ok' });
      return result;
    } catch (error) {
      if (this.#status.state !== 'unreachable')
        this.#report({ nodeId: this.nodeId, state: 'unreachable', error: (error as Error).message });
      return null;
    }
  }

  #report(status: RegistryStatus): void {
    this.#status = status;
    report(diagnostics.registry, () => status);
  }
}
