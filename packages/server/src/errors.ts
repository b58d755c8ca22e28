/** Codes of {@link RtmpServerError}. */
export type RtmpServerErrorCode =
  /** The client broke the protocol (handshake, chunk layer): close the connection. */
  | 'SERVER_PROTOCOL_ERROR'
  /** The client's `connect` was unusable (no command object, bad app): it was answered with `_error`. */
  | 'SERVER_BAD_CONNECT'
  /** Local misuse: an unknown request id, a request answered twice. */
  | 'SERVER_INVALID_STATE'
  /** An option the server cannot use, such as an unreadable access rule. */
  | 'SERVER_INVALID_OPTION'
  /** A recorded file (VOD) could not be read for a player: its connection is closed. */
  | 'SERVER_VOD_FAILED'
  /** A peer limited what it receives (Set Peer Bandwidth) and then stopped acknowledging: closed. */
  | 'SERVER_PEER_UNACKNOWLEDGED'
  /** A publisher sent more tracks than `maxTracksPerStream`: its connection is closed. */
  | 'SERVER_TOO_MANY_TRACKS'
  /** A publisher sent media whose header does not parse (a multitrack size past the end, ...): its connection is closed. */
  | 'SERVER_BAD_MEDIA'
  /** Another node of the stream registry claimed the name first (a race): this node's publisher is closed. */
  | 'SERVER_REGISTRY_CONFLICT';

const MARK = Symbol.for('@rtmp/server/RtmpServerError');
const RTMP_ERROR_MARK = Symbol.for('@rtmp/error');

/** A server-side failure with a stable {@link RtmpServerError.code}; lower-layer errors are the `cause`. */
export class RtmpServerError extends Error {
  override readonly name = 'RtmpServerError';
  readonly [RTMP_ERROR_MARK] = true;
  readonly [MARK] = true;
  readonly code: RtmpServerErrorCode;

  constructor(code: RtmpServerErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** `true` for an {@link RtmpServerError} from any installed copy of this package. */
  static isInstance(value: unknown): value is RtmpServerError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARK] === true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return RtmpServerError.isInstance(value);
  }
}
