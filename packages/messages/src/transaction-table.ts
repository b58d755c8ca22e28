import type { CommandMessage } from './messages/command';

/** Default time a call waits for its `_result`/`_error`. */
export const DEFAULT_TRANSACTION_TIMEOUT_MS = 10_000;

/** How a pending call ended. */
export type TransactionOutcome<T> =
  | {
      readonly outcome: 'result' | 'error';
      readonly id: number;
      readonly context: T;
      readonly response: CommandMessage;
    }
  | { readonly outcome: 'timeout'; readonly id: number; readonly context: T };

/**
 * Transaction ids for outgoing calls and their matching answers, sans-IO: the caller passes the
 * time. Ids start at 1 (connect, as every client does) and count up.
 * @example
 * ```ts
 * const table = new TransactionTable<string>();
 * const id = table.allocate(now(), 'createStream');
 * // ... later, for each incoming command:
 * const done = table.settle(command); // { outcome: 'result', id, context: 'createStream', response }
 * for (const late of table.expire(now())) console.log(late.context, 'timed out');
 * ```
 */
export class TransactionTable<T = unknown> {
  readonly #timeoutMs: number;
  readonly #pending = new Map<number, { context: T; deadline: number }>();
  #next = 1;

  constructor(options: { readonly timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS;
  }

  /** Calls awaiting an answer. */
  get size(): number {
    return this.#pending.size;
  }

  /** A new transaction id, pending until answered or until `now + timeoutMs`. */
  allocate(now: number, context: T, timeoutMs = this.#timeoutMs): number {
    const id = this.reserveId();
    this.#pending.set(id, { context, deadline: now + timeoutMs });
    return id;
  }

  /**
   * A transaction id for a call that expects no answer (releaseStream, FCPublish: servers often
   * send none). An answer that comes anyway is not matched.
   */
  reserveId(): number {
    const id = this.#next;
    this.#next = this.#next >= Number.MAX_SAFE_INTEGER ? 1 : this.#next + 1;
    return id;
  }

  /**
   * Matches a `_result` or `_error` to its call and forgets the call. Returns `undefined` for any
   * other command and for an answer to a call never made or already settled (ignore those).
   */
  settle(response: CommandMessage): TransactionOutcome<T> | undefined {
    if (response.name !== '_result' && response.name !== '_error') return undefined;
    const entry = this.#pending.get(response.transactionId);
    if (entry === undefined) return undefined;
    this.#pending.delete(response.transactionId);
    return {
      outcome: response.name === '_result' ? 'result' : 'error',
      id: response.transactionId,
      context: entry.context,
      response,
    };
  }

  /** Forgets and returns the calls whose deadline is at or before `now`. */
  expire(now: number): Array<TransactionOutcome<T> & { outcome: 'timeout' }> {
    const expired: Array<TransactionOutcome<T> & { outcome: 'timeout' }> = [];
    for (const [id, entry] of this.#pending) {
      if (entry.deadline <= now) {
        this.#pending.delete(id);
        expired.push({ outcome: 'timeout', id, context: entry.context });
      }
    }
    return expired;
  }

  /** The earliest deadline among pending calls (for the caller's timer), if any. */
  nextDeadline(): number | undefined {
    let earliest: number | undefined;
    for (const { deadline } of this.#pending.values())
      if (earliest === undefined || deadline < earliest) earliest = deadline;
    return earliest;
  }

  /** Forgets every pending call and returns them (connection closed). */
  clear(): Array<{ id: number; context: T }> {
    const pending = [...this.#pending].map(([id, entry]) => ({ id, context: entry.context }));
    this.#pending.clear();
    return pending;
  }
}
