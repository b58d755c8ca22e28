import {
  DEFAULT_MAX_BYTE_ARRAY_LENGTH,
  DEFAULT_MAX_DEPTH,
  DEFAULT_MAX_LENGTH,
  DEFAULT_MAX_STRING_LENGTH,
  DEFAULT_MAX_TABLE_SIZE,
} from './constants';
import { Amf3Error, type Amf3ErrorCode } from './errors';
import { type Amf3ExternalReader, type Amf3Input, FLEX_EXTERNALIZABLES } from './externalizable';
import { Marker } from './marker';
import type { Amf3Entries, Amf3Node, Amf3ObjectNode, Amf3Traits } from './node';
import { copyItems } from './vector-items';

/** Limits and readers of {@link Amf3Decoder}. Every field is optional. */
export interface Amf3DecoderOptions {
  /** Deepest nesting of containers; a top-level object is depth 1. @default 32 ({@link DEFAULT_MAX_DEPTH}) */
  readonly maxDepth?: number;
  /** Longest string, XML value, key or class name, in bytes. @default 8 MiB ({@link DEFAULT_MAX_STRING_LENGTH}) */
  readonly maxStringLength?: number;
  /** Longest byte array. @default 16 MiB ({@link DEFAULT_MAX_BYTE_ARRAY_LENGTH}) */
  readonly maxByteArrayLength?: number;
  /** Most items in one array, vector or dictionary; most members of one object. @default 65536 ({@link DEFAULT_MAX_LENGTH}) */
  readonly maxLength?: number;
  /** Most entries in each reference table (strings, objects, traits). @default 65536 ({@link DEFAULT_MAX_TABLE_SIZE}) */
  readonly maxTableSize?: number;
  /**
   * Readers of externalizable classes by class name, on top of (or replacing) the Flex ones in
   * {@link FLEX_EXTERNALIZABLES}. An externalizable object of any other class is an
   * `AMF3_UNKNOWN_EXTERNALIZABLE` error: its body has no length to skip it by.
   */
  readonly externalizables?: Readonly<Record<string, Amf3ExternalReader>>;
}

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const FLEX_READERS = new Map(Object.entries(FLEX_EXTERNALIZABLES));
/** What a complex value's header says when it is a reference: no value follows. */
const IS_REFERENCE = 0;

/**
 * AMF3 decoder (AMF3 spec, 2013). Give it a buffer with {@link Amf3Decoder.setBuffer}, then read
 * values one by one from {@link Amf3Decoder.offset}; the three reference tables (strings, objects,
 * traits) live until the next `setBuffer`. A failed read throws {@link Amf3Error} and leaves
 * `offset` and the tables as they were before it.
 *
 * Plain values map as follows: undefined → undefined, null → null, false/true → boolean, integer
 * and double → number, string, XML document and XML → string, date → Date, array → array (the
 * associative part, if any, as own properties of it), object → an ordinary object (class name
 * dropped; a `__proto__` member becomes an own property, never the prototype), externalizable →
 * whatever its reader returns, byte array → Uint8Array (a copy), vector of int/uint/double →
 * Int32Array/Uint32Array/Float64Array, vector of objects → array, dictionary → Map. A reference
 * gives the very object it points to, so cycles come back as cycles.
 *
 * @example
 * ```ts
 * const decoder = new Amf3Decoder();
 * decoder.setBuffer(bytes);
 * while (decoder.remaining > 0) console.log(decoder.readValue());
 * ```
 */
export class Amf3Decoder {
  readonly #maxDepth: number;
  readonly #maxStringLength: number;
  readonly #maxByteArrayLength: number;
  readonly #maxLength: number;
  readonly #maxTableSize: number;
  readonly #externalizables: Map<string, Amf3ExternalReader>;

  #bytes: Uint8Array = EMPTY;
  #view: DataView = new DataView(EMPTY.buffer);
  #end = 0;
  #pos = 0;
  readonly #strings: string[] = [];
  /** Complex values (plain mode) or their nodes (lossless mode), in the order they began. */
  readonly #objects: unknown[] = [];
  readonly #traits: Amf3Traits[] = [];

  constructor(options: Amf3DecoderOptions = {}) {
    this.#maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.#maxStringLength = options.maxStringLength ?? DEFAULT_MAX_STRING_LENGTH;
    this.#maxByteArrayLength = options.maxByteArrayLength ?? DEFAULT_MAX_BYTE_ARRAY_LENGTH;
    this.#maxLength = options.maxLength ?? DEFAULT_MAX_LENGTH;
    this.#maxTableSize = options.maxTableSize ?? DEFAULT_MAX_TABLE_SIZE;
    this.#externalizables = options.externalizables
      ? new Map(Object.entries({ ...FLEX_EXTERNALIZABLES, ...options.externalizables }))
      : FLEX_READERS;
  }

  /** Starts reading `bytes` at `offset`, with empty reference tables. */
  setBuffer(bytes: Uint8Array, offset = 0): this {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#end = bytes.byteLength;
    this.#pos = offset;
    this.#strings.length = 0;
    this.#objects.length = 0;
    this.#traits.length = 0;
    return this;
  }

  /** Where the next value starts. */
  get offset(): number {
    return this.#pos;
  }

  /** Bytes left after {@link Amf3Decoder.offset}. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  /**
   * Reads the next value as a plain JavaScript value.
   * @throws {@link Amf3Error} on invalid or truncated input; `offset` is then left unchanged.
   */
  readValue(): unknown {
    return this.#guarded(() => this.#read(0, false));
  }

  /**
   * Reads the next value in its lossless form.
   * @throws {@link Amf3Error} on invalid or truncated input; `offset` is then left unchanged.
   */
  readNode(): Amf3Node {
    return this.#guarded(() => this.#read(0, true) as Amf3Node);
  }

  /** Runs a read; on failure puts the cursor and the tables back where they were. */
  #guarded<T>(read: () => T): T {
    const pos = this.#pos;
    const strings = this.#strings.length;
    const objects = this.#objects.length;
    const traits = this.#traits.length;
    try {
      return read();
    } catch (error) {
      this.#pos = pos;
      this.#strings.length = strings;
      this.#objects.length = objects;
      this.#traits.length = traits;
      throw error;
    }
  }

  #fail(code: Amf3ErrorCode, message: string, offset = this.#pos): never {
    throw new Amf3Error(code, message, offset);
  }

  #unknownMarker(marker: number, at: number): never {
    this.#fail('AMF3_UNKNOWN_MARKER', `unknown marker 0x${marker.toString(16)}`, at);
  }

  #need(count: number): void {
    if (this.#end - this.#pos < count) {
      this.#fail('AMF3_TRUNCATED', `needed ${count} more bytes, have ${this.#end - this.#pos}`);
    }
  }

  #u8(): number {
    if (this.#pos >= this.#end) this.#need(1);
    return this.#bytes[this.#pos++]!;
  }

  /** U29 (spec §1.3.1): 7 bits per byte with a continuation bit, the 4th byte contributes 8. */
  #u29(): number {
    let byte = this.#u8();
    if (byte < 0x80) return byte;
    let value = (byte & 0x7f) << 7;
    byte = this.#u8();
    if (byte < 0x80) return value | byte;
    value = (value | (byte & 0x7f)) << 7;
    byte = this.#u8();
    if (byte < 0x80) return value | byte;
    value = (value | (byte & 0x7f)) << 8;
    return (value | this.#u8()) >>> 0;
  }

  #double(): number {
    this.#need(8);
    const value = this.#view.getFloat64(this.#pos);
    this.#pos += 8;
    return value;
  }

  /** UTF-8 of a string or an XML value. */
  #text(length: number): string {
    if (length > this.#maxStringLength) {
      this.#fail('AMF3_STRING_TOO_LONG', `${length} bytes is over maxStringLength ${this.#maxStringLength}`);
    }
    this.#need(length);
    const start = this.#pos;
    const end = start + length;
    this.#pos = end;
    if (length > 32) return utf8.decode(this.#bytes.subarray(start, end));
    let text = '';
    for (let i = start; i < end; i++) {
      const byte = this.#bytes[i]!;
      if (byte >= 0x80) return utf8.decode(this.#bytes.subarray(start, end));
      text += String.fromCharCode(byte);
    }
    return text;
  }

  /** UTF-8-vr (spec §1.3.2): a string, or a reference to one in the string table. */
  #string(): string {
    const at = this.#pos;
    const header = this.#u29();
    if ((header & 1) === 0) {
      const text = this.#strings[header >>> 1];
      if (text === undefined) this.#badReference('string', header >>> 1, this.#strings.length, at);
      return text;
    }
    const length = header >>> 1;
    if (length === 0) return ''; // the empty string is never a table entry
    const text = this.#text(length);
    if (this.#strings.length >= this.#maxTableSize) this.#tableFull('string', at);
    this.#strings.push(text);
    return text;
  }

  #badReference(table: string, index: number, size: number, at: number): never {
    this.#fail('AMF3_BAD_REFERENCE', `${table} reference ${index} with ${size} in the table`, at);
  }

  #tableFull(table: string, at: number): never {
    this.#fail('AMF3_TABLE_FULL', `${table} table over maxTableSize ${this.#maxTableSize}`, at);
  }

  /**
   * The U29 that starts every complex value. Returns {@link IS_REFERENCE} after resolving a
   * reference into `#referenced`; otherwise the header, whose low bit is then always 1.
   */
  #header(): number {
    const at = this.#pos;
    const header = this.#u29();
    if ((header & 1) === 1) return header;
    const index = header >>> 1;
    if (index >= this.#objects.length) this.#badReference('object', index, this.#objects.length, at);
    this.#referenced = index;
    return IS_REFERENCE;
  }
  #referenced = 0;

  /** A count from a header: within maxLength and, at `bytesEach` per item, within the input. */
  #count(header: number, bytesEach: number, what: string): number {
    const count = header >>> 1;
    if (count > this.#maxLength) this.#tooMany(what, count);
    this.#need(count * bytesEach);
    return count;
  }

  #tooMany(what: string, count: number | string): never {
    this.#fail('AMF3_TOO_MANY_ELEMENTS', `${what} of ${count} is over maxLength ${this.#maxLength}`);
  }

  #depth(depth: number): number {
    if (depth >= this.#maxDepth)
      this.#fail('AMF3_DEPTH_EXCEEDED', `nesting deeper than maxDepth ${this.#maxDepth}`);
    return depth + 1;
  }

  /** Object traits (spec §3.12): inline (and then added to the table), or a reference to earlier ones. */
  #readTraits(header: number): [traits: Amf3Traits, index: number | undefined] {
    const at = this.#pos;
    if ((header & 2) === 0) {
      const index = header >>> 2;
      const traits = this.#traits[index];
      if (traits === undefined) this.#badReference('traits', index, this.#traits.length, at);
      return [traits, index];
    }
    const externalizable = (header & 4) !== 0;
    const dynamic = !externalizable && (header & 8) !== 0;
    const count = externalizable ? 0 : header >>> 4;
    if (count > this.#maxLength) this.#tooMany('traits', count);
    this.#need(count);
    const className = this.#string();
    const members: string[] = [];
    for (let i = 0; i < count; i++) members.push(this.#string());
    if (this.#traits.length >= this.#maxTableSize) this.#tableFull('traits', at);
    const traits = { className, dynamic, externalizable, members };
    this.#traits.push(traits);
    return [traits, undefined];
  }

  /** Dynamic members or an array's associative part: name/value pairs up to an empty name. */
  #entries(read: (key: string) => void, what: string): void {
    for (let count = 0; ; count++) {
      const key = this.#string();
      if (key === '') return;
      if (count >= this.#maxLength) this.#tooMany(what, 'more members');
      read(key);
    }
  }

  /** An externalizable body, read by its class's reader; `parts` records it for the lossless view. */
  #external(className: string, depth: number, parts?: Array<Amf3Node | Uint8Array>): unknown {
    const reader = this.#externalizables.get(className);
    if (reader === undefined) {
      this.#fail('AMF3_UNKNOWN_EXTERNALIZABLE', `no reader for externalizable ${className}`);
    }
    const raw = (length: number) => {
      this.#need(length);
      const start = this.#pos;
      this.#pos += length;
      if (parts) parts.push(this.#bytes.slice(start, start + length));
      return start;
    };
    const input: Amf3Input = {
      readValue: () => {
        if (!parts) return this.#read(depth, false);
        const node = this.#read(depth, true) as Amf3Node;
        parts.push(node);
        return node;
      },
      readUTF: () => {
        const length = this.#view.getUint16(raw(2));
        const start = raw(length);
        return utf8.decode(this.#bytes.subarray(start, start + length));
      },
      readBytes: (length) => {
        const start = raw(length);
        return this.#bytes.slice(start, start + length);
      },
    };
    return reader(input);
  }

  #byteArray(header: number): Uint8Array {
    const length = header >>> 1;
    if (length > this.#maxByteArrayLength) {
      this.#fail(
        'AMF3_BYTE_ARRAY_TOO_LONG',
        `byte array of ${length} is over maxByteArrayLength ${this.#maxByteArrayLength}`,
      );
    }
    this.#need(length);
    const start = this.#pos;
    this.#pos += length;
    return this.#bytes.slice(start, start + length);
  }

  /** Vectors of int, uint or double: fixed flag, then big-endian items. */
  #numberVector(
    marker: number,
    header: number,
  ): [fixed: boolean, items: Int32Array | Uint32Array | Float64Array] {
    const size = marker === Marker.VectorDouble ? 8 : 4;
    const count = this.#count(header, size, 'vector');
    const fixed = this.#u8() !== 0;
    this.#need(count * size);
    const items =
      marker === Marker.VectorInt
        ? new Int32Array(count)
        : marker === Marker.VectorUint
          ? new Uint32Array(count)
          : new Float64Array(count);
    copyItems(this.#bytes, this.#pos, new Uint8Array(items.buffer), 0, count * size, size);
    this.#pos += count * size;
    return [fixed, items];
  }

  /**
   * One value: plain, or its lossless node. One reader for both views, so they cannot disagree on
   * the wire format; only what each case builds differs.
   */
  #read(depth: number, lossless: boolean): unknown {
    const at = this.#pos;
    const marker = this.#u8();
    switch (marker) {
      case Marker.Undefined:
        return lossless ? { type: 'undefined' } : undefined;
      case Marker.Null:
        return lossless ? { type: 'null' } : null;
      case Marker.False:
        return lossless ? { type: 'false' } : false;
      case Marker.True:
        return lossless ? { type: 'true' } : true;
      case Marker.Integer: {
        const value = (this.#u29() << 3) >> 3; // sign-extends the 29 bits
        return lossless ? { type: 'integer', value } : value;
      }
      case Marker.Double: {
        const value = this.#double();
        if (!lossless) return value;
        // A NaN keeps its 8 bytes: a number loses its payload.
        return Number.isNaN(value)
          ? { type: 'double', value, raw: this.#bytes.slice(this.#pos - 8, this.#pos) }
          : { type: 'double', value };
      }
      case Marker.String: {
        const value = this.#string();
        return lossless ? { type: 'string', value } : value;
      }
      default:
        if (marker > Marker.Dictionary) this.#unknownMarker(marker, at);
    }
    const header = this.#header();
    if (header === IS_REFERENCE) {
      return lossless ? { type: 'reference', index: this.#referenced } : this.#objects[this.#referenced];
    }
    switch (marker) {
      case Marker.XmlDocument:
      case Marker.Xml: {
        const value = this.#text(header >>> 1);
        return this.#added(
          lossless ? { type: marker === Marker.Xml ? 'xml' : 'xml-document', value } : value,
          at,
        );
      }
      case Marker.Date: {
        const value = this.#double();
        return this.#added(lossless ? { type: 'date', value } : new Date(value), at);
      }
      case Marker.ByteArray: {
        const value = this.#byteArray(header);
        return this.#added(lossless ? { type: 'byte-array', value } : value, at);
      }
      case Marker.VectorInt:
      case Marker.VectorUint:
      case Marker.VectorDouble: {
        const [fixed, items] = this.#numberVector(marker, header);
        const type =
          marker === Marker.VectorInt
            ? 'vector-int'
            : marker === Marker.VectorUint
              ? 'vector-uint'
              : 'vector-double';
        return this.#added(lossless ? { type, fixed, items } : items, at);
      }
      case Marker.Array: {
        const inner = this.#depth(depth);
        const associative: Amf3Entries = [];
        const dense: unknown[] = [];
        const array = this.#added(lossless ? { type: 'array', associative, dense } : dense, at);
        this.#entries((key) => {
          const value = this.#read(inner, lossless);
          if (lossless) associative.push([key, value as Amf3Node]);
          else assign(dense, key, value);
        }, 'associative array');
        const count = this.#count(header, 1, 'array');
        for (let i = 0; i < count; i++) dense.push(this.#read(inner, lossless));
        return array;
      }
      case Marker.Object:
        return this.#object(header, at, this.#depth(depth), lossless);
      case Marker.VectorObject: {
        const inner = this.#depth(depth);
        const count = this.#count(header, 1, 'vector');
        const fixed = this.#u8() !== 0;
        const className = this.#string();
        const items: unknown[] = [];
        const vector = this.#added(lossless ? { type: 'vector-object', fixed, className, items } : items, at);
        for (let i = 0; i < count; i++) items.push(this.#read(inner, lossless));
        return vector;
      }
      default: {
        // Marker.Dictionary, the last one.
        const inner = this.#depth(depth);
        const count = this.#count(header, 2, 'dictionary');
        const weakKeys = this.#u8() !== 0;
        const entries: Array<[unknown, unknown]> = [];
        const map = new Map<unknown, unknown>();
        const dictionary = this.#added(lossless ? { type: 'dictionary', weakKeys, entries } : map, at);
        for (let i = 0; i < count; i++) {
          const key = this.#read(inner, lossless);
          const value = this.#read(inner, lossless);
          if (lossless) entries.push([key, value]);
          else map.set(key, value);
        }
        return dictionary;
      }
    }
  }

  /** An object: its traits, then its members, or its externalizable body. */
  #object(header: number, at: number, inner: number, lossless: boolean): unknown {
    const index = this.#objects.length;
    this.#added(undefined, at);
    const [traits, traitsIndex] = this.#readTraits(header);
    // One container per object, the one the view asks for: a node, or the plain object.
    const built: Amf3ObjectNode | Record<string, unknown> = lossless
      ? { type: 'object', traits, sealed: [], dynamic: [] }
      : {};
    const node = lossless ? (built as Amf3ObjectNode) : undefined;
    if (node && traitsIndex !== undefined) node.traitsIndex = traitsIndex;
    // In the table before its members are read: a member may refer to it.
    this.#objects[index] = built;
    if (traits.externalizable) {
      const parts: Array<Amf3Node | Uint8Array> | undefined = node ? [] : undefined;
      const value = this.#external(traits.className, inner, parts);
      if (node) node.external = parts;
      else this.#objects[index] = value;
      return node ?? value;
    }
    const member = (name: string, sealed: boolean) => {
      const value = this.#read(inner, lossless);
      if (!node) assign(built, name, value);
      else if (sealed) node.sealed.push(value as Amf3Node);
      else node.dynamic.push([name, value as Amf3Node]);
    };
    for (const name of traits.members) member(name, true);
    if (traits.dynamic) this.#entries((key) => member(key, false), 'object');
    return built;
  }

  /** Takes the next object-table slot, for a value that starts at `at`, and returns the value. */
  #added<T>(value: T, at: number): T {
    if (this.#objects.length >= this.#maxTableSize) this.#tableFull('object', at);
    this.#objects.push(value);
    return value;
  }
}

/** Sets a member so that a `__proto__` name becomes an own property, never the prototype. */
function assign(target: object, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    (target as Record<string, unknown>)[key] = value;
  }
}

/**
 * Decodes exactly one AMF3 value as a plain JavaScript value.
 * @throws {@link Amf3Error} on invalid input, or `AMF3_TRAILING_BYTES` when bytes are left after it.
 */
export function decode(bytes: Uint8Array, options?: Amf3DecoderOptions): unknown {
  return whole(bytes, options, (decoder) => decoder.readValue());
}

/** Decodes exactly one AMF3 value in its lossless form. @throws {@link Amf3Error} */
export function decodeNode(bytes: Uint8Array, options?: Amf3DecoderOptions): Amf3Node {
  return whole(bytes, options, (decoder) => decoder.readNode());
}

function whole<T>(
  bytes: Uint8Array,
  options: Amf3DecoderOptions | undefined,
  read: (decoder: Amf3Decoder) => T,
): T {
  const decoder = new Amf3Decoder(options).setBuffer(bytes);
  const value = read(decoder);
  if (decoder.remaining > 0) trailing(decoder);
  return value;
}

function trailing(decoder: Amf3Decoder): never {
  throw new Amf3Error('AMF3_TRAILING_BYTES', `${decoder.remaining} bytes after the value`, decoder.offset);
}
