/** What the server sends in the handshake (S0, S1, S2), which acknowledgements do not count. */
const HANDSHAKE_BYTES = 1 + 1536 + 1536;

/**
 * Whether what we send a peer may go on under the limit it set (Set Peer Bandwidth), against its
 * acknowledgements (a peer that set none is never held back: there is nothing to ask).
 */
export class PeerFlow {
  /** The peer's latest acknowledgement, and when it last moved. */
  #acknowledged: number | undefined;
  #acknowledgedAt = 0;

  constructor(private readonly acknowledgementTimeoutMs: number) {}

  /**
   * Under the peer's `limit`: `open` (room in its window), `full` (its window of unacknowledged bytes is used
   * up), or `stalled` (full, with no acknowledgement for the timeout). `bytesWritten` counts the
   * handshake too.
   */
  state(
    limit: { readonly window: number; readonly acknowledged: number },
    bytesWritten: number,
    now: number,
  ): 'open' | 'full' | 'stalled' {
    if (limit.acknowledged !== this.#acknowledged) {
      this.#acknowledged = limit.acknowledged;
      this.#acknowledgedAt = now;
    }
    // Acknowledgements count what came after the handshake (S0, S1, S2), modulo 2^32.
    const sent = Math.max(0, bytesWritten - HANDSHAKE_BYTES) % 2 ** 32;
    const unacknowledged = (sent - limit.acknowledged + 2 ** 32) % 2 ** 32;
    if (unacknowledged < limit.window) return 'open';
    return now - this.#acknowledgedAt > this.acknowledgementTimeoutMs ? 'stalled' : 'full';
  }
}
