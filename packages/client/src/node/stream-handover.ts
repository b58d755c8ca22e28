import { type MediaInfo, mediaInfo } from '@rtmp/messages';
import type { PlayerEvent } from './connection';

// Moving a stream to a new connection (after a ReconnectRequest) without losing or repeating a
// frame: a publisher switches at its next keyframe, after giving the new connection the metadata
// and every track's configuration; a player switches to the new connection's first keyframe later
// than what it already yielded.

const TYPE_ID = { audio: 8, video: 9 } as const;

/** What a media body is; a body whose Enhanced RTMP header does not parse counts as an inter frame. */
function describe(type: 'audio' | 'video', timestamp: number, payload: Uint8Array): MediaInfo {
  try {
    return mediaInfo({ typeId: TYPE_ID[type], streamId: 0, timestamp, payload });
  } catch {
    return { kind: type === 'audio' ? 'audio' : 'inter', trackIds: [0], slot: undefined };
  }
}

/** A media write to replay on a new connection. */
export interface MediaWrite {
  readonly type: 'audio' | 'video';
  readonly timestamp: number;
  readonly payload: Uint8Array;
}

/**
 * What a publisher has set up so far (metadata, each track's configuration by slot), so a new
 * connection can be given it before the keyframe it switches at.
 */
export class PublishedSetup {
  metadata: Readonly<Record<string, unknown>> | undefined;
  readonly #config = new Map<string, MediaWrite>();
  #hasVideo = false;

  /** Notes a write; says whether a move may switch here (a keyframe of track 0, or audio without video). */
  note(write: MediaWrite): boolean {
    const { kind, slot } = describe(write.type, write.timestamp, write.payload);
    if (write.type === 'video') this.#hasVideo = true;
    if (slot !== undefined) {
      if (kind === 'video-end' || kind === 'audio-end') this.#config.delete(slot);
      else this.#config.set(slot, { ...write, payload: write.payload.slice() });
    }
    return kind === 'keyframe' || (kind === 'audio' && !this.#hasVideo);
  }

  /** Each track's configuration, in the order first seen. */
  config(): MediaWrite[] {
    return [...this.#config.values()];
  }
}

/** Serial comparison of 32-bit RTMP timestamps: whether `a` is later than `b`. */
const later = (a: number, b: number) => ((a - b) | 0) > 0;

/**
 * A successor player's events, held until the switch. The switch point is its first video keyframe
 * later than the last video the old player queued (for audio-only streams, its first audio later
 * than the last audio); from there on its events are kept. The old player goes on until it reaches
 * that point itself (or its stream ends), so that nothing between is lost though the two connections
 * deliver at their own pace; then {@link PlayerHandover.take} gives the latest metadata and
 * configuration, the held audio the old player has not queued, the keyframe and what followed.
 */
export class PlayerHandover {
  readonly #setup = new Map<string, PlayerEvent>();
  #metadata: PlayerEvent | undefined;
  #sawVideo = false;
  /** Audio since the successor's latest video keyframe: the old player may not have had it yet. */
  #audio: PlayerEvent[] = [];
  /** From the switch point on: what the successor delivered. */
  #held: PlayerEvent[] | undefined;
  /** The switch point's kind and timestamp, once found. */
  #at: { readonly type: 'audio' | 'video'; readonly timestamp: number } | undefined;

  /** Whether the successor has reached a switch point. */
  get ready(): boolean {
    return this.#at !== undefined;
  }

  /** Whether an event of the old player's is at or past the switch point (it is not to be queued). */
  reached(event: PlayerEvent): boolean {
    const at = this.#at;
    return at !== undefined && event.type === at.type && !later(at.timestamp, event.timestamp);
  }

  /**
   * Takes a successor event, given the timestamps of the last video and audio the old player has
   * queued.
   */
  offer(event: PlayerEvent, lastVideo: number | undefined, lastAudio: number | undefined): void {
    // Its Play.Start and StreamBegin: the consumer saw them from the old connection already.
    if (event.type === 'status' || event.type === 'stream') return;
    if (this.#held !== undefined) {
      this.#held.push(event);
      return;
    }
    if (event.type === 'data') {
      if (event.name === 'onMetaData') this.#metadata = event;
      return;
    }
    const { kind, slot } = describe(event.type, event.timestamp, event.payload);
    if (slot !== undefined) {
      if (kind === 'video-end' || kind === 'audio-end') this.#setup.delete(slot);
      else this.#setup.set(slot, event);
      return;
    }
    if (event.type === 'audio') {
      const audioOnly = lastVideo === undefined && !this.#sawVideo;
      if (audioOnly && (lastAudio === undefined || later(event.timestamp, lastAudio))) this.#hold(event, []);
      else this.#audio.push(event);
      return;
    }
    this.#sawVideo = true;
    if (kind !== 'keyframe') return;
    if (lastVideo !== undefined && !later(event.timestamp, lastVideo)) {
      this.#audio = []; // a GOP the old player is already past: its audio too
      return;
    }
    this.#hold(event, this.#audio);
  }

  /** What to queue at the switch: metadata, configuration, then media the old player has not queued. */
  take(lastAudio: number | undefined): PlayerEvent[] {
    const media = (this.#held ?? []).filter(
      (event) => event.type !== 'audio' || lastAudio === undefined || later(event.timestamp, lastAudio),
    );
    return [...(this.#metadata ? [this.#metadata] : []), ...this.#setup.values(), ...media];
  }

  #hold(
    event: PlayerEvent & { type: 'audio' | 'video'; timestamp: number },
    audioBefore: PlayerEvent[],
  ): void {
    this.#at = { type: event.type, timestamp: event.timestamp };
    this.#held = [...audioBefore, event];
  }
}
