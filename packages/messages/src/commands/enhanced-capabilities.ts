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
