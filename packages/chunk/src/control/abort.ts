import { ControlMessageType } from '../constants';
import type { RawMessage } from '../raw-message';
import { controlMessage, readControlU32 } from './read-u32';

/** Abort (type 2, RTMP 1.0 §5.4.2): drop the partial message on `chunkStreamId`. */
export function encodeAbort(chunkStreamId: number): RawMessage {
  return controlMessage(ControlMessageType.Abort, chunkStreamId);
}

/**
 * Reads an Abort payload: the chunk stream id whose partial message to drop.
 * @throws {@link ChunkError} `CHUNK_CONTROL_TOO_SHORT`.
 */
export function decodeAbort(payload: Uint8Array, offset = 0): number {
  return readControlU32(payload, 'Abort', 4, offset);
}
