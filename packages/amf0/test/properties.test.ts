import { fc, test } from '@fast-check/vitest';
import {
  type Amf0Entries,
  Amf0Error,
  type Amf0Node,
  DEFAULT_MAX_DEPTH,
  decode,
  decodeAll,
  decodeAllNodes,
  decodeNode,
  encode,
  encodeNode,
} from '@rtmp/amf0';
import { describe, expect } from 'vitest';
import { ffmpegPublish, flvOnMetaData } from './vectors/captured';

const params = { numRuns: 300 };
// Well-formed Unicode only: lone surrogates cannot survive UTF-8 (see the A12 test).
const text = fc.string({ unit: 'binary', maxLength: 40 });
const key = text.filter((k) => k.length > 0);

const plainValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: DEFAULT_MAX_DEPTH - 1 },
    fc.double(),
    fc.boolean(),
    text,
    fc.constant(null),
    fc.constant(undefined),
    fc.date(),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 5 }),
  ),
})).value;

const entries = (node: fc.Arbitrary<Amf0Node>): fc.Arbitrary<Amf0Entries> =>
  fc.array(fc.tuple(key, node), { maxLength: 4 });

const losslessNode: fc.Arbitrary<Amf0Node> = fc.letrec<{ node: Amf0Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: DEFAULT_MAX_DEPTH - 1 },
    fc.double().map((value): Amf0Node => ({ type: 'number', value })),
    fc.uint8Array({ minLength: 8, maxLength: 8 }).map((raw): Amf0Node => {
      // NaN with an arbitrary payload: exponent all ones, mantissa non-zero and not canonical.
      raw[0] = 0x7f | (raw[0]! & 0x80);
      raw[1] = 0xf0 | (raw[1]! & 0x0f);
      raw[7] = raw[7]! | 1;
      return { type: 'number', value: Number.NaN, raw };
    }),
    fc.boolean().map((value): Amf0Node => ({ type: 'boolean', value })),
    fc.integer({ min: 2, max: 255 }).map((raw): Amf0Node => ({ type: 'boolean', value: true, raw })),
    fc
      .tuple(fc.constantFrom('string', 'long-string', 'xml-document'), text)
      .map(([type, value]): Amf0Node => ({ type: type as 'string', value })),
    fc.constantFrom<Amf0Node>({ type: 'null' }, { type: 'undefined' }, { type: 'unsupported' }),
    fc
      .tuple(fc.double({ noNaN: true }), fc.integer({ min: -32768, max: 32767 }))
      .map(([value, timezone]): Amf0Node => ({ type: 'date', value, timezone })),
    entries(tie('node')).map((e): Amf0Node => ({ type: 'object', entries: e })),
    fc
      .tuple(fc.nat(), entries(tie('node')))
      .map(([count, e]): Amf0Node => ({ type: 'ecma-array', count, entries: e })),
    fc
      .tuple(key, entries(tie('node')))
      .map(([className, e]): Amf0Node => ({ type: 'typed-object', className, entries: e })),
    fc.array(tie('node'), { maxLength: 4 }).map((items): Amf0Node => ({ type: 'strict-array', items })),
  ),
})).node;

const captured = [...ffmpegPublish, flvOnMetaData].map((v) => Uint8Array.from(Buffer.from(v.hex, 'hex')));

describe('round trips', () => {
  test.prop([plainValue], params)('plain: decode(encode(v)) equals v', (value) => {
    expect(decode(encode(value))).toEqual(value);
  });

  test.prop([losslessNode], params)('lossless: decodeNode(encodeNode(n)) equals n', (node) => {
    expect(decodeNode(encodeNode(node))).toEqual(node);
  });

  test.prop([losslessNode], params)('lossless: encodeNode(decodeNode(b)) equals b', (node) => {
    const bytes = encodeNode(node);
    expect(encodeNode(decodeNode(bytes))).toEqual(bytes);
  });
});

describe('hostile bytes', () => {
  const anyBytes = fc.oneof(
    fc.uint8Array({ maxLength: 64 }),
    // Mutations of real commands reach deeper than uniform noise.
    fc
      .tuple(
        fc.constantFrom(...captured),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }),
      )
      .map(([base, edits]) => {
        const copy = base.slice();
        for (const [at, byte] of edits) copy[at % copy.length] = byte;
        return copy;
      }),
  );

  test.prop([anyBytes], { numRuns: 2000 })('decode either succeeds or throws Amf0Error', (bytes) => {
    for (const run of [() => decodeAll(bytes), () => decodeAllNodes(bytes)]) {
      try {
        run();
      } catch (error) {
        expect(Amf0Error.isInstance(error)).toBe(true);
      }
    }
  });

  test.prop(
    [fc.constantFrom(...captured).chain((b) => fc.tuple(fc.constant(b), fc.nat(b.length - 1)))],
    params,
  )('a truncated real body fails with AMF0_TRUNCATED and an offset inside the input', ([body, cut]) => {
    // Cut strictly inside the last value, so the prefix never ends on a value boundary.
    const nodes = decodeAllNodes(body);
    const lastLength = encodeNode(nodes[nodes.length - 1]!).length;
    fc.pre(lastLength > 1);
    const at = body.length - lastLength + 1 + (cut % (lastLength - 1));
    try {
      decodeAll(body.subarray(0, at));
      expect.unreachable('a truncated body decoded');
    } catch (error) {
      expect(Amf0Error.isInstance(error) && error.code).toBe('AMF0_TRUNCATED');
      expect((error as Amf0Error).offset).toBeLessThanOrEqual(at);
    }
  });
});
