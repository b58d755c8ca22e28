/** Codes of {@link MessageError}. */
export type MessageErrorCode =
  /** The AMF body does not decode (the Amf0Error is the `cause`). */
  | 'MESSAGE_BAD_AMF'
  /** A command without a usable name (string, non-empty, no NUL) or transaction id (finite number). */
  | 'MESSAGE_BAD_COMMAND'
  /** A data message whose first value is not a string. */
  | 'MESSAGE_BAD_DATA'
  /** An "AMF3" form (15/16/17) whose format byte is not 0. */
  | 'MESSAGE_UNSUPPORTED_FORMAT'
  /** A body shorter than its fields (user control, shared object, media header, aggregate). */
  | 'MESSAGE_TRUNCATED'
  /** More ModEx prefixes than `MAX_MODEX_PREFIXES` in one Enhanced RTMP media message. */
  | 'MESSAGE_BAD_MODEX'
  /** An Enhanced RTMP FourCC that is not four printable ASCII characters. */
  | 'MESSAGE_BAD_FOURCC'
  /** An aggregate whose sub-message overruns it or whose back-pointer is wrong. */
  | 'MESSAGE_BAD_AGGREGATE'
  /** A command argument with the wrong type or value (connect without an object, bad stream name or id). */
  | 'MESSAGE_BAD_ARGUMENT'
  /** A decoder configuration (AVCDecoderConfigurationRecord, AudioSpecificConfig) that does not read. */
  | 'MESSAGE_BAD_CODEC_CONFIG';

const MARK = Symbol.for('@rtmp/messages/MessageError');
const RTMP_ERROR_MARK = Symbol.for('@rtmp/error');

/**
 * A message whose body does not mean what its type says. Remote misbehaviour, but seldom fatal:
 * a session answers `_error` or ignores the message. Match on {@link MessageError.code}.
 */
export class MessageError extends Error {
  override readonly name = 'MessageError';
  readonly [RTMP_ERROR_MARK] = true;
  readonly [MARK] = true;
  /** Stable machine-readable code. */
  readonly code: MessageErrorCode;
  /** The message type id concerned, when known. */
  readonly typeId: number | undefined;

  constructor(code: MessageErrorCode, message: string, options: { typeId?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.typeId = options.typeId;
  }

  /** `true` for a {@link MessageError} from any installed copy of this package. */
  static isInstance(value: unknown): value is MessageError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARK] === true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return MessageError.isInstance(value);
  }
}
