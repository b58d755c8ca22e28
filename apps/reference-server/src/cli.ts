#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createLogger, LOG_LEVELS, type LogLevel } from './log';
import { startReferenceServer } from './reference-server';

const USAGE = `usage: rtmp-reference-server [options]

An RTMP server to test RTMP software against: publishers publish to rtmp://HOST:PORT/APP/STREAM,
players play the same URL.

  --host HOST[,HOST]     address(es) to listen on, same port (default 127.0.0.1; :: for all)
  --port PORT            RTMP port (default 1935; 0 picks a free one)
  --tls-port PORT        also accept rtmps:// on PORT (needs --tls-cert and --tls-key, PEM files)
  --publish-key KEY      require ?key=KEY on publish
  --access RULE          who may publish or play, nginx-rtmp style; repeat it, first match wins:
                         --access "allow publish 127.0.0.1" --access "deny publish all"
                         (allow|deny publish|play ADDRESS|CIDR|all; unmatched: allowed)
  --any-name             accept any stream name (default: A-Z a-z 0-9 _ . - ~, up to 128)
  --record-dir DIR       record every published stream to DIR/<app>_<stream>-<time>.flv
  --stats-port PORT      serve JSON statistics on http://HOST:PORT/ (and /health)
  --log-level LEVEL      debug, info, warn, error or silent (default warn)
  --log-format FORMAT    json or pretty (default pretty)
  -h, --help             this text

On start it prints one JSON line to stdout: {"event":"listening","url":"rtmp://...",...}.
It stops cleanly on SIGINT and SIGTERM (recordings are finished and renamed).`;

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
        'any-name': { type: 'boolean' },
        'tls-port': { type: 'string' },
        'tls-cert': { type: 'string' },
        'tls-key': { type: 'string' },
        'record-dir': { type: 'string' },
        'stats-port': { type: 'string' },
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
const port = (name: string, text: string | undefined, fallback: number | undefined) => {
  if (text === undefined) return fallback;
  const value = Number(text);
  return Number.isInteger(value) && value >= 0 && value < 65_536
    ? value
    : fail(`--${name} must be a port number, got ${text}`);
};
const level = (values['log-level'] ?? 'warn') as LogLevel;
if (!LOG_LEVELS.includes(level)) fail(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
const format = values['log-format'] ?? 'pretty';
if (format !== 'json' && format !== 'pretty') fail('--log-format must be json or pretty');
const logFormat = format as 'json' | 'pretty';

const tlsPort = port('tls-port', values['tls-port'], undefined);
if (tlsPort !== undefined && (values['tls-cert'] === undefined || values['tls-key'] === undefined)) {
  fail('--tls-port needs --tls-cert and --tls-key');
}

try {
  const server = await startReferenceServer({
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
    port: port('port', values.port, 1935)!,
    ...(values['publish-key'] !== undefined ? { publishKey: values['publish-key'] } : {}),
    ...(values['record-dir'] !== undefined ? { recordDir: values['record-dir'] } : {}),
    ...(values['stats-port'] !== undefined
      ? { statsPort: port('stats-port', values['stats-port'], 0)! }
      : {}),
    ...(values['any-name'] ? { namePattern: null } : {}),
    ...(values.access !== undefined ? { server: { access: values.access } } : {}),
    logger: createLogger(level, logFormat),
  });
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', url: server.url, host: server.host, port: server.port, stats: server.statsUrl ?? null })}\n`,
  );
  const stop = async () => {
    await server.close();
    process.stdout.write(`${JSON.stringify({ event: 'stopped', recordings: server.recordings() })}\n`);
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  fail((error as Error).message);
}
