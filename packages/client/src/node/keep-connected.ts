import { setTimeout as sleep } from 'node:timers/promises';
import { RtmpClientError, type RtmpClientErrorCode } from '../errors';
import { type ConnectOptions, connect, type RtmpConnection } from './connection';

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
}

const isRetryable = (error: unknown) =>
  RtmpClientError.isInstance(error) && RETRYABLE_ERROR_CODES.has(error.code);

/**
 * Runs `session` on a connection to `url`, and runs it again on a new connection whenever the
 * connection fails or drops, the way encoders reconnect: after a wait that doubles with each failure
 * in a row (from `minDelayMs` up to `maxDelayMs`, with jitter). A refusal (a bad key, a bad name) is
 * not retried unless `retryOn` says so.
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
  url: string,
  session: (connection: RtmpConnection, attempt: number) => Promise<T>,
  options: KeepConnectedOptions = {},
): Promise<T> {
  const {
    minDelayMs = KEEP_CONNECTED_DEFAULTS.minDelayMs,
    maxDelayMs = KEEP_CONNECTED_DEFAULTS.maxDelayMs,
    maxAttempts = Number.POSITIVE_INFINITY,
    retryOn = isRetryable,
    onRetry,
    ...connectOptions
  } = options;
  const { signal } = options;
  const aborted = () => new RtmpClientError('CLIENT_ABORTED', 'aborted', { cause: signal?.reason });
  let failures = 0;
  for (let attempt = 1; ; attempt++) {
    let connection: RtmpConnection | undefined;
    const closeOnAbort = () => void connection?.close();
    signal?.addEventListener('abort', closeOnAbort, { once: true });
    try {
      connection = await connect(url, connectOptions);
      failures = 0;
      return await session(connection, attempt);
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
