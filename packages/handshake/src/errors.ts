/** Codes of {@link HandshakeError}. */
export type HandshakeErrorCode =
  /** C0/S0 is not 3. The message says what the peer probably is (TLS, HTTP, RTMPE). */
  | 'HANDSHAKE_UNSUPPORTED_VERSION'
  /** The server's S1 carries a digest version but no valid digest (client, digest mode), or an RTMPE C1/S1 has none. */
  | 'HANDSHAKE_BAD_DIGEST'
  /** The server's S2 signature does not match our C1 digest (client, digest mode). */
  | 'HANDSHAKE_BAD_SIGNATURE'
  /** An RTMPE peer's Diffie-Hellman public key is not in 2..p-2. */
  | 'HANDSHAKE_BAD_KEY'
  /** S2 does not echo C1 (client with `strict`, simple mode). */
  | 'HANDSHAKE_ECHO_MISMATCH'
  /** The state machine was used out of order (local misuse: data after completion, start twice). */
  | 'HANDSHAKE_INVALID_STATE';

const MARK = Symbol.for('@rtmp/handshake/HandshakeError');
const RTMP_ERROR_MARK = Symbol.for('@rtmp/error');

/** What a non-RTMP first byte suggests, for logs. */
export type ProbableProtocol = 'tls' | 'http' | 'rtmpe' | 'unknown';

/**
 * A handshake failure. Remote faults (bad version, digest, signature) close the connection;
 * `HANDSHAKE_INVALID_STATE` is local misuse. Match on {@link HandshakeError.code}.
 */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';
  readonly [RTMP_ERROR_MARK] = true;
  readonly [MARK] = true;
  /** Stable machine-readable code. */
  readonly code: HandshakeErrorCode;
  /** Byte offset, counted from the first byte this side received, where the fault was found. */
  readonly offset: number;
  /** For `HANDSHAKE_UNSUPPORTED_VERSION`: what the peer probably speaks instead. */
  readonly probable?: ProbableProtocol;

  constructor(code: HandshakeErrorCode, message: string, offset: number, probable?: ProbableProtocol) {
    super(message);
    this.code = code;
    this.offset = offset;
    if (probable !== undefined) this.probable = probable;
  }

  /** `true` for a {@link HandshakeError} from any installed copy of this package. */
  static isInstance(value: unknown): value is HandshakeError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARK] === true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return HandshakeError.isInstance(value);
  }
}

/** The error for a first byte that is not RTMP 3, naming the likely culprit. */
export function unsupportedVersion(version: number, who: 'client' | 'server'): HandshakeError {
  const [probable, hint]: [ProbableProtocol, string] =
    version === 0x16
      ? ['tls', 'a TLS ClientHello: TLS was sent to the plain RTMP port (use the rtmps:// port)']
      : version === 0x47 || version === 0x50 || version === 0x48 || version === 0x4f
        ? ['http', 'an HTTP request was sent to the RTMP port']
        : version === 6
          ? ['rtmpe', 'RTMPE (encrypted RTMP) is turned off here']
          : version === 8 || version === 9
            ? ['rtmpe', 'RTMPE with XTEA/Blowfish signatures (types 8 and 9) is not supported; type 6 is']
            : ['unknown', 'not RTMP'];
  return new HandshakeError(
    'HANDSHAKE_UNSUPPORTED_VERSION',
    `${who} sent version byte 0x${version.toString(16).padStart(2, '0')}, expected 0x03: ${hint}`,
    0,
    probable,
  );
}
