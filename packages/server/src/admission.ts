import { isDecoderSetup, type MediaKind } from '@rtmp/messages';

/** A subscriber's state as the admission policy reads and updates it. */
export interface AdmissionState {
  /** Nothing but codec configuration until the next keyframe (after drops, or a join before one). */
  waitingForKeyframe: boolean;
  /** Paused by the player (`pause`): no media until it unpauses. */
  paused: boolean;
  /** Turned off by the player (`receiveAudio false` / `receiveVideo false`). */
  audioOff: boolean;
  videoOff: boolean;
  /**
   * Video tracks that have started, while video waits for keyframes (a player that joined before
   * any keyframe, or turned video back on): each track's frames go from its own next keyframe, audio
   * goes on. `undefined`: no wait.
   */
  videoStarted: Set<number> | undefined;
  /** Since when it has been over its budget, if it is. */
  congestedSince: number | undefined;
  /** Messages dropped for it. */
  dropped: number;
}

/**
 * A subscriber's admission state as it starts, for subscriber classes to extend: nothing paused or
 * off, nothing dropped; `keyed` false (its stream has no keyframe yet) makes video wait for one.
 */
export class SubscriberAdmission implements AdmissionState {
  waitingForKeyframe = false;
  paused = false;
  audioOff = false;
  videoOff = false;
  videoStarted: Set<number> | undefined;
  congestedSince: number | undefined;
  dropped = 0;

  constructor(keyed = true) {
    this.videoStarted = keyed ? undefined : new Set();
  }
}

/** What the policy needs to know of a video message beside its kind: its tracks, and whether it is a keyframe of them. */
export interface VideoTracks {
  readonly trackIds: readonly number[];
  /** Frame type keyframe, whichever track (a multitrack keyframe of track 1 is `inter` by kind). */
  readonly keyframe: boolean;
}

/** What the policy needs to know of a subscriber's queue. */
export interface QueueState {
  /** Bytes waiting in its socket. */
  readonly bytes: number;
  /** Since when its socket has not drained (a `write()` returned false), if so. */
  readonly backlogSince: number | undefined;
}

/** The bounds of a subscriber's queue, in bytes and in time. */
export interface AdmissionLimits {
  readonly maxPlayerQueueBytes: number;
  readonly maxPlayerQueueDelayMs: number;
  readonly playerDrainTimeoutMs: number;
}

/**
 * What to do with one message for one subscriber: `send` it; `skip` it (the subscriber asked not to
 * have it: paused, or that kind turned off; not a drop); `drop` it (its queue is over budget); or
 * drop it and `close` the subscriber (over budget for longer than the drain timeout).
 */
export type Admission = 'send' | 'skip' | 'drop' | 'close';

/**
 * The one admission policy for every subscriber (design.md): what it asked for first, then its
 * queue. Codec configuration always goes. Over half the byte budget, disposable frames are
 * dropped; over the budget (or not drained for `maxPlayerQueueDelayMs`), inter frames, keyframes
 * and audio too, and after that it resumes only at a keyframe, so the picture is never broken; an
 * audio-only stream (`hasVideo` false) resumes with its next audio frame. `tracks` says which video
 * tracks a video message carries (default: track 0, a keyframe when `kind` says so). Sans-IO: `now`
 * is given.
 */
export function admit(
  state: AdmissionState,
  kind: MediaKind,
  queue: QueueState,
  now: number,
  hasVideo: boolean,
  limits: AdmissionLimits,
  tracks: VideoTracks = { trackIds: [0], keyframe: kind === 'keyframe' },
): Admission {
  if (state.paused) return 'skip';
  const video = kind === 'keyframe' || kind === 'inter' || kind === 'disposable';
  if ((video && state.videoOff) || (kind === 'audio' && state.audioOff)) return 'skip';
  const started = state.videoStarted;
  if (video && started !== undefined && !tracks.trackIds.every((id) => started.has(id))) {
    if (!tracks.keyframe) return 'skip';
    for (const id of tracks.trackIds) started.add(id);
  }
  const budget = limits.maxPlayerQueueBytes;
  const lagging = queue.backlogSince !== undefined && now - queue.backlogSince > limits.maxPlayerQueueDelayMs;
  const over = queue.bytes > budget || lagging;
  if (isDecoderSetup(kind)) return 'send';
  // Audio of an audio-only stream never waits for a keyframe that will not come.
  const waits = state.waitingForKeyframe && kind !== 'keyframe' && (hasVideo || kind !== 'audio');
  if (!over && !waits && (queue.bytes <= budget / 2 || kind !== 'disposable')) {
    state.waitingForKeyframe = false;
    state.congestedSince = undefined;
    return 'send';
  }
  state.dropped++;
  if (kind === 'inter' || kind === 'keyframe' || kind === 'audio') state.waitingForKeyframe = true;
  state.congestedSince ??= now;
  return over && now - state.congestedSince > limits.playerDrainTimeoutMs ? 'close' : 'drop';
}
