// The npm AMF3 codecs we cross-check against and benchmark: bytearray-node (a port of Flash's
// ByteArray) and @astronautlabs/amf. Both are loaded the way their READMEs show.
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { loadByteArrayNode } from '@rtmp/test-helpers';

const require = createRequire(import.meta.url);

const ByteArray = loadByteArrayNode();

interface AstronautValue {
  value: unknown;
  serialize(): Uint8Array;
}
const { AMF3 } = require('@astronautlabs/amf') as {
  AMF3: {
    Value: {
      deserialize(bytes: Uint8Array): AstronautValue;
      any(value: unknown): AstronautValue;
    };
  };
};

/** One AMF3 value through bytearray-node (objectEncoding 3). */
export const byteArrayNode = {
  name: 'bytearray-node',
  decode(bytes: Uint8Array): unknown {
    const array = new ByteArray(Buffer.from(bytes));
    array.objectEncoding = 3;
    return array.readObject();
  },
  encode(value: unknown): Uint8Array {
    const array = new ByteArray();
    array.objectEncoding = 3;
    array.writeObject(value);
    return new Uint8Array(array.buffer.subarray(0, array.position));
  },
};

/** One AMF3 value through @astronautlabs/amf. */
export const astronautlabs = {
  name: '@astronautlabs/amf',
  decode: (bytes: Uint8Array): unknown => AMF3.Value.deserialize(bytes).value,
  encode: (value: unknown): Uint8Array => AMF3.Value.any(value).serialize(),
};

interface AmfJs {
  AMF3: unknown;
  AMFEncoder: new (stream: {
    write(bytes: Uint8Array | number[]): void;
  }) => {
    writeObject(value: unknown, encoding: unknown): void;
  };
  AMFDecoder: new (stream: { read(length: number): Buffer }) => { decode(encoding: unknown): unknown };
}
const amfjsModule = require('amfjs') as AmfJs;

/** One AMF3 value through amfjs (a stream codec, given an in-memory stream). */
export const amfjs = {
  name: 'amfjs',
  decode(bytes: Uint8Array): unknown {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    let at = 0;
    const stream = {
      read: (length: number) => {
        at += length;
        return buffer.subarray(at - length, at);
      },
    };
    return new amfjsModule.AMFDecoder(stream).decode(amfjsModule.AMF3);
  },
  encode(value: unknown): Uint8Array {
    const parts: Buffer[] = [];
    const stream = {
      write: (bytes: Uint8Array | number[]) => void parts.push(Buffer.from(bytes as Uint8Array)),
    };
    new amfjsModule.AMFEncoder(stream).writeObject(value, amfjsModule.AMF3);
    return new Uint8Array(Buffer.concat(parts));
  },
};

const { AMF3: Amf3Ts } = require('amf3-ts') as {
  AMF3: { parse(bytes: Uint8Array): [position: number, value: unknown]; stringify(value: unknown): number[] };
};

/** One AMF3 value through amf3-ts (the codec inside bytearray-node, called directly). */
export const amf3Ts = {
  name: 'amf3-ts',
  decode: (bytes: Uint8Array): unknown => Amf3Ts.parse(bytes)[1],
  encode: (value: unknown): Uint8Array => Uint8Array.from(Amf3Ts.stringify(value)),
};
