import { readFileSync } from 'node:fs';

/** One FLV tag: what an RTMP audio (8), video (9) or data (18) message carries. */
export interface FlvTag {
  readonly type: number;
  readonly timestamp: number;
  readonly body: Uint8Array;
}

/**
 * The tags of an FLV file, for comparing what crossed the wire with its source. Test-only and
 * strict: no recovery from damaged files (that is @rtmp/flv's job).
 */
export function readFlvTags(path: string): FlvTag[] {
  const file = readFileSync(path);
  if (file.subarray(0, 3).toString('latin1') !== 'FLV') throw new Error(`${path} is not an FLV file`);
  return flvTagsOf(file);
}

/**
 * The whole tags in FLV bytes that start with the FLV header (a file, or what an HTTP-FLV or
 * WebSocket-FLV viewer got so far): a tag not yet complete at the end is left out.
 */
export function flvTagsOf(bytes: Uint8Array): FlvTag[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tags: FlvTag[] = [];
  if (bytes.length < 9) return tags;
  for (let at = view.getUint32(5) + 4; at + 11 <= bytes.length; ) {
    const size = (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (at + 11 + size > bytes.length) break;
    const timestamp =
      ((bytes[at + 4]! << 16) | (bytes[at + 5]! << 8) | bytes[at + 6]! | (bytes[at + 7]! << 24)) >>> 0;
    tags.push({ type: bytes[at]! & 0x1f, timestamp, body: bytes.subarray(at + 11, at + 11 + size) });
    at += 11 + size + 4;
  }
  return tags;
}
