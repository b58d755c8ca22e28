import { DEFAULT_MAX_DEPTH, MAX_SHORT_STRING_LENGTH } from './constants';
import { Amf0EncodeError } from './errors';
import { Marker } from './marker';
import type { Amf0Entries, Amf0Node } from './node';
import { utf8Write } from './utf8';

/** Settings of {@link Amf0Encoder}. Every field is optional. */
export interface Amf0EncoderOptions {
  /** Deepest nesting the encoder will write (keeps output decodable with default limits). @default 16 */
  readonly maxDepth?: number;
  /** Leave out object properties whose value is `undefined` (as JSON does) instead of writing 0x06. @default false */
  readonly ignoreUndefinedProperties?: boolean;
  /** Size of the first internal buffer; it doubles as needed. @default 256 */
  readonly initialBufferSize?: number;
}

const OBJECT_END = [0x00, 0x00, Marker.ObjectEnd] as const;

/**
 * Reusable AMF0 encoder. Write values with {@link Amf0Encoder.writeValue} (plain JavaScript) or
 * {@link Amf0Encoder.writeNode} (lossless nodes), then take the bytes with
 * {@link Amf0Encoder.finish}. The internal buffer is kept between messages, so one encoder per
 * connection allocates almost nothing after warm-up.
 *
 * Plain values map as follows: number → 0x00; boolean → 0x01; string → 0x02, or 0x0C above 65535
 * UTF-8 bytes; null → 0x05; undefined → 0x06; Date → 0x0B with time zone 0; array → 0x0A strict
 * array (holes as undefined); Map with string keys → 0x08 ECMA array; any other object → 0x03
 * with its own enumerable string keys in insertion order.
 *
 * @example
 * ```ts
 * const encoder = new Amf0Encoder();
 * const body = encoder.writeValue('connect').writeValue(1).writeValue({ app: 'live' }).finish();
 * ```
 */
export class Amf0Encoder {
  readonly #maxDepth: number;
  readonly #ignoreUndefinedProperties: boolean;
  #buffer: Uint8Array;
  #view: DataView;
  #pos = 0;
  /** Containers being written, to report cycles instead of recursing into them. */
  readonly #path: object[] = [];

  constructor(options: Amf0EncoderOptions = {}) {
    this.#maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.#ignoreUndefinedProperties = options.ignoreUndefinedProperties ?? false;
    this.#buffer = new Uint8Array(options.initialBufferSize ?? 256);
    this.#view = new DataView(this.#buffer.buffer);
  }

  /** Bytes written since the last {@link Amf0Encoder.finish} or {@link Amf0Encoder.reset}. */
  get length(): number {
    return this.#pos;
  }

  /**
   * Appends one plain JavaScript value.
   * @throws {@link Amf0EncodeError} for a value AMF0 cannot carry, a cycle, or nesting past `maxDepth`.
   *   The bytes of the failed value are discarded.
   */
  writeValue(value: unknown): this {
    return this.#guarded(() => this.#value(value, 0));
  }

  /**
   * Appends one lossless node (as produced by `decodeNode`).
   * @throws {@link Amf0EncodeError} for an object key over 65535 bytes or nesting past `maxDepth`.
   */
  writeNode(node: Amf0Node): this {
    return this.#guarded(() => this.#node(node, 0));
  }

  /** Returns a copy of the bytes written and starts over. */
  finish(): Uint8Array {
    const bytes = this.#buffer.slice(0, this.#pos);
    this.#pos = 0;
    return bytes;
  }

  /**
   * Returns a view of the bytes written and starts over, without copying. The view is only valid
   * until the next write: copy it if it must outlive that.
   */
  finishView(): Uint8Array {
    const bytes = this.#buffer.subarray(0, this.#pos);
    this.#pos = 0;
    return bytes;
  }

  /** Discards everything written since the last finish. */
  reset(): void {
    this.#pos = 0;
    this.#path.length = 0;
  }

  #guarded(write: () => void): this {
    const start = this.#pos;
    try {
      write();
    } catch (error) {
      this.#pos = start;
      this.#path.length = 0;
      throw error;
    }
    return this;
  }

  // --- byte writers ----------------------------------------------------------------------------

  #ensure(count: number): void {
    const needed = this.#pos + count;
    if (needed <= this.#buffer.length) return;
    const grown = new Uint8Array(Math.max(needed, this.#buffer.length * 2));
    grown.set(this.#buffer.subarray(0, this.#pos));
    this.#buffer = grown;
    this.#view = new DataView(grown.buffer);
  }

  #u8(value: number): void {
    this.#ensure(1);
    this.#buffer[this.#pos++] = value;
  }

  #u16(value: number): void {
    this.#ensure(2);
    this.#view.setUint16(this.#pos, value);
    this.#pos += 2;
  }

  #u32(value: number): void {
    this.#ensure(4);
    this.#view.setUint32(this.#pos, value);
    this.#pos += 4;
  }

  #f64(value: number, raw?: Uint8Array): void {
    this.#ensure(8);
    if (raw?.length === 8) this.#buffer.set(raw, this.#pos);
    else this.#view.setFloat64(this.#pos, value);
    this.#pos += 8;
  }

  #objectEnd(): void {
    this.#ensure(3);
    this.#buffer.set(OBJECT_END, this.#pos);
    this.#pos += 3;
  }

  /**
   * Writes `text` with a length prefix: 16-bit when `wide` is false and it fits, else 32-bit.
   * With `marker`, also writes 0x02 or 0x0C in front to say which. Returns false (writing
   * nothing) when a 16-bit length was required and the text is too long.
   */
  #text(text: string, wide: boolean, marker: boolean): boolean {
    const start = this.#pos;
    const header = (marker ? 1 : 0) + (wide ? 4 : 2);
    this.#ensure(5 + text.length * 3); // worst case: 3 bytes per UTF-16 unit, 32-bit length

    const written = utf8Write(text, this.#buffer, start + header);
    if (!wide && written > MAX_SHORT_STRING_LENGTH) {
      if (!marker) return false;
      // Too long for 0x02: move the bytes two places right to make room for a 32-bit length.
      this.#buffer.copyWithin(start + 5, start + 3, start + 3 + written);
      return this.#writeTextHeader(start, Marker.LongString, written, true);
    }
    return this.#writeTextHeader(start, wide ? Marker.LongString : Marker.String, written, wide, marker);
  }

  #writeTextHeader(start: number, type: number, length: number, wide: boolean, marker = true): true {
    let at = start;
    if (marker) this.#buffer[at++] = type;
    if (wide) this.#view.setUint32(at, length);
    else this.#view.setUint16(at, length);
    this.#pos = at + (wide ? 4 : 2) + length;
    return true;
  }

  /** Writes an object key (or, with `isClassName`, a typed object's class name, which may be empty). */
  #key(key: string, isClassName = false): void {
    if (key.length === 0 && !isClassName) {
      // An empty key followed by 0x09 is how AMF0 ends an object: it cannot name a property.
      throw new Amf0EncodeError('AMF0_EMPTY_KEY', 'AMF0 cannot carry an empty object key');
    }
    if (!this.#text(key, false, false)) {
      throw new Amf0EncodeError('AMF0_KEY_TOO_LONG', 'object key over 65535 bytes');
    }
  }

  #enter(container: object, depth: number): number {
    if (this.#path.includes(container)) {
      throw new Amf0EncodeError('AMF0_CYCLE', 'cycle in value');
    }
    if (depth >= this.#maxDepth) {
      throw new Amf0EncodeError('AMF0_DEPTH_EXCEEDED', `nesting deeper than maxDepth ${this.#maxDepth}`);
    }
    this.#path.push(container);
    return depth + 1;
  }

  // --- plain values ----------------------------------------------------------------------------

  #value(value: unknown, depth: number): void {
    switch (typeof value) {
      case 'number':
        this.#u8(Marker.Number);
        this.#f64(value);
        return;
      case 'string':
        this.#text(value, false, true);
        return;
      case 'boolean':
        this.#u8(Marker.Boolean);
        this.#u8(value ? 1 : 0);
        return;
      case 'undefined':
        this.#u8(Marker.Undefined);
        return;
      case 'object':
        if (value === null) this.#u8(Marker.Null);
        else this.#objectValue(value, depth);
        return;
      default:
        throw new Amf0EncodeError('AMF0_UNENCODABLE_VALUE', `cannot encode a ${typeof value}`);
    }
  }

  #objectValue(value: object, depth: number): void {
    if (value instanceof Date) {
      this.#u8(Marker.Date);
      this.#f64(value.getTime());
      this.#u16(0);
      return;
    }
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      throw new Amf0EncodeError('AMF0_UNENCODABLE_VALUE', 'cannot encode binary data');
    }
    const inner = this.#enter(value, depth);
    if (Array.isArray(value)) {
      this.#u8(Marker.StrictArray);
      this.#u32(value.length);
      for (let i = 0; i < value.length; i++) this.#value(value[i], inner);
    } else if (value instanceof Map) {
      this.#u8(Marker.EcmaArray);
      this.#u32(value.size);
      for (const [key, item] of value) {
        if (typeof key !== 'string') {
          throw new Amf0EncodeError('AMF0_UNENCODABLE_VALUE', 'Map keys must be strings');
        }
        this.#property(key, item, inner);
      }
      this.#objectEnd();
    } else {
      this.#u8(Marker.Object);
      const record = value as Record<string, unknown>;
      for (const key of Object.keys(record)) this.#property(key, record[key], inner);
      this.#objectEnd();
    }
    this.#path.pop();
  }

  #property(key: string, value: unknown, depth: number): void {
    if (value === undefined && this.#ignoreUndefinedProperties) return;
    this.#key(key);
    this.#value(value, depth);
  }

  // --- lossless nodes --------------------------------------------------------------------------

  #node(node: Amf0Node, depth: number): void {
    switch (node.type) {
      case 'number':
        this.#u8(Marker.Number);
        this.#f64(node.value, node.raw);
        return;
      case 'boolean':
        this.#u8(Marker.Boolean);
        this.#u8(node.raw ?? (node.value ? 1 : 0));
        return;
      case 'string':
        this.#text(node.value, false, true);
        return;
      case 'long-string':
        this.#text(node.value, true, true);
        return;
      case 'xml-document':
        this.#u8(Marker.XmlDocument);
        this.#text(node.value, true, false);
        return;
      case 'null':
        this.#u8(Marker.Null);
        return;
      case 'undefined':
        this.#u8(Marker.Undefined);
        return;
      case 'unsupported':
        this.#u8(Marker.Unsupported);
        return;
      case 'reference':
        this.#u8(Marker.Reference);
        this.#u16(node.index);
        return;
      case 'date':
        this.#u8(Marker.Date);
        this.#f64(node.value, node.raw);
        this.#u16(node.timezone & 0xffff);
        return;
      case 'object':
        this.#u8(Marker.Object);
        this.#entries(node, node.entries, depth, node.unterminated);
        return;
      case 'ecma-array':
        this.#u8(Marker.EcmaArray);
        this.#u32(node.count);
        this.#entries(node, node.entries, depth, node.unterminated);
        return;
      case 'typed-object':
        this.#u8(Marker.TypedObject);
        this.#key(node.className, true);
        this.#entries(node, node.entries, depth, node.unterminated);
        return;
      case 'strict-array': {
        const inner = this.#enter(node, depth);
        this.#u8(Marker.StrictArray);
        this.#u32(node.items.length);
        for (const item of node.items) this.#node(item, inner);
        this.#path.pop();
        return;
      }
      default:
        throw new Amf0EncodeError(
          'AMF0_UNENCODABLE_VALUE',
          `unknown node type ${String((node as { type: unknown }).type)}`,
        );
    }
  }

  #entries(container: object, entries: Amf0Entries, depth: number, unterminated = false): void {
    const inner = this.#enter(container, depth);
    for (const [key, value] of entries) {
      this.#key(key);
      this.#node(value, inner);
    }
    if (!unterminated) this.#objectEnd();
    this.#path.pop();
  }
}

// The free functions share one encoder; a nested call (a getter that encodes) gets its own.
const shared = new Amf0Encoder();
let sharedBusy = false;

function withEncoder(
  options: Amf0EncoderOptions | undefined,
  write: (encoder: Amf0Encoder) => void,
): Uint8Array {
  if (options !== undefined || sharedBusy) {
    const encoder = new Amf0Encoder(options);
    write(encoder);
    return encoder.finish();
  }
  sharedBusy = true;
  try {
    write(shared);
    return shared.finish();
  } finally {
    shared.reset();
    sharedBusy = false;
  }
}

/**
 * Encodes one plain JavaScript value (see {@link Amf0Encoder} for the mapping).
 * @returns a new `Uint8Array` the caller owns.
 * @throws {@link Amf0EncodeError} for a value AMF0 cannot carry.
 * @example
 * ```ts
 * encode({ level: 'status', code: 'NetStream.Play.Start' });
 * ```
 */
export function encode(value: unknown, options?: Amf0EncoderOptions): Uint8Array {
  return withEncoder(options, (encoder) => encoder.writeValue(value));
}

/**
 * Encodes a sequence of values back to back, as a command or data message body.
 * @throws {@link Amf0EncodeError} for a value AMF0 cannot carry.
 * @example
 * ```ts
 * encodeAll(['connect', 1, { app: 'live', tcUrl: 'rtmp://localhost/live' }]);
 * ```
 */
export function encodeAll(values: readonly unknown[], options?: Amf0EncoderOptions): Uint8Array {
  return withEncoder(options, (encoder) => {
    for (const value of values) encoder.writeValue(value);
  });
}

/**
 * Encodes one lossless node: `encodeNode(decodeNode(bytes))` equals `bytes`.
 * @throws {@link Amf0EncodeError} for an object key over 65535 bytes or nesting past `maxDepth`.
 */
export function encodeNode(node: Amf0Node, options?: Amf0EncoderOptions): Uint8Array {
  return withEncoder(options, (encoder) => encoder.writeNode(node));
}

/** Encodes a sequence of lossless nodes back to back. */
export function encodeAllNodes(nodes: readonly Amf0Node[], options?: Amf0EncoderOptions): Uint8Array {
  return withEncoder(options, (encoder) => {
    for (const node of nodes) encoder.writeNode(node);
  });
}
