import { FourCc } from '../media/fourcc';
import type { ConnectParameters, ConnectRequest } from './connect';

/** Enhanced RTMP v2 `capsEx` flags in `connect` and its `_result` (../shared/rtmp-notes.md §7.2). */
export const CapsEx = {
  /** Honours `NetConnection.Connect.ReconnectRequest`. */
  Reconnect: 1,
  /** Sends or accepts multitrack audio and video. */
  Multitrack: 2,
  /** Understands ModEx packets (skips unknown modifiers). */
  ModEx: 4,
  /** Understands the TimestampOffsetNano ModEx. */
  TimestampNanoOffset: 8,
} as const;

/** Enhanced RTMP v2 flags of `videoFourCcInfoMap` / `audioFourCcInfoMap` values. */
export const FourCcInfo = {
  CanDecode: 1,
  CanEncode: 2,
  CanForward: 4,
} as const;

/** What one side of a connection says it can do with Enhanced RTMP. */
export type EnhancedCapabilities = Pick<
  ConnectParameters,
  'fourCcList' | 'videoFourCcInfoMap' | 'audioFourCcInfoMap' | 'capsEx'
>;

/** Whether a `connect` negotiates Enhanced RTMP: it carries any of `fourCcList`, the info maps or `capsEx`. */
export function offersEnhancedRtmp(request: ConnectRequest): boolean {
  return (
    request.fourCcList !== undefined ||
    request.videoFourCcInfoMap !== undefined ||
    request.audioFourCcInfoMap !== undefined ||
    request.capsEx !== undefined
  );
}

const VIDEO_FOURCCS = [FourCc.Avc, FourCc.Hevc, FourCc.Av1, FourCc.Vp9, FourCc.Vp8, FourCc.Vvc];
const AUDIO_FOURCCS = [FourCc.Aac, FourCc.Opus, FourCc.Flac, FourCc.Ac3, FourCc.Eac3, FourCc.Mp3];
const forwards = (fourCcs: readonly string[]) =>
  Object.freeze(Object.fromEntries(fourCcs.map((fourCc) => [fourCc, FourCcInfo.CanForward])));

/**
 * What a party that passes codec bytes through (decoding none) says of Enhanced RTMP: every FourCC
 * of the v2 spec as CanForward, in `fourCcList` and both info maps, with these `capsEx` flags.
 */
export function forwardingCapabilities(capsEx: number): EnhancedCapabilities {
  return Object.freeze({
    fourCcList: Object.freeze([...VIDEO_FOURCCS, ...AUDIO_FOURCCS]),
    videoFourCcInfoMap: forwards(VIDEO_FOURCCS),
    audioFourCcInfoMap: forwards(AUDIO_FOURCCS),
    capsEx,
  });
}
