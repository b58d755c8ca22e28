// UTF-8 for the short strings AMF0 is made of. Pure-ASCII strings, the overwhelming majority in
// RTMP (command names, keys, status codes), are served from a small cache or converted in a loop;
// everything else goes through the platform codec, so malformed input is replaced the same way
// (U+FFFD) on every runtime.

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

/** Strings up to this many bytes are cached and converted in JS (measured in bench/amf0.bench.ts). */
const SHORT_MAX = 64;
/** Cache entries kept at most; the cache is emptied when full, so a peer cannot grow it. */
const CACHE_MAX = 1024;
const cache = new Map<number, string>();

/** Decodes `length` bytes at `start`. Malformed sequences become U+FFFD. */
export function utf8Decode(bytes: Uint8Array, start: number, length: number): string {
  if (length > SHORT_MAX) return decoder.decode(bytes.subarray(start, start + length));
  const end = start + length;
  let hash = length;
  for (let i = start; i < end; i++) {
    const byte = bytes[i]!;
    if (byte >= 0x80) return decoder.decode(bytes.subarray(start, end));
    hash = Math.imul(hash ^ byte, 0x01000193); // FNV-1a step
  }
  const hit = cache.get(hash);
  if (hit !== undefined && sameAscii(hit, bytes, start, length)) return hit;
  let text = '';
  for (let i = start; i < end; i++) text += String.fromCharCode(bytes[i]!);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(hash, text);
  return text;
}

function sameAscii(text: string, bytes: Uint8Array, start: number, length: number): boolean {
  if (text.length !== length) return false;
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) !== bytes[start + i]) return false;
  return true;
}

/**
 * Writes `text` as UTF-8 into `target` at `offset`, which must have room for 3 bytes per UTF-16
 * unit. Returns the number of bytes written.
 */
export function utf8Write(text: string, target: Uint8Array, offset: number): number {
  const length = text.length;
  if (length <= SHORT_MAX) {
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
