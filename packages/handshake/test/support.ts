import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const vector = (name: string) =>
  new Uint8Array(readFileSync(join(import.meta.dirname, 'vectors', name)));

/** A deterministic random source: each call returns the next bytes of a seeded xorshift stream. */
export function seededRandom(seed = 0x2545f491): (size: number) => Uint8Array {
  let state = seed >>> 0 || 1;
  return (size) => {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      out[i] = state & 0xff;
    }
    return out;
  };
}

/** Returns exactly `bytes` on the first call (for a C1 body), then falls back to `next`. */
export function scriptedRandom(bytes: Uint8Array, next = seededRandom()): (size: number) => Uint8Array {
  let used = false;
  return (size) => {
    if (!used && size === bytes.length) {
      used = true;
      return bytes.slice();
    }
    return next(size);
  };
}

export const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

interface Feedable {
  receive(bytes: Uint8Array): import('@rtmp/handshake').HandshakeResult;
}

/**
 * Feeds `parts` in order until the handshake completes, like a socket reader would; bytes in parts
 * after completion go to `after`, as they would go to the chunk decoder.
 */
export function feed(handshake: Feedable, parts: Uint8Array[]) {
  const sent: Uint8Array[] = [];
  let scheme: string | undefined;
  let after = new Uint8Array(0);
  for (const part of parts) {
    if (scheme !== undefined) {
      after = concat(after, part);
      continue;
    }
    const result = handshake.receive(part);
    sent.push(...result.send);
    if (result.status === 'done') {
      scheme = result.scheme;
      after = concat(after, result.remaining);
    }
  }
  return { sent: concat(...sent), sends: sent.length, done: scheme !== undefined, scheme, after };
}

/** `bytes` cut at each of `points` (sorted, within range). */
export const cut = (bytes: Uint8Array, ...points: number[]) =>
  [0, ...points, bytes.length].slice(1).map((end, i) => bytes.subarray([0, ...points][i], end));
