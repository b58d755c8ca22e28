import { MessageType } from '../message-type';
import { MediaReader, type MultitrackType, readEnhancedBody } from './enhanced-body';
import { FourCc } from './fourcc';

/** FLV SoundFormat; 9 means an Enhanced RTMP ExHeader follows. */
export const SoundFormat = {
  LinearPcmPlatformEndian: 0,
  Adpcm: 1,
  Mp3: 2,
  LinearPcmLittleEndian: 3,
  Nellymoser16kMono: 4,
  Nellymoser8kMono: 5,
  Nellymoser: 6,
  G711ALaw: 7,
  G711MuLaw: 8,
  ExHeader: 9,
  Aac: 10,
  Speex: 11,
  Mp38k: 14,
  DeviceSpecific: 15,
} as const;
/** Enhanced RTMP AudioPacketType. */
export const AudioPacketType = {
  SequenceStart: 0,
  CodedFrames: 1,
  SequenceEnd: 2,
  MultichannelConfig: 4,
  Multitrack: 5,
  ModEx: 7,
} as const;

/** What an audio track carries. */
export type AudioPacketKind =
  | 'sequence-start'
  | 'coded-frames'
  | 'sequence-end'
  | 'multichannel-config'
  | 'unknown';

export interface AudioTrack {
  readonly trackId: number;
  /** `mp4a`, `Opus`, `fLaC`, `ac-3`, `ec-3`, `.mp3`; undefined for legacy formats without one. */
  readonly fourCc: string | undefined;
  readonly packetType: AudioPacketKind;
  /** The codec data (AudioSpecificConfig, frames, ...), a view of the payload. */
  readonly data: Uint8Array;
}

/** A parsed AUDIODATA header, legacy FLV or Enhanced RTMP. */
export interface AudioHeader {
  readonly enhanced: boolean;
  /** Legacy fields (undefined for enhanced headers): format, rate index (0-3), 8/16-bit, mono/stereo. */
  readonly soundFormat: number | undefined;
  readonly soundRate: number | undefined;
  readonly soundSize: number | undefined;
  readonly soundType: number | undefined;
  readonly timestampOffsetNanoseconds: number;
  readonly multitrack: MultitrackType | undefined;
  /** Empty for an empty payload: the legacy "silence" signal. */
  readonly tracks: readonly AudioTrack[];
}

const KINDS: Record<number, AudioPacketKind> = {
  0: 'sequence-start',
  1: 'coded-frames',
  2: 'sequence-end',
  4: 'multichannel-config',
};

/**
 * Reads the header of an audio payload (FLV AUDIODATA, RTMP type 8).
 * @throws {@link MessageError} `MESSAGE_TRUNCATED` when the payload ends inside the header.
 */
export function parseAudioHeader(payload: Uint8Array): AudioHeader {
  const first = payload[0];
  if (first === undefined)
    return header(false, [undefined, undefined, undefined, undefined], 0, undefined, []);
  const soundFormat = first >> 4;
  const reader = new MediaReader(payload, MessageType.Audio);
  if (soundFormat === SoundFormat.ExHeader) {
    const body = readEnhancedBody(reader, first & 0x0f, AudioPacketType.Multitrack);
    const tracks = body.tracks.map(
      (track): AudioTrack => ({
        trackId: track.trackId,
        fourCc: track.fourCc,
        packetType: KINDS[body.packetType] ?? 'unknown',
        data: track.body,
      }),
    );
    return header(
      true,
      [undefined, undefined, undefined, undefined],
      body.timestampOffsetNanoseconds,
      body.multitrack,
      tracks,
    );
  }
  const legacy = [soundFormat, (first >> 2) & 0x03, (first >> 1) & 0x01, first & 0x01] as const;
  if (soundFormat === SoundFormat.Aac) {
    const packetType = reader.u8('an AAC packet type');
    const track: AudioTrack = {
      trackId: 0,
      fourCc: FourCc.Aac,
      packetType: packetType === 0 ? 'sequence-start' : packetType === 1 ? 'coded-frames' : 'unknown',
      data: payload.subarray(2),
    };
    return header(false, legacy, 0, undefined, [track]);
  }
  const fourCc =
    soundFormat === SoundFormat.Mp3 || soundFormat === SoundFormat.Mp38k ? FourCc.Mp3 : undefined;
  return header(false, legacy, 0, undefined, [
    { trackId: 0, fourCc, packetType: 'coded-frames', data: payload.subarray(1) },
  ]);
}

function header(
  enhanced: boolean,
  [soundFormat, soundRate, soundSize, soundType]: readonly (number | undefined)[],
  timestampOffsetNanoseconds: number,
  multitrack: MultitrackType | undefined,
  tracks: AudioTrack[],
): AudioHeader {
  return {
    enhanced,
    soundFormat,
    soundRate,
    soundSize,
    soundType,
    timestampOffsetNanoseconds,
    multitrack,
    tracks,
  };
}

/** Whether an audio payload carries codec configuration (AAC AudioSpecificConfig, enhanced SequenceStart). */
export function isAudioSequenceHeader(payload: Uint8Array): boolean {
  const first = payload[0];
  if (first === undefined) return false;
  if (first >> 4 === SoundFormat.Aac) return payload[1] === 0;
  if (first >> 4 !== SoundFormat.ExHeader) return false;
  try {
    return parseAudioHeader(payload).tracks.some((t) => t.packetType === 'sequence-start');
  } catch {
    return false;
  }
}

/** The codec of an audio payload: a FourCC, or `format-<n>` for legacy formats without one. */
export function audioCodec(payload: Uint8Array): string | undefined {
  try {
    const parsed = parseAudioHeader(payload);
    return (
      parsed.tracks[0]?.fourCc ??
      (parsed.soundFormat === undefined ? undefined : `format-${parsed.soundFormat}`)
    );
  } catch {
    return undefined;
  }
}
