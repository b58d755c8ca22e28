// Cases A1-A17 of ../shared/adversarial-plan.md, one test each.

import {
  Amf0Error,
  type Amf0ErrorCode,
  DEFAULT_MAX_DEPTH,
  decode,
  decodeAll,
  decodeAllNodes,
  decodeNode,
  encode,
  encodeAll,
  encodeAllNodes,
} from '@rtmp/amf0';
import { describe, expect, it } from 'vitest';
import { ffmpegPublish, flvOnMetaData } from './vectors/captured';

const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
const connect = bytes(ffmpegPublish.find((v) => v.name === 'connect')!.hex);
const u32 = (n: number) => n.toString(16).padStart(8, '0');

function decodeError(run: () => unknown): Amf0Error {
  try {
    run();
  } catch (error) {
    if (Amf0Error.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected an Amf0Error');
}

const codeOf = (run: () => unknown): Amf0ErrorCode => decodeError(run).code;

describe('adversarial plan, section A (AMF0)', () => {
  it('A1: a connect command truncated at every offset gives AMF0_TRUNCATED with an offset', () => {
    // The command object starts after "connect" (10 bytes) and 1.0 (9 bytes).
    for (let cut = 19; cut < connect.length; cut++) {
      const error = decodeError(() => decode(connect.subarray(19, cut)));
      expect(error.code).toBe('AMF0_TRUNCATED');
      expect(error.offset).toBeGreaterThanOrEqual(0);
      expect(error.offset).toBeLessThanOrEqual(cut - 19);
      expect(error).toBeInstanceOf(Amf0Error);
    }
    // Every cut of the whole sequence either stops on a value boundary or is AMF0_TRUNCATED.
    for (let cut = 0; cut < connect.length; cut++) {
      try {
        decodeAll(connect.subarray(0, cut));
        expect([0, 10, 19]).toContain(cut);
      } catch (error) {
        expect((error as Amf0Error).code).toBe('AMF0_TRUNCATED');
      }
    }
  });

  it('A2: a short string claiming 0xFFFF bytes with 3 left is AMF0_TRUNCATED', () => {
    const error = decodeError(() => decode(bytes('02 ffff 616263')));
    expect(error.code).toBe('AMF0_TRUNCATED');
    expect(error.message).toContain('65535');
  });

  it('A3: long string and XML document of length 0xFFFFFFFF fail before allocating', () => {
    expect(codeOf(() => decode(bytes('0c ffffffff 41')))).toBe('AMF0_STRING_TOO_LONG');
    expect(codeOf(() => decode(bytes('0f ffffffff 41')))).toBe('AMF0_STRING_TOO_LONG');
    // With the limit lifted, the length is still read unsigned and checked against what is there.
    const error = decodeError(() => decode(bytes('0c ffffffff 41'), { maxStringLength: 0xffffffff }));
    expect(error.code).toBe('AMF0_TRUNCATED');
    expect(error.message).toContain('4294967295');
  });

  it('A4: huge strict-array counts fail without a count-driven loop; ECMA counts are hints', () => {
    const twoElements = '05 05';
    expect(codeOf(() => decode(bytes(`0a ffffffff ${twoElements}`)))).toBe('AMF0_TOO_MANY_ELEMENTS');
    expect(codeOf(() => decode(bytes(`0a 7fffffff ${twoElements}`)))).toBe('AMF0_TOO_MANY_ELEMENTS');
    const lifted = { maxArrayLength: 0xffffffff };
    const error = decodeError(() => decode(bytes(`0a 7fffffff ${twoElements}`), lifted));
    expect(error.code).toBe('AMF0_TRUNCATED');
    expect(error.offset).toBe(1); // reported at the count, before any element is read
    expect(decode(bytes(`08 ${u32(2 ** 31)} 0001 61 05 000009`))).toEqual({ a: null });
  });

  it('A5: an object missing its end marker is an error unless lenient, and then only at the very end', () => {
    const cut = connect.subarray(0, connect.length - 3); // drop 00 00 09
    expect(codeOf(() => decodeAll(cut))).toBe('AMF0_TRUNCATED');
    const lenient = { allowMissingObjectEnd: true };
    expect(decodeAll(cut, lenient)).toEqual(decodeAll(connect));
    // Lossless mode remembers, so re-encoding gives the same (unterminated) bytes.
    expect(encodeAllNodes(decodeAllNodes(cut, lenient))).toEqual(cut);
    // Not at the end of the buffer: still an error.
    const followed = bytes('03 0001 61 05 05');
    expect(codeOf(() => decodeAll(followed, lenient))).toBe('AMF0_TRUNCATED');
    // Nested objects are never let off.
    expect(codeOf(() => decode(bytes('03 0001 61 03 0001 62 05'), lenient))).toBe('AMF0_TRUNCATED');
  });

  it('A6: 17, 1000 and 250000 nested containers give AMF0_DEPTH_EXCEEDED, never a stack overflow', () => {
    const nested = (levels: number) => {
      // Each level: 03 0001 "a" <next>; innermost null; then the end markers.
      const open = '0300016' + '1';
      return bytes(open.repeat(levels) + '05' + '000009'.repeat(levels));
    };
    expect(decode(nested(DEFAULT_MAX_DEPTH))).toBeTypeOf('object');
    for (const levels of [DEFAULT_MAX_DEPTH + 1, 1000, 250_000]) {
      const error = decodeError(() => decode(nested(levels)));
      expect(error.code).toBe('AMF0_DEPTH_EXCEEDED');
      expect(error.offset).toBe(DEFAULT_MAX_DEPTH * 4);
    }
    const arrays = (levels: number) => bytes('0a00000001'.repeat(levels) + '05');
    expect(codeOf(() => decode(arrays(250_000)))).toBe('AMF0_DEPTH_EXCEEDED');
  });

  it('A7: references to self, forward, or out of range are rejected; references can be disabled', () => {
    expect(codeOf(() => decode(bytes('03 0001 61 07 0000 000009')))).toBe('AMF0_BAD_REFERENCE'); // self
    expect(codeOf(() => decode(bytes('0a 00000002 07 0001 03 000009')))).toBe('AMF0_BAD_REFERENCE'); // forward
    expect(codeOf(() => decode(bytes('0a 00000002 03 000009 07 0002')))).toBe('AMF0_BAD_REFERENCE'); // beyond
    expect(codeOf(() => decodeNode(bytes('03 0001 61 07 0000 000009')))).toBe('AMF0_BAD_REFERENCE');
    const ok = bytes('0a 00000002 03 000009 07 0001');
    expect(codeOf(() => decode(ok, { maxReferences: 0 }))).toBe('AMF0_REFERENCE_LIMIT');
    const many = bytes(`0a ${u32(5)} 03 000009 ${'07 0001 '.repeat(4)}`);
    expect(codeOf(() => decode(many, { maxReferences: 3 }))).toBe('AMF0_REFERENCE_LIMIT');
    expect((decode(many, { maxReferences: 4 }) as unknown[]).length).toBe(5);
  });

  it('A8: reserved, AVM+ and unknown markers give typed errors', () => {
    expect(codeOf(() => decode(bytes('04')))).toBe('AMF0_RESERVED_MARKER');
    expect(codeOf(() => decode(bytes('0e')))).toBe('AMF0_RESERVED_MARKER');
    expect(codeOf(() => decode(bytes('11 04 01')))).toBe('AMF0_AVMPLUS_UNSUPPORTED');
    for (let marker = 0x12; marker <= 0xff; marker++) {
      const error = decodeError(() => decode(Uint8Array.of(marker)));
      expect(error.code).toBe('AMF0_UNKNOWN_MARKER');
      expect(error.message).toContain(`0x${marker.toString(16)}`);
    }
    // 0x0D (unsupported) and 0x10 (typed object) are values in the AMF0 spec, decoded as such.
    expect(decode(bytes('0d'))).toBeUndefined();
    expect(decode(bytes('10 0001 41 000009'))).toEqual({});
  });

  it('A9: an XML document with a DOCTYPE and an external entity comes back as an opaque string', () => {
    const xml = '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>';
    const encoded = Buffer.from(xml);
    const data = Uint8Array.from([0x0f, 0, 0, 0, encoded.length, ...encoded]);
    expect(decode(data)).toBe(xml);
    expect(decodeNode(data)).toEqual({ type: 'xml-document', value: xml });
  });

  it('A10: an object-end marker in value position, or an empty key without it, is an error', () => {
    expect(codeOf(() => decode(bytes('09')))).toBe('AMF0_UNEXPECTED_OBJECT_END');
    expect(codeOf(() => decode(bytes('03 0001 61 09')))).toBe('AMF0_UNEXPECTED_OBJECT_END');
    expect(codeOf(() => decode(bytes('03 0000 05')))).toBe('AMF0_EMPTY_KEY');
  });

  it('A11: odd numbers decode exactly; judging them is the command layer’s job', () => {
    const odd = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 2 ** 53 + 2, -5];
    const values = decodeAll(encodeAll(odd)) as number[];
    for (const [i, value] of values.entries()) expect(Object.is(value, odd[i])).toBe(true);
  });

  it('A12: malformed UTF-8 is replaced deterministically, the same way TextDecoder does', () => {
    const samples = [
      'ff',
      'c0af' /* overlong "/" */,
      'eda080' /* CESU lone surrogate */,
      '610062' /* NUL */,
      'e282',
    ];
    for (const hex of samples) {
      const payload = bytes(hex);
      const data = Uint8Array.from([0x02, 0, payload.length, ...payload]);
      const expected = new TextDecoder('utf-8', { ignoreBOM: true }).decode(payload);
      expect(decode(data)).toBe(expected);
      expect(decode(data)).toBe(decode(data));
    }
    expect(decode(bytes('02 0003 610062'))).toBe('a\0b');
    // The encoder writes a lone surrogate as U+FFFD rather than invalid UTF-8.
    expect(decode(encode('x\ud800y'))).toBe('x\ufffdy');
  });

  it('A13: __proto__, constructor and prototype keys cannot pollute anything', () => {
    const keys = ['__proto__', 'constructor', 'prototype'];
    const body = keys
      .map((k) => Buffer.from(k))
      .map(
        (k) =>
          `${k.length.toString(16).padStart(4, '0')}${k.toString('hex')}030008706f6c6c75746564 0101 000009`,
      )
      .join('');
    const decoded = decode(bytes(`03 ${body} 000009`)) as Record<string, unknown>;
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(keys);
    expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toEqual({ polluted: true });
    expect((decoded as { polluted?: unknown }).polluted).toBeUndefined();
    // Re-encoding writes the own property back, not the prototype.
    expect(decode(encode(decoded))).toEqual(decoded);
  });

  it('A14: duplicate keys: last wins; 300k tiny properties obey maxProperties and decode in one pass', () => {
    expect(decode(bytes('03 0001 61 003ff0000000000000 0001 61 0101 000009'))).toEqual({ a: true });
    const count = 300_000;
    const parts: Buffer[] = [Buffer.from([0x03])];
    for (let i = 0; i < count; i++) {
      const name = Buffer.from(i.toString(36));
      parts.push(Buffer.from([0, name.length]), name, Buffer.from([0x05]));
    }
    parts.push(Buffer.from([0, 0, 9]));
    const data = Buffer.concat(parts);
    expect(data.length).toBeLessThan(2 * 1024 * 1024);
    expect(codeOf(() => decode(data))).toBe('AMF0_TOO_MANY_PROPERTIES');
    const decoded = decode(data, { maxProperties: count }) as Record<string, null>;
    expect(Object.keys(decoded).length).toBe(count);
  });

  it('A15: a date truncated anywhere is AMF0_TRUNCATED; a non-zero time zone is accepted and kept', () => {
    const date = bytes('0b 4273bbac26400000 ffc4');
    for (let cut = 1; cut < date.length; cut++)
      expect(codeOf(() => decode(date.subarray(0, cut)))).toBe('AMF0_TRUNCATED');
    expect(decode(date)).toEqual(new Date(Date.UTC(2012, 11, 21)));
    expect(decodeNode(date)).toMatchObject({ type: 'date', timezone: -60 });
  });

  it('A16: the encoder switches to a long string past 65535 bytes, rejects long keys, writes real counts', () => {
    const long = 'é'.repeat(40_000); // 80,000 UTF-8 bytes
    const encoded = encode(long);
    expect(encoded[0]).toBe(0x0c);
    expect(Buffer.from(encoded).readUInt32BE(1)).toBe(80_000);
    expect(decode(encoded)).toBe(long);
    expect(encode('a'.repeat(65_535))[0]).toBe(0x02);
    expect(encode('a'.repeat(65_536))[0]).toBe(0x0c);
    expect(() => encode({ ['k'.repeat(70_000)]: 1 })).toThrow(
      expect.objectContaining({ name: 'Amf0EncodeError', code: 'AMF0_KEY_TOO_LONG' }),
    );
    const sparse = [1, 2, 3];
    sparse.length = 5;
    const array = encode(sparse);
    expect(Buffer.from(array).readUInt32BE(1)).toBe(5);
    expect(decode(array)).toEqual([1, 2, 3, undefined, undefined]);
  });

  it('A17: encode(decode(b)) equals b for every real FFmpeg and nginx-rtmp body (lossless)', () => {
    for (const vector of [...ffmpegPublish, flvOnMetaData]) {
      const data = bytes(vector.hex);
      expect(encodeAllNodes(decodeAllNodes(data))).toEqual(data);
    }
  });
});
