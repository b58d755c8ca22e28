#!/usr/bin/env -S node --initial-heap-size=32 --max-semi-space-size=1
import cluster from 'node:cluster';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { RedisStreamRegistry } from '@rtmp/registry-redis';
import { atLeast, ClusterStreamRegistry, FINDING_KINDS, type FindingCode } from '@rtmp/server';
import { firstRunText } from './first-run';
import { createLogger, LOG_LEVELS, type LogLevel } from './log';
import { type ReferenceServer, startReferenceServer } from './reference-server';
import { privateListener, runPrimary, toPrimary } from './workers';

const USAGE = `usage: rtmp-reference-server [options]

An RTMP server to test RTMP software against: publishers publish to rtmp://HOST:PORT/APP/STREAM,
players play the same URL.

  --host HOST[,HOST]     address(es) to listen on, same port (default 127.0.0.1; :: for all)
  --port PORT            RTMP port (default 1935; 0 picks a free one)
  --tls-port PORT        also accept rtmps:// on PORT (needs --tls-cert and --tls-key, PEM files)
  --rtmpt-port PORT      also accept rtmpt:// (RTMP tunnelled over HTTP, for networks that only
                         let HTTP through) on PORT
  --rtmpt-max-sessions N RTMPT sessions open at once (default 1000)
  --publish-key KEY      require ?key=KEY on publish
  --access RULE          who may publish or play, nginx-rtmp style; repeat it, first match wins:
                         --access "allow publish 127.0.0.1" --access "deny publish all"
                         (allow|deny publish|play ADDRESS|CIDR|all; unmatched: allowed)
  --any-name             accept any stream name (default: A-Z a-z 0-9 _ . - ~, up to 128)
  --no-rtmpe             refuse RTMPE (rtmpe://: encrypted handshake, then RC4), which is
                         otherwise answered on the same port
  --adobe-auth USER:PASS require FMS/Wowza's authmod=adobe challenge on connect (repeat for more
                         users); FFmpeg answers it with rtmp://USER:PASS@HOST/APP
  --record-dir DIR       record every published stream to DIR/<app>_<stream>-<time>.flv
  --vod-dir DIR          play recorded FLV files from DIR: a play of a name that is not live and
                         names DIR/<name>.flv streams it at real time, with pause and seek (off)
  --push URL             also publish every stream published here to URL/<stream>
                         (URL = rtmp[s]://host[:port]/app); repeat for more destinations
  --pull URL             pull a stream nobody publishes here from URL/<stream> when a player
                         asks for it (an edge in front of the origin at URL)
  --registry URL         join other nodes through a Redis stream registry (redis://HOST:PORT):
                         a player on any node gets a stream published on any node (one pull per
                         node); a name is published on one node at a time
  --advertise URL        rtmp://HOST:PORT where the other nodes reach this one (default: the
                         address it listens on; set it when the nodes are on several machines)
  --node-id ID           this node's name in the registry and the statistics (default: random)
  --registry-ttl-ms MS   a node's (or worker's) entries expire this long after it stops
                         refreshing them, e.g. when it is killed (default 10000)
  --workers N            N worker processes share the port (node:cluster; auto: one per core):
                         a stream published to one plays from all; a worker that dies is
                         restarted (default 1)
  --http-port PORT       the web side (0 picks a free port): the console at /, HTTP-FLV and
                         WebSocket-FLV at /<app>/<stream>.flv, /health, statistics under /api/
  --stats-port PORT      serve JSON statistics on http://HOST:PORT/ (and /health); each stream
                         lists its relays (push and pull) with their state
  --max-connections N    connections open at once (default 1000)
  --max-per-address N    connections open at once from one address (default 32)
  --player-queue BYTES   a player's queue budget before frames are dropped (default 8388608)
  --chunk-size BYTES     outgoing chunk size (default 4096)
  --merge-ms MS          hold writes to streams of 100+ players this long, saving syscalls
                         for latency (default 0: off)
  --audio-hold-ms MS     audio of a stream with video waits up to MS for the next video message
                         and leaves with it, one write per player (default 40; 0 off)
  --fault SPEC           play a hostile or unusual server to matching connections; repeat it.
                         SPEC = KIND[=VALUE][@T[+D]][,role=publisher|player][,stream=NAME][,conn=N]
                         times after publish/play (5s, 500ms): drop@T, rst@T, stall@T+D,
                         chunk-size=N@T, reconnect@T[,tcUrl=URL], eof@T, ping@T (every T);
                         reject-connect=CODE, reject-publish=CODE, reject-play=CODE, delay=MS,
                         window=BYTES
  --drain-ms MS          on SIGINT/SIGTERM, first ask every client to reconnect (Enhanced RTMP
                         ReconnectRequest), then stop MS later (default 0: stop at once)
  --report FILE          on stop, write the conformance report (every connection's findings:
                         what the software under test did wrong or oddly) to FILE as JSON
  --fail-on SEVERITY     on stop, exit with status 3 if a finding of SEVERITY or worse was raised
                         (error or warning): a CI job fails on what its RTMP software did
  --log-level LEVEL      debug, info, warn, error or silent (default warn)
  --log-format FORMAT    json or pretty (default pretty)
  -h, --help             this text

examples:
  rtmp-reference-server --http-port 8000            publish to rtmp://127.0.0.1:1935/live/<name>,
                                                    watch at http://127.0.0.1:8000/
  rtmp-reference-server --port 0 --report r.json --fail-on error   (a CI job's server)
  rtmp-reference-server --fault drop@5s,role=publisher              (does your encoder reconnect?)
  rtmp-reference-server --port 1935 --registry redis://10.0.0.5:6379 --advertise rtmp://10.0.0.7:1935
                                                    (one node of several sharing their streams)

On start it prints one JSON line to stdout: {"event":"listening","url":"rtmp://...",...}; on a
terminal (and not with --log-format json) a short how-to follows it.
It stops cleanly on SIGINT and SIGTERM (recordings are finished and renamed). On SIGHUP it asks every
client to reconnect (Enhanced RTMP ReconnectRequest) and prints {"event":"reconnect-requested",...}.`;

const fail = (message: string): never => {
  process.stderr.write(`rtmp-reference-server: ${message}\n`);
  process.exit(1);
};

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        host: { type: 'string' },
        port: { type: 'string' },
        'publish-key': { type: 'string' },
        access: { type: 'string', multiple: true },
        'adobe-auth': { type: 'string', multiple: true },
        'any-name': { type: 'boolean' },
        'no-rtmpe': { type: 'boolean' },
        'tls-port': { type: 'string' },
        'rtmpt-port': { type: 'string' },
        'rtmpt-max-sessions': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'record-dir': { type: 'string' },
        'vod-dir': { type: 'string' },
        push: { type: 'string', multiple: true },
        pull: { type: 'string' },
        registry: { type: 'string' },
        workers: { type: 'string' },
        'drain-ms': { type: 'string' },
        advertise: { type: 'string' },
        'node-id': { type: 'string' },
        'registry-ttl-ms': { type: 'string' },
        'stats-port': { type: 'string' },
        'http-port': { type: 'string' },
        'max-connections': { type: 'string' },
        'max-per-address': { type: 'string' },
        'player-queue': { type: 'string' },
        'chunk-size': { type: 'string' },
        'merge-ms': { type: 'string' },
        'audio-hold-ms': { type: 'string' },
        report: { type: 'string' },
        fault: { type: 'string', multiple: true },
        'fail-on': { type: 'string' },
        'log-level': { type: 'string' },
        'log-format': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
/** The integer value of flag `name` in [min, max], `undefined` when not given; exits on anything else. */
const integer = (name: string, min: number, max: number): number | undefined => {
  const text = values[name as keyof typeof values] as string | undefined;
  if (text === undefined) return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max
    ? value
    : fail(`--${name} must be an integer from ${min} to ${max}, got ${text}`);
};
const port = (name: string) => integer(name, 0, 65_535);
/** RtmpServer options from the limit flags that were given. */
const limits = Object.fromEntries(
  Object.entries({
    maxConnections: integer('max-connections', 1, 1_000_000),
    maxConnectionsPerAddress: integer('max-per-address', 1, 1_000_000),
    maxPlayerQueueBytes: integer('player-queue', 65_536, 2 ** 31),
    chunkSize: integer('chunk-size', 128, 0x7fffffff),
    fanOutMergeMs: integer('merge-ms', 0, 1000),
    fanOutAudioHoldMs: integer('audio-hold-ms', 0, 1000),
  }).filter(([, value]) => value !== undefined),
);
const level = (values['log-level'] ?? 'warn') as LogLevel;
if (!LOG_LEVELS.includes(level)) fail(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
const format = values['log-format'] ?? 'pretty';
if (format !== 'json' && format !== 'pretty') fail('--log-format must be json or pretty');
const logFormat = format as 'json' | 'pretty';
const failOn = values['fail-on'] as 'error' | 'warning' | undefined;
if (failOn !== undefined && failOn !== 'error' && failOn !== 'warning')
  fail('--fail-on must be error or warning');
/** The exit status when --fail-on finds what it looks for. */
const FAILED_ON_FINDINGS = 3;

/** `--adobe-auth USER:PASS` flags as a user → password map, or undefined without any. */
const adobeUsers = values['adobe-auth']?.map((entry) => {
  const at = entry.indexOf(':');
  return at > 0
    ? ([entry.slice(0, at), entry.slice(at + 1)] as const)
    : fail(`--adobe-auth must be USER:PASS, got ${entry}`);
});
const tlsPort = port('tls-port');
if (tlsPort !== undefined && (values['tls-cert'] === undefined || values['tls-key'] === undefined)) {
  fail('--tls-port needs --tls-cert and --tls-key');
}

const registryTtlMs = integer('registry-ttl-ms', 300, 3_600_000);
const drainMs = integer('drain-ms', 0, 600_000) ?? 0;
if (values.registry === undefined && (values.advertise ?? values['node-id']) !== undefined)
  fail('--advertise and --node-id need --registry');
if (values.registry !== undefined && !/^rediss?:\/\//.test(values.registry))
  fail(`--registry must be a redis:// URL, got ${values.registry}`);
if (values.advertise !== undefined && !/^rtmps?:\/\/[^/]+\/?$/.test(values.advertise))
  fail(`--advertise must be rtmp://HOST:PORT, got ${values.advertise}`);
const workers = values.workers === 'auto' ? availableParallelism() : (integer('workers', 1, 256) ?? 1);
if (workers > 1 && values.registry !== undefined)
  fail('--workers with --registry is not supported yet: run one process per node with --registry');
if (workers > 1 && values.report !== undefined)
  fail('--report with --workers is not supported: each worker has its own connections');
const logger = createLogger(level, logFormat);
/** A worker of `--workers N`: the primary holds the registry and prints the lines. */
const worker = cluster.isWorker;
if (workers > 1 && cluster.isPrimary) runPrimary(workers, logger);
else await serve();

async function serve(): Promise<void> {
  const registry = worker
    ? new ClusterStreamRegistry()
    : values.registry === undefined
      ? undefined
      : new RedisStreamRegistry(values.registry);
  /** A worker's own port, where the other workers pull its streams from. */
  const internal = worker ? await privateListener((socket) => server.handle(socket)) : undefined;
  let server: ReferenceServer;

  try {
    // Redis that is down at start is not fatal: local streams are served and announced once it answers.
    if (registry instanceof RedisStreamRegistry)
      await Promise.race([registry.ready(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    server = await startReferenceServer({
      ...(tlsPort !== undefined
        ? {
            tls: {
              port: tlsPort,
              cert: readFileSync(values['tls-cert']!),
              key: readFileSync(values['tls-key']!),
            },
          }
        : {}),
      host: values.host?.split(',') ?? '127.0.0.1',
      port: port('port') ?? 1935,
      ...(values['publish-key'] !== undefined ? { publishKey: values['publish-key'] } : {}),
      ...(values['record-dir'] !== undefined ? { recordDir: values['record-dir'] } : {}),
      ...(values['stats-port'] !== undefined ? { statsPort: port('stats-port')! } : {}),
      ...(values['rtmpt-port'] !== undefined ? { rtmptPort: port('rtmpt-port')! } : {}),
      ...(values['http-port'] !== undefined ? { httpPort: port('http-port')! } : {}),
      ...(values['any-name'] ? { namePattern: null } : {}),
      ...(values.fault !== undefined ? { faults: values.fault } : {}),
      server: {
        ...limits,
        ...(values['no-rtmpe'] ? { rtmpe: false } : {}),
        ...(values['rtmpt-max-sessions'] !== undefined
          ? { rtmpt: { maxSessions: integer('rtmpt-max-sessions', 1, 1_000_000)! } }
          : {}),
        ...(values.access !== undefined ? { access: values.access } : {}),
        ...(adobeUsers !== undefined ? { adobeAuth: { users: Object.fromEntries(adobeUsers) } } : {}),
        ...(values['vod-dir'] !== undefined ? { vodDir: values['vod-dir'] } : {}),
        ...(registry !== undefined
          ? {
              registry: {
                registry,
                ...(internal !== undefined
                  ? { advertise: internal.url, nodeId: `worker-${cluster.worker!.id}` }
                  : {}),
                ...(values.advertise !== undefined ? { advertise: values.advertise } : {}),
                ...(values['node-id'] !== undefined ? { nodeId: values['node-id'] } : {}),
                ...(registryTtlMs !== undefined ? { ttlMs: registryTtlMs } : {}),
              },
            }
          : {}),
        ...(values.push !== undefined || values.pull !== undefined
          ? {
              relay: {
                ...(values.push !== undefined ? { push: values.push } : {}),
                ...(values.pull !== undefined ? { pull: values.pull } : {}),
              },
            }
          : {}),
      },
      logger,
      // Nobody reads the in-process API from the CLI: remember nothing per message or connection.
      messageLog: false,
      historyLength: 0,
    });
    const stop = async () => {
      // A drain: clients that honour Enhanced RTMP's ReconnectRequest move before the close.
      if (drainMs > 0) {
        const asked = server.requestReconnect();
        logger('info', 'draining: reconnect requested', { connections: asked, drainMs });
        await new Promise((resolve) => setTimeout(resolve, drainMs));
      }
      await server.close();
      internal?.server.close();
      await registry?.close();
      const report = server.report();
      if (values.report !== undefined) writeFileSync(values.report, `${JSON.stringify(report, null, 2)}\n`);
      const failing =
        failOn === undefined
          ? []
          : Object.keys(report.summary).filter((code) =>
              atLeast(FINDING_KINDS[code as FindingCode].severity, failOn),
            );
      const stopped = {
        event: 'stopped',
        recordings: server.recordings(),
        findings: report.summary,
        ...(failOn ? { failed: failing.length > 0 } : {}),
      };
      // The primary prints the one stopped line of --workers.
      if (!worker) process.stdout.write(`${JSON.stringify(stopped)}\n`);
      process.exit(failing.length > 0 ? FAILED_ON_FINDINGS : 0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // A graceful drain: every client that honours Enhanced RTMP's ReconnectRequest moves its streams
    // to a new connection (OBS and FFmpeg 8.1 do not; see the README).
    process.on('SIGHUP', () => {
      const asked = server.requestReconnect();
      process.stdout.write(`${JSON.stringify({ event: 'reconnect-requested', connections: asked })}\n`);
    });
    // Announced only once the signals are handled: one sent on seeing the line must not kill us.
    const listening = {
      event: 'listening',
      url: server.url,
      host: server.host,
      port: server.port,
      stats: server.statsUrl ?? null,
      http: server.httpUrl ?? null,
      ...(server.rtmptUrl !== undefined ? { rtmpt: server.rtmptUrl } : {}),
      // Whether Node started with RECOMMENDED_NODE_FLAGS (the first line of this file) or others.
      nodeFlags: process.execArgv,
    };
    if (worker) toPrimary({ event: 'listening', line: listening });
    else process.stdout.write(`${JSON.stringify(listening)}\n`);
    // A person at a terminal gets a how-to; scripts (a pipe, or JSON logs) get the line alone.
    if (!worker && process.stdout.isTTY && logFormat !== 'json') process.stdout.write(firstRunText(server));
  } catch (error) {
    fail((error as Error).message);
  }
}
