/** Type ids of the protocol control messages this layer applies (RTMP 1.0 §5.4). */
export const ControlMessageType = {
  SetChunkSize: 1,
  Abort: 2,
  Acknowledgement: 3,
  WindowAcknowledgementSize: 5,
  SetPeerBandwidth: 6,
} as const;
/** One of the values of {@link ControlMessageType}. */
export type ControlMessageType = (typeof ControlMessageType)[keyof typeof ControlMessageType];

/** Chunk stream id reserved for protocol and user control messages (RTMP 1.0 §5.3.1.1). */
export const CONTROL_CHUNK_STREAM_ID = 2;
/** Lowest and highest chunk stream ids a basic header can carry. */
export const MIN_CHUNK_STREAM_ID = 2;
export const MAX_CHUNK_STREAM_ID = 65_599;
/** Chunk size both directions start with (RTMP 1.0 §5.4.1). */
export const DEFAULT_CHUNK_SIZE = 128;
/** A message is at most 2^24 - 1 bytes (24-bit length), so no chunk is ever larger. */
export const MAX_MESSAGE_LENGTH = 0xff_ff_ff;
/** Largest Set Chunk Size value on the wire: 31 bits, the top bit must be 0. */
export const MAX_CHUNK_SIZE_VALUE = 0x7f_ff_ff_ff;

/** Longest message the decoder accepts by default: 8 MiB, room for a 4K keyframe. */
export const DEFAULT_MAX_MESSAGE_LENGTH = 8 * 1024 * 1024;
/** Bytes of partial messages (declared lengths) one decoder holds at most by default: 2 messages. */
export const DEFAULT_MAX_PARTIAL_BYTES = 2 * DEFAULT_MAX_MESSAGE_LENGTH;
/** Chunk streams with a message in progress at once, by default. Real peers use 2-4. */
export const DEFAULT_MAX_PARTIAL_STREAMS = 8;
/** Chunk streams one decoder keeps header state for, by default. */
export const DEFAULT_MAX_CHUNK_STREAMS = 256;
/**
 * Smallest inbound chunk size accepted by default. Real peers send 128 or more; smaller sizes only
 * multiply the per-chunk cost (see bench/chunk.bench.ts) and are a known abuse (SRS #541).
 */
export const DEFAULT_MIN_CHUNK_SIZE = 128;
/** A peer's Window Acknowledgement Size below this is raised to it, so it cannot force an ack storm. */
export const MIN_ACKNOWLEDGEMENT_WINDOW = 4096;
