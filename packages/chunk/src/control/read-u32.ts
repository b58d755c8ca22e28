import { ChunkError } from '../errors';

/** The big-endian u32 every control message starts with, or a CHUNK_CONTROL_TOO_SHORT error. */
export function readControlU32(payload: Uint8Array, what: string, minLength: number, offset: number): number {
  if (payload.length < minLength) {
    throw new ChunkError(
      'CHUNK_CONTROL_TOO_SHORT',
      `${what} needs ${minLength} payload bytes, got ${payload.length}`,
      offset,
    );
  }
  return ((payload[0]! << 24) | (payload[1]! << 16) | (payload[2]! << 8) | payload[3]!) >>> 0;
}

/** A control message carrying one u32: stream 0, timestamp 0. */
export function controlMessage(typeId: number, value: number) {
  const payload = new Uint8Array(4);
  new DataView(payload.buffer).setUint32(0, value >>> 0);
  return { typeId, streamId: 0, timestamp: 0, payload };
}
