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

/** A control message: stream 0, timestamp 0, the given type and payload. */
export function controlMessage(typeId: number, ...words: number[]) {
  const payload = new Uint8Array(words.length * 4);
  const view = new DataView(payload.buffer);
  words.forEach((word, i) => view.setUint32(i * 4, word >>> 0));
  return { typeId, streamId: 0, timestamp: 0, payload };
}
