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
  const tags: FlvTag[] = [];
  for (let at = file.readUInt32BE(5) + 4; at + 11 <= file.length; ) {
    const size = file.readUIntBE(at + 1, 3);
    const timestamp = (file.readUIntBE(at + 4, 3) | (file[at + 7]! << 24)) >>> 0;
    tags.push({ type: file[at]! & 0x1f, timestamp, body: file.subarray(at + 11, at + 11 + size) });
    at += 11 + size + 4;
  }
  return tags;
}
