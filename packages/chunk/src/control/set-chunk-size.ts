import { ControlMessageType, MAX_CHUNK_SIZE_VALUE } from '../constants';
import { ChunkError } from '../errors';
import type { RawMessage } from '../raw-message';
import { controlMessage, readControlU32 } from './read-u32';

/**
 * Set Chunk Size (type 1, RTMP 1.0 §5.4.1): the sender's chunks carry up to `size` payload bytes
 * from now on.
 * @throws RangeError unless 1 ≤ size ≤ 2^31 - 1.
 */
export function encodeSetChunkSize(size: number): RawMessage {
  return controlMessage(ControlMessageType.SetChunkSize, checkChunkSize(size));
}

/**
 * `size` if it is a chunk size that may be announced (1 to 2^31 - 1).
 * @throws RangeError otherwise.
 */
export function checkChunkSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_CHUNK_SIZE_VALUE) {
    throw new RangeError(`chunk size must be an integer in 1..${MAX_CHUNK_SIZE_VALUE}, got ${size}`);
  }
  return size;
}

/**
 * Reads a Set Chunk Size payload.
 * @throws {@link ChunkError} `CHUNK_CONTROL_TOO_SHORT`, or `CHUNK_SIZE_INVALID` for 0 or a value
 *   with the top bit set (RTMP 1.0 §5.4.1: bit 31 must be 0).
 */
export function decodeSetChunkSize(payload: Uint8Array, offset = 0): number {
  const size = readControlU32(payload, 'Set Chunk Size', 4, offset);
  if (size === 0 || size > MAX_CHUNK_SIZE_VALUE) {
    throw new ChunkError('CHUNK_SIZE_INVALID', `Set Chunk Size ${size} is 0 or has the top bit set`, offset);
  }
  return size;
}
