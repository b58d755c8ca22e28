import { ControlMessageType } from '../constants';
import type { RawMessage } from '../raw-message';
import { controlMessage, readControlU32 } from './read-u32';

/** Acknowledgement (type 3, RTMP 1.0 §5.4.3): the bytes received so far, modulo 2^32. */
export function encodeAcknowledgement(sequenceNumber: number): RawMessage {
  return controlMessage(ControlMessageType.Acknowledgement, sequenceNumber);
}

/**
 * Reads an Acknowledgement payload.
 * @throws {@link ChunkError} `CHUNK_CONTROL_TOO_SHORT`.
 */
export function decodeAcknowledgement(payload: Uint8Array, offset = 0): number {
  return readControlU32(payload, 'Acknowledgement', 4, offset);
}
