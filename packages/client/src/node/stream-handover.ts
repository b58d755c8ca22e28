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
 * A successor player's events, held until it reaches a video keyframe later than the last video
 * the old player queued (or, for audio-only streams, audio later than its last audio). Then the
 * latest metadata and configuration it sent go first, then the audio it held that the old player
 * has not queued, then the keyframe; what follows goes straight through.
 */
export class PlayerHandover {
  readonly #setup = new Map<string, PlayerEvent>();
  #metadata: PlayerEvent | undefined;
  #sawVideo = false;
  /** Audio since the successor's latest video keyframe: the old player may not have had it yet. */
  #audio: PlayerEvent[] = [];

  /**
   * Takes a successor event, given the timestamps of the last video and audio the old player has
   * queued; returns what to queue when the switch happens with it, else undefined.
   */
  offer(
    event: PlayerEvent,
    lastVideo: number | undefined,
    lastAudio: number | undefined,
  ): PlayerEvent[] | undefined {
    if (event.type === 'status') return undefined; // its Play.Start: the consumer saw one already
    if (event.type === 'data') {
      if (event.name === 'onMetaData') this.#metadata = event;
      return undefined;
    }
    const { kind, slot } = describe(event.type, event.timestamp, event.payload);
    if (slot !== undefined) {
      if (kind === 'video-end' || kind === 'audio-end') this.#setup.delete(slot);
      else this.#setup.set(slot, event);
      return undefined;
    }
    const newAudio = (audio: PlayerEvent & { timestamp: number }) =>
      lastAudio === undefined || later(audio.timestamp, lastAudio);
    if (event.type === 'audio') {
      if (lastVideo === undefined && !this.#sawVideo && newAudio(event)) return this.#switch([event]);
      this.#audio.push(event);
      return undefined;
    }
    this.#sawVideo = true;
    if (kind !== 'keyframe') return undefined;
    if (lastVideo !== undefined && !later(event.timestamp, lastVideo)) {
      this.#audio = []; // a GOP the old player is already past: its audio too
      return undefined;
    }
    return this.#switch([...this.#audio.filter((audio) => audio.type === 'audio' && newAudio(audio)), event]);
  }

  #switch(media: PlayerEvent[]): PlayerEvent[] {
    return [...(this.#metadata ? [this.#metadata] : []), ...this.#setup.values(), ...media];
  }
}
