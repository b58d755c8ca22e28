import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { CLIENT_DIGEST_VERSION, HANDSHAKE_PACKET_SIZE, RTMP_VERSION } from './constants';
import {
  findDigest,
  type HandshakeScheme,
  PLAYER_FULL_KEY,
  PLAYER_KEY,
  SERVER_FULL_KEY,
  signPacket,
  signSecondPacket,
  verifySecondPacket,
} from './digest';
import { HandshakeError, unsupportedVersion } from './errors';
import { PacketReader } from './packet-reader';
import { completed, type HandshakeOptions, type HandshakeResult } from './result';
import { keyPosition, RTMPE_VERSION, type RtmpeCipher, RtmpeKeys } from './rtmpe';

/** Options of {@link ClientHandshake}. */
export interface ClientHandshakeOptions extends HandshakeOptions {
  /**
   * The C1 to send: `simple` (zero version, what OBS sends), or a digest C1 in either scheme
   * (`digest-8` is what FFmpeg and Flash Player send).
   * @default 'simple'
   */
  readonly scheme?: HandshakeScheme;
  /**
   * In the simple handshake, fail with `HANDSHAKE_ECHO_MISMATCH` when S2 does not echo C1's random
   * bytes. Off by default: servers are lenient about this, and so are we.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * RTMPE (`rtmpe://`): C0 = 6 and a Diffie-Hellman key in a digest C1 (`digest-772`, as FFmpeg
   * sends, unless `scheme` names the other digest scheme); after the handshake every byte is RC4
   * (the result's `encryption`). A server that does not answer with type 6 is refused.
   * @default false
   */
  readonly encrypted?: boolean;
}

type State = 'new' | 'await-s0s1' | 'await-s2' | 'done';

/**
 * The client side of the RTMP handshake, sans-IO. Call {@link ClientHandshake.start} for C0+C1,
 * then feed what the server sends; C2 goes out as soon as S1 is in, and the handshake completes
 * when S2 arrives.
 *
 * With a digest C1, a server that answers with a digest S1 (version byte ≥ 3, as FFmpeg decides)
 * is verified: S1's digest and S2's signature must be right, and C2 is signed. A server that
 * answers simply gets an exact echo of S1 as C2.
 *
 * @example
 * ```ts
 * const handshake = new ClientHandshake();
 * socket.write(handshake.start());
 * socket.on('data', (bytes) => {
 *   const result = handshake.receive(bytes);
 *   for (const piece of result.send) socket.write(piece);
 *   if (result.status === 'done') startChunkStream(result.remaining);
 * });
 * ```
 */
export class ClientHandshake {
  readonly #requested: HandshakeScheme;
  readonly #strict: boolean;
  readonly #clock: () => number;
  readonly #random: (size: number) => Uint8Array;
  readonly #reader = new PacketReader();
  #state: State = 'new';
  #c1 = new Uint8Array(0);
  #c1Digest: Uint8Array | undefined;
  #scheme: HandshakeScheme = 'simple';
  readonly #keys: RtmpeKeys | undefined;
  #cipher: RtmpeCipher | undefined;

  constructor(options: ClientHandshakeOptions = {}) {
    this.#requested = options.scheme ?? 'simple';
    if (options.encrypted && this.#requested === 'simple') this.#requested = 'digest-772';
    this.#strict = options.strict ?? false;
    this.#clock = options.clock ?? (() => 0);
    this.#random = options.randomBytes ?? cryptoRandomBytes;
    this.#keys = options.encrypted ? new RtmpeKeys(this.#random) : undefined;
  }

  /** The scheme in use: the digest one only if the server answered with a digest. */
  get scheme(): HandshakeScheme {
    return this.#scheme;
  }

  /** True once S2 has arrived and been accepted. */
  get done(): boolean {
    return this.#state === 'done';
  }

  /**
   * Produces C0+C1, the client's first write.
   * @throws {@link HandshakeError} `HANDSHAKE_INVALID_STATE` if called twice.
   */
  start(): Uint8Array {
    if (this.#state !== 'new') {
      throw new HandshakeError('HANDSHAKE_INVALID_STATE', 'start() was already called', 0);
    }
    const c0c1 = new Uint8Array(1 + HANDSHAKE_PACKET_SIZE);
    c0c1[0] = this.#keys ? RTMPE_VERSION : RTMP_VERSION;
    const c1 = c0c1.subarray(1);
    new DataView(c1.buffer, c1.byteOffset, 4).setUint32(0, this.#clock() >>> 0);
    c1.set(this.#random(HANDSHAKE_PACKET_SIZE - 8), 8);
    if (this.#requested !== 'simple') {
      c1.set(CLIENT_DIGEST_VERSION, 4);
      // RTMPE: the key goes in before the digest is computed over C1.
      if (this.#keys) c1.set(this.#keys.publicKey, keyPosition(c1, this.#requested));
      this.#c1Digest = signPacket(c1, this.#requested, PLAYER_KEY);
    }
    this.#c1 = c1;
    this.#state = 'await-s0s1';
    return c0c1;
  }

  /**
   * Feeds bytes from the server.
   * @returns what to send (C2) and, when complete, the bytes after S2.
   * @throws {@link HandshakeError} `HANDSHAKE_UNSUPPORTED_VERSION` (S0 is not 3),
   *   `HANDSHAKE_BAD_DIGEST` / `HANDSHAKE_BAD_SIGNATURE` (digest server got it wrong),
   *   `HANDSHAKE_ECHO_MISMATCH` (strict only), `HANDSHAKE_INVALID_STATE` (before start, after done).
   */
  receive(bytes: Uint8Array): HandshakeResult {
    if (this.#state === 'new' || this.#state === 'done') {
      const why = this.#state === 'new' ? 'call start() first' : 'the handshake is already complete';
      throw new HandshakeError('HANDSHAKE_INVALID_STATE', why, this.#reader.consumed);
    }
    this.#reader.push(bytes);
    const send: Uint8Array[] = [];
    if (this.#state === 'await-s0s1') {
      const version = this.#reader.peek();
      const expected = this.#keys ? RTMPE_VERSION : RTMP_VERSION;
      if (version !== undefined && version !== expected) {
        if (this.#keys && version === RTMP_VERSION) {
          throw new HandshakeError(
            'HANDSHAKE_UNSUPPORTED_VERSION',
            'the server answered RTMPE with plain RTMP (version byte 0x03): it does not encrypt',
            0,
          );
        }
        throw unsupportedVersion(version, 'server');
      }
      const s0s1 = this.#reader.take(1 + HANDSHAKE_PACKET_SIZE);
      if (s0s1 === undefined) return { status: 'in-progress', send };
      send.push(this.#c2(s0s1.subarray(1)));
      this.#state = 'await-s2';
    }
    const at = this.#reader.consumed;
    const s2 = this.#reader.take(HANDSHAKE_PACKET_SIZE);
    if (s2 === undefined) return { status: 'in-progress', send };
    this.#checkS2(s2, at);
    this.#state = 'done';
    return completed(send, this.#reader.takeAll(), this.#scheme, this.#cipher);
  }

  /** C2 for this S1: signed if the server answered a digest C1 with a digest S1, else S1 itself. */
  #c2(s1: Uint8Array): Uint8Array {
    // FFmpeg's rule: only a first version byte of 3 or more means the server did the digest scheme.
    if (this.#c1Digest === undefined || (s1[4]! < 3 && !this.#keys)) return s1.slice();
    const found = findDigest(s1, 'server');
    if (found === undefined) {
      throw new HandshakeError(
        'HANDSHAKE_BAD_DIGEST',
        `the server S1 ${this.#keys ? 'of an RTMPE handshake' : 'claims a digest handshake but'} has no valid digest`,
        1,
      );
    }
    this.#scheme = this.#requested;
    if (this.#keys) {
      const at = keyPosition(s1, found.scheme);
      this.#cipher = this.#keys.ciphers(s1.subarray(at, at + 128), 1 + at);
    }
    const c2 = new Uint8Array(HANDSHAKE_PACKET_SIZE);
    c2.set(this.#random(HANDSHAKE_PACKET_SIZE));
    signSecondPacket(c2, PLAYER_FULL_KEY, found.digest);
    return c2;
  }

  #checkS2(s2: Uint8Array, at: number): void {
    if (this.#scheme !== 'simple') {
      if (!verifySecondPacket(s2, SERVER_FULL_KEY, this.#c1Digest!)) {
        throw new HandshakeError(
          'HANDSHAKE_BAD_SIGNATURE',
          'the server S2 signature does not match our C1 digest',
          at,
        );
      }
      return;
    }
    if (this.#strict) {
      // Servers rewrite the time fields; the random part must come back unchanged.
      for (let i = 8; i < HANDSHAKE_PACKET_SIZE; i++) {
        if (s2[i] !== this.#c1[i]) {
          throw new HandshakeError(
            'HANDSHAKE_ECHO_MISMATCH',
            `S2 does not echo C1 (first difference at byte ${i})`,
            at + i,
          );
        }
      }
    }
  }
}
