import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { RtmpServerError } from '../errors';
import type { ConnectionInfo, ReconnectRequestOptions, Refusal } from '../hooks';
import type { StreamStats } from '../live-stream';
import { StreamHub } from '../stream-hub';
import type { Subscriber } from '../subscriber';
import { AccessRules } from './access-rules';
import { AdobeAuth } from './adobe-auth';
import type { ConnectionControl } from './connection-control';
import { diagnostics, report } from './diagnostics';
import { HttpFlv } from './http-flv';
import { listenOn } from './listen-on';
import { REGISTRY_DEFAULTS, RegistryLink, type RegistryStatus } from './registry-link';
import { relayHost } from './relay-host';
import { Relays } from './relays';
import { RtmpConnection } from './rtmp-connection';
import type { StreamSource } from './rtmp-publishing';
import { RtmptTunnel } from './rtmpt-tunnel';
import { type ResolvedOptions, type RtmpServerOptions, resolveOptions } from './server-options';
import { type HeldWrites, WriteBatcher } from './write-batcher';

export type { ConnectionInfo, ReconnectRequestOptions, Refusal, RequestInfo, Verdict } from '../hooks';
export { RTMP_SERVER_DEFAULTS, type RtmpServerOptions } from './server-options';

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
  /** The RTMPT tunnel, once asked for. */
  #rtmpt: RtmptTunnel | undefined;
  readonly #connections = new Set<RtmpConnection>();
  readonly #perAddress = new Map<string, number>();
  #closedBytesIn = 0;
  #closedBytesOut = 0;
  /** @internal The live streams. */
  readonly hub: StreamHub<StreamSource, Subscriber<HeldWrites>, HeldWrites>;
  /** @internal Pushes to other servers, and the loop rule. */
  readonly relays: Relays;
  /**
   * HTTP-FLV and WebSocket-FLV playback of the live streams at `/<app>/<stream>.flv`: attach
   * `http.handle(req, res)` and `http.upgrade(req, socket, head)` to a `node:http` server (or an
   * Express/Fastify app), or `await server.http.listen({ port: 8000 })`.
   */
  readonly http: HttpFlv;
  /** @internal Write batching for the players' sockets. */
  readonly batcher: WriteBatcher;
  /** @internal The stream registry shared with other nodes (`registry` option). */
  readonly registry: RegistryLink | undefined;

  constructor(options: RtmpServerOptions = {}) {
    this.#options = resolveOptions(options);
    this.batcher = new WriteBatcher(this.#options);
    this.hub = new StreamHub(this.#options, {
      published: (stream, remoteAddress) => report(diagnostics.publish, () => ({ stream, remoteAddress })),
      subscribed: (stream, remoteAddress) => report(diagnostics.play, () => ({ stream, remoteAddress })),
      started: (stream) => {
        this.relays.started(stream);
        this.registry?.started(stream);
      },
      ended: (stream) => {
        this.relays.ended(stream);
        this.registry?.ended(stream);
      },
      unsubscribed: (stream) => this.relays.unsubscribed(stream),
    });
    this.http = new HttpFlv(this, options.http);
    // With a stream registry, streams not here are pulled from the node it names (unless relay.pull decides).
    const relay = options.relay ?? {};
    const pullFromRegistry = options.registry !== undefined && relay.pull === undefined;
    this.relays = new Relays(
      pullFromRegistry
        ? {
            pullAttempts: REGISTRY_DEFAULTS.pullAttempts,
            ...relay,
            pull: (app, name) => this.registry!.resolve(app, name),
          }
        : relay,
      relayHost(this.hub, this.batcher, this.#options),
    );
    this.registry = options.registry
      ? new RegistryLink(options.registry, this.relays.id, this.relays, this.hub)
      : undefined;

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
    const bound = await listenOn(this.#server, this.#options.port, first!, 'rtmp');
    const reachable = bound.host === '0.0.0.0' || bound.host === '::' ? '127.0.0.1' : bound.host;
    this.registry?.listening(
      `rtmp://${reachable.includes(':') ? `[${reachable}]` : reachable}:${bound.port}`,
    );
    for (const host of others) {
      const server = createServer((socket) => this.#accept(socket));
      this.#moreServers.push(server);
      await listenOn(server, bound.port, host, 'rtmp');
    }
    return bound;
  }

  #hosts(): readonly string[] {
    const { host } = this.#options;
    return typeof host === 'string' ? [host] : host;
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
    return listenOn(server, port, host, 'rtmps');
  }

  /**
   * The RTMPT tunnel (`rtmpt://`: RTMP carried by HTTP POSTs, for networks that only let HTTP
   * through) as a `node:http` request handler for your own server: it answers the tunnel's paths
   * (`/open/1`, `/send/…`, `/idle/…`, `/close/…`) and returns false for any other. Each session is
   * one of this server's connections, under the same limits and policies.
   */
  rtmptHandler(): (req: IncomingMessage, res: ServerResponse) => boolean {
    this.#rtmpt ??= new RtmptTunnel(
      {
        handle: (socket) => this.#accept(socket),
        refusedSession: (remoteAddress, limit) =>
          this.refused({ kind: 'connection', remoteAddress, option: 'rtmptMaxSessions', limit }),
      },
      this.#options.rtmpt,
    );
    const tunnel = this.#rtmpt;
    return (req, res) => tunnel.handle(req, res);
  }

  /** Also accepts `rtmpt://` on an HTTP listener of its own (404 for anything else), e.g. on port 80. */
  listenRtmpt(
    options: { port?: number; host?: string } = {},
  ): Promise<{ host: string; port: number; url: string }> {
    const { port = 80, host = this.#hosts()[0]! } = options;
    const handle = this.rtmptHandler();
    const server = createHttpServer((req, res) => {
      if (!handle(req, res)) res.writeHead(404).end();
    });
    this.#moreServers.push(server);
    return listenOn(server, port, host, 'rtmpt');
  }

  /**
   * Serves a socket accepted elsewhere (your own listener, a cluster worker's private port) like
   * one of its own: the same limits, policies and streams.
   */
  handle(socket: Socket): void {
    this.#accept(socket);
  }

  /** Stops accepting, tells players the streams ended, and closes every connection. */
  async close(): Promise<void> {
    const closed = [this.#server, ...this.#moreServers].map(
      (server) =>
        new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve())),
    );
    // Every player hears that its stream ended (StreamEOF) before any connection closes.
    for (const connection of this.#connections) connection.control.endPlays();
    this.batcher.releaseAll();
    const registry = this.registry?.close();
    const relays = this.relays.stopAll();
    for (const connection of this.#connections) connection.close();
    this.#rtmpt?.close();
    await Promise.all([relays, registry, this.http.close()]);
    await Promise.all(closed);
  }

  /** Live streams with their figures (and their relays', and with a registry the node that publishes each). */
  stats(): StreamStats[] {
    return [...this.hub.streams.values()].map((stream) => {
      const relays = this.relays.of(stream);
      const node = this.registry?.nodeOf(stream.key);
      return {
        ...stream.stats(),
        ...(relays.length === 0 ? {} : { relays }),
        ...(node === undefined ? {} : { node }),
      };
    });
  }

  /** Where this node stands with its stream registry (`registry` option): its id, reachable or not. */
  get registryStatus(): RegistryStatus | undefined {
    return this.registry?.status;
  }

  /**
   * Pushes the live stream `key` (`app/name`) to `url` (`rtmp[s]://host[:port]/app/name[?key]`)
   * as well, until it ends or {@link RtmpServer.unpush}: its own connection with reconnects, a
   * bounded queue, starting from the join cache. Its state shows in {@link RtmpServer.stats}.
   * @throws {@link RtmpServerError} `SERVER_INVALID_STATE` when nobody publishes `key`.
   */
  push(key: string, url: string): void {
    const stream = this.hub.streams.get(key);
    if (stream?.publisher === undefined)
      throw new RtmpServerError('SERVER_INVALID_STATE', `no live stream ${key} to push`);
    this.relays.push(stream, url);
  }

  /** Stops pushing `key` to `url` (with or without its query string); resolves with how many stopped. */
  unpush(key: string, url: string): Promise<number> {
    const stream = this.hub.streams.get(key);
    return stream ? this.relays.unpush(stream, url) : Promise.resolve(0);
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

  /** Connections open now: where from, their `connect`, what they publish and play, bytes each way. */
  connectionList(): (ConnectionInfo & { readonly bytesIn: number; readonly bytesOut: number })[] {
    return [...this.#connections].map((c) => ({
      ...c.info,
      bytesIn: c.socket.bytesRead,
      bytesOut: c.socket.bytesWritten,
    }));
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

  /**
   * What a test harness can do to connection `id` (see {@link ConnectionInfo.id}): cut, stall,
   * re-chunk, ask to reconnect, end its plays, ping, answer late. `undefined` once it has closed.
   */
  control(id: number): ConnectionControl | undefined {
    for (const connection of this.#connections) if (connection.id === id) return connection.control;
    return undefined;
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

  /** @internal */
  get options(): ResolvedOptions {
    return this.#options;
  }

  /** @internal */
  forget(connection: RtmpConnection): void {
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
    this.#connections.add(new RtmpConnection(this, socket, address));
    report(diagnostics.connection, () => ({ remoteAddress: address }));
  }
}
