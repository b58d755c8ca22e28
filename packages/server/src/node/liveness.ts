/** The deadlines {@link Liveness} keeps, in ms. */
export interface LivenessLimits {
  readonly connectTimeoutMs: number;
  readonly pingIntervalMs: number;
  readonly pingTimeoutMs: number;
  readonly publishFirstMediaTimeoutMs: number;
  readonly publishIdleTimeoutMs: number;
}

/** What {@link Liveness} does to its connection. */
export interface LivenessActions {
  /** Whether a connect was accepted (only then are pings sent). */
  readonly connected: () => boolean;
  readonly ping: (now: number) => void;
  readonly close: () => void;
}

/**
 * One connection's deadlines: the connect deadline from accept (B3), a ping to a silent peer and
 * the close of one that stays silent (F5: half-open peers), and the close of a publisher that sends
 * no media (E9).
 */
export class Liveness {
  #lastReceived = Date.now();
  #pingedAt: number | undefined;
  #publishedAt: number | undefined;
  #lastMedia: number | undefined;
  readonly #deadline: NodeJS.Timeout;
  readonly #interval: NodeJS.Timeout;

  constructor(
    private readonly limits: LivenessLimits,
    private readonly actions: LivenessActions,
  ) {
    // B3, the connect deadline: total, from accept to an accepted connect.
    this.#deadline = setTimeout(() => actions.close(), limits.connectTimeoutMs);
    const tick = Math.min(limits.pingIntervalMs, limits.publishIdleTimeoutMs, 1000);
    this.#interval = setInterval(() => this.#check(), tick);
    this.#interval.unref();
  }

  /** Bytes came from the peer. */
  received(): void {
    this.#lastReceived = Date.now();
    this.#pingedAt = undefined;
  }

  /** A connect was accepted: the connect deadline no longer applies. */
  connected(): void {
    clearTimeout(this.#deadline);
  }

  /** It publishes (again): media must come. */
  publishing(now: number): void {
    this.#publishedAt = now;
  }

  /** Media came from its publisher. */
  media(now: number): void {
    this.#lastMedia = now;
  }

  /** It publishes nothing any more. */
  notPublishing(): void {
    this.#publishedAt = this.#lastMedia = undefined;
  }

  stop(): void {
    clearTimeout(this.#deadline);
    clearInterval(this.#interval);
  }

  #check(): void {
    const limits = this.limits;
    const now = Date.now();
    if (this.#pingedAt !== undefined && now - this.#pingedAt >= limits.pingTimeoutMs) {
      this.actions.close();
      return;
    }
    if (
      this.#pingedAt === undefined &&
      now - this.#lastReceived >= limits.pingIntervalMs &&
      this.actions.connected()
    ) {
      this.#pingedAt = now;
      this.actions.ping(now);
    }
    if (this.#publishedAt !== undefined) {
      const idle =
        this.#lastMedia === undefined
          ? now - this.#publishedAt >= limits.publishFirstMediaTimeoutMs
          : now - this.#lastMedia >= limits.publishIdleTimeoutMs;
      if (idle) this.actions.close();
    }
  }
}
