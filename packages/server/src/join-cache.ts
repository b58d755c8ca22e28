import type { RawMessage } from '@rtmp/chunk';
import { type MediaInfo, mediaInfo, VideoFrameType, videoFrameType } from '@rtmp/messages';

/** Largest GOP kept for late joiners by default (SRS's bounds). */
export const DEFAULT_GOP_CACHE_MAX_MESSAGES = 2500;
export const DEFAULT_GOP_CACHE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * The message itself when its payload owns its whole buffer; otherwise a copy that does. The chunk
 * decoder hands out a one-chunk message as a view of the socket read it came in (no copy): kept
 * for seconds in the cache, such a view would keep the whole read alive (up to 64 KiB for a 300-byte
 * audio frame), memory the byte bounds do not see.
 */
function owned(message: RawMessage): RawMessage {
  const { payload } = message;
  return payload.byteLength === payload.buffer.byteLength
    ? message
    : { ...message, payload: new Uint8Array(payload) };
}

interface Cached {
  readonly message: RawMessage;
  readonly trackIds: readonly number[] | undefined;
}

/**
 * What a player joining a live stream needs before live data: the latest metadata, every track's
 * codec configuration (sequence headers, Enhanced RTMP multichannel configuration and video
 * metadata, one per track and kind), and the messages since the last keyframe of the default video
 * track (track 0), so that it starts on a keyframe. Other video tracks join at their own latest
 * keyframe (kept even when it came a little before track 0's). Bounded in messages and bytes: a
 * publisher that never sends a keyframe cannot grow it.
 */
export class JoinCache {
  #metadata: RawMessage | undefined;
  /** Configuration by slot, in the order each slot first arrived. */
  readonly #config = new Map<string, RawMessage>();
  #configBytes = 0;
  #gop: Cached[] = [];
  #gopBytes = 0;
  /** Position in `#gop` of each video track's latest keyframe. */
  readonly #keyAt = new Map<number, number>();
  /** False until a keyframe of track 0: a GOP cache without one would start players mid-GOP. */
  #keyed = false;

  constructor(
    private readonly maxMessages = DEFAULT_GOP_CACHE_MAX_MESSAGES,
    private readonly maxBytes = DEFAULT_GOP_CACHE_MAX_BYTES,
  ) {}

  /** Whether it holds a GOP from a keyframe: a player joining now starts on one. */
  get keyed(): boolean {
    return this.#keyed;
  }

  /** Metadata and every track's configuration, without the GOP: what a player resuming needs first. */
  setup(): RawMessage[] {
    return [...(this.#metadata ? [this.#metadata] : []), ...this.#config.values()];
  }

  /** Bytes held (GOP and configuration). */
  get bytes(): number {
    return this.#gopBytes + (this.#metadata?.payload.length ?? 0) + this.#configBytes;
  }

  /**
   * Records a published message (type 8, 9 or 18).
   * @param info what the message is, if the caller has worked it out already
   */
  add(message: RawMessage, info: MediaInfo = mediaInfo(message)): void {
    const { kind, slot } = info;
    // Only what is kept is copied (owned): a message dropped here costs no allocation.
    if (kind === 'metadata') {
      this.#metadata = owned(message); // replaced, never accumulated (D12)
      return;
    }
    if (slot !== undefined) {
      const old = this.#config.get(slot);
      this.#configBytes -= old?.payload.length ?? 0;
      if (kind === 'video-end' || kind === 'audio-end') {
        this.#config.delete(slot); // a joiner after the end needs no configuration of it
        return;
      }
      this.#config.set(slot, owned(message));
      this.#configBytes += message.payload.length;
      return;
    }
    if (kind === 'keyframe') this.#startGop();
    if (!this.#keyed) return;
    const { payload } = message;
    if (this.#gop.length >= this.maxMessages || this.#gopBytes + payload.length > this.maxBytes) {
      // Too long a GOP (E10): stop caching it; the next keyframe starts a new one.
      this.#dropGop();
      return;
    }
    const video = message.typeId === 9;
    if (video && videoFrameType(payload) === VideoFrameType.Keyframe) {
      for (const id of info.trackIds) this.#keyAt.set(id, this.#gop.length);
    }
    this.#gop.push({ message: owned(message), trackIds: video ? info.trackIds : undefined });
    this.#gopBytes += payload.length;
  }

  /**
   * What a late joiner gets first, in order: metadata, configuration, then the GOP, where each video
   * track starts at its own latest keyframe.
   */
  joinSequence(): RawMessage[] {
    const sequence: RawMessage[] = [];
    if (this.#metadata) sequence.push(this.#metadata);
    sequence.push(...this.#config.values());
    for (let at = 0; at < this.#gop.length; at++) {
      const { message, trackIds } = this.#gop[at]!;
      if (trackIds === undefined || trackIds.every((id) => at >= (this.#keyAt.get(id) ?? Infinity)))
        sequence.push(message);
    }
    return sequence;
  }

  /** Forgets everything (the publisher left). */
  clear(): void {
    this.#metadata = undefined;
    this.#config.clear();
    this.#configBytes = 0;
    this.#dropGop();
  }

  /**
   * A keyframe of track 0: the GOP restarts here, but keeps what follows the latest keyframe of any
   * other video track since track 0's previous one (encoders put tracks' keyframes close together,
   * not always track 0's first); older ones are not kept, so the cache stays about one GOP long.
   */
  #startGop(): void {
    const previous = this.#keyAt.get(0) ?? 0;
    let from = this.#gop.length;
    for (const [id, at] of this.#keyAt) if (id !== 0 && at >= previous && at < from) from = at;
    const kept = this.#gop.slice(from);
    const keyAt = [...this.#keyAt].filter(([id, at]) => id !== 0 && at >= from);
    this.#dropGop();
    this.#gop = kept;
    for (const { message } of kept) this.#gopBytes += message.payload.length;
    for (const [id, at] of keyAt) this.#keyAt.set(id, at - from);
    this.#keyed = true;
  }

  #dropGop(): void {
    this.#gop = [];
    this.#gopBytes = 0;
    this.#keyAt.clear();
    this.#keyed = false;
  }
}
