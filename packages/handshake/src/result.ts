import type { HandshakeScheme } from './digest';
import type { RtmpeCipher } from './rtmpe';

/**
 * What a handshake state machine returns for each input: bytes to write to the peer, in order,
 * and, once complete, the bytes that followed the handshake (the start of the chunk stream).
 */
export type HandshakeResult =
  | { readonly status: 'in-progress'; readonly send: Uint8Array[] }
  | {
      readonly status: 'done';
      readonly send: Uint8Array[];
      /** Bytes received after the handshake: hand them to the chunk decoder. */
      readonly remaining: Uint8Array;
      /** The scheme both sides ended up using. */
      readonly scheme: HandshakeScheme;
      /**
       * RTMPE: every byte after the handshake is RC4. `remaining` is already decrypted; pass what
       * you receive next through `decrypt` and what you send through `encrypt`.
       */
      readonly encryption?: RtmpeCipher;
    };

/** Options shared by both roles. */
export interface HandshakeOptions {
  /**
   * Milliseconds for the 4-byte time field of C1/S1 (any epoch; peers do not interpret it).
   * @default () => 0
   */
  readonly clock?: () => number;
  /**
   * Source of the random filler bytes; inject a deterministic one in tests.
   * @default node:crypto randomBytes
   */
  readonly randomBytes?: (size: number) => Uint8Array;
}

/** A completed handshake's result; with RTMPE, `remaining` is decrypted (it came after C2 or S2). */
export function completed(
  send: Uint8Array[],
  remaining: Uint8Array,
  scheme: HandshakeScheme,
  encryption: RtmpeCipher | undefined,
): HandshakeResult {
  return encryption === undefined
    ? { status: 'done', send, remaining, scheme }
    : { status: 'done', send, remaining: encryption.decrypt(remaining), scheme, encryption };
}
