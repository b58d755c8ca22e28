import { ControlMessageType, MAX_CHUNK_SIZE_VALUE } from '../constants';
import { ChunkError } from '../errors';
import type { RawMessage } from '../raw-message';
import { controlMessage, readControlU32 } from './read-u32';

/** Window Acknowledgement Size (type 5, RTMP 1.0 §5.4.4): acknowledge after this many bytes. */
export function encodeWindowAcknowledgementSize(window: number): RawMessage {
  return controlMessage(ControlMessageType.WindowAcknowledgementSize, window);
}

/**
 * Reads a Window Acknowledgement Size payload.
 * @throws {@link ChunkError} `CHUNK_CONTROL_TOO_SHORT`, or `CHUNK_WINDOW_INVALID` for 0 or a value
 *   with the top bit set.
 */
export function decodeWindowAcknowledgementSize(payload: Uint8Array, offset = 0): number {
  const window = readControlU32(payload, 'Window Acknowledgement Size', 4, offset);
  if (window === 0 || window > MAX_CHUNK_SIZE_VALUE) {
    throw new ChunkError(
      'CHUNK_WINDOW_INVALID',
      `Window Acknowledgement Size ${window} is 0 or has the top bit set`,
      offset,
    );
  }
  return window;
}
