import { DEFAULT_MAX_DEPTH, MAX_INTEGER, MAX_U29, MIN_INTEGER } from './constants';
import { Amf3EncodeError } from './errors';
import type { Amf3ExternalWriter, Amf3Output } from './externalizable';
import { Marker } from './marker';
import type { Amf3Entries, Amf3Node, Amf3Traits } from './node';
import { copyItems } from './vector-items';

/** Node types that are complex values: they take an object-table slot when written inline. */
type ComplexType = Exclude<
  Amf3Node['type'],
  'undefined' | 'null' | 'false' | 'true' | 'integer' | 'double' | 'string' | 'reference'
>;

const MARKERS: Record<ComplexType, number> = {
  'xml-document': Marker.XmlDocument,
  date: Marker.Date,
  array: Marker.Array,
  object: Marker.Object,
  xml: Marker.Xml,
  'byte-array': Marker.ByteArray,
  'vector-int': Marker.VectorInt,
  'vector-uint': Marker.VectorUint,
  'vector-double': Marker.VectorDouble,
  'vector-object': Marker.VectorObject,
  dictionary: Marker.Dictionary,
};

/** Options of {@link Amf3Encoder}. */
export interface Amf3EncoderOptions {
  /** Deepest nesting written; deeper values are an encode error. @default 32 ({@link DEFAULT_MAX_DEPTH}) */
  readonly maxDepth?: number;
  /**
   * The class of a plain object (one that is not an array, Date, Map or typed array), or
   * `undefined` for an anonymous one. A named object is written as a typed object (its class
   * name, its own keys as dynamic members), or, when `externalizables` has a writer for the name,
   * as an externalizable whose body the writer produces.
   */
  readonly classOf?: (value: object) => string | undefined;
  /** Writers of externalizable classes, by class name (see `classOf`). */
  readonly externalizables?: Readonly<Record<string, Amf3ExternalWriter>>;
}

const utf8 = new TextEncoder();
/** Bytes a string can take: a U29 header and 3 bytes per UTF-16 unit. */
const worstCase = (text: string) => 4 + text.length * 3;

/**
 * AMF3 encoder. Write values with {@link Amf3Encoder.writeValue} or {@link Amf3Encoder.writeNode},
 * then take the bytes with {@link Amf3Encoder.finish}, which also empties the reference tables.
 * Repeated strings, repeated objects (by identity, so cycles are fine) and repeated traits are sent
 * as references, as the spec asks.
 *
 * Plain values map as follows: undefined, null, boolean; a number that is an integer within
 * −2^28 … 2^28−1 (and not −0) → integer, any other number → double; string; Date → date; array →
 * array (its non-index own keys as the associative part); Uint8Array (and Buffer) → byte array;
 * Int32Array, Uint32Array, Float64Array → vectors; Map → dictionary; any other object → an
 * anonymous dynamic object of its own enumerable string keys. Functions, symbols and bigints are
 * an {@link Amf3EncodeError}. Typed objects and externalizables come from `classOf` and the
 * writers; XML and vectors of objects from nodes.
 *
 * @example
 * ```ts
 * const bytes = new Amf3Encoder().writeValue({ app: 'live' }).writeValue(1).finish();
 * ```
 */
export class Amf3Encoder {
  readonly #maxDepth: number;
  #buffer = new Uint8Array(256);
  #view = new DataView(this.#buffer.buffer);
  #length = 0;
  readonly #strings = new Map<string, number>();
  /** Plain objects already written, by identity, to their object-table index. */
  readonly #objects = new Map<object, number>();
  /** The marker of every object-table entry, so a reference node can be written with its type's. */
  readonly #objectMarkers: number[] = [];
  /** Where each class's traits (`''`: anonymous) sit in the traits table, once written. */
  readonly #classTraits = new Map<string, number>();
  #traitsCount = 0;
  readonly #classOf: ((value: object) => string | undefined) | undefined;
  readonly #writers: Readonly<Record<string, Amf3ExternalWriter>>;

  constructor(options: Amf3EncoderOptions = {}) {
    this.#maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.#classOf = options.classOf;
    this.#writers = options.externalizables ?? {};
  }

  /** Appends one plain value. @throws {@link Amf3EncodeError} */
  writeValue(value: unknown): this {
    this.#plain(value, 0);
    return this;
  }

  /** Appends one lossless node. @throws {@link Amf3EncodeError} */
  writeNode(node: Amf3Node): this {
    this.#node(node, 0);
    return this;
  }

  /** The bytes written so far (a copy); the encoder starts over with empty tables. */
  finish(): Uint8Array {
    const bytes = this.#buffer.slice(0, this.#length);
    this.#length = 0;
    this.#strings.clear();
    this.#objects.clear();
    this.#objectMarkers.length = 0;
    this.#classTraits.clear();
    this.#traitsCount = 0;
    return bytes;
  }

  #reserve(count: number): void {
    if (this.#length + count <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < this.#length + count) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer);
  }

  #u8(byte: number): void {
    this.#reserve(1);
    this.#buffer[this.#length++] = byte;
  }

  #u29(value: number): void {
    if (value > MAX_U29) throw new Amf3EncodeError('AMF3_TOO_LONG', `${value} is over a U29`);
    this.#reserve(4);
    const out = this.#buffer;
    if (value < 0x80) {
      out[this.#length++] = value;
    } else if (value < 0x4000) {
      out[this.#length++] = (value >>> 7) | 0x80;
      out[this.#length++] = value & 0x7f;
    } else if (value < 0x200000) {
      out[this.#length++] = (value >>> 14) | 0x80;
      out[this.#length++] = ((value >>> 7) & 0x7f) | 0x80;
      out[this.#length++] = value & 0x7f;
    } else {
      out[this.#length++] = (value >>> 22) | 0x80;
      out[this.#length++] = ((value >>> 15) & 0x7f) | 0x80;
      out[this.#length++] = ((value >>> 8) & 0x7f) | 0x80;
      out[this.#length++] = value & 0xff;
    }
  }

  #double(value: number, raw?: Uint8Array): void {
    this.#reserve(8);
    if (raw !== undefined && raw.length === 8) this.#buffer.set(raw, this.#length);
    else this.#view.setFloat64(this.#length, value);
    this.#length += 8;
  }

  /** A string's UTF-8 with its `length << 1 | 1` header (spec §1.3.2). */
  #inlineText(text: string): void {
    this.#reserve(worstCase(text));
    const start = this.#length;
    // ASCII, the usual case, goes straight in behind a header sized for its length.
    this.#u29(text.length * 2 + 1); // over a U29: AMF3_TOO_LONG
    const out = this.#buffer;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0x80) {
        const bytes = utf8.encode(text);
        this.#length = start;
        this.#u29(bytes.length * 2 + 1);
        this.#raw(bytes);
        return;
      }
      out[this.#length++] = code;
    }
  }

  /** UTF-8-vr: a reference when the string was written before, else inline and remembered. */
  #string(text: string): void {
    if (text === '') {
      this.#u8(0x01);
      return;
    }
    const index = this.#strings.get(text);
    if (index !== undefined) {
      this.#u29(index << 1);
      return;
    }
    this.#strings.set(text, this.#strings.size);
    this.#inlineText(text);
  }

  #depth(depth: number): number {
    if (depth >= this.#maxDepth) {
      throw new Amf3EncodeError('AMF3_DEPTH_EXCEEDED', `nesting deeper than maxDepth ${this.#maxDepth}`);
    }
    return depth + 1;
  }

  #number(value: number): void {
    if (Number.isInteger(value) && value >= MIN_INTEGER && value <= MAX_INTEGER && !Object.is(value, -0)) {
      this.#u8(Marker.Integer);
      this.#u29(value & MAX_U29);
    } else {
      this.#u8(Marker.Double);
      this.#double(value);
    }
  }

  /** Writes a reference for an object written before and returns true; else takes its table slot. */
  #seen(value: object, marker: number): boolean {
    this.#u8(marker);
    const index = this.#objects.get(value);
    if (index !== undefined) {
      this.#u29(index << 1);
      return true;
    }
    this.#objects.set(value, this.#objectMarkers.push(marker) - 1);
    return false;
  }

  #plain(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'undefined':
        this.#u8(Marker.Undefined);
        return;
      case 'boolean':
        this.#u8(value ? Marker.True : Marker.False);
        return;
      case 'number':
        this.#number(value);
        return;
      case 'string':
        this.#u8(Marker.String);
        this.#string(value);
        return;
      case 'object':
        if (value === null) {
          this.#u8(Marker.Null);
          return;
        }
        this.#object(value, depth);
        return;
      default:
        throw new Amf3EncodeError('AMF3_UNENCODABLE_VALUE', `AMF3 cannot carry a ${typeof value}`);
    }
  }

  #object(value: object, depth: number): void {
    if (value instanceof Date) {
      if (this.#seen(value, Marker.Date)) return;
      this.#u8(0x01);
      this.#double(value.getTime());
      return;
    }
    if (ArrayBuffer.isView(value)) {
      this.#binary(value);
      return;
    }
    const inner = this.#depth(depth);
    if (Array.isArray(value)) {
      if (this.#seen(value, Marker.Array)) return;
      const keys = Object.keys(value);
      this.#u29((value.length << 1) | 1);
      for (const key of keys) {
        if (isIndex(key, value.length)) continue;
        this.#string(key);
        this.#plain((value as unknown as Record<string, unknown>)[key], inner);
      }
      this.#u8(0x01);
      for (let i = 0; i < value.length; i++) this.#plain(value[i], inner);
      return;
    }
    if (value instanceof Map) {
      if (this.#seen(value, Marker.Dictionary)) return;
      this.#u29((value.size << 1) | 1);
      this.#u8(0); // strong keys
      for (const [key, item] of value) {
        this.#plain(key, inner);
        this.#plain(item, inner);
      }
      return;
    }
    if (this.#seen(value, Marker.Object)) return;
    const className = this.#classOf?.(value) ?? '';
    const writer = Object.hasOwn(this.#writers, className) ? this.#writers[className] : undefined;
    const traits = this.#classTraits.get(className);
    if (traits !== undefined) {
      this.#u29((traits << 2) | 1);
    } else {
      this.#classTraits.set(className, this.#traitsCount++);
      this.#u8(writer ? 0x07 : 0x0b); // inline traits: externalizable, or dynamic with no sealed members
      this.#string(className);
    }
    if (writer) {
      writer(value, this.#output(inner));
      return;
    }
    for (const key of Object.keys(value)) {
      if (key === '') continue; // an empty name would end the members
      this.#string(key);
      this.#plain((value as Record<string, unknown>)[key], inner);
    }
    this.#u8(0x01);
  }

  #binary(value: ArrayBufferView): void {
    if (value instanceof Uint8Array) {
      if (this.#seen(value, Marker.ByteArray)) return;
      this.#u29((value.length << 1) | 1);
      this.#raw(value);
      return;
    }
    const marker =
      value instanceof Int32Array
        ? Marker.VectorInt
        : value instanceof Uint32Array
          ? Marker.VectorUint
          : value instanceof Float64Array
            ? Marker.VectorDouble
            : undefined;
    if (marker === undefined) {
      throw new Amf3EncodeError('AMF3_UNENCODABLE_VALUE', `AMF3 cannot carry a ${value.constructor.name}`);
    }
    if (this.#seen(value, marker)) return;
    this.#numberVector(marker, false, value as Int32Array | Uint32Array | Float64Array);
  }

  #numberVector(marker: number, fixed: boolean, items: Int32Array | Uint32Array | Float64Array): void {
    this.#u29((items.length << 1) | 1);
    this.#u8(fixed ? 1 : 0);
    const size = marker === Marker.VectorDouble ? 8 : 4;
    this.#reserve(items.length * size);
    copyItems(
      new Uint8Array(items.buffer, items.byteOffset),
      0,
      this.#buffer,
      this.#length,
      items.length * size,
      size,
    );
    this.#length += items.length * size;
  }

  /** What an externalizable's writer writes through. */
  #output(depth: number): Amf3Output {
    return {
      writeValue: (value) => this.#plain(value, depth),
      writeUTF: (text) => {
        const bytes = utf8.encode(text);
        if (bytes.length > 0xffff) throw new Amf3EncodeError('AMF3_TOO_LONG', 'writeUTF over 64 KiB');
        this.#raw(Uint8Array.of(bytes.length >> 8, bytes.length & 0xff));
        this.#raw(bytes);
      },
      writeBytes: (bytes) => this.#raw(bytes),
    };
  }

  #raw(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buffer.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  #entries(entries: Amf3Entries, depth: number): void {
    for (const [key, value] of entries) {
      if (key === '') throw new Amf3EncodeError('AMF3_UNENCODABLE_VALUE', 'an empty member name');
      this.#string(key);
      this.#node(value, depth);
    }
    this.#u8(0x01);
  }

  #writeTraits(traits: Amf3Traits, index: number | undefined): void {
    if (index !== undefined) {
      if (index >= this.#traitsCount) {
        throw new Amf3EncodeError('AMF3_BAD_REFERENCE', `traits reference ${index} not written yet`);
      }
      this.#u29((index << 2) | 1);
      return;
    }
    this.#traitsCount++;
    if (traits.externalizable) this.#u29(0x07);
    else this.#u29((traits.members.length << 4) | (traits.dynamic ? 0x08 : 0) | 0x03);
    this.#string(traits.className);
    if (!traits.externalizable) for (const name of traits.members) this.#string(name);
  }

  #node(node: Amf3Node, depth: number): void {
    switch (node.type) {
      case 'undefined':
        this.#u8(Marker.Undefined);
        return;
      case 'null':
        this.#u8(Marker.Null);
        return;
      case 'false':
        this.#u8(Marker.False);
        return;
      case 'true':
        this.#u8(Marker.True);
        return;
      case 'integer':
        this.#u8(Marker.Integer);
        this.#u29(node.value & MAX_U29);
        return;
      case 'double':
        this.#u8(Marker.Double);
        this.#double(node.value, node.raw);
        return;
      case 'string':
        this.#u8(Marker.String);
        this.#string(node.value);
        return;
      case 'reference': {
        const marker = this.#objectMarkers[node.index];
        if (marker === undefined) {
          throw new Amf3EncodeError('AMF3_BAD_REFERENCE', `object reference ${node.index} not written yet`);
        }
        this.#u8(marker);
        this.#u29(node.index << 1);
        return;
      }
      default:
        this.#complex(node, depth);
        return;
    }
  }

  /** A complex value written inline: it takes the next object-table slot before its contents. */
  #complex(node: Amf3Node, depth: number): void {
    const marker = MARKERS[node.type as ComplexType];
    this.#u8(marker);
    this.#objectMarkers.push(marker);
    switch (node.type) {
      case 'xml-document':
      case 'xml':
        this.#inlineText(node.value);
        return;
      case 'date':
        this.#u8(0x01);
        this.#double(node.value);
        return;
      case 'array': {
        const inner = this.#depth(depth);
        this.#u29((node.dense.length << 1) | 1);
        this.#entries(node.associative, inner);
        for (const item of node.dense) this.#node(item, inner);
        return;
      }
      case 'object': {
        const inner = this.#depth(depth);
        // The object header's low bits say "not a reference"; the traits fill the rest.
        this.#writeTraits(node.traits, node.traitsIndex);
        if (node.traits.externalizable) {
          for (const part of node.external ?? []) {
            if (part instanceof Uint8Array) this.#raw(part);
            else this.#node(part, inner);
          }
          return;
        }
        if (node.sealed.length !== node.traits.members.length) {
          throw new Amf3EncodeError(
            'AMF3_UNENCODABLE_VALUE',
            `${node.sealed.length} values for ${node.traits.members.length} sealed members`,
          );
        }
        for (const item of node.sealed) this.#node(item, inner);
        if (node.traits.dynamic) this.#entries(node.dynamic, inner);
        return;
      }
      case 'byte-array':
        this.#u29((node.value.length << 1) | 1);
        this.#raw(node.value);
        return;
      case 'vector-int':
      case 'vector-uint':
      case 'vector-double':
        this.#numberVector(MARKERS[node.type], node.fixed, node.items);
        return;
      case 'vector-object': {
        const inner = this.#depth(depth);
        this.#u29((node.items.length << 1) | 1);
        this.#u8(node.fixed ? 1 : 0);
        this.#string(node.className);
        for (const item of node.items) this.#node(item, inner);
        return;
      }
      case 'dictionary': {
        const inner = this.#depth(depth);
        this.#u29((node.entries.length << 1) | 1);
        this.#u8(node.weakKeys ? 1 : 0);
        for (const [key, value] of node.entries) {
          this.#node(key, inner);
          this.#node(value, inner);
        }
        return;
      }
    }
  }
}

/** Whether `key` is an index of an array of `length` (its dense part), not an associative name. */
function isIndex(key: string, length: number): boolean {
  const index = Number(key);
  return Number.isInteger(index) && index >= 0 && index < length && String(index) === key;
}

/** The encoder of option-less calls, reused: its buffer has grown to the usual size already. */
const shared = new Amf3Encoder();

function whole(options: Amf3EncoderOptions | undefined, write: (encoder: Amf3Encoder) => void): Uint8Array {
  const encoder = options === undefined ? shared : new Amf3Encoder(options);
  try {
    write(encoder);
  } catch (error) {
    encoder.finish(); // empties the tables for the next call
    throw error;
  }
  return encoder.finish();
}

/** Encodes one plain value. @throws {@link Amf3EncodeError} */
export function encode(value: unknown, options?: Amf3EncoderOptions): Uint8Array {
  return whole(options, (encoder) => encoder.writeValue(value));
}

/** Encodes one lossless node: `encodeNode(decodeNode(bytes))` gives `bytes` back. @throws {@link Amf3EncodeError} */
export function encodeNode(node: Amf3Node, options?: Amf3EncoderOptions): Uint8Array {
  return whole(options, (encoder) => encoder.writeNode(node));
}
