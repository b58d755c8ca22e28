/** Codes of {@link ChunkError}. */
export type ChunkErrorCode =
  /** Set Chunk Size of 0 or with the top bit set. */
  | 'CHUNK_SIZE_INVALID'
  /** Set Chunk Size below the decoder's `minChunkSize`. */
  | 'CHUNK_SIZE_TOO_SMALL'
  /** fmt 2 or 3 on a chunk stream that has no previous header. */
  | 'CHUNK_NO_PREVIOUS_HEADER'
  /** fmt 0 on a chunk stream whose message is not complete. */
  | 'CHUNK_UNEXPECTED_NEW_MESSAGE'
  /** fmt 1 in the middle of a message changes its length or type (the CVE-2016-10191 shape). */
  | 'CHUNK_LENGTH_MISMATCH'
  /** A message longer than `maxMessageLength`. */
  | 'CHUNK_MESSAGE_TOO_LONG'
  /** Partial messages would exceed `maxPartialBytes`. */
  | 'CHUNK_PARTIAL_BUDGET_EXCEEDED'
  /** More than `maxPartialStreams` chunk streams with a message in progress. */
  | 'CHUNK_TOO_MANY_PARTIAL_STREAMS'
  /** More than `maxChunkStreams` chunk streams in use. */
  | 'CHUNK_TOO_MANY_STREAMS'
  /** A protocol control message too short for its fields. */
  | 'CHUNK_CONTROL_TOO_SHORT'
  /** Window Acknowledgement Size of 0 or with the top bit set. */
  | 'CHUNK_WINDOW_INVALID'
  /** The decoder already failed; a chunk stream cannot be resynchronised. */
  | 'CHUNK_DECODER_FAILED';

const MARK = Symbol.for('@rtmp/chunk/ChunkError');
const RTMP_ERROR_MARK = Symbol.for('@rtmp/error');

/**
 * A chunk stream protocol violation by the peer. The connection cannot continue: close it.
 * Match on {@link ChunkError.code}.
 */
export class ChunkError extends Error {
  override readonly name = 'ChunkError';
  readonly [RTMP_ERROR_MARK] = true;
  readonly [MARK] = true;
  /** Stable machine-readable code. */
  readonly code: ChunkErrorCode;
  /** Offset in the chunk stream (bytes fed to the decoder) where the offending chunk starts. */
  readonly offset: number;
  /** Chunk stream id concerned, when there is one. */
  readonly chunkStreamId: number | undefined;

  constructor(code: ChunkErrorCode, message: string, offset: number, chunkStreamId?: number) {
    super(
      `${message} (at byte ${offset}${chunkStreamId === undefined ? '' : `, chunk stream ${chunkStreamId}`})`,
    );
    this.code = code;
    this.offset = offset;
    this.chunkStreamId = chunkStreamId;
  }

  /** `true` for a {@link ChunkError} from any installed copy of this package. */
  static isInstance(value: unknown): value is ChunkError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[MARK] === true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return ChunkError.isInstance(value);
  }
}
