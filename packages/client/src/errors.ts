/** Codes of {@link RtmpClientError}. */
export type RtmpClientErrorCode =
  /** The URL is not rtmp:// or rtmps:// with a host and an app. */
  | 'CLIENT_INVALID_URL'
  /** The host name does not resolve. */
  | 'CLIENT_DNS_FAILED'
  /** TCP/TLS connection refused, reset or failed. */
  | 'CLIENT_NETWORK_ERROR'
  /** The handshake, connect or a command did not complete in time. */
  | 'CLIENT_TIMEOUT'
  /** The server refused `connect` (`NetConnection.Connect.Rejected`, InvalidApp, ...). */
  | 'CLIENT_CONNECT_REJECTED'
  /** The server refused a publish (`NetStream.Publish.BadName`, Rejected, Denied, ...). */
  | 'CLIENT_PUBLISH_REJECTED'
  /** The server refused a play (`NetStream.Play.StreamNotFound`, Failed, ...). */
  | 'CLIENT_PLAY_FAILED'
  /** The server answered a command with `_error`. */
  | 'CLIENT_COMMAND_FAILED'
  /** The server broke the protocol (handshake, chunk or message layer; see `cause`). */
  | 'CLIENT_PROTOCOL_ERROR'
  /** The connection closed before the operation completed. */
  | 'CLIENT_CONNECTION_CLOSED'
  /** The caller's AbortSignal fired. */
  | 'CLIENT_ABORTED'
  /** Local misuse: publishing before connect, writing after close, ... */
  | 'CLIENT_INVALID_STATE';

const MARK = Symbol.for('@rtmp/client/RtmpClientError');
const RTMP_ERROR_MARK = Symbol.for('@rtmp/error');

/**
 * Every failure of the client, with a stable {@link RtmpClientError.code}. A server's refusal
 * carries its status `statusCode` and `description`; lower-layer errors are the `cause`.
 */
export class RtmpClientError extends Error {
  override readonly name = 'RtmpClientError';
  readonly [RTMP_ERROR_MARK] = true;
  readonly [MARK] = true;
  readonly code: RtmpClientErrorCode;
  /** The server's status code, e.g. `NetStream.Publish.BadName`, when it sent one. */
  readonly statusCode: string | undefined;
  /** The server's description, when it sent one. */
  readonly description: string | undefined;

  constructor(
    code: RtmpClientErrorCode,
    message: string,
    options: { cause?: unknown; statusCode?: string; description?: string } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.statusCode = options.statusCode;
    this.description = options.description;
  }

  /** `true` for an {@link RtmpClientError} from any installed copy of this package. */
  static isInstance(value: unknown): value is RtmpClientError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARK] === true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return RtmpClientError.isInstance(value);
  }
}
