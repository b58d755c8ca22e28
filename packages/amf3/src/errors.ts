/** Codes of {@link Amf3Error}: bytes from a peer that are not valid AMF3 (or exceed a limit). */
export type Amf3ErrorCode =
  | 'AMF3_TRUNCATED'
  | 'AMF3_TRAILING_BYTES'
  | 'AMF3_UNKNOWN_MARKER'
  | 'AMF3_DEPTH_EXCEEDED'
  | 'AMF3_STRING_TOO_LONG'
  | 'AMF3_BYTE_ARRAY_TOO_LONG'
  | 'AMF3_TOO_MANY_ELEMENTS'
  | 'AMF3_TABLE_FULL'
  | 'AMF3_BAD_REFERENCE'
  | 'AMF3_UNKNOWN_EXTERNALIZABLE';

/** Codes of {@link Amf3EncodeError}: values handed to the encoder that AMF3 cannot carry. */
export type Amf3EncodeErrorCode =
  | 'AMF3_UNENCODABLE_VALUE'
  | 'AMF3_DEPTH_EXCEEDED'
  | 'AMF3_TOO_LONG'
  | 'AMF3_BAD_REFERENCE'
  | 'AMF3_UNKNOWN_EXTERNALIZABLE';

// One marker per class, shared through the global symbol registry, so `instanceof` holds even when
// two copies of this package are installed side by side.
const DECODE_MARK = Symbol.for('@rtmp/amf3/Amf3Error');
const ENCODE_MARK = Symbol.for('@rtmp/amf3/Amf3EncodeError');
const marked = (value: unknown, mark: symbol) =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[mark] === true;
/** Set on every error of every @rtmp package. */
export const RTMP_ERROR_MARK: unique symbol = Symbol.for('@rtmp/error') as never;

/**
 * Thrown by the decoder when the bytes are not valid AMF3 or exceed a configured limit.
 * This is remote misbehaviour: whoever sent the bytes is at fault. Match on {@link Amf3Error.code}.
 */
export class Amf3Error extends Error {
  override readonly name = 'Amf3Error';
  readonly [RTMP_ERROR_MARK] = true;
  readonly [DECODE_MARK] = true;
  /** Stable machine-readable code. */
  readonly code: Amf3ErrorCode;
  /** Byte offset, in the buffer given to the decoder, where the fault was found. */
  readonly offset: number;

  constructor(code: Amf3ErrorCode, message: string, offset: number) {
    super(`${message} at offset ${offset}`);
    this.code = code;
    this.offset = offset;
  }

  /** `true` for an {@link Amf3Error} from any installed copy of this package. */
  static isInstance(value: unknown): value is Amf3Error {
    return marked(value, DECODE_MARK);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return Amf3Error.isInstance(value);
  }
}

/**
 * Thrown by the encoder when it is handed a value AMF3 cannot represent (a function, a symbol, a
 * bigint, a string over 256 MiB) or a lossless node that does not fit its tables. This is local
 * misuse, never caused by a peer.
 */
export class Amf3EncodeError extends TypeError {
  override readonly name = 'Amf3EncodeError';
  readonly [RTMP_ERROR_MARK] = true;
  readonly [ENCODE_MARK] = true;
  /** Stable machine-readable code. */
  readonly code: Amf3EncodeErrorCode;

  constructor(code: Amf3EncodeErrorCode, message: string) {
    super(message);
    this.code = code;
  }

  /** `true` for an {@link Amf3EncodeError} from any installed copy of this package. */
  static isInstance(value: unknown): value is Amf3EncodeError {
    return marked(value, ENCODE_MARK);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return Amf3EncodeError.isInstance(value);
  }
}
