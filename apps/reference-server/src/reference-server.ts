import { timingSafeEqual } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Socket } from 'node:net';
import { type ConnectRequest, type DataMessage, decodeMessage, parseMetadata } from '@rtmp/messages';
import {
  type ConnectionControl,
  type ReconnectRequestOptions,
  type RegistryStatus,
  RtmpServer,
  type RtmpServerOptions,
  type StreamStats,
} from '@rtmp/server';
import {
  ConformanceReport,
  type ConformanceReportJson,
  DEFAULT_REPORT_CONNECTIONS,
} from './conformance-report';
import { ConnectionLog } from './connection-log';
import { FaultScript } from './fault-script';
import { describeFault, type Fault, parseFault } from './faults';
import { createLogger, type Logger } from './log';
import { type LoggedMessage, MessageLog, type MessageLogOptions } from './message-log';
import { Recorder, recordingPath } from './recorder';
import { nameMatcher, STREAM_NAME_PATTERN, STREAM_NAME_RULE } from './stream-name';
import { startWeb } from './web';

/** Options of {@link startReferenceServer}. */
export interface ReferenceServerOptions {
  /** One address, or several on the same port (`['127.0.0.1', '::1']`). @default '127.0.0.1' */
  readonly host?: string | readonly string[];
  /** 0 for an ephemeral port. @default 1935 */
  readonly port?: number;
  /** Require `?key=<publishKey>` on publish (compared in constant time, never logged). */
  readonly publishKey?: string;
  /**
   * Stream names accepted for publish and play (the query string aside); `null` accepts any name
   * the server's `maxNameLength` allows. Recording always requires the default's characters.
   * @default {@link STREAM_NAME_PATTERN}: `A-Z a-z 0-9 _ . - ~`, 1 to 128 of them
   */
  readonly namePattern?: RegExp | null;
  /** Record every published stream to FLV here. */
  readonly recordDir?: string;
  /** Also accept `rtmps://` on this port with this PEM certificate and key. */
  readonly tls?: { readonly port: number; readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Also accept `rtmpt://` (RTMP tunnelled over HTTP POSTs) on this port (0: ephemeral). */
  readonly rtmptPort?: number;
  /** Serve JSON statistics (`/`) and health (`/health`) over HTTP on this port (0: ephemeral). */
  readonly statsPort?: number;
  /**
   * Serve the web side on this port (0: ephemeral): HTTP-FLV and WebSocket-FLV at
   * `/<app>/<stream>.flv`, `/health`, the statistics under `/api/`, and the console at `/`.
   */
  readonly httpPort?: number;
  /** Where logs go. @default silent */
  readonly logger?: Logger;
  /**
   * What is remembered of published messages for {@link ReferenceServer.messages}: a summary of
   * each (type, timestamp, size, MD5) within a byte budget across all streams, oldest dropped
   * first; with `payloads: true` the payloads too. `false` remembers nothing (the CLI's choice).
   * @default `{ maxBytes: DEFAULT_MESSAGE_LOG_BYTES (64 MiB), payloads: false }`
   */
  readonly messageLog?: MessageLogOptions | false;
  /**
   * Connect requests kept for {@link ReferenceServer.connects}, and names of ended streams kept for
   * {@link ReferenceServer.waitForUnpublish}; the oldest go first. @default {@link DEFAULT_HISTORY_LENGTH}
   */
  readonly historyLength?: number;
  /**
   * Scripted faults (`--fault`): the server plays a hostile or unusual server to the connections
   * they match (drops, stalls, chunk size changes, reconnect requests, refusals, late answers...).
   * Strings are read as `--fault` specs.
   * @throws Error from {@link startReferenceServer} for a spec that does not read
   */
  readonly faults?: readonly (Fault | string)[];
  /** Connections the conformance report lists, the latest ones. @default {@link DEFAULT_REPORT_CONNECTIONS} */
  readonly reportConnections?: number;
  /** Anything else for the underlying `RtmpServer` (`@rtmp/server`). */
  readonly server?: RtmpServerOptions;
}

/** What a test needs to assert what its client sent. */
export interface ReferenceServer {
  /** `rtmp://host:port` (add `/app/stream`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** `rtmps://host:port`, when `tls` was given. */
  readonly tlsUrl: string | undefined;
  /** `rtmpt://host:port`, when `rtmptPort` was given. */
  readonly rtmptUrl: string | undefined;
  /** The stats URL, when `statsPort` was given. */
  readonly statsUrl: string | undefined;
  /** The web side's URL (`http://host:port`: the console, `/api/`, `/<app>/<stream>.flv`), when `httpPort` was given. */
  readonly httpUrl: string | undefined;
  /** Resolves when `app/name` (or just `name`) is being published; rejects after `timeoutMs`. */
  waitForPublish(name: string, timeoutMs?: number): Promise<void>;
  /** Resolves when a publish of `name` ended. */
  waitForUnpublish(name: string, timeoutMs?: number): Promise<void>;
  /** Live streams. */
  streams(): StreamStats[];
  /** The latest `connect` requests received (up to `historyLength`), in order. */
  connects(): ConnectRequest[];
  /**
   * What was published to `name` (the latest publish of it): its metadata and its audio, video
   * and data messages, in order, as far as the message log's budget reaches back.
   */
  messages(name: string): { metadata: Record<string, unknown> | undefined; media: LoggedMessage[] };
  /** What the message log holds now, across all streams, and its budget. */
  messageLog(): { messages: number; bytes: number; maxBytes: number };
  /** Files written (with `recordDir`), in order. */
  recordings(): string[];
  /**
   * The conformance report: every connection (the latest `reportConnections`) with what it was
   * (address, app, flashVer, role, stream) and its findings, and a count per finding code.
   */
  report(): ConformanceReportJson;
  /**
   * Sends Enhanced RTMP's ReconnectRequest to the matching connections (all by default), as a
   * server draining before a redeploy does; returns how many were asked. The CLI does it on SIGHUP.
   */
  requestReconnect(options?: ReconnectRequestOptions): number;
  /** Serves a socket accepted elsewhere (a cluster worker's private port) like its own. */
  handle(socket: Socket): void;
  close(): Promise<void>;
}

/** The CLI flag (and API option) that raises each connection limit, for the refusal's log line. */
const LIMIT_FLAGS = {
  maxConnections: '--max-connections (server.maxConnections)',
  maxConnectionsPerAddress: '--max-per-address (server.maxConnectionsPerAddress)',
  rtmptMaxSessions: '--rtmpt-max-sessions (server.rtmpt.maxSessions)',
} as const;

/** Connect requests, and names of ended streams, that the reference server keeps by default. */
export const DEFAULT_HISTORY_LENGTH = 1000;

const keyMatches = (given: string | null, expected: string) => {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Starts the reference server in this process, for other projects' tests: an RTMP server that
 * accepts publishers and players, optionally requires a key and records, and remembers what was
 * published so a test can check what its client sent.
 * @example
 * ```ts
 * const server = await startReferenceServer({ port: 0 });
 * // ... point your client at `${server.url}/live/test` ...
 * await server.waitForPublish('test');
 * expect(server.messages('test').media.length).toBeGreaterThan(0);
 * await server.close();
 * ```
 */
export async function startReferenceServer(options: ReferenceServerOptions = {}): Promise<ReferenceServer> {
  const log = options.logger ?? createLogger('silent', 'json');
  const historyLength = options.historyLength ?? DEFAULT_HISTORY_LENGTH;
  const connects: ConnectRequest[] = [];
  /** What the console shows of each connection's messages (only with the web side). */
  const connectionLog = options.httpPort === undefined ? undefined : new ConnectionLog();
  const messageLog =
    options.messageLog === false
      ? undefined
      : new MessageLog(options.messageLog ?? {}, () =>
          log('warn', 'message log full: the oldest messages are dropped from now on', {
            maxBytes: messageLog!.maxBytes,
            raise: 'messageLog.maxBytes',
          }),
        );
  const report = new ConformanceReport(
    (id) => server.connectionList().find((connection) => connection.id === id)?.remoteAddress,
    options.reportConnections ?? DEFAULT_REPORT_CONNECTIONS,
  );
  /** `option address` of the connection refusals logged so far. */
  const refusalsLogged = new Set<string>();
  /** Streams whose publish ended, oldest first (a Set keeps insertion order). */
  const ended = new Set<string>();
  const live = new Set<string>();
  const waiters = new Set<() => void>();
  const recorders = new Map<string, Recorder>();
  const recordings: string[] = [];
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  const matches = (key: string, name: string) => key === name || key.endsWith(`/${name}`);
  const nameAllowed = nameMatcher(
    options.namePattern === undefined ? STREAM_NAME_PATTERN : options.namePattern,
  );

  const faults: FaultScript = new FaultScript(
    (options.faults ?? []).map((fault) => (typeof fault === 'string' ? parseFault(fault) : fault)),
    (id): ConnectionControl | undefined => server.control(id),
    (id, fault) => {
      report.fault(id, describeFault(fault));
      log('info', `fault: ${describeFault(fault)}`, { connection: id });
    },
  );
  const server: RtmpServer = new RtmpServer({
    ...options.server,
    ...(faults.window === undefined ? {} : { windowAcknowledgementSize: faults.window }),
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 1935,
    onConnect: (connect, address, id) =>
      faults.verdict('connect', id, () => options.server?.onConnect?.(connect, address, id) ?? true),
    onPublish: (info) => {
      if (
        options.publishKey !== undefined &&
        !keyMatches(new URLSearchParams(info.query).get('key'), options.publishKey)
      ) {
        log('warn', 'publish refused', {
          app: info.app,
          name: info.name,
          address: info.remoteAddress,
          reason: 'bad or missing key',
        });
        // Unauthorized, with why: OBS and FFmpeg report it and stop instead of retrying.
        return {
          allow: false,
          description: 'a valid ?key= is required to publish',
          code: 'NetStream.Publish.Unauthorized',
        };
      }
      if (
        !nameAllowed(info.name) ||
        (options.recordDir !== undefined &&
          recordingPath(options.recordDir, `${info.app}/${info.name}`) === undefined)
      ) {
        return { allow: false, description: STREAM_NAME_RULE, code: 'NetStream.Publish.BadName' };
      }
      return faults.verdict(
        'publish',
        info.connectionId,
        () => options.server?.onPublish?.(info) ?? true,
        info.name,
      );
    },
    onPlay: (info) =>
      nameAllowed(info.name)
        ? faults.verdict('play', info.connectionId, () => options.server?.onPlay?.(info) ?? true, info.name)
        : { allow: false, description: STREAM_NAME_RULE },
    observe: {
      received: (id, message) => {
        connectionLog?.add(id, message);
        report.received(id, message);
        if (message.type !== 'command') return;
        if (message.name === 'connect') faults.connected(id);
        const name = message.args[0];
        if ((message.name === 'publish' || message.name === 'play') && typeof name === 'string')
          faults.started(id, message.name === 'publish' ? 'publisher' : 'player', name.split('?')[0]!);
      },
      finding: (id, finding) => {
        report.finding(id, finding);
        log(finding.severity === 'info' ? 'info' : 'warn', `finding: ${finding.code}`, {
          connection: id,
          severity: finding.severity,
          message: finding.message,
          ...(finding.streamId === undefined ? {} : { streamId: finding.streamId }),
        });
      },
      refused: (refusal) => {
        // Once per address and limit or rule: a load test from one address must not flood the log.
        const key =
          refusal.kind === 'connection'
            ? `${refusal.option} ${refusal.remoteAddress}`
            : `${refusal.action} ${refusal.remoteAddress}`;
        if (refusalsLogged.has(key)) return;
        if (refusalsLogged.size >= 10_000) refusalsLogged.clear();
        refusalsLogged.add(key);
        if (refusal.kind === 'connection') {
          log(
            'warn',
            'connection refused: over a limit (further refusals of this address for it are not logged)',
            {
              address: refusal.remoteAddress,
              limit: refusal.limit,
              raise: LIMIT_FLAGS[refusal.option],
            },
          );
        } else {
          log(
            'warn',
            `${refusal.action} refused by an access rule (further ones from this address are not logged)`,
            {
              address: refusal.remoteAddress,
              name: refusal.name,
              rules: '--access (server.access)',
            },
          );
        }
      },
      connected: (connect, address) => {
        connects.push(connect);
        if (connects.length > historyLength) connects.shift(); // a long-running server keeps the latest only
        log('info', 'connected', { app: connect.app, address, flashVer: connect.flashVer ?? '' });
      },
      published: (key) => {
        live.add(key);
        ended.delete(key);
        messageLog?.started(key);
        if (options.recordDir !== undefined)
          recorders.set(
            key,
            new Recorder(recordingPath(options.recordDir, key)!, (error) =>
              log('error', 'recording failed; the stream goes on', { stream: key, error: error.message }),
            ),
          );
        log('info', 'publish', { stream: key });
        wake();
      },
      message: (key, message) => {
        if (messageLog !== undefined) {
          const metadata =
            message.typeId === 18 ? parseMetadata(decodeMessage(message) as DataMessage) : undefined;
          if (metadata !== undefined) messageLog.metadata(key, metadata);
          else messageLog.add(key, message);
        }
        recorders.get(key)?.write(message);
      },
      unpublished: (key) => {
        live.delete(key);
        ended.add(key);
        if (ended.size > historyLength) ended.delete(ended.values().next().value!);
        messageLog?.ended(key);
        log('info', 'unpublish', { stream: key });
        const recorder = recorders.get(key);
        recorders.delete(key);
        void recorder?.finish().then(
          (file) => {
            recordings.push(file);
            log('info', 'recorded', { stream: key, file });
            wake();
          },
          (error: Error) => log('error', 'recording failed', { stream: key, error: error.message }),
        );
        wake();
      },
    },
  });
  const address = await server.listen();
  // The registry's state changes (this node's), in the log: unreachable once, then back.
  const registryChanged = (message: unknown) => {
    const status = message as RegistryStatus;
    if (status.nodeId !== server.registryStatus?.nodeId) return;
    if (status.state === 'unreachable')
      log('warn', 'stream registry unreachable: serving local streams only', { error: status.error });
    else log('info', 'stream registry reachable again: announcing local streams');
  };
  if (server.registryStatus !== undefined) subscribe('rtmp:server:registry', registryChanged);
  const tlsUrl = options.tls
    ? (await server.listenTls({ ...options.tls, host: address.host })).url
    : undefined;
  const rtmptUrl =
    options.rtmptPort !== undefined
      ? (await server.listenRtmpt({ port: options.rtmptPort, host: address.host })).url
      : undefined;

  const messageLogFigures = () => ({
    messages: messageLog?.count ?? 0,
    bytes: messageLog?.bytes ?? 0,
    maxBytes: messageLog?.maxBytes ?? 0,
  });

  /** With a stream registry: this node's id and whether the registry answers. */
  const registryFigures = () =>
    server.registryStatus === undefined ? {} : { registry: server.registryStatus };

  let stats: HttpServer | undefined;
  let statsUrl: string | undefined;
  if (options.statsPort !== undefined) {
    stats = createHttpServer((request, response) => {
      const body =
        request.url === '/health'
          ? { ok: true }
          : {
              ...server.traffic(),
              pid: process.pid,
              ...registryFigures(),
              streams: server.stats(),
              messageLog: messageLogFigures(),
            };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => stats!.listen(options.statsPort, address.host, resolve));
    statsUrl = `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${(stats.address() as { port: number }).port}`;
  }

  const web =
    options.httpPort === undefined
      ? undefined
      : await startWeb(
          server,
          () => ({
            ...server.traffic(),
            pid: process.pid,
            ...registryFigures(),
            streams: server.stats(),
            messageLog: messageLogFigures(),
            clients: server.connectionList().map((connection) => ({
              id: connection.id,
              remoteAddress: connection.remoteAddress,
              app: connection.connect?.app ?? '',
              flashVer: connection.connect?.flashVer ?? '',
              tcUrl: connection.connect?.tcUrl ?? '',
              publishing: connection.publishing,
              playing: connection.playing,
              bytesIn: connection.bytesIn,
              bytesOut: connection.bytesOut,
            })),
          }),
          options.httpPort,
          address.host,
          (id) => connectionLog?.get(id),
          () => report.json(),
        );

  const waitFor = (condition: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      if (condition()) return resolve();
      const check = () => {
        if (!condition()) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      waiters.add(check);
    });

  return {
    url: address.url,
    host: address.host,
    port: address.port,
    tlsUrl,
    rtmptUrl,
    statsUrl,
    httpUrl: web?.url,
    waitForPublish: (name, timeoutMs = 10_000) =>
      waitFor(() => [...live].some((key) => matches(key, name)), `a publish of ${name}`, timeoutMs),
    waitForUnpublish: (name, timeoutMs = 10_000) =>
      waitFor(
        () => [...ended].some((key) => matches(key, name)) && ![...live].some((key) => matches(key, name)),
        `the end of ${name}`,
        timeoutMs,
      ),
    streams: () => server.stats(),
    connects: () => [...connects],
    messages: (name) => {
      const key = messageLog && [...messageLog.keys()].find((candidate) => matches(candidate, name));
      return (key !== undefined && messageLog?.get(key)) || { metadata: undefined, media: [] };
    },
    messageLog: messageLogFigures,
    recordings: () => [...recordings],
    report: () => report.json(),
    handle: (socket) => server.handle(socket),
    requestReconnect: (reconnect) => {
      const asked = server.requestReconnect(reconnect);
      log('info', 'reconnect requested', { connections: asked, tcUrl: reconnect?.tcUrl ?? '' });
      return asked;
    },
    async close() {
      faults.stop();
      unsubscribe('rtmp:server:registry', registryChanged);
      await server.close();
      await Promise.all(
        // A failed recording was logged when it failed; closing goes on.
        [...recorders.values()].map((recorder) =>
          recorder.finish().then(
            (file) => recordings.push(file),
            () => {},
          ),
        ),
      );
      recorders.clear();
      if (stats) await new Promise((resolve) => stats!.close(resolve));
      await web?.close();
    },
  };
}
