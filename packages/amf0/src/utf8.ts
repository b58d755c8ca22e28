// UTF-8 for the short strings AMF0 is made of. Pure-ASCII strings, the overwhelming majority in
// RTMP (command names, keys, codes), are converted in a loop; everything else goes through the
// platform codec, so malformed input is replaced the same way (U+FFFD) on every runtime.

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

/** Below this many bytes the JS loop beats `TextDecoder` (measured in bench/amf0.bench.ts). */
const LOOP_DECODE_MAX = 48;

/** Decodes `length` bytes at `start`. Malformed sequences become U+FFFD. */
export function utf8Decode(bytes: Uint8Array, start: number, length: number): string {
  if (length <= LOOP_DECODE_MAX) {
    let out = '';
    const end = start + length;
    for (let i = start; i < end; i++) {
      const byte = bytes[i]!;
      if (byte >= 0x80) return decoder.decode(bytes.subarray(start, end));
      out += String.fromCharCode(byte);
    }
    return out;
  }
  return decoder.decode(bytes.subarray(start, start + length));
}

/**
 * Writes `text` as UTF-8 into `target` at `offset`, which must have room for `utf8Length(text)`
 * bytes. Returns the number of bytes written.
 */
export function utf8Write(text: string, target: Uint8Array, offset: number): number {
  const length = text.length;
  if (length <= LOOP_DECODE_MAX) {
    let i = 0;
    for (; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) break;
      target[offset + i] = code;
    }
    if (i === length) return length;
  }
  return encoder.encodeInto(text, target.subarray(offset)).written;
}
