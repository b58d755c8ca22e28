// RTMPE, handshake type 6: the digest handshake with a Diffie-Hellman public key in C1 and S1, and
// RC4 on every byte after the handshake (../shared/rtmp-notes.md §1.3). Not in any published spec:
// reverse-engineered by rtmpdump; FFmpeg (libavformat/rtmpcrypt.c) does the same.
import { createDiffieHellman, createHmac, type DiffieHellman, getDiffieHellman } from 'node:crypto';
import { HANDSHAKE_PACKET_SIZE } from './constants';
import type { HandshakeScheme } from './digest';
import { HandshakeError } from './errors';

/** C0/S0 of an RTMPE handshake with plain RC4 (types 8 and 9 add XTEA/Blowfish to the signatures). */
export const RTMPE_VERSION = 6;
/** Size of a public key and of the shared secret: the 1024-bit group's. */
const KEY_SIZE = 128;
/**
 * The 1024-bit MODP group of RFC 2409 §6.2 ("Oakley group 2"), generator 2: its prime, fetched on
 * the first RTMPE handshake (getting the group costs ~30 ms, which no plain RTMP user should pay).
 */
let prime: { bytes: Buffer; value: bigint } | undefined;
function group(): { bytes: Buffer; value: bigint } {
  if (prime === undefined) {
    const bytes = getDiffieHellman('modp2').getPrime();
    prime = { bytes, value: BigInt(`0x${bytes.toString('hex')}`) };
  }
  return prime;
}

/**
 * Where the 128-byte public key sits in an RTMPE C1/S1: in the 764-byte block the digest is not
 * in, at an offset given by that block's last four bytes (added as unsigned bytes, modulo 632).
 */
export function keyPosition(packet: Uint8Array, scheme: Exclude<HandshakeScheme, 'simple'>): number {
  // digest-8: digest block 8-771, key block 772-1535; digest-772: the other way round.
  const [offsetAt, base] = scheme === 'digest-8' ? [1532, 772] : [768, 8];
  const sum = packet[offsetAt]! + packet[offsetAt + 1]! + packet[offsetAt + 2]! + packet[offsetAt + 3]!;
  return (sum % 632) + base;
}

/** RC4 (the stream cipher RTMPE uses, 128-bit keys). Written out here: OpenSSL 3 only offers it as "legacy". */
export class Rc4 {
  readonly #state = new Uint8Array(256);
  #i = 0;
  #j = 0;

  constructor(key: Uint8Array) {
    const s = this.#state;
    for (let i = 0; i < 256; i++) s[i] = i;
    for (let i = 0, j = 0; i < 256; i++) {
      j = (j + s[i]! + key[i % key.length]!) & 0xff;
      const t = s[i]!;
      s[i] = s[j]!;
      s[j] = t;
    }
  }

  /** `bytes` XOR the next keystream bytes, into `out` (a new array unless given; may be `bytes`). */
  apply(bytes: Uint8Array, out: Uint8Array = new Uint8Array(bytes.length)): Uint8Array {
    const s = this.#state;
    let i = this.#i;
    let j = this.#j;
    for (let k = 0; k < bytes.length; k++) {
      i = (i + 1) & 0xff;
      const si = s[i]!;
      j = (j + si) & 0xff;
      const sj = s[j]!;
      s[i] = sj;
      s[j] = si;
      out[k] = bytes[k]! ^ s[(si + sj) & 0xff]!;
    }
    this.#i = i;
    this.#j = j;
    return out;
  }
}

/**
 * The two RC4 streams of an RTMPE connection, keyed from the Diffie-Hellman secret: what one side
 * sends goes through `encrypt`, what it receives through `decrypt`. Each returns a new array.
 */
export interface RtmpeCipher {
  encrypt(bytes: Uint8Array): Uint8Array;
  decrypt(bytes: Uint8Array): Uint8Array;
}

const leftPad = (bytes: Uint8Array) => {
  const out = new Uint8Array(KEY_SIZE);
  out.set(bytes, KEY_SIZE - bytes.length);
  return out;
};

/** One side's Diffie-Hellman key pair for an RTMPE handshake. */
export class RtmpeKeys {
  readonly #dh: DiffieHellman;
  /** The public key, 128 bytes big-endian: what goes into C1/S1 at {@link keyPosition}. */
  readonly publicKey: Uint8Array;

  /** `random` gives the private key (128 bytes), as it gives the handshake's other random bytes. */
  constructor(random: (size: number) => Uint8Array) {
    this.#dh = createDiffieHellman(group().bytes, 2);
    const privateKey = Uint8Array.from(random(KEY_SIZE));
    privateKey[0] = privateKey[0]! & 0x7f; // below the prime
    this.#dh.setPrivateKey(privateKey);
    this.publicKey = leftPad(this.#dh.generateKeys());
  }

  /**
   * The ciphers for the peer's public key, 1536 bytes into both keystreams as every RTMPE peer
   * starts. Each side encrypts with HMAC-SHA256(secret, the peer's public key) and decrypts with
   * HMAC-SHA256(secret, its own), first 16 bytes.
   * @throws {@link HandshakeError} `HANDSHAKE_BAD_KEY` when the peer's key is not in 2..p-2.
   */
  ciphers(peerPublicKey: Uint8Array, offset: number): RtmpeCipher {
    const value = BigInt(`0x${Buffer.from(peerPublicKey).toString('hex')}`);
    if (value < 2n || value > group().value - 2n) {
      throw new HandshakeError('HANDSHAKE_BAD_KEY', 'the peer’s RTMPE public key is out of range', offset);
    }
    const secret = leftPad(this.#dh.computeSecret(peerPublicKey));
    const stream = (publicKey: Uint8Array) => {
      const rc4 = new Rc4(createHmac('sha256', secret).update(publicKey).digest().subarray(0, 16));
      rc4.apply(new Uint8Array(HANDSHAKE_PACKET_SIZE));
      return rc4;
    };
    const out = stream(peerPublicKey);
    const into = stream(this.publicKey);
    return { encrypt: (bytes) => out.apply(bytes), decrypt: (bytes) => into.apply(bytes) };
  }
}
