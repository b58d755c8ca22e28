/**
 * The RTMP chunk stream (RTMP 1.0 §5.3) and its protocol control messages (§5.4), sans-IO:
 * {@link ChunkDecoder} turns bytes split anywhere into whole messages, {@link ChunkEncoder} turns
 * messages into chunks written as header slices plus payload views.
 *
 * ```
 * chunk = basic header (1-3 B) | message header (11/7/3/0 B, by fmt) | [extended timestamp 4 B] | data
 * fmt 0: timestamp u24 | length u24 | type u8 | stream id u32 LE
 * fmt 1: delta u24 | length u24 | type u8     fmt 2: delta u24     fmt 3: (nothing)
 * ```
 * @packageDocumentation
 */

export type { ChunkDecoderOptions, ExtendedTimestampMode } from './chunk-decoder';

// Decoding and encoding
export { ChunkDecoder } from './chunk-decoder';
export type { ChunkEncoderOptions } from './chunk-encoder';
export { ChunkEncoder, encodeStandaloneChunks } from './chunk-encoder';
// Constants and limits
export {
  CONTROL_CHUNK_STREAM_ID,
  ControlMessageType,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MAX_CHUNK_STREAMS,
  DEFAULT_MAX_MESSAGE_LENGTH,
  DEFAULT_MAX_PARTIAL_BYTES,
  DEFAULT_MAX_PARTIAL_STREAMS,
  DEFAULT_MIN_CHUNK_SIZE,
  MAX_CHUNK_SIZE_VALUE,
  MAX_CHUNK_STREAM_ID,
  MAX_MESSAGE_LENGTH,
  MIN_ACKNOWLEDGEMENT_WINDOW,
  MIN_CHUNK_STREAM_ID,
} from './constants';

// Protocol control messages (types 1, 2, 3, 5, 6)
export { decodeAbort, encodeAbort } from './control/abort';
export { decodeAcknowledgement, encodeAcknowledgement } from './control/acknowledgement';
export { checkChunkSize, decodeSetChunkSize, encodeSetChunkSize } from './control/set-chunk-size';
export {
  applyPeerBandwidth,
  decodeSetPeerBandwidth,
  encodeSetPeerBandwidth,
  type PeerBandwidth,
  PeerBandwidthLimit,
} from './control/set-peer-bandwidth';
export {
  decodeWindowAcknowledgementSize,
  encodeWindowAcknowledgementSize,
} from './control/window-acknowledgement-size';
// Errors
export { ChunkError, type ChunkErrorCode } from './errors';
// Messages
export type { RawMessage, ReceivedMessage } from './raw-message';
// Timestamps
export { addTimestamp, timestampDiff, toTimestamp } from './timestamp';
