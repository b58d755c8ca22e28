import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { HANDSHAKE_PACKET_SIZE, RTMP_VERSION, SERVER_DIGEST_VERSION } from './constants';
import {
  findDigest,
  type HandshakeScheme,
  PLAYER_FULL_KEY,
  SERVER_FULL_KEY,
  SERVER_KEY,
  signPacket,
  signSecondPacket,
  verifySecondPacket,
} from './digest';
import { HandshakeError, unsupportedVersion } from './errors';
import { PacketReader } from './packet-reader';
import { completed, type HandshakeOptions, type HandshakeResult } from './result';
import { keyPosition, RTMPE_VERSION, type RtmpeCipher, RtmpeKeys } from './rtmpe';

/** Options of {@link ServerHandshake}. */
export interface ServerHandshakeOptions extends HandshakeOptions {
  /**
   * Answer a client that sends a valid digest C1 with the digest handshake, in the client's
   * scheme. When false, every client gets the simple handshake.
   * @default true
   */
  readonly digest?: boolean;
  /**
   * Answer an RTMPE client (C0 = 6, as `rtmpe://` in FFmpeg and rtmpdump sends) with the RTMPE
   * handshake; when false, C0 = 6 is `HANDSHAKE_UNSUPPORTED_VERSION`. Types 8 and 9 (RC4 plus
   * XTEA/Blowfish signatures) are always refused: no client asks for them first.
   * @default true
   */
  readonly encryption?: boolean;
}

type State = 'await-c0c1' | 'await-c2' | 'done';

/**
 * The server side of the RTMP handshake, sans-IO: feed it what the client sends, write what it
 * returns. It waits for C0+C1, answers S0+S1+S2 in one write, then waits for C2.
 *
 * A client whose C1 carries a non-zero version and a valid digest (offset 772 or 8, as FFmpeg,
 * Flash Player and librtmp send) gets the digest handshake in the same scheme; any other client
 * gets the simple one, with S2 a copy of C1. C2 is never enforced (real encoders get it wrong),
 * only reported ({@link ServerHandshake.c2AnswersS1}).
 *
 * @example
 * ```ts
 * const handshake = new ServerHandshake();
 * socket.on('data', (bytes) => {
 *   const result = handshake.receive(bytes);
 *   for (const piece of result.send) socket.write(piece);
 *   if (result.status === 'done') startChunkStream(result.remaining);
 * });
 * ```
 */
export class ServerHandshake {
  readonly #digest: boolean;
  readonly #encryption: boolean;
  readonly #clock: () => number;
  readonly #random: (size: number) => Uint8Array;
  readonly #reader = new PacketReader();
  #state: State = 'await-c0c1';
  #scheme: HandshakeScheme = 'simple';
  /** S1 as sent, and in the digest handshake its digest: what C2 answers. */
  #s1: Uint8Array | undefined;
  #s1Digest: Uint8Array | undefined;
  #c2Answers: boolean | undefined;
  #cipher: RtmpeCipher | undefined;

  constructor(options: ServerHandshakeOptions = {}) {
    this.#digest = options.digest ?? true;
    this.#encryption = options.encryption ?? true;
    this.#clock = options.clock ?? (() => 0);
    this.#random = options.randomBytes ?? cryptoRandomBytes;
  }

  /** The scheme in use; final once S0+S1+S2 have been produced. */
  get scheme(): HandshakeScheme {
    return this.#scheme;
  }

  /**
   * Whether C2 answered S1 as the spec asks: a copy of S1 (its time-2 field aside), or in the
   * digest handshake a C2 signed for S1's digest (a copy is accepted there too, as librtmp sends).
   * Never enforced (real encoders get it wrong); `undefined` until C2 has arrived.
   */
  get c2AnswersS1(): boolean | undefined {
    return this.#c2Answers;
  }

  /** True once C2 has arrived. */
  get done(): boolean {
    return this.#state === 'done';
  }

  /**
   * Feeds bytes from the client.
   * @returns what to send and, when complete, the bytes after C2.
   * @throws {@link HandshakeError} `HANDSHAKE_UNSUPPORTED_VERSION` when C0 is not 3 (close the
   *   connection; `error.probable` tells TLS and HTTP probes apart), `HANDSHAKE_INVALID_STATE` when
   *   called after completion.
   */
  receive(bytes: Uint8Array): HandshakeResult {
    if (this.#state === 'done') {
      throw new HandshakeError(
        'HANDSHAKE_INVALID_STATE',
        'the handshake is already complete',
        this.#reader.consumed,
      );
    }
    this.#reader.push(bytes);
    const send: Uint8Array[] = [];
    if (this.#state === 'await-c0c1') {
      const version = this.#reader.peek();
      const encrypted = version === RTMPE_VERSION && this.#encryption;
      if (version !== undefined && version !== RTMP_VERSION && !encrypted)
        throw unsupportedVersion(version, 'client');
      const c0c1 = this.#reader.take(1 + HANDSHAKE_PACKET_SIZE);
      if (c0c1 === undefined) return { status: 'in-progress', send };
      send.push(this.#reply(c0c1.subarray(1), encrypted));
      this.#state = 'await-c2';
    }
    const c2 = this.#reader.take(HANDSHAKE_PACKET_SIZE);
    if (c2 === undefined) return { status: 'in-progress', send };
    this.#c2Answers = this.#answers(c2);
    // What C2 was checked against is no longer needed (S0S1S2 is 3 KB per connection).
    this.#s1 = undefined;
    this.#s1Digest = undefined;
    this.#state = 'done';
    return completed(send, this.#reader.takeAll(), this.#scheme, this.#cipher);
  }

  #answers(c2: Uint8Array): boolean {
    const s1 = this.#s1!;
    const copy =
      c2.subarray(0, 4).every((byte, i) => byte === s1[i]) &&
      c2.subarray(8).every((byte, i) => byte === s1[8 + i]);
    if (copy) return true;
    return this.#s1Digest !== undefined && verifySecondPacket(c2, PLAYER_FULL_KEY, this.#s1Digest);
  }

  /** S0+S1+S2 for this C1. */
  #reply(c1: Uint8Array, encrypted: boolean): Uint8Array {
    const out = new Uint8Array(1 + 2 * HANDSHAKE_PACKET_SIZE);
    const s1 = out.subarray(1, 1 + HANDSHAKE_PACKET_SIZE);
    const s2 = out.subarray(1 + HANDSHAKE_PACKET_SIZE);
    out[0] = RTMP_VERSION;
    new DataView(s1.buffer, s1.byteOffset, 4).setUint32(0, this.#clock() >>> 0);
    s1.set(this.#random(HANDSHAKE_PACKET_SIZE - 8), 8);

    const hasVersion = c1[4]! !== 0 || c1[5]! !== 0 || c1[6]! !== 0 || c1[7]! !== 0;
    const found = (this.#digest || encrypted) && hasVersion ? findDigest(c1, 'client') : undefined;
    this.#s1 = s1;
    if (encrypted && found === undefined) {
      throw new HandshakeError('HANDSHAKE_BAD_DIGEST', 'an RTMPE C1 without a valid digest', 1);
    }
    if (found === undefined) {
      // Simple handshake (RTMP 1.0 §5.2): zero version, S2 echoes C1.
      s2.set(c1);
      return out;
    }
    this.#scheme = found.scheme;
    s1.set(SERVER_DIGEST_VERSION, 4);
    // An RTMPE S1 is always laid out digest-8 (key in the second half): FFmpeg as a publisher reads
    // the key there without looking for the digest; players and rtmpdump find the digest either way.
    const s1Scheme = encrypted ? 'digest-8' : found.scheme;
    if (encrypted) {
      // Our key goes in before the digest is computed over S1; the client's is where its scheme puts it.
      out[0] = RTMPE_VERSION;
      const keys = new RtmpeKeys(this.#random);
      s1.set(keys.publicKey, keyPosition(s1, s1Scheme));
      const at = keyPosition(c1, found.scheme);
      this.#cipher = keys.ciphers(c1.subarray(at, at + 128), 1 + at);
    }
    this.#s1Digest = signPacket(s1, s1Scheme, SERVER_KEY).slice();
    s2.set(this.#random(HANDSHAKE_PACKET_SIZE));
    signSecondPacket(s2, SERVER_FULL_KEY, found.digest);
    return out;
  }
}
