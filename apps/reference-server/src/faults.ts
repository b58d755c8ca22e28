/** Which connections a fault applies to; all of them when nothing is given. */
export interface FaultMatch {
  /** Only publishers or only players (timed faults). */
  readonly role?: 'publisher' | 'player';
  /** Only connections that publish or play this stream name (timed faults). */
  readonly stream?: string;
  /** Only the Nth connection (from 1, in the order their `connect` arrived). */
  readonly connection?: number;
}

/**
 * A scripted fault: the reference server plays a hostile or unusual server to the matching
 * connections. Times are milliseconds after the connection's publish or play.
 */
export type Fault = FaultMatch &
  (
    | { readonly kind: 'drop' | 'rst' | 'eof'; readonly atMs: number }
    | { readonly kind: 'stall'; readonly atMs: number; readonly forMs: number }
    | { readonly kind: 'chunk-size'; readonly size: number; readonly atMs: number }
    | { readonly kind: 'reconnect'; readonly atMs: number; readonly tcUrl?: string }
    | { readonly kind: 'reject-connect' | 'reject-publish' | 'reject-play'; readonly code: string }
    | { readonly kind: 'delay'; readonly ms: number }
    | { readonly kind: 'ping'; readonly everyMs: number }
    | { readonly kind: 'window'; readonly bytes: number }
  );

/** The faults that act at a time after publish or play. */
export type TimedFault = Extract<Fault, { atMs: number }> | Extract<Fault, { kind: 'ping' }>;

const TIMED = new Set(['drop', 'rst', 'eof', 'stall', 'chunk-size', 'reconnect', 'ping']);

/** Whether `fault` acts at a time after publish or play. */
export function isTimed(fault: Fault): fault is TimedFault {
  return TIMED.has(fault.kind);
}

/** `5s`, `500ms` or `500` (milliseconds) as milliseconds. */
function duration(text: string, spec: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(text);
  if (!match) throw new Error(`fault "${spec}": "${text}" is not a duration (like 5s or 500ms)`);
  return Math.round(Number(match[1]) * (match[2] === 's' ? 1000 : 1));
}

function count(text: string | undefined, spec: string, min: number, max: number): number {
  const value = Number(text);
  if (text === undefined || !Number.isInteger(value) || value < min || value > max)
    throw new Error(`fault "${spec}": "${text ?? ''}" must be an integer from ${min} to ${max}`);
  return value;
}

/** A status code as a fault's answer: `NetStream.Publish.BadName`, `NetConnection.Connect.Rejected`. */
const STATUS_CODE = /^Net(Connection|Stream)\.[A-Za-z.]+$/;

/**
 * Reads `--fault SPEC`: `KIND[=VALUE][@T[+D]][,role=publisher|player][,stream=NAME][,conn=N]`,
 * e.g. `drop@5s`, `stall@2s+3s,role=player`, `chunk-size=64@1s`, `reconnect@2s,tcUrl=rtmp://b/live`,
 * `reject-publish=NetStream.Publish.BadName`, `delay=500`, `eof@3s,stream=cam`, `ping@1s`,
 * `window=1000`.
 * @throws Error naming the spec and what is wrong with it
 */
export function parseFault(spec: string): Fault {
  const [head = '', ...options] = spec.split(',');
  const match: { -readonly [K in keyof FaultMatch]: FaultMatch[K] } = {};
  let tcUrl: string | undefined;
  for (const option of options) {
    const [key, value = ''] = option.split(/=(.*)/s, 2);
    if (key === 'role' && (value === 'publisher' || value === 'player')) match.role = value;
    else if (key === 'stream' && value !== '') match.stream = value;
    else if (key === 'conn') match.connection = count(value, spec, 1, 2 ** 31);
    else if (key === 'tcUrl' && value !== '') tcUrl = value;
    else throw new Error(`fault "${spec}": unknown option "${option}" (role=, stream=, conn=, tcUrl=)`);
  }
  const [what = '', when] = head.split('@', 2);
  const [kind = '', value] = what.split('=', 2);
  const at = () => {
    if (when === undefined) throw new Error(`fault "${spec}": ${kind} needs @TIME (like ${kind}@5s)`);
    return duration(when.split('+')[0]!, spec);
  };
  switch (kind) {
    case 'drop':
    case 'rst':
    case 'eof':
      return { kind, atMs: at(), ...match };
    case 'stall': {
      const forText = when?.split('+')[1];
      if (forText === undefined)
        throw new Error(`fault "${spec}": stall needs @TIME+DURATION (like stall@2s+3s)`);
      return { kind, atMs: at(), forMs: duration(forText, spec), ...match };
    }
    case 'chunk-size':
      return { kind, size: count(value, spec, 1, 0x7fffffff), atMs: at(), ...match };
    case 'reconnect':
      return { kind, atMs: at(), ...(tcUrl === undefined ? {} : { tcUrl }), ...match };
    case 'reject-connect':
    case 'reject-publish':
    case 'reject-play':
      if (value === undefined || !STATUS_CODE.test(value))
        throw new Error(
          `fault "${spec}": ${kind} needs a status code (like ${kind}=NetStream.Publish.BadName)`,
        );
      return { kind, code: value, ...match };
    case 'delay':
      return { kind, ms: duration(value ?? '', spec), ...match };
    case 'ping':
      return { kind, everyMs: Math.max(1, at()), ...match };
    case 'window':
      return { kind, bytes: count(value, spec, 1, 0x7fffffff), ...match };
    default:
      throw new Error(
        `fault "${spec}": unknown kind "${kind}" (drop, rst, stall, chunk-size, reconnect, reject-connect, reject-publish, reject-play, delay, eof, ping, window)`,
      );
  }
}

/** A fault as a short text for logs and reports: its spec form. */
export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'stall':
      return `stall@${fault.atMs}ms+${fault.forMs}ms`;
    case 'chunk-size':
      return `chunk-size=${fault.size}@${fault.atMs}ms`;
    case 'reconnect':
      return `reconnect@${fault.atMs}ms${fault.tcUrl ? `,tcUrl=${fault.tcUrl}` : ''}`;
    case 'reject-connect':
    case 'reject-publish':
    case 'reject-play':
      return `${fault.kind}=${fault.code}`;
    case 'delay':
      return `delay=${fault.ms}ms`;
    case 'ping':
      return `ping@${fault.everyMs}ms`;
    case 'window':
      return `window=${fault.bytes}`;
    default:
      return `${fault.kind}@${fault.atMs}ms`;
  }
}
