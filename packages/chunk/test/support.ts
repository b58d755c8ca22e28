import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ChunkDecoder,
  type ChunkDecoderOptions,
  ChunkEncoder,
  type RawMessage,
  type ReceivedMessage,
} from '@rtmp/chunk';
import { toHex } from '@rtmp/test-helpers';

export { fromHex as hex, toHex } from '@rtmp/test-helpers';

export const vector = (name: string) =>
  new Uint8Array(readFileSync(join(import.meta.dirname, 'vectors', name)));

export const concat = (parts: readonly Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

/** Decodes `bytes` fed in the given pieces, returning every message. */
export function decodePieces(
  pieces: readonly Uint8Array[],
  options?: ChunkDecoderOptions,
): ReceivedMessage[] {
  const decoder = new ChunkDecoder(options);
  return pieces.flatMap((piece) => decoder.decode(piece));
}

/** `bytes` cut at `at`. */
export const splitAt = (bytes: Uint8Array, at: number) => [bytes.subarray(0, at), bytes.subarray(at)];

/** The comparable part of a message (payload as hex), dropping the chunk stream id. */
export const plain = (m: RawMessage) => ({
  typeId: m.typeId,
  streamId: m.streamId,
  timestamp: m.timestamp,
  payload: toHex(m.payload),
});

/** Re-encodes messages on the chunk streams they arrived on, after announcing `chunkSize`. */
export function reencode(messages: readonly ReceivedMessage[], chunkSize: number): Uint8Array {
  const encoder = new ChunkEncoder();
  const pieces = [...encoder.setChunkSize(chunkSize)];
  for (const m of messages) if (m.typeId !== 1) pieces.push(...encoder.encode(m, m.chunkStreamId));
  return concat(pieces);
}
