/**
 * One RTMP message as the chunk layer sees it: a type id, a message stream id, a 32-bit timestamp
 * in milliseconds and the payload bytes, meaning unknown. Every higher layer is built on this.
 */
export interface RawMessage {
  /** Message type id (1-6 protocol control, 8 audio, 9 video, 18 data, 20 command, ...). */
  readonly typeId: number;
  /** Message stream id: 0 for the NetConnection, the id from createStream for a NetStream. */
  readonly streamId: number;
  /** Milliseconds, 32-bit, wrapping; compare with {@link timestampDiff}. */
  readonly timestamp: number;
  readonly payload: Uint8Array;
}

/** A message as the decoder delivers it, with the chunk stream it arrived on. */
export interface ReceivedMessage extends RawMessage {
  readonly chunkStreamId: number;
}
