import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import {
  type Amf3Entries,
  Amf3Error,
  type Amf3Node,
  type Amf3Traits,
  DEFAULT_MAX_DEPTH,
  decode,
  decodeNode,
  encode,
  encodeNode,
  MAX_INTEGER,
  MIN_INTEGER,
} from '../src/index';

const params = { numRuns: 300 };
// Well-formed Unicode only: lone surrogates cannot survive UTF-8.
const text = fc.string({ unit: 'binary', maxLength: 30 });
const key = text.filter((k) => k.length > 0);
const depth = { depthSize: 'small' as const, maxDepth: DEFAULT_MAX_DEPTH - 2 };

const plainValue = fc.letrec((tie) => ({
  value: fc.oneof(
    depth,
    fc.double(),
    fc.integer({ min: MIN_INTEGER, max: MAX_INTEGER }),
    fc.boolean(),
    text,
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
    fc.uint8Array({ maxLength: 20 }),
    fc
      .array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { maxLength: 5 })
      .map((v) => Int32Array.from(v)),
    fc.array(fc.double(), { maxLength: 5 }).map((v) => Float64Array.from(v)),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((pairs) => new Map(pairs)),
  ),
})).value;

const entries = (node: fc.Arbitrary<Amf3Node>): fc.Arbitrary<Amf3Entries> =>
  fc.uniqueArray(fc.tuple(key, node), { maxLength: 4, selector: ([name]) => name });

const losslessNode: fc.Arbitrary<Amf3Node> = fc.letrec<{ node: Amf3Node }>((tie) => ({
  node: fc.oneof(
    depth,
    fc.constantFrom<Amf3Node>({ type: 'undefined' }, { type: 'null' }, { type: 'false' }, { type: 'true' }),
    fc.integer({ min: MIN_INTEGER, max: MAX_INTEGER }).map((value): Amf3Node => ({ type: 'integer', value })),
    fc.double({ noNaN: true }).map((value): Amf3Node => ({ type: 'double', value })),
    fc.uint8Array({ minLength: 8, maxLength: 8 }).map((raw): Amf3Node => {
      // NaN with an arbitrary payload: exponent all ones, mantissa non-zero and not canonical.
      raw[0] = 0x7f | (raw[0]! & 0x80);
      raw[1] = 0xf0 | (raw[1]! & 0x0f);
      raw[7] = raw[7]! | 1;
      return { type: 'double', value: Number.NaN, raw };
    }),
    fc
      .tuple(
        fc.constantFrom('string', 'xml', 'xml-document') as fc.Arbitrary<'string' | 'xml' | 'xml-document'>,
        text,
      )
      .map(([type, value]): Amf3Node => ({ type, value })),
    fc.double({ noNaN: true }).map((value): Amf3Node => ({ type: 'date', value })),
    fc
      .tuple(entries(tie('node')), fc.array(tie('node'), { maxLength: 4 }))
      .map(([associative, dense]): Amf3Node => ({ type: 'array', associative, dense })),
    fc
      .tuple(
        text,
        fc.boolean(),
        fc.uniqueArray(key, { maxLength: 3 }),
        fc.array(tie('node'), { minLength: 3, maxLength: 3 }),
        entries(tie('node')),
      )
      .map(([className, dynamic, members, values, extra]): Amf3Node => {
        const traits: Amf3Traits = { className, dynamic, externalizable: false, members };
        return {
          type: 'object',
          traits,
          sealed: values.slice(0, members.length),
          dynamic: dynamic ? extra : [],
        };
      }),
    fc.uint8Array({ maxLength: 16 }).map((value): Amf3Node => ({ type: 'byte-array', value })),
    fc
      .tuple(fc.boolean(), fc.array(fc.integer({ min: 0, max: 2 ** 32 - 1 }), { maxLength: 4 }))
      .map(([fixed, items]): Amf3Node => ({ type: 'vector-uint', fixed, items: Uint32Array.from(items) })),
    fc
      .tuple(fc.boolean(), fc.array(fc.double(), { maxLength: 4 }))
      .map(([fixed, items]): Amf3Node => ({ type: 'vector-double', fixed, items: Float64Array.from(items) })),
    fc
      .tuple(fc.boolean(), text, fc.array(tie('node'), { maxLength: 3 }))
      .map(([fixed, className, items]): Amf3Node => ({ type: 'vector-object', fixed, className, items })),
    fc
      .tuple(fc.boolean(), fc.array(fc.tuple(tie('node'), tie('node')), { maxLength: 3 }))
      .map(([weakKeys, pairs]): Amf3Node => ({ type: 'dictionary', weakKeys, entries: pairs })),
  ),
})).node;

describe('properties', () => {
  test.prop([plainValue], params)('decode(encode(v)) equals v', (value) => {
    expect(decode(encode(value))).toEqual(value);
  });

  test.prop([plainValue], params)('what we write, the lossless view writes again byte for byte', (value) => {
    const bytes = encode(value);
    expect(Buffer.from(encodeNode(decodeNode(bytes))).equals(bytes)).toBe(true);
  });

  test.prop([losslessNode], params)(
    'decodeNode(encodeNode(n)) equals n, and re-encodes identically',
    (node) => {
      const bytes = encodeNode(node);
      const back = decodeNode(bytes);
      expect(back).toEqual(node);
      expect(Buffer.from(encodeNode(back)).equals(bytes)).toBe(true);
    },
  );

  test.prop([fc.uint8Array({ maxLength: 200 })], { numRuns: 2000 })(
    'any bytes: a value or an Amf3Error, nothing else',
    (bytes) => {
      for (const read of [decode, decodeNode]) {
        try {
          read(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(Amf3Error);
        }
      }
    },
  );
});
