// The digest ("complex", Flash Player 9) handshake, as FMS, nginx-rtmp, SRS, NMS and FFmpeg do it
// (../shared/rtmp-notes.md §1.2). Not in the RTMP 1.0 spec: reverse-engineered, and identical in
// every implementation checked.
import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  DIGEST_SIZE,
  HANDSHAKE_PACKET_SIZE,
  KEY_SUFFIX,
  PLAYER_KEY_TEXT,
  SERVER_KEY_TEXT,
} from './constants';

/**
 * How a C1/S1 was built. `simple`: RTMP 1.0 spec, no digest. `digest-8`: the digest block starts at
 * byte 8 (SRS "schema1", what FFmpeg and librtmp clients send). `digest-772`: the key block comes
 * first and the digest block starts at byte 772 (SRS "schema0", RTMPE clients).
 */
export type HandshakeScheme = 'simple' | 'digest-8' | 'digest-772';

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

/** Partial keys sign C1/S1; full keys (text + 32 bytes) derive the C2/S2 signature keys. */
export const PLAYER_KEY = ascii(PLAYER_KEY_TEXT);
export const SERVER_KEY = ascii(SERVER_KEY_TEXT);
export const PLAYER_FULL_KEY = concat(PLAYER_KEY, KEY_SUFFIX);
export const SERVER_FULL_KEY = concat(SERVER_KEY, KEY_SUFFIX);

function hmac(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return new Uint8Array(mac.digest());
}

/**
 * Where the 32-byte digest sits in a C1/S1 of the given scheme: the four offset bytes at the start
 * of the digest block, added as unsigned bytes, modulo 728 (so it always fits the 764-byte block).
 */
export function digestPosition(packet: Uint8Array, scheme: Exclude<HandshakeScheme, 'simple'>): number {
  const base = scheme === 'digest-8' ? 8 : 772;
  const sum = packet[base]! + packet[base + 1]! + packet[base + 2]! + packet[base + 3]!;
  return (sum % 728) + base + 4;
}

/** HMAC-SHA256 over the 1536-byte packet without the 32 digest bytes at `position`. */
function digestAt(packet: Uint8Array, position: number, key: Uint8Array): Uint8Array {
  return hmac(
    key,
    packet.subarray(0, position),
    packet.subarray(position + DIGEST_SIZE, HANDSHAKE_PACKET_SIZE),
  );
}

/** Writes the digest of `packet` (a C1 or S1, random bytes already in place) for `scheme`. */
export function signPacket(
  packet: Uint8Array,
  scheme: Exclude<HandshakeScheme, 'simple'>,
  key: Uint8Array,
): Uint8Array {
  const position = digestPosition(packet, scheme);
  const digest = digestAt(packet, position, key);
  packet.set(digest, position);
  return digest;
}

/** A digest found in a peer's C1/S1: its scheme and the 32 bytes. */
export interface FoundDigest {
  readonly scheme: Exclude<HandshakeScheme, 'simple'>;
  readonly digest: Uint8Array;
}

/**
 * Looks for a valid digest in a peer's C1 (`signedBy: 'client'`) or S1 (`'server'`), trying offset
 * 772 and then 8, as nginx-rtmp and FFmpeg do.
 * @returns the scheme and digest, or `undefined` when neither offset holds a valid one.
 */
export function findDigest(packet: Uint8Array, signedBy: 'client' | 'server'): FoundDigest | undefined {
  const key = signedBy === 'client' ? PLAYER_KEY : SERVER_KEY;
  for (const scheme of ['digest-772', 'digest-8'] as const) {
    const position = digestPosition(packet, scheme);
    const expected = digestAt(packet, position, key);
    const actual = packet.subarray(position, position + DIGEST_SIZE);
    if (timingSafeEqual(expected, actual)) return { scheme, digest: actual.slice() };
  }
  return undefined;
}

/**
 * The signature closing a digest-mode C2/S2: HMAC-SHA256 keyed with HMAC-SHA256(fullKey,
 * peerDigest), over the packet's first 1504 bytes.
 */
export function secondPacketSignature(
  packet: Uint8Array,
  fullKey: Uint8Array,
  peerDigest: Uint8Array,
): Uint8Array {
  return hmac(hmac(fullKey, peerDigest), packet.subarray(0, HANDSHAKE_PACKET_SIZE - DIGEST_SIZE));
}

/** Writes the closing signature into a digest-mode C2/S2 (random bytes already in place). */
export function signSecondPacket(packet: Uint8Array, fullKey: Uint8Array, peerDigest: Uint8Array): void {
  packet.set(secondPacketSignature(packet, fullKey, peerDigest), HANDSHAKE_PACKET_SIZE - DIGEST_SIZE);
}

/** Whether a digest-mode C2/S2 carries the signature for `peerDigest`. */
export function verifySecondPacket(packet: Uint8Array, fullKey: Uint8Array, peerDigest: Uint8Array): boolean {
  return timingSafeEqual(
    secondPacketSignature(packet, fullKey, peerDigest),
    packet.subarray(HANDSHAKE_PACKET_SIZE - DIGEST_SIZE, HANDSHAKE_PACKET_SIZE),
  );
}
