// AMF0 decode and encode against the libraries a user would otherwise pick, on the same real
// inputs, in one run. Prints ops/s and our ratio to the fastest peer. Not part of the tests:
//   pnpm --filter @rtmp/amf0 bench
import 'reflect-metadata';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { decodeAll, encodeAll } from '@rtmp/amf0';
import { compareRates, formatRate, loadByteArrayNode } from '@rtmp/test-helpers';
import { ffmpegPublish, flvOnMetaData } from '../test/vectors/captured';

const require = createRequire(import.meta.url);

const ByteArray = loadByteArrayNode();
const { AMF0 } = require('@astronautlabs/amf') as {
  AMF0: {
    Value: {
      deserialize(bytes: Uint8Array): { value: unknown; serialize(): Uint8Array };
      any(value: unknown): { serialize(): Uint8Array };
    };
  };
};
const nms = require('node-media-server/src/protocol/amf.js') as {
  amf0Decode(buffer: Buffer): unknown[];
  amf0Encode(values: unknown[]): Buffer;
};

interface Codec {
  readonly name: string;
  decode(bytes: Buffer): unknown[];
  encode(values: unknown[]): Uint8Array;
}

const codecs: Codec[] = [
  { name: '@rtmp/amf0', decode: (bytes) => decodeAll(bytes), encode: (values) => encodeAll(values) },
  {
    name: 'node-media-server',
    decode: (bytes) => nms.amf0Decode(bytes),
    encode: (values) => nms.amf0Encode(values),
  },
  {
    name: '@astronautlabs/amf',
    decode: (bytes) => {
      const values: unknown[] = [];
      for (let at = 0; at < bytes.length; ) {
        const value = AMF0.Value.deserialize(bytes.subarray(at));
        values.push(value.value);
        at += value.serialize().length;
      }
      return values;
    },
    encode: (values) => Buffer.concat(values.map((value) => AMF0.Value.any(value).serialize())),
  },
  {
    name: 'bytearray-node',
    decode: (bytes) => {
      const reader = new ByteArray(bytes);
      reader.objectEncoding = 0;
      const values: unknown[] = [];
      while (reader.position < reader.length) values.push(reader.readObject());
      return values;
    },
    encode: (values) => {
      const writer = new ByteArray();
      writer.objectEncoding = 0;
      for (const value of values) writer.writeObject(value);
      return writer.buffer;
    },
  },
];

const hex = (name: string) =>
  Buffer.from([...ffmpegPublish, flvOnMetaData].find((v) => v.name === name)!.hex, 'hex');
const inputs: Record<string, Buffer> = {
  'connect (FFmpeg)': hex('connect'),
  'onMetaData (FFmpeg FLV)': hex('flvOnMetaData'),
  '_result (nginx-rtmp)': hex('resultConnect'),
  'onStatus (nginx-rtmp)': hex('onStatusPublishStart'),
};

// The assertion part: every codec must agree with our decoding before its speed means anything.
const agreement: string[] = [];
for (const [input, bytes] of Object.entries(inputs)) {
  const expected = decodeAll(bytes);
  if (!isDeepStrictEqual(decodeAll(encodeAll(expected)), expected)) throw new Error(`wrong result: ${input}`);
  for (const codec of codecs.slice(1)) {
    let note = 'same values';
    try {
      const decoded = JSON.parse(JSON.stringify(codec.decode(bytes)));
      if (!isDeepStrictEqual(decoded, JSON.parse(JSON.stringify(expected)))) note = 'DIFFERENT values';
      const reencoded = decodeAll(codec.encode(expected));
      if (!isDeepStrictEqual(JSON.parse(JSON.stringify(reencoded)), JSON.parse(JSON.stringify(expected)))) {
        note += ', its encoding decodes differently';
      }
    } catch (error) {
      note = `fails: ${(error as Error).message.slice(0, 60)}`;
    }
    agreement.push(`${codec.name.padEnd(20)} ${input.padEnd(26)} ${note}`);
  }
}
console.log('Agreement with @rtmp/amf0 on the benchmark inputs:');
for (const line of agreement) console.log(`  ${line}`);

const rows: string[][] = [];
for (const op of ['decode', 'encode'] as const) {
  for (const [input, bytes] of Object.entries(inputs)) {
    const values = decodeAll(bytes);
    const results = compareRates(
      codecs.map((codec) => [
        codec.name,
        op === 'decode' ? () => codec.decode(bytes) : () => codec.encode(values),
      ]),
    );
    const fastestPeer = results.slice(1).reduce((best, r) => (r.opsPerSecond > best.opsPerSecond ? r : best));
    rows.push([
      op,
      input,
      ...results.map((r) => formatRate(r.opsPerSecond)),
      `${fastestPeer.ratio.toFixed(1)}x`,
    ]);
  }
}
console.log('\nops/s, median of paired rounds (higher is better); ratio = @rtmp/amf0 / fastest peer, paired');
for (const row of [['op', 'input', ...codecs.map((c) => c.name), 'ratio'], ...rows]) {
  console.log(row.map((cell, i) => cell.padEnd(i === 1 ? 26 : 20)).join(''));
}
