import type { RawMessage } from '@rtmp/chunk';
import { type MediaKind, mediaKind } from './media-kind';

/** Largest GOP kept for late joiners by default (SRS's bounds). */
export const DEFAULT_GOP_CACHE_MAX_MESSAGES = 2500;
export const DEFAULT_GOP_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * What a player joining a live stream needs before live data: the latest metadata, the codec
 * configuration (AVC/HEVC and AAC sequence headers, legacy or Enhanced RTMP), and the messages
 * since the last keyframe, so that it starts on a keyframe. Bounded in messages and bytes: a
 * publisher that never sends a keyframe cannot grow it.
 */
export class JoinCache {
  #metadata: RawMessage | undefined;
  #videoConfig: RawMessage | undefined;
  #audioConfig: RawMessage | undefined;
  #gop: RawMessage[] = [];
  #gopBytes = 0;
  /** False until a keyframe: a GOP cache without one would start players mid-GOP. */
  #keyed = false;

  constructor(
    private readonly maxMessages = DEFAULT_GOP_CACHE_MAX_MESSAGES,
    private readonly maxBytes = DEFAULT_GOP_CACHE_MAX_BYTES,
  ) {}

  /** Bytes held (GOP and configuration). */
  get bytes(): number {
    return (
      this.#gopBytes +
      (this.#metadata?.payload.length ?? 0) +
      (this.#videoConfig?.payload.length ?? 0) +
      (this.#audioConfig?.payload.length ?? 0)
    );
  }

  /**
   * Records a published message (type 8, 9 or 18).
   * @param kind what the message is, if the caller has worked it out already
   */
  add(message: RawMessage, kind: MediaKind = mediaKind(message)): void {
    const { payload } = message;
    if (kind === 'metadata') {
      this.#metadata = message; // replaced, never accumulated (D12)
      return;
    }
    if (kind === 'video-config') {
      this.#videoConfig = message;
      return;
    }
    if (kind === 'audio-config') {
      this.#audioConfig = message;
      return;
    }
    if (kind === 'keyframe') {
      this.#gop = [];
      this.#gopBytes = 0;
      this.#keyed = true;
    }
    if (!this.#keyed) return;
    if (this.#gop.length >= this.maxMessages || this.#gopBytes + payload.length > this.maxBytes) {
      // Too long a GOP (E10): stop caching it; the next keyframe starts a new one.
      this.#gop = [];
      this.#gopBytes = 0;
      this.#keyed = false;
      return;
    }
    this.#gop.push(message);
    this.#gopBytes += payload.length;
  }

  /** What a late joiner gets first, in order. */
  joinSequence(): RawMessage[] {
    return [this.#metadata, this.#videoConfig, this.#audioConfig, ...this.#gop].filter(
      (m): m is RawMessage => m !== undefined,
    );
  }

  /** Forgets everything (the publisher left). */
  clear(): void {
    this.#metadata = this.#videoConfig = this.#audioConfig = undefined;
    this.#gop = [];
    this.#gopBytes = 0;
    this.#keyed = false;
  }
}
