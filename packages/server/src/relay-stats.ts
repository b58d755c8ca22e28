// What the statistics say of a stream's relays.

/** Where a relay is: connecting (first time), live, retrying after a drop, failed (refused), stopped. */
export type RelayState = 'connecting' | 'live' | 'retrying' | 'failed' | 'stopped';

/** A relay's figures, as `RtmpServer.stats()` lists them per stream. */
export interface RelayStats {
  /** `push` to a destination, or `pull` from an origin. */
  readonly direction: 'push' | 'pull';
  /** The stream's URL there (`rtmp[s]://host[:port]/app/name`, query strings left out). */
  readonly url: string;
  readonly state: RelayState;
  /** Payload bytes and messages relayed. */
  readonly bytes: number;
  readonly messages: number;
  /** Messages dropped because the destination was too slow. */
  readonly dropped: number;
  /** Connections made again after a drop. */
  readonly reconnects: number;
  /** Why it failed (a refusal's status code and description), when it did. */
  readonly error?: string;
}
