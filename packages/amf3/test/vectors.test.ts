// Byte vectors from the AMF3 spec's grammar, written out by hand, and cross-checks against two npm
// codecs (bytearray-node, which is Flash's ByteArray ported, and @astronautlabs/amf).
import { describe, expect, it } from 'vitest';
import {
  type Amf3Node,
  decode,
  decodeNode,
  encode,
  encodeNode,
  MAX_INTEGER,
  MIN_INTEGER,
} from '../src/index';
import { amfjs, astronautlabs, byteArrayNode } from './peers';

const bytes = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const hex = (value: Uint8Array) => Buffer.from(value).toString('hex');
/** "abc" as a UTF-8-vr written inline: (length << 1 | 1) then the bytes. */
const vr = (text: string) =>
  `${((Buffer.byteLength(text) << 1) | 1).toString(16).padStart(2, '0')}${Buffer.from(text).toString('hex')}`;

describe('U29 and the integer marker', () => {
  // Each boundary where the U29 grows a byte, and the ends of the 29-bit signed range.
  const cases: Array<[number, string]> = [
    [0, '04 00'],
    [0x7f, '04 7f'],
    [0x80, '04 81 00'],
    [0x3fff, '04 ff 7f'],
    [0x4000, '04 81 80 00'],
    [0x1fffff, '04 ff ff 7f'],
    [0x200000, '04 80 c0 80 00'],
    [MAX_INTEGER, '04 bf ff ff ff'],
    [-1, '04 ff ff ff ff'],
    [MIN_INTEGER, '04 c0 80 80 00'],
  ];
  it.each(cases)('%d is %s, and back', (value, wire) => {
    expect(hex(encode(value))).toBe(hex(bytes(wire)));
    expect(decode(bytes(wire))).toBe(value);
    expect(decodeNode(bytes(wire))).toEqual({ type: 'integer', value });
  });

  it('numbers outside the 29-bit range, fractions and -0 are doubles', () => {
    expect(hex(encode(MAX_INTEGER + 1))).toBe('0541b0000000000000');
    expect(hex(encode(MIN_INTEGER - 1))).toBe('05c1b0000001000000');
    expect(hex(encode(-0))).toBe('058000000000000000');
    expect(Object.is(decode(encode(-0)), -0)).toBe(true);
    expect(hex(encode(0.5))).toBe('053fe0000000000000');
  });

  it('a U29 of 4 bytes uses all 8 bits of the last one (a string 0x0FFFFFFF long is refused, not misread)', () => {
    // 06 ff ff ff ff: U29 0x1FFFFFFF, an inline string of 0x0FFFFFFF bytes.
    expect(() => decode(bytes('06 ff ff ff ff'))).toThrow(
      expect.objectContaining({ code: 'AMF3_STRING_TOO_LONG' }),
    );
  });
});

describe('strings and the string table', () => {
  it('a repeated string is a reference; the empty string is never one', () => {
    const value = ['live', 'live', '', '']; // dense array of four
    const wire = `09 09 01 06 ${vr('live')} 06 00 06 01 06 01`;
    expect(hex(encode(value))).toBe(hex(bytes(wire)));
    expect(decode(bytes(wire))).toEqual(value);
  });

  it('keys and class names share the table with string values', () => {
    // { live: 'live' }: the key goes in first (index 0), the value refers to it.
    const wire = `0a 0b 01 ${vr('live')} 06 00 01`;
    expect(hex(encode({ live: 'live' }))).toBe(hex(bytes(wire)));
    expect(decode(bytes(wire))).toEqual({ live: 'live' });
  });

  it('UTF-8 beyond ASCII: the length counts bytes', () => {
    const wire = `06 ${vr('héllo ✓')}`;
    expect(hex(encode('héllo ✓'))).toBe(hex(bytes(wire)));
    expect(decode(bytes(wire))).toBe('héllo ✓');
  });
});

describe('complex values', () => {
  it('an anonymous dynamic object, then a second one by traits reference', () => {
    const wire = `09 05 01 0a 0b 01 ${vr('a')} 04 01 01 0a 01 00 04 02 01`;
    expect(hex(encode([{ a: 1 }, { a: 2 }]))).toBe(hex(bytes(wire)));
    expect(decode(bytes(wire))).toEqual([{ a: 1 }, { a: 2 }]);
    const node = decodeNode(bytes(wire)) as Extract<Amf3Node, { type: 'array' }>;
    expect(node.dense[1]).toMatchObject({ type: 'object', traitsIndex: 0 });
  });

  it('a typed object with sealed members and dynamic ones (lossless view keeps the class)', () => {
    // traits: 2 sealed members, dynamic: (2 << 4) | 0x08 | 0x03 = 0x2b.
    const wire = `0a 2b ${vr('com.example.Point')} ${vr('x')} ${vr('y')} 04 01 04 02 ${vr('tag')} 06 ${vr('p')} 01`;
    expect(decode(bytes(wire))).toEqual({ x: 1, y: 2, tag: 'p' });
    const node = decodeNode(bytes(wire));
    expect(node).toEqual({
      type: 'object',
      traits: { className: 'com.example.Point', dynamic: true, externalizable: false, members: ['x', 'y'] },
      sealed: [
        { type: 'integer', value: 1 },
        { type: 'integer', value: 2 },
      ],
      dynamic: [['tag', { type: 'string', value: 'p' }]],
    });
    expect(hex(encodeNode(node))).toBe(hex(bytes(wire)));
  });

  it('an object referring to itself comes back as a cycle, and encodes as one', () => {
    const wire = `0a 0b 01 ${vr('self')} 0a 00 01`;
    const value = decode(bytes(wire)) as { self: unknown };
    expect(value.self).toBe(value);
    expect(hex(encode(value))).toBe(hex(bytes(wire)));
  });

  it('an array with an associative part, a date, XML, XML document and a byte array', () => {
    const wire = `09 03 ${vr('k')} 04 07 01 06 ${vr('d')}`;
    const array = decode(bytes(wire)) as unknown[] & { k?: number };
    expect([...array]).toEqual(['d']);
    expect(array.k).toBe(7);
    expect(hex(encode(array))).toBe(hex(bytes(wire)));

    const date = `08 01 ${hex(new Uint8Array(new Float64Array([Date.UTC(2026, 11, 6)]).buffer).reverse())}`;
    expect(decode(bytes(date))).toEqual(new Date(Date.UTC(2026, 11, 6)));
    expect(hex(encode(new Date(Date.UTC(2026, 11, 6))))).toBe(hex(bytes(date)));

    expect(decodeNode(bytes(`0b ${vr('<a/>')}`))).toEqual({ type: 'xml', value: '<a/>' });
    expect(decodeNode(bytes(`07 ${vr('<b/>')}`))).toEqual({ type: 'xml-document', value: '<b/>' });
    expect(decode(bytes(`0c 07 01 02 03`))).toEqual(new Uint8Array([1, 2, 3]));
    expect(hex(encode(new Uint8Array([1, 2, 3])))).toBe('0c07010203');
  });

  it('every reference kind: date, XML, byte array, array, vector and dictionary referred to again', () => {
    const shared = {
      date: new Date(5),
      bytes: new Uint8Array([9]),
      list: [1],
      ints: Int32Array.of(-1, 2),
      map: new Map([['k', 1]]),
    };
    const twice = [shared.date, shared.bytes, shared.list, shared.ints, shared.map];
    const value = [...twice, ...twice];
    const wire = encode(value);
    const back = decode(wire) as unknown[];
    for (let i = 0; i < 5; i++) expect(back[i + 5]).toBe(back[i]);
    expect(back.slice(0, 5)).toEqual(twice);
    // Objects 1-5 (0 is the outer array) referred to as 08 02, 0c 04, 09 06, 0d 08, 11 0a.
    expect(hex(wire).endsWith('08020c0409060d08110a')).toBe(true);
    expect(hex(encodeNode(decodeNode(wire)))).toBe(hex(wire));
    const xml = bytes(`09 05 01 0b ${vr('<a/>')} 0b 02`);
    expect(decodeNode(xml)).toMatchObject({ dense: [{ type: 'xml' }, { type: 'reference', index: 1 }] });
    expect(hex(encodeNode(decodeNode(xml)))).toBe(hex(xml));
  });

  it('vectors of int, uint, double (fixed flag kept) and of objects', () => {
    const ints = bytes('0d 05 01 ff ff ff ff 00 00 00 02');
    expect(decode(ints)).toEqual(Int32Array.of(-1, 2));
    expect(decodeNode(ints)).toEqual({ type: 'vector-int', fixed: true, items: Int32Array.of(-1, 2) });
    expect(hex(encodeNode(decodeNode(ints)))).toBe(hex(ints));
    expect(hex(encode(Uint32Array.of(0xffffffff)))).toBe('0e0300ffffffff');
    expect(hex(encode(Float64Array.of(1.5)))).toBe('0f03003ff8000000000000');
    const objects = bytes(`10 05 00 ${vr('com.example.P')} 0a 0b 01 ${vr('a')} 04 01 01 01`);
    expect(decode(objects)).toEqual([{ a: 1 }, null]);
    expect(decodeNode(objects)).toMatchObject({
      type: 'vector-object',
      fixed: false,
      className: 'com.example.P',
    });
    expect(hex(encodeNode(decodeNode(objects)))).toBe(hex(objects));
  });

  it('a dictionary with object keys and weak keys kept in the lossless view', () => {
    const wire = bytes(`11 05 01 06 ${vr('k')} 04 01 0a 0b 01 01 03`);
    const map = decode(wire) as Map<unknown, unknown>;
    expect([...map]).toEqual([
      ['k', 1],
      [{}, true],
    ]);
    expect(decodeNode(wire)).toMatchObject({ type: 'dictionary', weakKeys: true });
    expect(hex(encodeNode(decodeNode(wire)))).toBe(hex(wire));
  });

  it('externalizable Flex ArrayCollection: the plain value is its source array; the lossless view re-encodes', () => {
    const wire = bytes(`0a 07 ${vr('flex.messaging.io.ArrayCollection')} 09 05 01 04 01 04 02`);
    expect(decode(wire)).toEqual([1, 2]);
    const node = decodeNode(wire);
    expect(node).toMatchObject({
      type: 'object',
      traits: { externalizable: true },
      external: [{ type: 'array' }],
    });
    expect(hex(encodeNode(node))).toBe(hex(wire));
  });

  it('a registered reader for another externalizable class reads raw fields and values', () => {
    const wire = bytes(`0a 07 ${vr('com.example.Ext')} 00 03 61 62 63 00 00 00 2a 06 ${vr('v')}`);
    const options = {
      externalizables: {
        'com.example.Ext': (input: import('../src/index').Amf3Input) => ({
          name: input.readUTF(),
          n: new DataView(input.readBytes(4).buffer).getInt32(0),
          v: input.readValue(),
        }),
      },
    };
    expect(decode(wire, options)).toEqual({ name: 'abc', n: 42, v: 'v' });
    expect(hex(encodeNode(decodeNode(wire, options)))).toBe(hex(wire));
  });
});

describe('typed objects and externalizables from plain values (classOf, writers)', () => {
  const collection = (items: unknown[]) => Object.assign(Object.create(null) as object, { items });
  const classOf = (value: object) =>
    Object.getPrototypeOf(value) === null
      ? 'flex.messaging.io.ArrayCollection'
      : value instanceof Point
        ? 'com.example.Point'
        : undefined;
  class Point {
    constructor(
      readonly x: number,
      readonly y: number,
    ) {}
  }
  const options = {
    classOf,
    externalizables: {
      'flex.messaging.io.ArrayCollection': (value: unknown, output: import('../src/index').Amf3Output) =>
        output.writeValue((value as { items: unknown[] }).items),
    },
  };

  it('an ArrayCollection written by its writer reads back through the built-in reader; traits are referenced the second time', () => {
    const bytes = encode([collection([1, 'a']), collection([2])], options);
    expect(decode(bytes)).toEqual([[1, 'a'], [2]]);
    const node = decodeNode(bytes) as Extract<Amf3Node, { type: 'array' }>;
    expect(node.dense[0]).toMatchObject({
      type: 'object',
      traits: { className: 'flex.messaging.io.ArrayCollection', externalizable: true },
    });
    expect(node.dense[1]).toMatchObject({ traitsIndex: 0 });
    expect(hex(encodeNode(node))).toBe(hex(bytes));
  });

  it('a named plain object is a typed object with dynamic members; anonymous ones keep their own traits', () => {
    const bytes = encode({ at: new Point(1, 2), other: { z: 3 }, again: new Point(4, 5) }, options);
    expect(decode(bytes)).toEqual({ at: { x: 1, y: 2 }, other: { z: 3 }, again: { x: 4, y: 5 } });
    const node = decodeNode(bytes) as Extract<Amf3Node, { type: 'object' }>;
    const [at, other, again] = node.dynamic.map(([, value]) => value);
    expect(at).toMatchObject({ traits: { className: 'com.example.Point', dynamic: true, members: [] } });
    expect(other).toMatchObject({ traitsIndex: 0 }); // the anonymous traits of the outer object
    expect(again).toMatchObject({ traitsIndex: 1 });
  });

  it('a writer’s UTF and raw bytes, and a reader that takes them apart', () => {
    const writers = {
      classOf: () => 'com.example.Money',
      externalizables: {
        'com.example.Money': (value: unknown, output: import('../src/index').Amf3Output) => {
          const { cents, currency } = value as { cents: number; currency: string };
          const field = new Uint8Array(4);
          new DataView(field.buffer).setInt32(0, cents);
          output.writeBytes(field);
          output.writeUTF(currency);
        },
      },
    };
    const bytes = encode({ cents: -250, currency: 'EUR' }, writers);
    expect(hex(bytes)).toBe(`0a07${vr('com.example.Money').slice(0)}ffffff060003455552`);
    const money = decode(bytes, {
      externalizables: {
        'com.example.Money': (input) => ({
          cents: new DataView(input.readBytes(4).slice().buffer).getInt32(0),
          currency: input.readUTF(),
        }),
      },
    });
    expect(money).toEqual({ cents: -250, currency: 'EUR' });
  });
});

describe('against npm codecs', () => {
  const values: unknown[] = [
    0,
    -1,
    MAX_INTEGER,
    MIN_INTEGER,
    MAX_INTEGER + 1,
    3.25,
    'rtmp',
    'ünïcödé',
    true,
    false,
    null,
    new Date(1_700_000_000_000),
    [1, 'two', [3]],
    { app: 'live', flashVer: 'WIN 32,0,0,465', capabilities: 239, nested: { a: [1, 2], b: 'live' } },
    [{ code: 'NetStream.Play.Start' }, { code: 'NetStream.Play.Reset' }],
    Int32Array.of(5, 0, 2 ** 31 - 1), // bytearray-node cannot write negative ints (it range-checks as unsigned)
    Uint32Array.of(0, 2 ** 32 - 1),
    Float64Array.of(-0.5, 1e300),
  ];

  it.each(values.map((value) => [value]))(
    'bytearray-node writes %o exactly as we do, and each decodes the other',
    (value) => {
      const ours = encode(value);
      expect(hex(byteArrayNode.encode(value))).toBe(hex(ours));
      expect(byteArrayNode.decode(ours)).toEqual(value);
      expect(decode(byteArrayNode.encode(value))).toEqual(value);
    },
  );

  it('bytearray-node reads our negative vector ints', () => {
    expect(byteArrayNode.decode(encode(Int32Array.of(-5, -(2 ** 31))))).toEqual(
      Int32Array.of(-5, -(2 ** 31)),
    );
  });

  it.each([0, MAX_INTEGER + 1, 3.25, 'rtmp', 'ünïcödé', new Date(5)].map((value) => [value]))(
    '@astronautlabs/amf and we read each other for %o',
    (value) => {
      expect(decode(astronautlabs.encode(value))).toEqual(value);
      expect(astronautlabs.decode(encode(value))).toEqual(value);
    },
  );

  it.each(
    [
      -1,
      MAX_INTEGER,
      MIN_INTEGER,
      3.25,
      'ünïcödé',
      true,
      null,
      new Date(5),
      [1, 'two', [3]],
      { app: 'live', n: { x: [1] } },
    ].map((value) => [value]),
  )('amfjs reads what we write for %o', (value) => {
    expect(amfjs.decode(encode(value))).toEqual(value);
  });

  it('amfjs reads our vectors of int and double, and our dictionaries', () => {
    expect(amfjs.decode(encode(Int32Array.of(-5, 7)))).toEqual([-5, 7]);
    expect(amfjs.decode(encode(Float64Array.of(-0.5, 1e300)))).toEqual([-0.5, 1e300]);
    // amfjs keys its dictionaries by JSON text.
    expect(
      amfjs.decode(
        encode(
          new Map<unknown, unknown>([
            ['k', 1],
            [2, 'two'],
          ]),
        ),
      ),
    ).toEqual({ '"k"': 1, '2': 'two' });
  });

  it('amfjs writes objects as arrays with only an associative part; we read them so', () => {
    const theirs = amfjs.encode({ app: 'live', n: 3 });
    expect(decodeNode(theirs)).toEqual({
      type: 'array',
      associative: [
        ['app', { type: 'string', value: 'live' }],
        ['n', { type: 'integer', value: 3 }],
      ],
      dense: [],
    });
    expect(Object.entries(decode(theirs) as object)).toEqual([
      ['app', 'live'],
      ['n', 3],
    ]);
    expect(decode(amfjs.encode([1, 'two', [3]]))).toEqual([1, 'two', [3]]);
  });

  it('@astronautlabs/amf writes objects with sealed traits; we read them as the same object', () => {
    const value = { app: 'live', n: 3, inner: { x: 'y' } };
    const theirs = astronautlabs.encode(value);
    expect(decodeNode(theirs)).toMatchObject({
      type: 'object',
      traits: { dynamic: false, members: ['app', 'n', 'inner'] },
    });
    expect(decode(theirs)).toEqual(value);
    expect(hex(encodeNode(decodeNode(theirs)))).toBe(hex(theirs));
  });
});
