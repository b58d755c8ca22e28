import { Amf0EncodeError, type Amf0EncodeErrorCode, Amf0Error, decode, encode, encodeNode } from '@rtmp/amf0';
import { describe, expect, it } from 'vitest';

function encodeErrorCode(run: () => unknown): Amf0EncodeErrorCode {
  try {
    run();
  } catch (error) {
    if (Amf0EncodeError.isInstance(error)) return error.code;
    throw error;
  }
  throw new Error('expected an Amf0EncodeError');
}

describe('errors', () => {
  it('decode errors carry code, offset, name and a message naming the byte', () => {
    try {
      decode(Uint8Array.of(0x03, 0x00, 0x01, 0x61, 0x42));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Amf0Error);
      expect(error).toBeInstanceOf(Error);
      const e = error as Amf0Error;
      expect(e.name).toBe('Amf0Error');
      expect(e.code).toBe('AMF0_UNKNOWN_MARKER');
      expect(e.offset).toBe(4);
      expect(e.message).toBe('unknown AMF0 marker 0x42 at offset 4');
    }
  });

  it('instanceof holds for an error made by another installed copy (shared Symbol.for marker)', () => {
    const fromOtherCopy = Object.assign(new Error('x'), {
      [Symbol.for('@rtmp/amf0/Amf0Error')]: true,
      code: 'AMF0_TRUNCATED',
    });
    expect(fromOtherCopy).toBeInstanceOf(Amf0Error);
    expect(new Error('plain')).not.toBeInstanceOf(Amf0Error);
    expect(Amf0Error.isInstance(null)).toBe(false);
    expect(new Amf0EncodeError('AMF0_CYCLE', 'x')).not.toBeInstanceOf(Amf0Error);
  });

  it('every @rtmp error carries the shared @rtmp/error mark', () => {
    const mark = Symbol.for('@rtmp/error');
    expect((new Amf0Error('AMF0_TRUNCATED', 'x', 0) as unknown as Record<symbol, unknown>)[mark]).toBe(true);
    expect((new Amf0EncodeError('AMF0_CYCLE', 'x') as unknown as Record<symbol, unknown>)[mark]).toBe(true);
  });

  it('encoder misuse is a local Amf0EncodeError (a TypeError), never an Amf0Error', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(encodeErrorCode(() => encode(cyclic))).toBe('AMF0_CYCLE');
    expect(encodeErrorCode(() => encode([[[]]], { maxDepth: 2 }))).toBe('AMF0_DEPTH_EXCEEDED');
    expect(encodeErrorCode(() => encode(() => 1))).toBe('AMF0_UNENCODABLE_VALUE');
    expect(encodeErrorCode(() => encode(Symbol('x')))).toBe('AMF0_UNENCODABLE_VALUE');
    expect(encodeErrorCode(() => encode(1n))).toBe('AMF0_UNENCODABLE_VALUE');
    expect(encodeErrorCode(() => encode(new Uint8Array(2)))).toBe('AMF0_UNENCODABLE_VALUE');
    expect(encodeErrorCode(() => encode(new Map([[1, 2]])))).toBe('AMF0_UNENCODABLE_VALUE');
    expect(encodeErrorCode(() => encode({ '': 1 }))).toBe('AMF0_EMPTY_KEY');
    expect(encodeErrorCode(() => encodeNode({ type: 'bogus' } as never))).toBe('AMF0_UNENCODABLE_VALUE');
    try {
      encode(() => 1);
    } catch (error) {
      expect(error).toBeInstanceOf(TypeError);
      expect(error).not.toBeInstanceOf(Amf0Error);
    }
  });

  it('a failed encode leaves the shared encoder clean for the next call', () => {
    expect(() => encode({ ok: 1, bad: () => 1 })).toThrow();
    expect(encode(null)).toEqual(Uint8Array.of(0x05));
    // A shared-value object visited twice (not a cycle) is fine.
    const shared = { a: 1 };
    expect(decode(encode([shared, shared]))).toEqual([{ a: 1 }, { a: 1 }]);
  });

  it('an encoder with ignoreUndefinedProperties leaves undefined properties out', () => {
    expect(decode(encode({ a: undefined, b: 1 }, { ignoreUndefinedProperties: true }))).toEqual({ b: 1 });
    expect(Object.keys(decode(encode({ a: undefined })) as object)).toEqual(['a']);
  });
});
