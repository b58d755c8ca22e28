import { AudioPacketType } from './audio-header';
import { FourCc } from './fourcc';
import { VideoPacketType } from './video-header';

// Builds Enhanced RTMP v2 audio and video bodies (../shared/rtmp-notes.md §9.4, §9.5), the
// counterpart of parseVideoHeader/parseAudioHeader: one track or several (multitrack), any FourCC,
// and a TimestampOffsetNano ModEx.

/** One track's part of an Enhanced RTMP body. */
export interface EnhancedTrack {
  /** 0 is the default track; any other id makes the body multitrack. @default 0 */
  readonly trackId?: number;
  /** `avc1`, `hvc1`, `av01`, `vp09`, `Opus`, `fLaC`, `ac-3`, ... (exactly four characters). */
  readonly fourCc: string;
  /** The codec bytes: configuration record, NAL units, OBUs, audio frames. */
  readonly data: Uint8Array;
  /** PTS - DTS in ms, for AVC, HEVC and VVC coded frames (written as CodedFrames); @default 0 */
  readonly compositionTime?: number;
}

/** What {@link buildVideoBody} writes. */
export interface EnhancedVideoFrame {
  /** `VideoFrameType`: 1 keyframe, 2 inter, 3 disposable, 5 command (with `metadata`). */
  readonly frameType: number;
  readonly packetType:
    | 'sequence-start'
    | 'coded-frames'
    | 'sequence-end'
    | 'metadata'
    | 'mpeg2ts-sequence-start';
  /** One track, or several (sent as one multitrack body). */
  readonly tracks: readonly EnhancedTrack[];
  /** Nanoseconds (0-999,999) added to the message's millisecond timestamp (a ModEx). */
  readonly timestampOffsetNanoseconds?: number;
}

/** What {@link buildAudioBody} writes. */
export interface EnhancedAudioFrame {
  readonly packetType: 'sequence-start' | 'coded-frames' | 'sequence-end' | 'multichannel-config';
  readonly tracks: readonly EnhancedTrack[];
  readonly timestampOffsetNanoseconds?: number;
}

const VIDEO_TYPES = {
  'sequence-start': VideoPacketType.SequenceStart,
  'coded-frames': VideoPacketType.CodedFrames,
  'sequence-end': VideoPacketType.SequenceEnd,
  metadata: VideoPacketType.Metadata,
  'mpeg2ts-sequence-start': VideoPacketType.Mpeg2TsSequenceStart,
} as const;
const AUDIO_TYPES = {
  'sequence-start': AudioPacketType.SequenceStart,
  'coded-frames': AudioPacketType.CodedFrames,
  'sequence-end': AudioPacketType.SequenceEnd,
  'multichannel-config': AudioPacketType.MultichannelConfig,
} as const;
const WITH_COMPOSITION_TIME = new Set<string>([FourCc.Avc, FourCc.Hevc, FourCc.Vvc]);
const MOD_EX = 7;
const MAX_TRACK_BYTES = 0xffffff;

/**
 * An Enhanced RTMP video body (RTMP type 9, FLV VIDEODATA).
 * @throws RangeError for a FourCC that is not four characters, a track id outside 0-255, a
 *   nanosecond offset outside 0-999,999, no track, or a track over 16 MiB in a multitrack body.
 * @example
 * ```ts
 * buildVideoBody({ frameType: 1, packetType: 'coded-frames', tracks: [{ trackId: 1, fourCc: 'hvc1', data: nalUnits }] });
 * ```
 */
export function buildVideoBody(frame: EnhancedVideoFrame): Uint8Array {
  const packetType = VIDEO_TYPES[frame.packetType];
  const tracks = frame.tracks.map((track) => {
    const time = frame.packetType === 'coded-frames' && WITH_COMPOSITION_TIME.has(track.fourCc);
    if (!time) return track;
    const ct = track.compositionTime ?? 0;
    const data = new Uint8Array(3 + track.data.length);
    data.set([(ct >> 16) & 0xff, (ct >> 8) & 0xff, ct & 0xff]);
    data.set(track.data, 3);
    return { ...track, data };
  });
  return build(0x80 | ((frame.frameType & 0x07) << 4), packetType, VideoPacketType.Multitrack, tracks, frame);
}

/**
 * An Enhanced RTMP audio body (RTMP type 8, FLV AUDIODATA with SoundFormat 9).
 * @throws RangeError as {@link buildVideoBody}.
 */
export function buildAudioBody(frame: EnhancedAudioFrame): Uint8Array {
  return build(0x90, AUDIO_TYPES[frame.packetType], AudioPacketType.Multitrack, frame.tracks, frame);
}

function build(
  firstHigh: number,
  packetType: number,
  multitrackType: number,
  tracks: readonly EnhancedTrack[],
  frame: { readonly timestampOffsetNanoseconds?: number },
): Uint8Array {
  if (tracks.length === 0) throw new RangeError('an Enhanced RTMP body needs at least one track');
  for (const track of tracks) {
    if (track.fourCc.length !== 4 || /[^\x20-\x7e]/.test(track.fourCc))
      throw new RangeError(`a FourCC is four printable characters, got ${JSON.stringify(track.fourCc)}`);
    const id = track.trackId ?? 0;
    if (!Number.isInteger(id) || id < 0 || id > 255)
      throw new RangeError(`a track id is an integer in 0..255, got ${id}`);
  }
  const multitrack = tracks.length > 1 || (tracks[0]!.trackId ?? 0) !== 0;
  const nanos = frame.timestampOffsetNanoseconds;
  const modEx = nanos !== undefined && nanos !== 0;
  if (modEx && (!Number.isInteger(nanos) || nanos < 0 || nanos > 999_999))
    throw new RangeError(`a nanosecond offset is an integer in 0..999999, got ${nanos}`);

  const bytes: number[] = [];
  const pieces: Uint8Array[] = [];
  const afterPrefix = multitrack ? multitrackType : packetType;
  if (modEx) {
    // ModEx: size - 1 (3 bytes of data), the u24 offset, then ModEx type 0 (TimestampOffsetNano) and the next type.
    bytes.push(firstHigh | MOD_EX, 2, (nanos >> 16) & 0xff, (nanos >> 8) & 0xff, nanos & 0xff, afterPrefix);
  } else {
    bytes.push(firstHigh | afterPrefix);
  }
  if (!multitrack) {
    pieces.push(Uint8Array.from([...bytes, ...ascii(tracks[0]!.fourCc)]), tracks[0]!.data);
    return concat(pieces);
  }
  const sameCodec = tracks.every((track) => track.fourCc === tracks[0]!.fourCc);
  const layout = tracks.length === 1 ? 0 : sameCodec ? 1 : 2;
  bytes.push((layout << 4) | packetType);
  if (layout !== 2) bytes.push(...ascii(tracks[0]!.fourCc));
  pieces.push(Uint8Array.from(bytes));
  for (const track of tracks) {
    const header: number[] = layout === 2 ? [...ascii(track.fourCc)] : [];
    header.push(track.trackId ?? 0);
    if (layout !== 0) {
      const size = track.data.length;
      if (size > MAX_TRACK_BYTES)
        throw new RangeError(`a multitrack track carries at most 16 MiB, got ${size} bytes`);
      header.push((size >> 16) & 0xff, (size >> 8) & 0xff, size & 0xff);
    }
    pieces.push(Uint8Array.from(header), track.data);
  }
  return concat(pieces);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

function concat(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}
