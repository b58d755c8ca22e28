import type { RelayState, RelayStats } from '../relay-stats';
import { diagnostics, report } from './diagnostics';

/** A URL's `rtmp[s]://host[:port]/app/name` without the query (keys stay private). */
export const publicUrl = (url: string) => url.split('?')[0]!;

/** A relay's state and figures, each change reported on `rtmp:server:relay`. */
export class RelayStatus {
  #state: RelayState = 'connecting';
  #bytes = 0;
  #messages = 0;
  #reconnects = 0;
  #error: string | undefined;

  constructor(
    private readonly direction: 'push' | 'pull',
    /** The stream's URL there (the query is left out of the figures). */
    private readonly url: string,
    private readonly streamKey: string,
    /** Messages dropped for it so far. */
    private readonly dropped: () => number = () => 0,
  ) {}

  get state(): RelayState {
    return this.#state;
  }

  enter(state: RelayState): void {
    this.#state = state;
    report(diagnostics.relay, () => ({ stream: this.streamKey, ...this.stats }));
  }

  /** Its connection failed and will be made again. */
  retrying(error: unknown): void {
    this.#reconnects++;
    this.#error = (error as Error).message;
    this.enter('retrying');
  }

  /** It ended: `stopped` when asked to or done without `error`, else `failed` with it. */
  settle(stopped: boolean, error?: unknown): void {
    const failed = !stopped && error !== undefined;
    if (failed) this.#error = (error as Error).message;
    this.enter(failed ? 'failed' : 'stopped');
  }

  /** One message relayed. */
  relayed(bytes: number): void {
    this.#bytes += bytes;
    this.#messages++;
  }

  get stats(): RelayStats {
    return {
      direction: this.direction,
      url: publicUrl(this.url),
      state: this.#state,
      bytes: this.#bytes,
      messages: this.#messages,
      dropped: this.dropped(),
      reconnects: this.#reconnects,
      ...(this.#error !== undefined && this.#state !== 'live' ? { error: this.#error } : {}),
    };
  }
}
