// Hostile and malformed AMF3: every refusal is a typed Amf3Error with a code and an offset, found
// before anything is allocated for counts the input cannot back.
import { describe, expect, it } from 'vitest';
import {
  Amf3Decoder,
  Amf3EncodeError,
  Amf3Error,
  type Amf3Node,
  DEFAULT_MAX_DEPTH,
  decode,
  decodeNode,
  encode,
  encodeNode,
} from '../src/index';

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Amf3Error);
    const { code, offset } = error as Amf3Error;
    return { code, offset };
  }
  throw new Error('expected an Amf3Error');
};

describe('malformed input', () => {
  it('an unknown marker, with where it is', () => {
    expect(refusal(() => decode(bytes('09 03 01 12')))).toEqual({ code: 'AMF3_UNKNOWN_MARKER', offset: 3 });
  });

  it('every proper prefix of a valid value is AMF3_TRUNCATED', () => {
    const whole = encode({ app: 'live', list: [1, 2.5, 'x'], when: new Date(1), bytes: new Uint8Array(3) });
    for (let end = 0; end < whole.length; end++) {
      expect(refusal(() => decode(whole.subarray(0, end))).code).toBe('AMF3_TRUNCATED');
    }
  });

  it('bytes after the value', () => {
    expect(refusal(() => decode(bytes('01 01')))).toEqual({ code: 'AMF3_TRAILING_BYTES', offset: 1 });
  });

  it('references to entries that do not exist: string, object, traits', () => {
    expect(refusal(() => decode(bytes('06 00'))).code).toBe('AMF3_BAD_REFERENCE');
    expect(refusal(() => decode(bytes('0a 02'))).code).toBe('AMF3_BAD_REFERENCE');
    expect(refusal(() => decode(bytes('0a 05'))).code).toBe('AMF3_BAD_REFERENCE'); // traits reference 1
    expect(refusal(() => decodeNode(bytes('09 03 01 09 04'))).code).toBe('AMF3_BAD_REFERENCE');
  });

  it('an externalizable class without a reader (its body has no length to skip)', () => {
    const wire = bytes(`0a 07 0b 41 2e 42 2e 43 00`);
    expect(refusal(() => decode(wire))).toEqual({ code: 'AMF3_UNKNOWN_EXTERNALIZABLE', offset: 8 });
  });
});

describe('limits: refused before allocating', () => {
  it('an array claiming 2^28 items, and one claiming 60,000 with 3 bytes behind it', () => {
    expect(refusal(() => decode(bytes('09 ff ff ff ff 01'))).code).toBe('AMF3_TOO_MANY_ELEMENTS');
    expect(refusal(() => decode(bytes('09 87 a9 41 01 01 01 01'))).code).toBe('AMF3_TRUNCATED'); // 60,000 << 1 | 1
  });

  it('vectors, dictionaries and traits claiming more than the input holds', () => {
    expect(refusal(() => decode(bytes('0d 87 a9 41 00 00 00 00 01'))).code).toBe('AMF3_TRUNCATED');
    expect(refusal(() => decode(bytes('0f 87 a9 41 00'))).code).toBe('AMF3_TRUNCATED');
    expect(refusal(() => decode(bytes('11 87 a9 41 00 01 01'))).code).toBe('AMF3_TRUNCATED');
    expect(refusal(() => decode(bytes('0a ff ff ff f3 01'))).code).toBe('AMF3_TOO_MANY_ELEMENTS');
  });

  it('strings and byte arrays over their limits', () => {
    expect(refusal(() => decode(bytes('06 0b 61 61 61 61 61'), { maxStringLength: 4 })).code).toBe(
      'AMF3_STRING_TOO_LONG',
    );
    expect(refusal(() => decode(bytes('0c ff ff ff ff'))).code).toBe('AMF3_BYTE_ARRAY_TOO_LONG');
    expect(refusal(() => decode(bytes('0c 0b 01 02'), { maxByteArrayLength: 4 })).code).toBe(
      'AMF3_BYTE_ARRAY_TOO_LONG',
    );
  });

  it('nesting past maxDepth (arrays, objects, dictionaries)', () => {
    const deep = (open: string) => bytes(open.repeat(DEFAULT_MAX_DEPTH + 1) + '01');
    expect(refusal(() => decode(deep('09 03 01'))).code).toBe('AMF3_DEPTH_EXCEEDED');
    expect(refusal(() => decodeNode(deep('09 03 01'))).code).toBe('AMF3_DEPTH_EXCEEDED');
    expect(decode(bytes(`${'09 03 01'.repeat(DEFAULT_MAX_DEPTH)} 01`))).toBeDefined();
  });

  it('reference tables past maxTableSize', () => {
    const strings = bytes('09 07 01 06 03 61 06 03 62 06 03 63');
    expect(refusal(() => decode(strings, { maxTableSize: 2 })).code).toBe('AMF3_TABLE_FULL');
    expect(decode(strings, { maxTableSize: 3 })).toEqual(['a', 'b', 'c']);
  });

  it('a reference repeated many times is the same object, not copies', () => {
    const shared = { a: 1 };
    const wire = encode(Array.from({ length: 10_000 }, () => shared));
    expect(wire.length).toBeLessThan(2 * 10_000 + 20); // 0a 02 each time after the first
    const list = decode(wire) as object[];
    expect(list).toHaveLength(10_000);
    expect(new Set(list).size).toBe(1);
  });
});

describe('no prototype pollution', () => {
  it('a __proto__ member becomes an own property, in objects and arrays', () => {
    const hostile: Amf3Node = {
      type: 'object',
      traits: { className: '', dynamic: true, externalizable: false, members: [] },
      sealed: [],
      dynamic: [
        [
          '__proto__',
          {
            type: 'object',
            traits: { className: '', dynamic: true, externalizable: false, members: [] },
            sealed: [],
            dynamic: [['polluted', { type: 'true' }]],
          },
        ],
      ],
    };
    const object = decode(encodeNode(hostile)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(object)).toBe(Object.prototype);
    expect(Object.hasOwn(object, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const array = decode(bytes('09 01 13 5f 5f 70 72 6f 74 6f 5f 5f 04 01 01')) as unknown[];
    expect(Object.getPrototypeOf(array)).toBe(Array.prototype);
  });
});

describe('a failed read changes nothing', () => {
  it('offset and tables are as before, so the next read still resolves references', () => {
    const decoder = new Amf3Decoder().setBuffer(bytes('06 03 61 06 00 12 06 00'));
    expect(decoder.readValue()).toBe('a');
    expect(decoder.readValue()).toBe('a');
    expect(() => decoder.readValue()).toThrow(Amf3Error);
    expect(decoder.offset).toBe(5);
  });
});

describe('encoder refusals (local misuse: Amf3EncodeError)', () => {
  const encodeRefusal = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      expect(error).toBeInstanceOf(Amf3EncodeError);
      return (error as Amf3EncodeError).code;
    }
    throw new Error('expected an Amf3EncodeError');
  };

  it('functions, symbols, bigints and other typed arrays', () => {
    expect(encodeRefusal(() => encode(() => 1))).toBe('AMF3_UNENCODABLE_VALUE');
    expect(encodeRefusal(() => encode(Symbol('x')))).toBe('AMF3_UNENCODABLE_VALUE');
    expect(encodeRefusal(() => encode({ n: 1n }))).toBe('AMF3_UNENCODABLE_VALUE');
    expect(encodeRefusal(() => encode(new Int16Array(2)))).toBe('AMF3_UNENCODABLE_VALUE');
  });

  it('nesting past maxDepth', () => {
    let deep: unknown = 1;
    for (let i = 0; i <= DEFAULT_MAX_DEPTH; i++) deep = [deep];
    expect(encodeRefusal(() => encode(deep))).toBe('AMF3_DEPTH_EXCEEDED');
  });

  it('nodes that do not fit their tables or traits', () => {
    expect(encodeRefusal(() => encodeNode({ type: 'reference', index: 0 }))).toBe('AMF3_BAD_REFERENCE');
    const object = (traitsIndex?: number, sealed: Amf3Node[] = []): Amf3Node => ({
      type: 'object',
      traits: { className: '', dynamic: false, externalizable: false, members: ['a'] },
      ...(traitsIndex !== undefined ? { traitsIndex } : {}),
      sealed,
      dynamic: [],
    });
    expect(encodeRefusal(() => encodeNode(object(0, [{ type: 'null' }])))).toBe('AMF3_BAD_REFERENCE');
    expect(encodeRefusal(() => encodeNode(object(undefined, [])))).toBe('AMF3_UNENCODABLE_VALUE');
  });
});
