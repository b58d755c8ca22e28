import type { RawMessage } from '@rtmp/chunk';
import type { AdmissionState } from './admission';

/**
 * Anything that receives a live stream from the {@link StreamHub}: an RTMP player today; an
 * HTTP-FLV or WebSocket-FLV viewer or a relay push tomorrow. The hub encodes each published message
 * once per distinct {@link Subscriber.encoding} and hands the same bytes to every subscriber that
 * shares it; the admission policy ({@link admit}) reads and updates its {@link AdmissionState}.
 * `Batch` is what the transport groups one read's writes in (see `fanOut`).
 */
export interface Subscriber<Batch = unknown> extends AdmissionState {
  /** A relay push counts in a stream's relays, not its players. @default 'player' */
  readonly kind?: 'player' | 'relay';
  /** Who it is, for the figures: the remote address. */
  readonly remoteAddress: string;
  /** Bytes waiting to leave (its socket's queue), for the figures. */
  readonly queuedBytes: number;
  /** Subscribers with the same encoding take the same bytes (RTMP: stream id and chunk size). */
  readonly encoding: number;
  /** The bytes of `message` for this subscriber's encoding. */
  encode(message: RawMessage): Uint8Array;
  /**
   * Fills `queue` with its queue now, as the admission policy reads it; false when the subscriber
   * can take nothing more and was closed (e.g. a peer that stopped acknowledging).
   */
  readQueue(now: number, queue: { bytes: number; backlogSince: number | undefined }): boolean;
  /** Bytes of a published `message`, shared with every subscriber of the same encoding. */
  deliver(bytes: Uint8Array, batch: Batch, message: RawMessage): void;
  /** Messages of its own (the join sequence, a restart), sent now in order. */
  send(messages: readonly RawMessage[]): void;
  /** Its stream's publisher left, or came back. */
  notify(event: 'unpublished' | 'published'): void;
  /** Ends it (over its queue budget for too long). */
  close(): void;
}
