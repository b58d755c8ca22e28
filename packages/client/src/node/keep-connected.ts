import { setTimeout as sleep } from 'node:timers/promises';
import { CapsEx } from '@rtmp/messages';
import { CLIENT_ENHANCED_CAPABILITIES } from '../client-session';
import { RtmpClientError, type RtmpClientErrorCode } from '../errors';
import { type ConnectOptions, connect, type ReconnectRequest, type RtmpConnection } from './connection';

/** What {@link keepConnected} retries by default: the network or the server went away, not a refusal. */
export const RETRYABLE_ERROR_CODES: ReadonlySet<RtmpClientErrorCode> = new Set<RtmpClientErrorCode>([
  'CLIENT_DNS_FAILED',
  'CLIENT_NETWORK_ERROR',
  'CLIENT_TIMEOUT',
  'CLIENT_CONNECTION_CLOSED',
]);

/** The named defaults of {@link KeepConnectedOptions}' waits. */
export const KEEP_CONNECTED_DEFAULTS = { minDelayMs: 500, maxDelayMs: 30_000 } as const;

/** Options of {@link keepConnected}: how to connect, and how to wait between attempts. */
export interface KeepConnectedOptions extends ConnectOptions {
  /** The wait after the first failure, doubled after each further one in a row, in ms. @default 500 */
  readonly minDelayMs?: number;
  /** The longest wait between attempts, in ms. @default 30000 */
  readonly maxDelayMs?: number;
  /** Failures in a row before giving up (a connection that gets through `connect` resets the count). @default Infinity */
  readonly maxAttempts?: number;
  /** Whether an error is worth another attempt. @default its code is in {@link RETRYABLE_ERROR_CODES} */
  readonly retryOn?: (error: unknown) => boolean;
  /** Hears of each failure that will be retried, and how long until the next attempt. */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Hears of each ReconnectRequest followed (later attempts go to its URL too). */
  readonly onReconnect?: (request: ReconnectRequest) => void;
  /** Hears of a ReconnectRequest that could not be followed (its URL refused or unreachable); the session goes on where it is. */
  readonly onReconnectFailed?: (error: unknown, request: ReconnectRequest) => void;
}

const isRetryable = (error: unknown) =>
  RtmpClientError.isInstance(error) && RETRYABLE_ERROR_CODES.has(error.code);

/**
 * Runs `session` on a connection to `url`, and runs it again on a new connection whenever the
 * connection fails or drops, the way encoders reconnect: after a wait that doubles with each failure
 * in a row (from `minDelayMs` up to `maxDelayMs`, with jitter). A refusal (a bad key, a bad name) is
 * not retried unless `retryOn` says so.
 *
 * It honours Enhanced RTMP's ReconnectRequest (a server draining before a redeploy, or sending its
 * clients elsewhere): it connects to the request's URL, moves the session's publishers and players
 * there with {@link RtmpConnection.handOver} (they switch at a keyframe, losing and repeating no
 * frame; the objects the session holds stay valid), closes the old connection, and uses the new URL
 * from then on. The session is not run again for it.
 *
 * The connection is closed when `session` settles. Resolves with what `session` returns; rejects
 * with the error that was not retried, the last one after `maxAttempts` failures in a row, or
 * `CLIENT_ABORTED` once `signal` fires (which also closes the current connection).
 *
 * @example
 * ```ts
 * await keepConnected('rtmp://localhost/live', async (connection) => {
 *   const publisher = await connection.publish('cam');
 *   for await (const frame of frames()) await publisher.writeVideo(frame.timestamp, frame.body);
 * }, { signal, onRetry: (error, attempt, delayMs) => console.warn(`retry ${attempt} in ${delayMs} ms`, error) });
 * ```
 */
export async function keepConnected<T>(
  firstUrl: string,
  session: (connection: RtmpConnection, attempt: number) => Promise<T>,
  options: KeepConnectedOptions = {},
): Promise<T> {
  const {
    minDelayMs = KEEP_CONNECTED_DEFAULTS.minDelayMs,
    maxDelayMs = KEEP_CONNECTED_DEFAULTS.maxDelayMs,
    maxAttempts = Number.POSITIVE_INFINITY,
    retryOn = isRetryable,
    onRetry,
    onReconnect,
    onReconnectFailed,
    ...given
  } = options;
  // Under keepConnected the client honours ReconnectRequest, so it says so in capsEx.
  const connectOptions: ConnectOptions =
    given.enhancedRtmp === true
      ? {
          ...given,
          enhancedRtmp: {
            ...CLIENT_ENHANCED_CAPABILITIES,
            capsEx: (CLIENT_ENHANCED_CAPABILITIES.capsEx ?? 0) | CapsEx.Reconnect,
          },
        }
      : given;
  let url = firstUrl;
  const { signal } = options;
  const aborted = () => new RtmpClientError('CLIENT_ABORTED', 'aborted', { cause: signal?.reason });
  let failures = 0;
  for (let attempt = 1; ; attempt++) {
    let connection: RtmpConnection | undefined;
    const closeOnAbort = () => void connection?.close();
    signal?.addEventListener('abort', closeOnAbort, { once: true });
    try {
      let current = await connect(url, connectOptions);
      connection = current;
      failures = 0;
      const running = session(current, attempt);
      // While the session runs, follow the server's ReconnectRequests (Enhanced RTMP).
      for (;;) {
        const next:
          | { readonly done: true; readonly value: T }
          | { readonly done: false; readonly request: ReconnectRequest } = await Promise.race([
          running.then((value) => ({ done: true as const, value })),
          current.reconnectRequested.then((request) => ({ done: false as const, request })),
        ]);
        if (next.done) return next.value;
        const { request } = next;
        const moved: RtmpConnection | undefined = await connect(request.url, connectOptions).catch(
          (error: unknown) => {
            onReconnectFailed?.(error, request);
            return undefined;
          },
        );
        if (moved === undefined) return await running; // no way to move: stay on this connection
        try {
          // The session may end (or fail) before a keyframe lets the streams switch.
          const ended = await Promise.race([
            current.handOver(moved).then(() => undefined),
            running.then((value) => ({ value })),
          ]);
          if (ended) {
            await moved.close();
            return ended.value;
          }
        } catch (error) {
          await moved.close();
          throw error;
        }
        url = request.url;
        onReconnect?.(request);
        current = moved;
        connection = moved;
      }
    } catch (error) {
      if (signal?.aborted) throw aborted();
      failures++;
      if (failures >= maxAttempts || !retryOn(error)) throw error;
      const delayMs = backoff(failures, minDelayMs, maxDelayMs);
      onRetry?.(error, attempt, delayMs);
      await sleep(delayMs, undefined, { signal }).catch(() => {
        throw aborted();
      });
    } finally {
      signal?.removeEventListener('abort', closeOnAbort);
      await connection?.close();
    }
  }
}

/** Exponential backoff with jitter: half the doubled delay, plus up to the other half at random. */
function backoff(failures: number, minDelayMs: number, maxDelayMs: number): number {
  const delay = Math.min(maxDelayMs, minDelayMs * 2 ** (failures - 1));
  return Math.round(delay / 2 + (Math.random() * delay) / 2);
}
