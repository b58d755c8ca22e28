import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ConnectRequest } from '@rtmp/messages';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Refusal, RequestInfo } from '../hooks';
import type { LiveStream } from '../live-stream';
import type { Subscriber } from '../subscriber';
import type { AccessRules } from './access-rules';
import { diagnostics, report } from './diagnostics';
import { type FlvFraming, type FlvSink, FlvSubscriber, RAW_FLV } from './flv-subscriber';
import { listenOn } from './listen-on';
import type { Relays } from './relays';
import type { StreamSource } from './rtmp-publishing';
import type { ResolvedOptions } from './server-options';
import { allows, decide } from './verdicts';
import { binaryFrame, loadWs } from './websocket-frame';
import type { HeldWrites } from './write-batcher';

/** Options of HTTP-FLV and WebSocket-FLV playback. */
export interface HttpFlvOptions {
  /** `Access-Control-Allow-Origin` sent with every answer; `false` sends none. @default '*' */
  readonly cors?: string | false;
  /** How long a request for a stream nobody publishes waits for a publisher before 404, in ms. @default 0 */
  readonly waitMs?: number;
  /**
   * On an edge (`relay.pull`), how long a request for a stream that is not here waits for the pull
   * to bring it (or `waitMs`, when longer), in ms. @default 5000
   */
  readonly pullWaitMs?: number;
}

/** Defaults of {@link HttpFlvOptions}. */
export const HTTP_FLV_DEFAULTS = { cors: '*', waitMs: 0, pullWaitMs: 5000 } as const;

type Stream = LiveStream<StreamSource, Subscriber<HeldWrites>>;

/** What HTTP playback needs of the server. */
export interface HttpFlvHost {
  readonly hub: {
    readonly streams: ReadonlyMap<string, Stream>;
    open(key: string): Stream;
    subscribe(stream: Stream, subscriber: FlvSubscriber): void;
    unsubscribe(stream: Stream, subscriber: FlvSubscriber): void;
  };
  /** An edge's pulls: a viewer of a stream that is not here starts one; one that gives up lets it idle. */
  readonly relays: Pick<Relays, 'pull' | 'pullsOnDemand' | 'unsubscribed'>;
  readonly access: AccessRules;
  readonly options: ResolvedOptions;
  refused(refusal: Refusal): void;
}

/** A path segment: the stream-name characters a URL carries, never `.` or `..`. */
const SEGMENT = /^[A-Za-z0-9_.\-~]{1,256}$/;
/** What a WebSocket viewer may send us (nothing is expected): a bound on its frames. */
const MAX_WS_PAYLOAD = 1024;
/** A WebSocket viewer counts as behind past this many bytes queued. */
const WS_HIGH_WATER = 64 * 1024;
/** WebSocket-FLV: a binary frame of each FLV piece, built once per message by ws's own framing. */
const WS_FRAMES: FlvFraming = { encoding: -(2 ** 40) - 1, frame: binaryFrame };

type Target = { readonly app: string; readonly name: string; readonly query: string } | 'bad';

/** `/<app>/<stream>.flv[?query]` (the app may have several segments), `'bad'`, or not ours. */
function targetOf(url: string | undefined): Target | undefined {
  const [path = '', query = ''] = (url ?? '').split('?', 2);
  if (!path.endsWith('.flv')) return undefined;
  let segments: string[];
  try {
    segments = path.slice(1, -4).split('/').map(decodeURIComponent);
  } catch {
    return 'bad';
  }
  if (segments.length < 2 || !segments.every((s) => SEGMENT.test(s) && s !== '.' && s !== '..')) return 'bad';
  return { app: segments.slice(0, -1).join('/'), name: segments.at(-1)!, query };
}

/**
 * Live streams as FLV over HTTP (`GET /<app>/<stream>.flv`, chunked) and over WebSocket (the same
 * path, binary frames of FLV bytes): the same access rules and `onPlay` hook as RTMP players (an
 * HTTP viewer's `connect` is made up from the request: `app`, and `tcUrl` as the URL it asked for),
 * the same admission policy and statistics. Attach it to a `node:http`/`https` server or a
 * framework ({@link HttpFlv.handle}, {@link HttpFlv.upgrade}), or let it listen on its own.
 */
export class HttpFlv {
  /** Made on the first WebSocket upgrade (with `ws`, loaded then). */
  #wss: WebSocketServer | undefined;
  readonly #servers: Server[] = [];

  /** @internal Made by the server (`server.http`). */
  constructor(
    private readonly host: HttpFlvHost,
    private readonly options: HttpFlvOptions = {},
  ) {}

  /** Answers `req` when it asks for `/<app>/<stream>.flv`; false when it is not ours (call `next()`). */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const target = targetOf(req.url);
    if (target === undefined) return false;
    const cors = this.#cors();
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET', ...cors }).end();
      return true;
    }
    if (target === 'bad') {
      res.writeHead(400, cors).end('expected /<app>/<stream>.flv\n');
      return true;
    }
    void this.#admit(req, target).then((answer) => {
      if (res.destroyed) return;
      if (!('stream' in answer)) {
        res.writeHead(answer.status, { 'Content-Type': 'text/plain', ...cors }).end(`${answer.reason}\n`);
        return;
      }
      res.writeHead(200, { 'Content-Type': 'video/x-flv', 'Cache-Control': 'no-cache, no-store', ...cors });
      res.flushHeaders();
      this.#play(answer.stream, answer.remoteAddress, res, {
        framing: RAW_FLV,
        write: (bytes) => res.write(bytes),
        get queuedBytes() {
          return res.writableLength;
        },
        end: () => res.end(),
        destroy: () => res.destroy(),
        socket: res.socket ?? undefined,
      });
    });
    return true;
  }

  /** Takes a WebSocket upgrade for `/<app>/<stream>.flv`; false when the path is not ours. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const target = targetOf(req.url);
    if (target === undefined) return false;
    socket.on('error', () => socket.destroy());
    if (target === 'bad') {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      return true;
    }
    void Promise.all([this.#admit(req, target), loadWs()]).then(([answer, ws]) => {
      if (socket.destroyed) return;
      this.#wss ??= new ws.WebSocketServer({ noServer: true, maxPayload: MAX_WS_PAYLOAD });
      if (!('stream' in answer)) {
        const text = answer.status === 404 ? 'Not Found' : 'Forbidden';
        socket.end(`HTTP/1.1 ${answer.status} ${text}\r\nConnection: close\r\n\r\n`);
        return;
      }
      // An invalid upgrade (no key, wrong version) is answered 400 by ws itself.
      this.#wss.handleUpgrade(req, socket, head, (ws: WebSocket) =>
        this.#play(answer.stream, answer.remoteAddress, ws, {
          framing: WS_FRAMES,
          // Frames are whole (built by ws's Sender), so they go straight onto the socket ws
          // upgraded: ws's own frames (pong, close) are whole writes too and never interleave.
          write: (frame) => {
            if (ws.readyState !== ws.OPEN) return true;
            socket.write(frame);
            return ws.bufferedAmount <= WS_HIGH_WATER;
          },
          get queuedBytes() {
            return ws.bufferedAmount;
          },
          end: () => ws.close(1000, 'the stream ended'),
          destroy: () => ws.terminate(),
          socket: socket as Socket,
        }),
      );
    });
    return true;
  }

  /** Listens on its own HTTP server (GET and WebSocket); anything else is 404. */
  listen(
    options: { port?: number; host?: string } = {},
  ): Promise<{ host: string; port: number; url: string }> {
    const server = createServer((req, res) => {
      if (!this.handle(req, res)) res.writeHead(404).end();
    });
    server.on('upgrade', (req, socket, head) => {
      if (!this.upgrade(req, socket, head)) socket.destroy();
    });
    this.#servers.push(server);
    const { port = 8000, host = '127.0.0.1' } = options;
    return listenOn(server, port, host, 'http');
  }

  /** Closes its own listeners and every WebSocket viewer (HTTP viewers end with their sockets). */
  async close(): Promise<void> {
    for (const ws of this.#wss?.clients ?? []) ws.terminate();
    await Promise.all(
      this.#servers.map((server) => {
        server.closeAllConnections();
        return new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }

  #cors(): Record<string, string> {
    const origin = this.options.cors ?? HTTP_FLV_DEFAULTS.cors;
    return origin === false ? {} : { 'Access-Control-Allow-Origin': origin };
  }

  /**
   * The access rules, the `onPlay` hook, then a publisher: waited for up to `waitMs`, or on an edge
   * pulled from the origin and waited for up to `pullWaitMs`.
   */
  async #admit(
    req: IncomingMessage,
    { app, name, query }: { app: string; name: string; query: string },
  ): Promise<{ stream: Stream; remoteAddress: string } | { status: number; reason: string }> {
    const remoteAddress = req.socket.remoteAddress ?? 'unknown';
    if (!this.host.access.allows('play', remoteAddress)) {
      this.host.refused({ kind: 'access', remoteAddress, action: 'play', name });
      return { status: 403, reason: 'this address may not play' };
    }
    const tcUrl = `http://${req.headers.host ?? 'localhost'}${req.url ?? ''}`.split('?')[0]!;
    const connect = {
      app,
      tcUrl,
      transactionId: 0,
      commandObject: { app, tcUrl },
      args: [],
    } as ConnectRequest;
    const info: RequestInfo = { app, name, query, remoteAddress, connect };
    const hookFailed = (error: unknown) => report(diagnostics.error, () => ({ remoteAddress, error }));
    const verdict = await decide(() => this.host.options.onPlay?.(info), undefined, hookFailed);
    if (!allows(verdict))
      return { status: 403, reason: typeof verdict === 'object' ? verdict.description : 'not allowed' };
    const key = `${app}/${name}`;
    let waitMs = this.options.waitMs ?? HTTP_FLV_DEFAULTS.waitMs;
    let pulled: Stream | undefined;
    if (this.host.relays.pullsOnDemand && this.host.hub.streams.get(key)?.publisher === undefined) {
      pulled = this.host.hub.open(key);
      this.host.relays.pull(pulled, info);
      waitMs = Math.max(waitMs, this.options.pullWaitMs ?? HTTP_FLV_DEFAULTS.pullWaitMs);
    }
    const deadline = Date.now() + waitMs;
    for (;;) {
      const stream = this.host.hub.streams.get(key);
      const late = Date.now() >= deadline;
      // A stream that has just begun is waited for until its first media, within the wait (the FLV
      // header says whether there is audio and video); a pull that brought none is not there.
      const media = stream !== undefined && (stream.hasVideo || stream.stats().audioCodec !== undefined);
      if (stream?.publisher !== undefined && (media || (late && pulled === undefined)))
        return { stream, remoteAddress };
      if (late) {
        // Nobody came to watch what was pulled for this viewer: the pull idles out like a player's.
        if (pulled !== undefined) this.host.relays.unsubscribed(pulled);
        return { status: 404, reason: `nobody publishes ${key}` };
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  #play(
    stream: Stream,
    remoteAddress: string,
    closer: { once(event: 'close', listener: () => void): unknown },
    sink: FlvSink,
  ): void {
    const published = stream.stats();
    const subscriber = new FlvSubscriber(sink, remoteAddress, {
      keyed: stream.cache.keyed,
      hasAudio: published.audioCodec !== undefined,
      hasVideo: stream.hasVideo,
    });
    this.host.hub.subscribe(stream, subscriber);
    closer.once('close', () => this.host.hub.unsubscribe(stream, subscriber));
  }
}
