import type { RawMessage } from '@rtmp/chunk';
import { type AudioTrack, parseAudioHeader, SoundFormat } from './audio-header';
import {
  parseVideoHeader,
  VideoCodecId,
  VideoFrameType,
  type VideoTrack,
  videoFrameType,
} from './video-header';

/**
 * What a media message is to a server's fan-out and late joiners, and to a client handing a stream
 * over to a new connection: set-up a decoder cannot do without
 * (metadata, sequence headers and other per-track configuration, legacy or Enhanced RTMP), the end
 * of a track's sequence, a video frame by what depends on it, or audio.
 */
export type MediaKind =
  | 'metadata'
  | 'video-config'
  | 'audio-config'
  | 'video-end'
  | 'audio-end'
  | 'keyframe'
  | 'inter'
  | 'disposable'
  | 'audio';

/** A published message's {@link MediaKind}, and which tracks and which configuration it concerns. */
export interface MediaInfo {
  readonly kind: MediaKind;
  /** The track ids it carries: `[0]` for single-track messages, every track of a multitrack one. */
  readonly trackIds: readonly number[];
  /**
   * For configuration and sequence ends: which configuration it is, so that a join cache keeps one
   * per slot (`video/0/sequence`, `audio/1/multichannel`, `video/0/metadata`, ...).
   */
  readonly slot: string | undefined;
}

const TRACK_0: readonly number[] = Object.freeze([0]);
/** The answers for legacy messages are constants: fan-out works them out per message, allocation-free. */
const LEGACY: Record<string, MediaInfo> = Object.fromEntries(
  (
    [
      ['metadata', undefined],
      ['video-config', 'video/0/sequence'],
      ['audio-config', 'audio/0/sequence'],
      ['video-end', 'video/0/sequence'],
      ['keyframe', undefined],
      ['inter', undefined],
      ['disposable', undefined],
      ['audio', undefined],
    ] as const
  ).map(([kind, slot]) => [kind, Object.freeze({ kind, trackIds: TRACK_0, slot })]),
);

/**
 * Works out what a published message is from its type and tag header, once, for fan-out, the join
 * cache and the figures. A multitrack message is a keyframe only when it carries track 0 (the
 * default track) with the keyframe frame type; a keyframe of another track alone is `inter`.
 * @throws {@link MessageError} when an Enhanced RTMP header is malformed (a track or ModEx runs
 * past the payload): the publisher is then misbehaving.
 */
export function mediaInfo(message: RawMessage): MediaInfo {
  const { typeId, payload } = message;
  if (typeId === 18) return LEGACY['metadata']!;
  const first = payload[0];
  if (typeId === 8) {
    if (first === undefined || first >> 4 !== SoundFormat.ExHeader) {
      return first !== undefined && first >> 4 === SoundFormat.Aac && payload[1] === 0
        ? LEGACY['audio-config']!
        : LEGACY['audio']!;
    }
    return enhancedAudio(parseAudioHeader(payload).tracks);
  }
  if (first === undefined) return LEGACY['inter']!;
  if (!(first & 0x80)) {
    const codecId = first & 0x0f;
    if (codecId === VideoCodecId.Avc || codecId === VideoCodecId.Hevc) {
      if (payload[1] === 0) return LEGACY['video-config']!;
      if (payload[1] === 2) return LEGACY['video-end']!;
    }
    return LEGACY[frameKind(videoFrameType(payload), true)]!;
  }
  const header = parseVideoHeader(payload);
  return enhancedVideo(header.frameType, header.tracks);
}

/** The {@link MediaKind} alone (see {@link mediaInfo}). */
export function mediaKind(message: RawMessage): MediaKind {
  return mediaInfo(message).kind;
}

/** Whether players need this kind whatever their queue: small, and nothing decodes without it. */
export function isDecoderSetup(kind: MediaKind): boolean {
  return (
    kind === 'metadata' ||
    kind === 'video-config' ||
    kind === 'audio-config' ||
    kind === 'video-end' ||
    kind === 'audio-end'
  );
}

const frameKind = (frameType: number | undefined, onDefaultTrack: boolean): MediaKind =>
  frameType === VideoFrameType.Keyframe && onDefaultTrack
    ? 'keyframe'
    : frameType === VideoFrameType.Disposable
      ? 'disposable'
      : 'inter';

const ids = (tracks: readonly { readonly trackId: number }[]): readonly number[] =>
  tracks.length === 1 && tracks[0]!.trackId === 0 ? TRACK_0 : tracks.map((track) => track.trackId);

const slotOf = (kind: 'video' | 'audio', trackIds: readonly number[], what: string) =>
  `${kind}/${trackIds.join(',')}/${what}`;

function enhancedVideo(frameType: number, tracks: readonly VideoTrack[]): MediaInfo {
  const trackIds = ids(tracks);
  const packetType = tracks[0]?.packetType;
  if (packetType === 'sequence-start' || packetType === 'mpeg2ts-sequence-start')
    return { kind: 'video-config', trackIds, slot: slotOf('video', trackIds, 'sequence') };
  if (packetType === 'metadata')
    return { kind: 'video-config', trackIds, slot: slotOf('video', trackIds, 'metadata') };
  if (packetType === 'sequence-end')
    return { kind: 'video-end', trackIds, slot: slotOf('video', trackIds, 'sequence') };
  // A command frame (no tracks) or coded frames.
  return { kind: frameKind(frameType, trackIds.includes(0)), trackIds, slot: undefined };
}

function enhancedAudio(tracks: readonly AudioTrack[]): MediaInfo {
  const trackIds = ids(tracks);
  const packetType = tracks[0]?.packetType;
  if (packetType === 'sequence-start')
    return { kind: 'audio-config', trackIds, slot: slotOf('audio', trackIds, 'sequence') };
  if (packetType === 'multichannel-config')
    return { kind: 'audio-config', trackIds, slot: slotOf('audio', trackIds, 'multichannel') };
  if (packetType === 'sequence-end')
    return { kind: 'audio-end', trackIds, slot: slotOf('audio', trackIds, 'sequence') };
  return trackIds === TRACK_0 ? LEGACY['audio']! : { kind: 'audio', trackIds, slot: undefined };
}
