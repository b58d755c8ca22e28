import { MessageError } from '../errors';
import { MessageType } from '../message-type';
import { MediaReader, type MultitrackType, readEnhancedBody } from './enhanced-body';
import { FourCc } from './fourcc';

/** FLV FrameType (both legacy and enhanced headers). */
export const VideoFrameType = {
  Keyframe: 1,
  Inter: 2,
  Disposable: 3,
  GeneratedKeyframe: 4,
  Command: 5,
} as const;
/** Legacy FLV CodecID; 12 is FFmpeg's non-standard HEVC. */
export const VideoCodecId = {
  SorensonH263: 2,
  ScreenVideo: 3,
  Vp6: 4,
  Vp6Alpha: 5,
  ScreenVideo2: 6,
  Avc: 7,
  Hevc: 12,
} as const;
/** Enhanced RTMP VideoPacketType. */
export const VideoPacketType = {
  SequenceStart: 0,
  CodedFrames: 1,
  SequenceEnd: 2,
  CodedFramesX: 3,
  Metadata: 4,
  Mpeg2TsSequenceStart: 5,
  Multitrack: 6,
  ModEx: 7,
} as const;

/** What a video track carries. `CodedFramesX` is reported as `coded-frames` with composition time 0. */
export type VideoPacketKind =
  | 'sequence-start'
  | 'coded-frames'
  | 'sequence-end'
  | 'metadata'
  | 'mpeg2ts-sequence-start'
  | 'unknown';

export interface VideoTrack {
  /** 0 for single-track messages (the default track). */
  readonly trackId: number;
  /** `avc1`, `hvc1`, `av01`, `vp09`, ...; undefined for legacy codecs without a FourCC. */
  readonly fourCc: string | undefined;
  readonly packetType: VideoPacketKind;
  /** PTS - DTS in ms (AVC, HEVC, VVC coded frames); 0 otherwise. */
  readonly compositionTime: number;
  /** The codec data (configuration record, NAL units, OBUs, ...), a view of the payload. */
  readonly data: Uint8Array;
}

/** A parsed VIDEODATA header, legacy FLV or Enhanced RTMP. The payload itself is not read. */
export interface VideoHeader {
  readonly enhanced: boolean;
  readonly frameType: number;
  /** Legacy CodecID (7 AVC, 12 HEVC, ...); undefined for enhanced headers. */
  readonly codecId: number | undefined;
  /** Video command (0 start seek, 1 end seek) for command frames; tracks are then empty. */
  readonly command: number | undefined;
  readonly timestampOffsetNanoseconds: number;
  readonly multitrack: MultitrackType | undefined;
  readonly tracks: readonly VideoTrack[];
}

const KINDS: Record<number, VideoPacketKind> = {
  0: 'sequence-start',
  1: 'coded-frames',
  2: 'sequence-end',
  3: 'coded-frames',
  4: 'metadata',
  5: 'mpeg2ts-sequence-start',
};
const WITH_COMPOSITION_TIME = new Set<string>([FourCc.Avc, FourCc.Hevc, FourCc.Vvc]);

const s24 = (value: number) => (value << 8) >> 8;

/**
 * Reads the header of a video payload (FLV VIDEODATA, RTMP type 9).
 * @throws {@link MessageError} `MESSAGE_TRUNCATED` when the payload ends inside the header.
 */
export function parseVideoHeader(payload: Uint8Array): VideoHeader {
  if (payload.length === 0)
    throw new MessageError('MESSAGE_TRUNCATED', 'empty video payload', { typeId: MessageType.Video });
  const first = payload[0]!;
  const reader = new MediaReader(payload, MessageType.Video);
  if (first & 0x80) {
    const frameType = (first >> 4) & 0x07;
    const packetType = first & 0x0f;
    if (frameType === VideoFrameType.Command && packetType !== VideoPacketType.Metadata) {
      return header(true, frameType, undefined, reader.u8('a video command'), 0, undefined, []);
    }
    const body = readEnhancedBody(reader, packetType, VideoPacketType.Multitrack);
    const tracks = body.tracks.map((track): VideoTrack => {
      const hasTime =
        body.packetType === VideoPacketType.CodedFrames && WITH_COMPOSITION_TIME.has(track.fourCc);
      if (hasTime && track.body.length < 3) {
        throw new MessageError('MESSAGE_TRUNCATED', 'coded frames without a composition time', {
          typeId: MessageType.Video,
        });
      }
      return {
        trackId: track.trackId,
        fourCc: track.fourCc,
        packetType: KINDS[body.packetType] ?? 'unknown',
        compositionTime: hasTime ? s24((track.body[0]! << 16) | (track.body[1]! << 8) | track.body[2]!) : 0,
        data: hasTime ? track.body.subarray(3) : track.body,
      };
    });
    return header(
      true,
      frameType,
      undefined,
      undefined,
      body.timestampOffsetNanoseconds,
      body.multitrack,
      tracks,
    );
  }
  const frameType = first >> 4;
  const codecId = first & 0x0f;
  if (frameType === VideoFrameType.Command) {
    return header(false, frameType, codecId, reader.u8('a video command'), 0, undefined, []);
  }
  if (codecId === VideoCodecId.Avc || codecId === VideoCodecId.Hevc) {
    const packetType = reader.u8('an AVC packet type');
    const compositionTime = s24(reader.u24('a composition time'));
    const track: VideoTrack = {
      trackId: 0,
      fourCc: codecId === VideoCodecId.Avc ? FourCc.Avc : FourCc.Hevc,
      packetType: KINDS[packetType] ?? 'unknown',
      compositionTime,
      data: payload.subarray(5),
    };
    return header(false, frameType, codecId, undefined, 0, undefined, [track]);
  }
  const track: VideoTrack = {
    trackId: 0,
    fourCc: undefined,
    packetType: 'coded-frames',
    compositionTime: 0,
    data: payload.subarray(1),
  };
  return header(false, frameType, codecId, undefined, 0, undefined, [track]);
}

function header(
  enhanced: boolean,
  frameType: number,
  codecId: number | undefined,
  command: number | undefined,
  timestampOffsetNanoseconds: number,
  multitrack: MultitrackType | undefined,
  tracks: VideoTrack[],
): VideoHeader {
  return { enhanced, frameType, codecId, command, timestampOffsetNanoseconds, multitrack, tracks };
}

/** The frame type from the first byte alone (cheap: for a server's per-frame decisions). */
export function videoFrameType(payload: Uint8Array): number | undefined {
  const first = payload[0];
  if (first === undefined) return undefined;
  return first & 0x80 ? (first >> 4) & 0x07 : first >> 4;
}

/** Whether a video payload starts a GOP (a keyframe, not a sequence header or command). */
export function isKeyframe(payload: Uint8Array): boolean {
  return videoFrameType(payload) === VideoFrameType.Keyframe && !isVideoSequenceHeader(payload);
}

/** Whether a video frame may be dropped without breaking decoding of others (FrameType 3). */
export function isDisposable(payload: Uint8Array): boolean {
  return videoFrameType(payload) === VideoFrameType.Disposable;
}

/** Whether a video payload carries codec configuration (AVC/HEVC sequence header, enhanced SequenceStart). */
export function isVideoSequenceHeader(payload: Uint8Array): boolean {
  const first = payload[0];
  if (first === undefined) return false;
  if (!(first & 0x80)) {
    const codecId = first & 0x0f;
    return (codecId === VideoCodecId.Avc || codecId === VideoCodecId.Hevc) && payload[1] === 0;
  }
  try {
    const { tracks } = parseVideoHeader(payload);
    return tracks.some((t) => t.packetType === 'sequence-start' || t.packetType === 'mpeg2ts-sequence-start');
  } catch {
    return false;
  }
}

/** The codec of a video payload: a FourCC, or `codec-<id>` for legacy codecs without one. */
export function videoCodec(payload: Uint8Array): string | undefined {
  try {
    const parsed = parseVideoHeader(payload);
    const track = parsed.tracks[0];
    return track?.fourCc ?? (parsed.codecId === undefined ? undefined : `codec-${parsed.codecId}`);
  } catch {
    return undefined;
  }
}
