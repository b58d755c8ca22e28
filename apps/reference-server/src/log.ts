/** Log levels, quietest last. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A structured logger: one JSON object per line, or a readable line; nothing below `level`. */
export type Logger = (
  level: Exclude<LogLevel, 'silent'>,
  event: string,
  fields?: Record<string, unknown>,
) => void;

export function createLogger(
  level: LogLevel,
  format: 'json' | 'pretty',
  out: NodeJS.WritableStream = process.stderr,
): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  return (at, event, fields = {}) => {
    if (LOG_LEVELS.indexOf(at) < threshold) return;
    const time = new Date().toISOString();
    out.write(
      format === 'json'
        ? `${JSON.stringify({ time, level: at, event, ...fields })}\n`
        : `${time} ${at.padEnd(5)} ${event}${Object.entries(fields)
            .map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join('')}\n`,
    );
  };
}
