import { randomBytes } from 'node:crypto';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import { parseRtmpUrl, RtmpClientError } from '@rtmp/client';
import type { ConnectRequest } from '@rtmp/messages';
import { RtmpServerError } from '../errors';
import type { RequestInfo } from '../hooks';
import type { LiveStream } from '../live-stream';
import type { RelayState, RelayStats } from '../relay-stats';
import type { Subscriber } from '../subscriber';
import { type PullHost, RelayPull } from './relay-pull';
import { type PushHub, RelayPush } from './relay-push';
import { publicUrl } from './relay-status';
import type { StreamSource } from './rtmp-publishing';

/** A destination every stream published here is pushed to (restreamed). */
export interface PushTarget {
  /** `rtmp[s]://host[:port]/app`: a stream goes to `<url>/<name>`. */
  readonly url: string;
  /**
   * The stream's name there, with a query string when the destination wants a key; `undefined`
   * leaves this stream out. @default the stream's name here, without its query string (keys sent
   * to this server never go elsewhere)
   */
  readonly name?: (info: RequestInfo) => string | undefined;
}

/** Options of the server's relays. */
export interface RelayOptions {
  /** Destinations of every published stream (`rtmp[s]://host[:port]/app`, or a {@link PushTarget}). */
  readonly push?: readonly (string | PushTarget)[];
  /**
   * This server's name in the `rtmpRelayVia` connect property its relays send: a publish or play
   * whose connection went through it already is refused (a relay loop). @default random
   */
  readonly id?: string;
  /** Servers a relayed stream may have gone through; one more is refused. @default 8 */
  readonly maxHops?: number;
  /** TLS options for `rtmps://` destinations (e.g. `ca` for a self-signed certificate). */
  readonly tls?: TlsOptions;
  /**
   * Where a stream nobody publishes here is pulled from when a player asks for it (an edge):
   * `rtmp[s]://host[:port]/app` (the stream is `<url>/<name>`), or a function of the app and name
   * giving the origin's stream URL (`undefined`: not pulled). Every local player shares one pull.
   */
  readonly pull?: string | ((app: string, name: string) => string | undefined | Promise<string | undefined>);
  /** A pull stops this long after its last local player left, in ms. @default 5000 */
  readonly pullIdleMs?: number;
  /**
   * Failed attempts in a row after which a pull gives up (its players' stream ends).
   * @default Infinity (3 when the origin comes from a stream registry)
   */
  readonly pullAttempts?: number;
  /** Reconnect waits (see `keepConnected`), in ms. @default 500 and 30000 */
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
}

/** The named defaults of {@link RelayOptions}. */
export const RELAY_DEFAULTS = { maxHops: 8, pullIdleMs: 5000 } as const;

/** The connect property that lists the servers a relayed stream went through, comma-separated. */
export const RELAY_VIA_PROPERTY = 'rtmpRelayVia';

/** The servers a connection's stream went through (its `rtmpRelayVia` connect property). */
export function relayVia(connect: ConnectRequest | undefined): string[] {
  const via = connect?.commandObject[RELAY_VIA_PROPERTY];
  return typeof via === 'string' && via !== '' ? via.split(',') : [];
}

/** A destination URL read once, at start: a bad one is the configuration's error. */
function targetOf(target: string | PushTarget, option = 'relay.push'): PushTarget {
  const given = typeof target === 'string' ? { url: target } : target;
  try {
    const parsed = parseRtmpUrl(given.url);
    if (parsed.app === '') throw new RtmpClientError('CLIENT_INVALID_URL', 'no app in the path');
  } catch (cause) {
    throw new RtmpServerError(
      'SERVER_INVALID_OPTION',
      `${option}: cannot use "${given.url}" (expected rtmp[s]://host[:port]/app): ${(cause as Error).message}`,
      { cause },
    );
  }
  return { ...given, url: given.url.replace(/\/+$/, '') };
}

/**
 * The server's relays: pushes of its live streams to other servers, started when a stream is
 * published (to the configured destinations) or on demand, stopped when it ends; and the loop rule.
 */
export class Relays {
  readonly id: string;
  readonly #targets: readonly PushTarget[];
  readonly #pushes = new Map<LiveStream<unknown, Subscriber>, Set<RelayPush>>();
  /** Pulls by stream (`undefined` while the origin's URL is being resolved), and their idle timers. */
  readonly #pulls = new Map<LiveStream<StreamSource>, RelayPull | undefined>();
  readonly #idle = new Map<LiveStream<StreamSource>, NodeJS.Timeout>();

  constructor(
    private readonly options: RelayOptions,
    private readonly hub: PushHub<Subscriber> & PullHost,
  ) {
    this.id = options.id ?? randomBytes(6).toString('hex');
    this.#targets = (options.push ?? []).map((target) => targetOf(target));
    if (typeof options.pull === 'string') targetOf(options.pull, 'relay.pull');
  }

  /**
   * A player asked for `stream`, which nobody publishes here: with `pull` configured, it is pulled
   * from its origin (once for every local player).
   */
  pull(stream: LiveStream<StreamSource>, player: RequestInfo): void {
    clearTimeout(this.#idle.get(stream));
    this.#idle.delete(stream);
    const { pull } = this.options;
    // A failed pull stays listed (its error in the figures) until a new player tries again.
    if (this.#pulls.get(stream)?.state === 'failed') this.#pulls.delete(stream);
    if (pull === undefined || stream.publisher !== undefined || this.#pulls.has(stream)) return;
    this.#pulls.set(stream, undefined);
    const resolved =
      typeof pull === 'string' ? `${pull.replace(/\/+$/, '')}/${player.name}` : pull(player.app, player.name);
    void Promise.resolve(resolved)
      .catch(() => undefined)
      .then((url) => {
        if (url === undefined || stream.publisher !== undefined || this.#pulls.get(stream) !== undefined) {
          this.#pulls.delete(stream);
          return;
        }
        const via = [...relayVia(player.connect), this.id].join(',');
        const info = { ...player, query: '', remoteAddress: publicUrl(url) };
        const options = {
          ...this.#connectOptions(via),
          ...(this.options.pullAttempts === undefined ? {} : { maxAttempts: this.options.pullAttempts }),
        };
        const started = new RelayPull(this.hub, stream, info, url, options);
        this.#pulls.set(stream, started);
        void started.done.then(() => {
          if (this.#pulls.get(stream) === started && started.state === 'stopped') this.#pulls.delete(stream);
          this.hub.release(stream);
        });
      });
  }

  /** Where the pull of `stream` stands: `resolving` while its origin is being looked up. */
  pullState(stream: LiveStream<StreamSource>): RelayState | 'resolving' | undefined {
    if (!this.#pulls.has(stream)) return undefined;
    return this.#pulls.get(stream)?.state ?? 'resolving';
  }

  /** The pulls under way, with their streams. */
  pulls(): [LiveStream<StreamSource>, RelayPull][] {
    return [...this.#pulls].filter(
      (entry): entry is [LiveStream<StreamSource>, RelayPull] => entry[1] !== undefined,
    );
  }

  /** Whether streams that are not here are pulled from an origin (`relay.pull` is set). */
  get pullsOnDemand(): boolean {
    return this.options.pull !== undefined;
  }

  /** A player left: a pulled stream with none left stops being pulled after `pullIdleMs`. */
  unsubscribed(stream: LiveStream<StreamSource>): void {
    const pull = this.#pulls.get(stream);
    if (pull === undefined || stream.subscribers.size > 0 || this.#idle.has(stream)) return;
    const idleMs = this.options.pullIdleMs ?? RELAY_DEFAULTS.pullIdleMs;
    const timer = setTimeout(() => {
      this.#idle.delete(stream);
      if (stream.subscribers.size === 0) void pull.stop();
    }, idleMs);
    timer.unref();
    this.#idle.set(stream, timer);
  }

  #connectOptions(via: string) {
    return {
      connect: { [RELAY_VIA_PROPERTY]: via },
      ...(this.options.tls ? { tls: this.options.tls } : {}),
      ...(this.options.minDelayMs !== undefined ? { minDelayMs: this.options.minDelayMs } : {}),
      ...(this.options.maxDelayMs !== undefined ? { maxDelayMs: this.options.maxDelayMs } : {}),
    };
  }

  /** Why a publish or play from this connection would be a relay loop, if it would. */
  loop(connect: ConnectRequest | undefined): string | undefined {
    const via = relayVia(connect);
    if (via.includes(this.id)) return 'relay loop: this stream came through this server already';
    if (via.length >= (this.options.maxHops ?? RELAY_DEFAULTS.maxHops))
      return `relay loop: the stream went through ${via.length} servers (relay.maxHops)`;
    return undefined;
  }

  /** A stream was published: it goes to every configured destination. */
  started(stream: LiveStream<unknown, Subscriber>): void {
    const info = stream.publisher?.info;
    if (info === undefined) return;
    for (const target of this.#targets) {
      const name = target.name ? target.name(info) : info.name;
      if (name !== undefined) this.push(stream, `${target.url}/${name}`);
    }
  }

  /** A stream ended: its pushes stop. */
  ended(stream: LiveStream<unknown, Subscriber>): void {
    const pushes = this.#pushes.get(stream);
    this.#pushes.delete(stream);
    for (const push of pushes ?? []) void push.stop();
  }

  /** Pushes `stream` to `url` (`rtmp[s]://host[:port]/app/name[?query]`) until it ends or is stopped. */
  push(stream: LiveStream<unknown, Subscriber>, url: string): RelayPush {
    const via = [...relayVia(stream.publisher?.info.connect), this.id].join(',');
    const push = new RelayPush(this.hub, stream, url, this.#connectOptions(via));
    const pushes = this.#pushes.get(stream) ?? new Set();
    pushes.add(push);
    this.#pushes.set(stream, pushes);
    void push.done.then(() => {
      if (push.state === 'stopped') pushes.delete(push);
    });
    return push;
  }

  /** Stops the pushes of `stream` to `url` (its URL with or without the query string). */
  async unpush(stream: LiveStream<unknown, Subscriber>, url: string): Promise<number> {
    const matching = [...(this.#pushes.get(stream) ?? [])].filter(
      (push) => push.url === url || push.url.split('?')[0] === url,
    );
    await Promise.all(matching.map((push) => push.stop()));
    return matching.length;
  }

  /** The relays of `stream`, with their figures. */
  of(stream: LiveStream<StreamSource, Subscriber>): RelayStats[] {
    const pull = this.#pulls.get(stream);
    return [
      ...(pull ? [pull.stats] : []),
      ...[...(this.#pushes.get(stream) ?? [])].map((push) => push.stats),
    ];
  }

  /** Stops everything (the server closes). */
  async stopAll(): Promise<void> {
    const all = [...this.#pushes.values()].flatMap((pushes) => [...pushes]);
    this.#pushes.clear();
    for (const timer of this.#idle.values()) clearTimeout(timer);
    const pulls = [...this.#pulls.values()].filter((pull) => pull !== undefined);
    this.#pulls.clear();
    await Promise.all([...all, ...pulls].map((relay) => relay.stop()));
  }
}
