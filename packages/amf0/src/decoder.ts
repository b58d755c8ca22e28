import {
  DEFAULT_MAX_ARRAY_LENGTH,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_PROPERTIES,
  DEFAULT_MAX_REFERENCES,
  DEFAULT_MAX_STRING_LENGTH,
} from './constants';
import { Amf0Error, type Amf0ErrorCode } from './errors';
import { readFloat64 } from './float64';
import { Marker } from './marker';
import type { Amf0EcmaArrayNode, Amf0Entries, Amf0Node, Amf0ObjectNode, Amf0TypedObjectNode } from './node';
import { utf8Decode } from './utf8';

/** Limits and leniency of {@link Amf0Decoder}. Every field is optional. */
export interface Amf0DecoderOptions {
  /** Deepest nesting of objects/arrays; a top-level object is depth 1. @default 16 ({@link DEFAULT_MAX_DEPTH}) */
  readonly maxDepth?: number;
  /** Longest long string or XML document, in bytes. @default 8 MiB ({@link DEFAULT_MAX_STRING_LENGTH}) */
  readonly maxStringLength?: number;
  /** Most elements in one strict array. @default 65536 ({@link DEFAULT_MAX_ARRAY_LENGTH}) */
  readonly maxArrayLength?: number;
  /** Most properties in one object, ECMA array or typed object. @default 65536 ({@link DEFAULT_MAX_PROPERTIES}) */
  readonly maxProperties?: number;
  /** Most reference markers per decode call; 0 rejects references. @default 1024 ({@link DEFAULT_MAX_REFERENCES}) */
  readonly maxReferences?: number;
  /**
   * Accept a top-level object or ECMA array whose `00 00 09` end marker is missing, but only when
   * the buffer ends exactly where the marker should be (some encoders, e.g. Envivio, send a
   * `connect` object that way; nginx-rtmp tolerates it).
   * @default false
   */
  readonly allowMissingObjectEnd?: boolean;
}

const EMPTY = new Uint8Array(0);
const CANONICAL_NAN = [0x7f, 0xf8, 0, 0, 0, 0, 0, 0];

/** Lets a container be the target of a later reference marker only once it is complete. */
const INCOMPLETE: unique symbol = Symbol('incomplete');

/**
 * Streaming-friendly AMF0 decoder. Give it a buffer with {@link Amf0Decoder.setBuffer}, then read
 * values one by one from {@link Amf0Decoder.offset}. A failed read throws {@link Amf0Error} and
 * leaves `offset` at the start of the value it was reading, so a caller that receives more bytes
 * can retry. Reference markers (0x07) are resolved within one buffer (one RTMP message).
 *
 * Plain values map as follows: number → number, boolean → boolean, string, long string and XML
 * document → string, object, ECMA array and typed object → an ordinary object (a `__proto__` key
 * becomes an own property, never the prototype), strict array → array, null → null, undefined and
 * unsupported → undefined, date → Date, reference → the same JS value it points to.
 *
 * @example
 * ```ts
 * const decoder = new Amf0Decoder();
 * decoder.setBuffer(bytes);
 * while (decoder.remaining > 0) console.log(decoder.readValue());
 * ```
 */
export class Amf0Decoder {
  readonly #maxDepth: number;
  readonly #maxStringLength: number;
  readonly #maxArrayLength: number;
  readonly #maxProperties: number;
  readonly #maxReferences: number;
  readonly #allowMissingObjectEnd: boolean;

  #bytes: Uint8Array = EMPTY;
  #end = 0;
  #pos = 0;
  /** Complex values seen in this buffer, for 0x07. Lossless mode stores `true` once complete. */
  readonly #table: unknown[] = [];
  #referencesUsed = 0;
  #markTable = 0;
  #markReferences = 0;
  /** Set when the last object read ended at the buffer's end without its marker (lenient mode). */
  #endMissing = false;

  constructor(options: Amf0DecoderOptions = {}) {
    this.#maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.#maxStringLength = options.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH;
    this.#maxArrayLength = options.maxArrayLength ?? DEFAULT_MAX_ARRAY_LENGTH;
    this.#maxProperties = options.maxProperties ?? DEFAULT_MAX_PROPERTIES;
    this.#maxReferences = options.maxReferences ?? DEFAULT_MAX_REFERENCES;
    this.#allowMissingObjectEnd = options.allowMissingObjectEnd ?? false;
  }

  /** Starts reading `bytes` at `offset`, forgetting the previous buffer and its reference table. */
  setBuffer(bytes: Uint8Array, offset = 0): this {
    this.#bytes = bytes;
    this.#end = bytes.byteLength;
    this.#pos = offset;
    if (this.#table.length > 0) this.#table.length = 0;
    this.#referencesUsed = 0;
    return this;
  }

  /** Where the next value starts. */
  get offset(): number {
    return this.#pos;
  }

  /** Bytes left after {@link Amf0Decoder.offset}. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  /**
   * Reads the next value as a plain JavaScript value.
   * @throws {@link Amf0Error} on invalid or truncated input; `offset` is then left unchanged.
   */
  readValue(): unknown {
    const start = this.#mark();
    try {
      return this.#plain(0);
    } catch (error) {
      throw this.#rewind(start, error);
    }
  }

  /**
   * Reads the next value in its lossless form.
   * @throws {@link Amf0Error} on invalid or truncated input; `offset` is then left unchanged.
   */
  readNode(): Amf0Node {
    const start = this.#mark();
    try {
      return this.#node(0);
    } catch (error) {
      throw this.#rewind(start, error);
    }
  }

  /** Where a read starts, so a failed one can be undone (see `#rewind`). */
  #mark(): number {
    this.#markTable = this.#table.length;
    this.#markReferences = this.#referencesUsed;
    return this.#pos;
  }

  /** Puts the cursor and reference table back to `#mark`; returns `error`. */
  #rewind(start: number, error: unknown): unknown {
    this.#pos = start;
    this.#table.length = this.#markTable;
    this.#referencesUsed = this.#markReferences;
    this.#endMissing = false;
    return error;
  }

  // --- primitives shared by both views -------------------------------------------------------

  #need(count: number): void {
    if (this.#end - this.#pos < count) {
      throw new Amf0Error(
        'AMF0_TRUNCATED',
        `needs ${count} byte(s), ${this.#end - this.#pos} left`,
        this.#pos,
      );
    }
  }

  #u8(): number {
    this.#need(1);
    return this.#bytes[this.#pos++]!;
  }

  #u16(): number {
    this.#need(2);
    const bytes = this.#bytes;
    const at = this.#pos;
    this.#pos = at + 2;
    return (bytes[at]! << 8) | bytes[at + 1]!;
  }

  #u32(): number {
    this.#need(4);
    const bytes = this.#bytes;
    const at = this.#pos;
    this.#pos = at + 4;
    return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
  }

  #f64(): number {
    this.#need(8);
    const value = readFloat64(this.#bytes, this.#pos);
    this.#pos += 8;
    return value;
  }

  /** The 8 raw bytes of a NaN with a non-canonical payload, so lossless re-encoding is exact. */
  #nanPayload(start: number, value: number): Uint8Array | undefined {
    if (!Number.isNaN(value)) return undefined;
    const raw = this.#bytes.slice(start, start + 8);
    return raw.every((byte, i) => byte === CANONICAL_NAN[i]) ? undefined : raw;
  }

  #text(length: number): string {
    this.#need(length);
    const value = utf8Decode(this.#bytes, this.#pos, length);
    this.#pos += length;
    return value;
  }

  #shortString(): string {
    return this.#text(this.#u16());
  }

  #longString(): string {
    const at = this.#pos;
    const length = this.#u32();
    if (length > this.#maxStringLength) {
      throw new Amf0Error('AMF0_STRING_TOO_LONG', `string of ${length} bytes > maxStringLength`, at);
    }
    return this.#text(length);
  }

  #enter(depth: number): number {
    if (depth >= this.#maxDepth) {
      throw new Amf0Error(
        'AMF0_DEPTH_EXCEEDED',
        `nesting deeper than maxDepth ${this.#maxDepth}`,
        this.#pos - 1,
      );
    }
    return depth + 1;
  }

  /**
   * Reads a property key, or returns `undefined` at the `00 00 09` end marker. At depth 1 with
   * `allowMissingObjectEnd`, the exact end of the buffer also ends the object (and sets
   * `#endMissing`).
   */
  #key(depth: number, count: number): string | undefined {
    if (depth === 1 && this.#allowMissingObjectEnd && this.#pos === this.#end) {
      this.#endMissing = true;
      return undefined;
    }
    const at = this.#pos;
    const key = this.#shortString();
    if (key.length === 0) {
      if (this.#u8() === Marker.ObjectEnd) return undefined;
      throw new Amf0Error('AMF0_EMPTY_KEY', 'empty key without object end', at);
    }
    if (count >= this.#maxProperties) {
      throw new Amf0Error('AMF0_TOO_MANY_PROPERTIES', 'more than maxProperties', at);
    }
    return key;
  }

  #strictArrayLength(): number {
    const at = this.#pos;
    const count = this.#u32();
    if (count > this.#maxArrayLength) {
      throw new Amf0Error('AMF0_TOO_MANY_ELEMENTS', `strict array of ${count} > maxArrayLength`, at);
    }
    // Every element takes at least one byte: a count beyond what is left is a lie, found now
    // instead of after a loop the peer controls.
    if (count > this.#end - this.#pos) {
      throw new Amf0Error(
        'AMF0_TRUNCATED',
        `strict array of ${count} in ${this.#end - this.#pos} byte(s)`,
        at,
      );
    }
    return count;
  }

  #reference(): number {
    const at = this.#pos - 1;
    if (this.#referencesUsed >= this.#maxReferences) {
      throw new Amf0Error('AMF0_REFERENCE_LIMIT', 'more than maxReferences', at);
    }
    const index = this.#u16();
    this.#referencesUsed++;
    if (index >= this.#table.length || this.#table[index] === INCOMPLETE) {
      throw new Amf0Error('AMF0_BAD_REFERENCE', `reference ${index} to no complete earlier value`, at);
    }
    return index;
  }

  #badMarker(marker: number): never {
    const [code, what]: [Amf0ErrorCode, string] =
      marker === Marker.ObjectEnd
        ? ['AMF0_UNEXPECTED_OBJECT_END', 'object-end']
        : marker === Marker.MovieClip || marker === Marker.RecordSet
          ? ['AMF0_RESERVED_MARKER', 'reserved']
          : marker === Marker.AvmPlus
            ? ['AMF0_AVMPLUS_UNSUPPORTED', 'unsupported AMF3 (AVM+)']
            : ['AMF0_UNKNOWN_MARKER', 'unknown'];
    throw new Amf0Error(code, `${what} AMF0 marker 0x${marker.toString(16)}`, this.#pos - 1);
  }

  // --- plain view ------------------------------------------------------------------------------

  #plain(depth: number): unknown {
    const marker = this.#u8();
    switch (marker) {
      case Marker.Number:
        return this.#f64();
      case Marker.Boolean:
        return this.#u8() !== 0;
      case Marker.String:
        return this.#shortString();
      case Marker.Object:
        return this.#plainObject(this.#enter(depth));
      case Marker.Null:
        return null;
      case Marker.Undefined:
      case Marker.Unsupported:
        return undefined;
      case Marker.Reference:
        return this.#table[this.#reference()];
      case Marker.EcmaArray:
        this.#u32(); // the count is a hint only: read to the end marker
        return this.#plainObject(this.#enter(depth));
      case Marker.StrictArray: {
        const inner = this.#enter(depth);
        const count = this.#strictArrayLength();
        const slot = this.#table.push(INCOMPLETE) - 1;
        const items: unknown[] = [];
        for (let i = 0; i < count; i++) items.push(this.#plain(inner));
        this.#table[slot] = items;
        return items;
      }
      case Marker.Date: {
        const time = this.#f64();
        this.#u16(); // time zone: not representable in a Date (see readNode)
        return new Date(time);
      }
      case Marker.LongString:
      case Marker.XmlDocument:
        return this.#longString();
      case Marker.TypedObject: {
        const inner = this.#enter(depth);
        this.#shortString(); // class name: kept by readNode only
        return this.#plainObject(inner);
      }
      default:
        return this.#badMarker(marker);
    }
  }

  #plainObject(depth: number): Record<string, unknown> {
    const slot = this.#table.push(INCOMPLETE) - 1;
    const result: Record<string, unknown> = {};
    for (let count = 0; ; count++) {
      const key = this.#key(depth, count);
      if (key === undefined) break;
      const value = this.#plain(depth);
      if (key === '__proto__') {
        Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
      } else {
        result[key] = value;
      }
    }
    this.#table[slot] = result;
    return result;
  }

  // --- lossless view ---------------------------------------------------------------------------

  #node(depth: number): Amf0Node {
    const marker = this.#u8();
    switch (marker) {
      case Marker.Number: {
        const start = this.#pos;
        const value = this.#f64();
        const raw = this.#nanPayload(start, value);
        return raw ? { type: 'number', value, raw } : { type: 'number', value };
      }
      case Marker.Boolean: {
        const byte = this.#u8();
        return byte > 1
          ? { type: 'boolean', value: true, raw: byte }
          : { type: 'boolean', value: byte === 1 };
      }
      case Marker.String:
        return { type: 'string', value: this.#shortString() };
      case Marker.Object:
        return this.#ended({ type: 'object', entries: this.#nodeEntries(this.#enter(depth)) });
      case Marker.Null:
        return { type: 'null' };
      case Marker.Undefined:
        return { type: 'undefined' };
      case Marker.Unsupported:
        return { type: 'unsupported' };
      case Marker.Reference:
        return { type: 'reference', index: this.#reference() };
      case Marker.EcmaArray: {
        const count = this.#u32();
        return this.#ended({ type: 'ecma-array', count, entries: this.#nodeEntries(this.#enter(depth)) });
      }
      case Marker.StrictArray: {
        const inner = this.#enter(depth);
        const count = this.#strictArrayLength();
        const slot = this.#table.push(INCOMPLETE) - 1;
        const items: Amf0Node[] = [];
        for (let i = 0; i < count; i++) items.push(this.#node(inner));
        this.#table[slot] = true;
        return { type: 'strict-array', items };
      }
      case Marker.Date: {
        const start = this.#pos;
        const value = this.#f64();
        const timezone = (this.#u16() << 16) >> 16; // signed 16-bit
        const raw = this.#nanPayload(start, value);
        return raw ? { type: 'date', value, timezone, raw } : { type: 'date', value, timezone };
      }
      case Marker.LongString:
        return { type: 'long-string', value: this.#longString() };
      case Marker.XmlDocument:
        return { type: 'xml-document', value: this.#longString() };
      case Marker.TypedObject: {
        const inner = this.#enter(depth);
        const className = this.#shortString();
        return this.#ended({ type: 'typed-object', className, entries: this.#nodeEntries(inner) });
      }
      default:
        return this.#badMarker(marker);
    }
  }

  /** Marks `node` as `unterminated` when it ended without its end marker (lenient mode). */
  #ended<T extends Amf0ObjectNode | Amf0EcmaArrayNode | Amf0TypedObjectNode>(node: T): T {
    if (this.#endMissing) {
      this.#endMissing = false;
      node.unterminated = true;
    }
    return node;
  }

  #nodeEntries(depth: number): Amf0Entries {
    const slot = this.#table.push(INCOMPLETE) - 1;
    const entries: Amf0Entries = [];
    for (;;) {
      const key = this.#key(depth, entries.length);
      if (key === undefined) break;
      entries.push([key, this.#node(depth)]);
    }
    this.#table[slot] = true;
    return entries;
  }
}

/**
 * Decodes exactly one AMF0 value from `bytes` as a plain JavaScript value.
 * @param bytes - the encoded value; `Buffer` works too.
 * @returns the value, mapped as described on {@link Amf0Decoder}.
 * @throws {@link Amf0Error} on invalid, truncated or over-limit input, or bytes left after the value.
 * @example
 * ```ts
 * decode(new Uint8Array([0x00, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0])); // 1
 * ```
 */
export function decode(bytes: Uint8Array, options?: Amf0DecoderOptions): unknown {
  const decoder = decoderFor(bytes, options);
  const value = decoder.readValue();
  assertConsumed(decoder);
  return value;
}

/**
 * Decodes a sequence of AMF0 values (a command or data message body) as plain values.
 * @throws {@link Amf0Error} on invalid, truncated or over-limit input.
 * @example
 * ```ts
 * const [name, transactionId, commandObject] = decodeAll(body);
 * ```
 */
export function decodeAll(bytes: Uint8Array, options?: Amf0DecoderOptions): unknown[] {
  const decoder = decoderFor(bytes, options);
  const values: unknown[] = [];
  while (decoder.remaining > 0) values.push(decoder.readValue());
  return values;
}

/**
 * Decodes exactly one AMF0 value in its lossless form: `encodeNode(decodeNode(b))` equals `b`.
 * @throws {@link Amf0Error} on invalid, truncated or over-limit input, or bytes left after the value.
 */
export function decodeNode(bytes: Uint8Array, options?: Amf0DecoderOptions): Amf0Node {
  const decoder = decoderFor(bytes, options);
  const node = decoder.readNode();
  assertConsumed(decoder);
  return node;
}

/**
 * Decodes a sequence of AMF0 values in their lossless form.
 * @throws {@link Amf0Error} on invalid, truncated or over-limit input.
 */
export function decodeAllNodes(bytes: Uint8Array, options?: Amf0DecoderOptions): Amf0Node[] {
  const decoder = decoderFor(bytes, options);
  const nodes: Amf0Node[] = [];
  while (decoder.remaining > 0) nodes.push(decoder.readNode());
  return nodes;
}

// The free functions share one decoder with default limits: decoding is synchronous and calls no
// user code, so it can never be re-entered.
const shared = new Amf0Decoder();

function decoderFor(bytes: Uint8Array, options: Amf0DecoderOptions | undefined): Amf0Decoder {
  return (options === undefined ? shared : new Amf0Decoder(options)).setBuffer(bytes);
}

function assertConsumed(decoder: Amf0Decoder): void {
  if (decoder.remaining > 0) {
    throw new Amf0Error(
      'AMF0_TRAILING_BYTES',
      `${decoder.remaining} byte(s) after the value`,
      decoder.offset,
    );
  }
}
