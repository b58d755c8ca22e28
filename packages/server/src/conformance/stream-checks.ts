import {
  type AudioHeader,
  type DataMessage,
  type MediaMessage,
  MessageError,
  numberToFourCc,
  parseAudioHeader,
  parseMetadata,
  parseVideoHeader,
  readAacConfig,
  readAvcConfig,
  type VideoHeader,
} from '@rtmp/messages';
import type { FindingCode } from './findings';

/** Raises a finding: the code, what happened, the stream concerned. */
export type Report = (code: FindingCode, message: string, streamId: number) => void;

/** Codecs whose coded frames cannot be decoded before their configuration (sequence start). */
const NEEDS_CONFIGURATION = new Set(['avc1', 'hvc1', 'av01', 'vvc1', 'mp4a']);
/** A forward gap between consecutive messages of one kind that players notice. */
export const TIMESTAMP_JUMP_MS = 10_000;

/** onMetaData's legacy codec ids as the FourCC a sequence header names. */
const LEGACY_VIDEO: Record<number, string> = { 7: 'avc1', 12: 'hvc1' };
const LEGACY_AUDIO: Record<number, string> = { 10: 'mp4a' };

/** A metadata codec id (legacy number, FourCC as a number, or FourCC string) as a FourCC, if it can tell. */
function metadataCodec(value: unknown, legacy: Record<number, string>): string | undefined {
  if (typeof value === 'string' && value.length === 4) return value;
  if (typeof value !== 'number') return undefined;
  if (value >= 2 ** 24) return numberToFourCc(value);
  return legacy[value];
}

/**
 * The checks of one published message stream: timestamps per kind, metadata before media, decoder
 * configuration before coded frames, the first video frame, composition times, and whether the
 * metadata agrees with the sequence headers. Codes that would repeat on every frame are raised once.
 */
export class StreamChecks {
  readonly #last = new Map<'audio' | 'video', number>();
  readonly #configured = new Set<string>();
  readonly #raised = new Set<string>();
  #sawMetadata = false;
  #sawMedia = false;
  #sawVideoFrame = false;
  #metadata: { width?: number; height?: number; video?: string; audio?: string } | undefined;
  #media: { width?: number; height?: number; video?: string; audio?: string } = {};

  constructor(
    readonly streamId: number,
    private readonly report: Report,
  ) {}

  data(message: DataMessage): void {
    const metadata = parseMetadata(message);
    if (metadata === undefined) return;
    this.#sawMetadata = true;
    const { width, height, videocodecid, audiocodecid } = metadata;
    this.#metadata = {
      ...(typeof width === 'number' && width > 0 ? { width } : {}),
      ...(typeof height === 'number' && height > 0 ? { height } : {}),
      ...((video) => (video ? { video } : {}))(metadataCodec(videocodecid, LEGACY_VIDEO)),
      ...((audio) => (audio ? { audio } : {}))(metadataCodec(audiocodecid, LEGACY_AUDIO)),
    };
    this.#compare();
  }

  media(message: MediaMessage): void {
    this.#timestamps(message.type, message.timestamp);
    if (!this.#sawMedia && !this.#sawMetadata)
      this.#once('missing-set-data-frame', `${message.type} before any onMetaData (@setDataFrame)`);
    this.#sawMedia = true;
    let header: VideoHeader | AudioHeader;
    try {
      header =
        message.type === 'video' ? parseVideoHeader(message.payload) : parseAudioHeader(message.payload);
    } catch (error) {
      if (MessageError.isInstance(error)) return; // the server ignores what does not read
      throw error;
    }
    for (const track of header.tracks) {
      const codec = track.fourCc;
      const key = `${message.type}:${track.trackId}`;
      if (track.packetType === 'sequence-start') {
        this.#configured.add(key);
        this.#configuration(message.type, codec, track.data, track.trackId);
        continue;
      }
      if (track.packetType !== 'coded-frames') continue;
      if (codec !== undefined && NEEDS_CONFIGURATION.has(codec) && !this.#configured.has(key))
        this.#once(
          'media-before-sequence-header',
          `${codec} ${message.type} frames (track ${track.trackId}) before its sequence header`,
          key,
        );
      if (message.type === 'video')
        this.#videoFrame(header as VideoHeader, track as VideoHeader['tracks'][number], message.timestamp);
    }
  }

  #videoFrame(header: VideoHeader, track: VideoHeader['tracks'][number], timestamp: number): void {
    if (!this.#sawVideoFrame && header.frameType !== 1)
      this.#once(
        'first-video-not-keyframe',
        `the first video frame (at ${timestamp} ms) has frame type ${header.frameType}`,
      );
    this.#sawVideoFrame = true;
    if (track.compositionTime < 0)
      this.#once(
        'negative-composition-time',
        `a video frame at ${timestamp} ms has composition time ${track.compositionTime} ms`,
      );
  }

  /** A sequence header: checked; the default track's (0) is what onMetaData describes. */
  #configuration(
    kind: 'audio' | 'video',
    codec: string | undefined,
    data: Uint8Array,
    trackId: number,
  ): void {
    const described = trackId === 0;
    if (codec !== undefined && described) this.#media[kind] = codec;
    if (codec === 'avc1') {
      try {
        const config = readAvcConfig(data);
        if (config.spsCount === 0 || config.ppsCount === 0)
          this.report(
            'avc-config-missing-sps-pps',
            `the AVC sequence header has ${config.spsCount} SPS and ${config.ppsCount} PPS`,
            this.streamId,
          );
        if (config.width !== undefined)
          this.#media = { ...this.#media, width: config.width, height: config.height! };
      } catch (error) {
        if (!MessageError.isInstance(error)) throw error;
        this.report(
          'avc-config-missing-sps-pps',
          `the AVC sequence header does not read: ${error.message}`,
          this.streamId,
        );
      }
    }
    if (codec === 'mp4a') {
      try {
        readAacConfig(data);
      } catch (error) {
        if (!MessageError.isInstance(error)) throw error;
        this.report('aac-config-invalid', error.message, this.streamId);
      }
    }
    this.#compare();
  }

  #timestamps(kind: 'audio' | 'video', timestamp: number): void {
    const last = this.#last.get(kind);
    this.#last.set(kind, timestamp);
    if (last === undefined) return;
    if (timestamp < last)
      this.report(
        'timestamp-regression',
        `${kind} timestamp went back from ${last} to ${timestamp} ms`,
        this.streamId,
      );
    else if (timestamp - last > TIMESTAMP_JUMP_MS)
      this.report(
        'timestamp-jump',
        `${kind} timestamp jumped from ${last} to ${timestamp} ms`,
        this.streamId,
      );
  }

  /** onMetaData against the sequence headers, once both say something. */
  #compare(): void {
    const metadata = this.#metadata;
    if (metadata === undefined) return;
    const differences: string[] = [];
    const media = this.#media;
    for (const field of ['width', 'height', 'video', 'audio'] as const) {
      const said = metadata[field];
      const is = media[field];
      if (said !== undefined && is !== undefined && said !== is)
        differences.push(
          `${field === 'video' || field === 'audio' ? `${field} codec` : field} ${said} (sequence header: ${is})`,
        );
    }
    if (differences.length > 0)
      this.#once('metadata-disagrees-with-media', `onMetaData says ${differences.join(', ')}`);
  }

  /** Raises `code` once for this stream (per `key`: a track). */
  #once(code: FindingCode, message: string, key = ''): void {
    if (this.#raised.has(`${code}${key}`)) return;
    this.#raised.add(`${code}${key}`);
    this.report(code, message, this.streamId);
  }
}
