import type { RawMessage } from '@rtmp/chunk';
import { readMetadata } from '@rtmp/flv';
import {
  audioCodec,
  type MediaInfo,
  mediaInfo,
  parseAudioHeader,
  parseVideoHeader,
  videoCodec,
} from '@rtmp/messages';
import { RtmpServerError } from './errors';
import type { RequestInfo } from './hooks';
import { JoinCache } from './join-cache';
import type { RelayStats } from './relay-stats';
import type { Subscriber } from './subscriber';

/**
 * Audio and video tracks besides the default ones (track 0) a stream may carry: OBS's Enhanced
 * Broadcasting sends up to 5 video tracks, and 6 audio tracks is a common mixer's limit.
 */
export const DEFAULT_MAX_TRACKS_PER_STREAM = 16;

/** How often the published bitrate is recomputed, in ms. */
const BITRATE_WINDOW_MS = 2000;

/** Who publishes a live stream. */
export interface StreamPublisher<C> {
  readonly connection: C;
  readonly streamId: number;
  readonly info: RequestInfo;
}

/** Figures per live stream. */
export interface StreamStats {
  readonly key: string;
  readonly publishing: boolean;
  /** Audio, video and data messages published. */
  readonly messages: number;
  /** Payload bytes published. */
  readonly bytes: number;
  /** Published payload bitrate over the last two seconds or so, in kbit/s. */
  readonly bitrateKbps: number;
  /** FourCC from the last sequence header (`avc1`, `hvc1`, `av01`, `mp4a`, `Opus`, ...), or `codec-<id>`/`format-<n>`. */
  readonly videoCodec: string | undefined;
  /** Width and height from the latest onMetaData, when it gave them. */
  readonly width?: number;
  readonly height?: number;
  /** When its publisher's first message came (epoch ms): the console's uptime. */
  readonly since?: number;
  readonly audioCodec: string | undefined;
  /** Every track whose configuration was published: kind, track id (0 the default) and codec. */
  readonly tracks: readonly {
    readonly kind: 'video' | 'audio';
    readonly trackId: number;
    readonly codec: string;
  }[];
  /** Messages dropped over all subscribers. */
  readonly dropped: number;
  readonly players: number;
  /** Its relays (pushes to other servers), with their state and figures; none when not relayed. */
  readonly relays?: readonly RelayStats[];
  /** With a stream registry (`RtmpServer`'s `registry` option): the node that publishes it. */
  readonly node?: string;
  /** Each subscriber: where from, bytes waiting in its queue, messages dropped. */
  readonly playerDetails: readonly { remoteAddress: string; queuedBytes: number; dropped: number }[];
}

/**
 * A live stream: at most one publisher (`C`: its connection), any number of subscribers, the join
 * cache, its figures.
 */
export class LiveStream<C = unknown, S extends Subscriber = Subscriber> {
  publisher: StreamPublisher<C> | undefined;
  /**
   * A publish let in while the publisher moves after a ReconnectRequest: it takes the stream over
   * at its first media message, or when the publisher leaves.
   */
  successor: StreamPublisher<C> | undefined;
  readonly subscribers = new Set<S>();
  readonly cache: JoinCache;
  messages = 0;
  /** When the current publisher's first message came; cleared when it unpublishes. */
  since: number | undefined;
  #size: { width: number; height: number } | undefined;
  bytes = 0;
  dropped = 0;
  /** Whether video was ever published: an audio-only stream never waits for a keyframe. */
  hasVideo = false;
  /** Every `audio:<id>` and `video:<id>` track seen, for the track limit. */
  readonly #tracks = new Set<string>();
  #videoCodec: string | undefined;
  #audioCodec: string | undefined;
  /** Codec by `video:<id>` / `audio:<id>`, from each track's sequence header. */
  readonly #trackCodecs = new Map<string, string>();
  #windowStart = Date.now();
  #windowBytes = 0;
  #bitrateKbps = 0;

  constructor(
    readonly key: string,
    cacheMaxMessages: number,
    cacheMaxBytes: number,
    private readonly maxTracks = DEFAULT_MAX_TRACKS_PER_STREAM,
  ) {
    this.cache = new JoinCache(cacheMaxMessages, cacheMaxBytes);
  }

  /**
   * Counts and caches one published message (`info`: what it is, if already worked out).
   * @throws {@link RtmpServerError} `SERVER_TOO_MANY_TRACKS` for a track past the limit: the
   * message is not taken.
   */
  add(message: RawMessage, now: number, info: MediaInfo = mediaInfo(message)): void {
    if (info.trackIds.length > 1 || info.trackIds[0] !== 0) this.#countTracks(message.typeId, info.trackIds);
    const { kind } = info;
    if (message.typeId === 9) this.hasVideo = true;
    this.messages++;
    this.bytes += message.payload.length;
    this.cache.add(message, info);
    this.since ??= now;
    if (message.typeId === 18) this.#noteSize(message.payload);
    // Sequence headers name codecs (not HDR metadata or multichannel configuration).
    const sequence = info.slot?.endsWith('/sequence') && (kind === 'video-config' || kind === 'audio-config');
    if (sequence) this.#noteTrackCodecs(message, kind === 'video-config' ? 'video' : 'audio');
    if (sequence && kind === 'video-config' && info.trackIds.includes(0))
      this.#videoCodec = videoCodec(message.payload);
    // Audio codecs without a sequence header (MP3, ...) are named by their first frame.
    if (
      (kind === 'audio-config' && info.trackIds.includes(0)) ||
      (kind === 'audio' && this.#audioCodec === undefined)
    )
      this.#audioCodec = audioCodec(message.payload);
    this.#windowBytes += message.payload.length;
    if (now - this.#windowStart >= BITRATE_WINDOW_MS) {
      this.#bitrateKbps = Math.round((this.#windowBytes * 8) / (now - this.#windowStart));
      this.#windowStart = now;
      this.#windowBytes = 0;
    }
  }

  /** onMetaData's width and height (metadata is rare: read each time). */
  #noteSize(payload: Uint8Array): void {
    const metadata = readMetadata(payload);
    const { width, height } = metadata ?? {};
    if (typeof width === 'number' && typeof height === 'number' && width > 0 && height > 0)
      this.#size = { width, height };
  }

  /** Sequence headers are rare: their tracks' codecs are read from the header each time. */
  #noteTrackCodecs(message: RawMessage, kind: 'video' | 'audio'): void {
    const header = kind === 'video' ? parseVideoHeader(message.payload) : parseAudioHeader(message.payload);
    const legacy = kind === 'video' ? videoCodec(message.payload) : audioCodec(message.payload);
    for (const track of header.tracks) {
      const codec = track.fourCc ?? legacy;
      if (codec !== undefined) this.#trackCodecs.set(`${kind}:${track.trackId}`, codec);
    }
  }

  #countTracks(typeId: number, trackIds: readonly number[]): void {
    for (const id of trackIds) {
      const track = `${typeId === 8 ? 'audio' : 'video'}:${id}`;
      if (this.#tracks.has(track)) continue;
      if (this.#tracks.size >= this.maxTracks) {
        throw new RtmpServerError(
          'SERVER_TOO_MANY_TRACKS',
          `the publisher of ${this.key} sent a ${track.replace(':', ' track ')} past the limit of ${this.maxTracks} tracks per stream (option maxTracksPerStream)`,
        );
      }
      this.#tracks.add(track);
    }
  }

  stats(): StreamStats {
    const players = [...this.subscribers].filter((subscriber) => subscriber.kind !== 'relay');
    return {
      key: this.key,
      publishing: this.publisher !== undefined,
      messages: this.messages,
      bytes: this.bytes,
      bitrateKbps: this.#bitrateKbps,
      videoCodec: this.#videoCodec,
      ...(this.#size ?? {}),
      ...(this.since !== undefined ? { since: this.since } : {}),
      audioCodec: this.#audioCodec,
      tracks: [...this.#trackCodecs].map(([track, codec]) => {
        const [kind, id] = track.split(':') as ['video' | 'audio', string];
        return { kind, trackId: Number(id), codec };
      }),
      dropped: this.dropped,
      players: players.length,
      playerDetails: players.map((subscriber) => ({
        remoteAddress: subscriber.remoteAddress,
        queuedBytes: subscriber.queuedBytes,
        dropped: subscriber.dropped,
      })),
    };
  }
}
