import { FlvError, type FlvWarning } from './errors';
import {
  DEFAULT_MAX_TAG_SIZE,
  FLV_TAG_HEADER_SIZE,
  type FlvHeader,
  FlvTagType,
  type ReadFlvTag,
} from './flv-tag';

/** What {@link FlvReader.next} yields: the file header once, then tags. */
export type FlvReadItem =
  | { readonly kind: 'header'; readonly header: FlvHeader }
  | { readonly kind: 'tag'; readonly tag: ReadFlvTag };

/** Options of {@link FlvReader}. */
export interface FlvReaderOptions {
  /** Largest tag accepted. @default 16 MiB ({@link DEFAULT_MAX_TAG_SIZE}) */
  readonly maxTagSize?: number;
  /** Check every PreviousTagSize against the tag before it. @default true */
  readonly validatePreviousTagSize?: boolean;
}

const KNOWN_TYPES = new Set<number>([
  FlvTagType.Audio,
  FlvTagType.Video,
  FlvTagType.ScriptData,
  FlvTagType.ScriptDataAmf3,
]);

/**
 * Reads an FLV file from bytes split anywhere (FLV 10.1 Annex E), sans-IO: {@link FlvReader.push}
 * bytes, then {@link FlvReader.next} until `undefined`; call {@link FlvReader.end} when the input
 * is over, to learn whether it was cut inside a tag. Tag bodies are views of the input when a tag
 * arrived in one piece.
 * @example
 * ```ts
 * const reader = new FlvReader();
 * reader.push(bytes);
 * for (let item = reader.next(); item; item = reader.next()) if (item.kind === 'tag') handle(item.tag);
 * const warning = reader.end(); // FLV_TRUNCATED if the file was cut
 * ```
 */
export class FlvReader {
  readonly #maxTagSize: number;
  readonly #validate: boolean;
  #chunks: Uint8Array[] = [];
  #length = 0;
  /** File offset of the first byte in #chunks. */
  #offset = 0;
  #state: 'header' | 'previous-tag-size' | 'tag' = 'header';
  #skip = 0;
  #lastTagSize = 0;

  constructor(options: FlvReaderOptions = {}) {
    this.#maxTagSize = options.maxTagSize ?? DEFAULT_MAX_TAG_SIZE;
    this.#validate = options.validatePreviousTagSize ?? true;
  }

  /** File offset of the next byte to read. */
  get offset(): number {
    return this.#offset;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#chunks.push(bytes);
    this.#length += bytes.length;
  }

  /**
   * The header or next tag, or `undefined` until more bytes arrive.
   * @throws {@link FlvError} for bytes that are not FLV (bad signature, unknown or filtered tag
   *   type, tag over `maxTagSize`, wrong PreviousTagSize).
   */
  next(): FlvReadItem | undefined {
    for (;;) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, this.#length);
        this.#take(n);
        this.#skip -= n;
        if (this.#skip > 0) return undefined;
      }
      if (this.#state === 'header') {
        const bytes = this.#peek(9);
        if (bytes === undefined) return undefined;
        if (bytes[0] !== 0x46 || bytes[1] !== 0x4c || bytes[2] !== 0x56) {
          throw new FlvError(
            'FLV_BAD_SIGNATURE',
            'not an FLV file: it does not start with "FLV"',
            this.#offset,
          );
        }
        const dataOffset = ((bytes[5]! << 24) | (bytes[6]! << 16) | (bytes[7]! << 8) | bytes[8]!) >>> 0;
        if (dataOffset < 9 || dataOffset > 1024) {
          throw new FlvError(
            'FLV_BAD_HEADER',
            `FLV header claims a data offset of ${dataOffset}`,
            this.#offset + 5,
          );
        }
        const header: FlvHeader = {
          version: bytes[3]!,
          hasAudio: (bytes[4]! & 0x04) !== 0,
          hasVideo: (bytes[4]! & 0x01) !== 0,
        };
        this.#take(9);
        this.#skip = dataOffset - 9;
        this.#state = 'previous-tag-size';
        this.#lastTagSize = 0;
        return { kind: 'header', header };
      }
      if (this.#state === 'previous-tag-size') {
        const bytes = this.#peek(4);
        if (bytes === undefined) return undefined;
        const size = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
        // PreviousTagSize0 is 0 by the spec, but writers vary: only tags' sizes are checked.
        if (this.#validate && this.#lastTagSize !== 0 && size !== this.#lastTagSize) {
          throw new FlvError(
            'FLV_BAD_PREVIOUS_TAG_SIZE',
            `PreviousTagSize ${size}, expected ${this.#lastTagSize}`,
            this.#offset,
          );
        }
        this.#take(4);
        this.#state = 'tag';
        continue;
      }
      const head = this.#peek(FLV_TAG_HEADER_SIZE);
      if (head === undefined) return undefined;
      const at = this.#offset;
      if (head[0]! & 0x20)
        throw new FlvError('FLV_FILTERED_TAG', 'an encrypted or filtered tag (Filter bit set)', at);
      const type = head[0]! & 0x1f;
      if (!KNOWN_TYPES.has(type))
        throw new FlvError('FLV_UNKNOWN_TAG_TYPE', `tag type ${type} is not audio, video or script data`, at);
      const size = (head[1]! << 16) | (head[2]! << 8) | head[3]!;
      if (size > this.#maxTagSize)
        throw new FlvError(
          'FLV_TAG_TOO_LARGE',
          `a ${size}-byte tag exceeds maxTagSize ${this.#maxTagSize}`,
          at,
        );
      const whole = this.#peek(FLV_TAG_HEADER_SIZE + size);
      if (whole === undefined) return undefined;
      const timestamp = ((head[4]! << 16) | (head[5]! << 8) | head[6]! | (head[7]! << 24)) >>> 0;
      const body = whole.subarray(FLV_TAG_HEADER_SIZE);
      this.#take(FLV_TAG_HEADER_SIZE + size);
      this.#lastTagSize = FLV_TAG_HEADER_SIZE + size;
      this.#state = 'previous-tag-size';
      return { kind: 'tag', tag: { type: type as ReadFlvTag['type'], timestamp, body, offset: at } };
    }
  }

  /**
   * The input is over: returns a warning if it ended anywhere but between two tags (in the header,
   * a tag, or a PreviousTagSize; everything complete before that was delivered), `undefined` if the
   * file ended cleanly.
   */
  end(): FlvWarning | undefined {
    // Clean only between tags: after a tag's PreviousTagSize (or the header's), nothing pending.
    if (this.#state === 'tag' && this.#length === 0) return undefined;
    const what =
      this.#state === 'header' ? 'the header' : this.#state === 'tag' ? 'a tag' : 'a PreviousTagSize';
    return {
      code: 'FLV_TRUNCATED',
      message: `the file ends inside ${what}: ${this.#length} byte(s) at offset ${this.#offset} could not be read`,
      offset: this.#offset,
    };
  }

  /** The next `size` bytes, contiguous (a view when they lie in one input piece), without consuming. */
  #peek(size: number): Uint8Array | undefined {
    if (this.#length < size) return undefined;
    const first = this.#chunks[0]!;
    if (first.length >= size) return first.subarray(0, size);
    // Merge just enough pieces into one, once; later peeks of the same bytes reuse it.
    const merged = new Uint8Array(Math.max(size, 0));
    let filled = 0;
    let count = 0;
    for (const chunk of this.#chunks) {
      const n = Math.min(chunk.length, size - filled);
      merged.set(chunk.subarray(0, n), filled);
      filled += n;
      count++;
      if (filled === size) {
        const rest = chunk.subarray(n);
        this.#chunks.splice(0, count, ...(rest.length > 0 ? [merged, rest] : [merged]));
        return merged;
      }
    }
    return undefined;
  }

  #take(size: number): void {
    this.#length -= size;
    this.#offset += size;
    let left = size;
    while (left > 0) {
      const first = this.#chunks[0]!;
      if (first.length > left) {
        this.#chunks[0] = first.subarray(left);
        return;
      }
      left -= first.length;
      this.#chunks.shift();
    }
  }
}
