/** Codes of {@link Amf0Error}: bytes from a peer that are not valid AMF0 (or exceed a limit). */
export type Amf0ErrorCode =
  | 'AMF0_TRUNCATED'
  | 'AMF0_TRAILING_BYTES'
  | 'AMF0_UNKNOWN_MARKER'
  | 'AMF0_RESERVED_MARKER'
  | 'AMF0_AVMPLUS_UNSUPPORTED'
  | 'AMF0_UNEXPECTED_OBJECT_END'
  | 'AMF0_EMPTY_KEY'
  | 'AMF0_DEPTH_EXCEEDED'
  | 'AMF0_STRING_TOO_LONG'
  | 'AMF0_TOO_MANY_ELEMENTS'
  | 'AMF0_TOO_MANY_PROPERTIES'
  | 'AMF0_REFERENCE_LIMIT'
  | 'AMF0_BAD_REFERENCE';

/** Codes of {@link Amf0EncodeError}: values handed to the encoder that AMF0 cannot carry. */
export type Amf0EncodeErrorCode =
  | 'AMF0_UNENCODABLE_VALUE'
  | 'AMF0_CYCLE'
  | 'AMF0_KEY_TOO_LONG'
  | 'AMF0_EMPTY_KEY'
  | 'AMF0_DEPTH_EXCEEDED';

// One marker per class, shared through the global symbol registry, so `instanceof` holds even when
// two copies of this package are installed side by side.
const DECODE_MARK = Symbol.for('@rtmp/amf0/Amf0Error');
const ENCODE_MARK = Symbol.for('@rtmp/amf0/Amf0EncodeError');
/** Set on every error of every @rtmp package. */
export const RTMP_ERROR_MARK: unique symbol = Symbol.for('@rtmp/error') as never;

/**
 * Thrown by the decoder when the bytes are not valid AMF0 or exceed a configured limit.
 * This is remote misbehaviour: whoever sent the bytes is at fault. Match on {@link Amf0Error.code}.
 */
export class Amf0Error extends Error {
  override readonly name = 'Amf0Error';
  readonly [RTMP_ERROR_MARK] = true;
  readonly [DECODE_MARK] = true;
  /** Stable machine-readable code. */
  readonly code: Amf0ErrorCode;
  /** Byte offset, in the buffer given to the decoder, where the fault was found. */
  readonly offset: number;

  constructor(code: Amf0ErrorCode, message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.code = code;
    this.offset = offset;
  }

  /** `true` for an {@link Amf0Error} from any installed copy of this package. */
  static isInstance(value: unknown): value is Amf0Error {
    return (
      typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DECODE_MARK] === true
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return Amf0Error.isInstance(value);
  }
}

/**
 * Thrown by the encoder when it is handed a value AMF0 cannot represent (a function, a bigint, a
 * cycle, an object key over 65535 bytes). This is local misuse, never caused by a peer.
 */
export class Amf0EncodeError extends TypeError {
  override readonly name = 'Amf0EncodeError';
  readonly [RTMP_ERROR_MARK] = true;
  readonly [ENCODE_MARK] = true;
  /** Stable machine-readable code. */
  readonly code: Amf0EncodeErrorCode;

  constructor(code: Amf0EncodeErrorCode, message: string) {
    super(message);
    this.code = code;
  }

  /** `true` for an {@link Amf0EncodeError} from any installed copy of this package. */
  static isInstance(value: unknown): value is Amf0EncodeError {
    return (
      typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ENCODE_MARK] === true
    );
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return Amf0EncodeError.isInstance(value);
  }
}
