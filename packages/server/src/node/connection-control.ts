/**
 * What a test harness can do to one connection to play a hostile or unusual server (the reference
 * server's scripted faults): cut it, stall it, change its chunk size, ask it to reconnect, end its
 * plays, ping it, answer it late. Each acts at once; a closed connection ignores them.
 */
export interface ConnectionControl {
  /** Closes the TCP connection: `'close'` with a FIN, `'reset'` with an RST. */
  close(how?: 'close' | 'reset'): void;
  /** Stops reading from the peer for `ms` (its writes back up, as on a congested network). */
  stall(ms: number): void;
  /** Sends Set Chunk Size `size` and chunks everything after it at that size. */
  setChunkSize(size: number): void;
  /** Sends Enhanced RTMP's ReconnectRequest (to `tcUrl`, if given). */
  requestReconnect(options?: { readonly tcUrl?: string; readonly description?: string }): void;
  /** Ends what it plays live: StreamEOF and `NetStream.Play.UnpublishNotify`, then nothing more. */
  endPlays(): void;
  /** Sends a PingRequest. */
  ping(): void;
  /** Handles what it sends `ms` late from now on: every answer comes that much later. */
  delay(ms: number): void;
}
