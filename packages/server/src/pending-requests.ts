import { RtmpServerError } from './errors';

/** Requests raised to the application and not yet accepted or rejected, by request id. */
export class PendingRequests<T> {
  readonly #pending = new Map<number, T>();
  #next = 1;

  /** Keeps `pending` under a new request id and returns the event `event` makes with that id. */
  raise<E>(pending: T, event: (requestId: number) => E): E {
    const requestId = this.#next++;
    this.#pending.set(requestId, pending);
    return event(requestId);
  }

  /**
   * The request `requestId` stands for, now answered.
   * @throws {@link RtmpServerError} `SERVER_INVALID_STATE` for an unknown or already answered request.
   */
  take(requestId: number): T {
    const pending = this.#pending.get(requestId);
    if (pending === undefined) {
      throw new RtmpServerError(
        'SERVER_INVALID_STATE',
        `no pending request ${requestId} (unknown, or already answered)`,
      );
    }
    this.#pending.delete(requestId);
    return pending;
  }
}
