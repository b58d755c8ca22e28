/** Codes of {@link FlvError} (and of {@link FlvWarning}). */
export type FlvErrorCode =
  /** The file does not start with "FLV". */
  | 'FLV_BAD_SIGNATURE'
  /** The header's version or data offset is impossible. */
  | 'FLV_BAD_HEADER'
  /** A tag type other than audio (8), video (9) or script data (18, 15): not FLV, or damaged. */
  | 'FLV_UNKNOWN_TAG_TYPE'
  /** A tag with the Filter bit set (encrypted or pre-processed), which this package cannot read. */
  | 'FLV_FILTERED_TAG'
  /** A tag larger than `maxTagSize`. */
  | 'FLV_TAG_TOO_LARGE'
  /** A PreviousTagSize that does not match the tag before it. */
  | 'FLV_BAD_PREVIOUS_TAG_SIZE'
  /** The input ended inside a tag (a warning: the file was cut, e.g. by a crashed recorder). */
  | 'FLV_TRUNCATED';

const MARK = Symbol.for('@rtmp/flv/FlvError');
const RTMP_ERROR_MARK = Symbol.for('@rtmp/error');

/** Bytes that are not a readable FLV file. Match on {@link FlvError.code}. */
export class FlvError extends Error {
  override readonly name = 'FlvError';
  readonly [RTMP_ERROR_MARK] = true;
  readonly [MARK] = true;
  readonly code: FlvErrorCode;
  /** File offset where the fault was found. */
  readonly offset: number;

  constructor(code: FlvErrorCode, message: string, offset: number) {
    super(`${message} (at byte ${offset})`);
    this.code = code;
    this.offset = offset;
  }

  /** `true` for an {@link FlvError} from any installed copy of this package. */
  static isInstance(value: unknown): value is FlvError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARK] === true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return FlvError.isInstance(value);
  }
}

/** Something wrong but survivable: what {@link FlvReader.end} reports for a cut file. */
export interface FlvWarning {
  readonly code: 'FLV_TRUNCATED';
  readonly message: string;
  /** Where the incomplete tag starts: everything before it was read. */
  readonly offset: number;
}
