// AMF3 decode and encode against the npm codecs a user would otherwise pick, on the same values,
// in one run. Prints ops/s and our ratio to the fastest peer that agrees with us. Not a test:
//   pnpm --filter @rtmp/amf3 bench
import { isDeepStrictEqual } from 'node:util';
import { decode, encode } from '@rtmp/amf3';
import { compareRates, formatRate } from '@rtmp/test-helpers';
import { amf3Ts, amfjs, astronautlabs, byteArrayNode } from '../test/peers';

interface Codec {
  readonly name: string;
  decode(bytes: Uint8Array): unknown;
  encode(value: unknown): Uint8Array;
}
const codecs: Codec[] = [{ name: '@rtmp/amf3', decode, encode }, amf3Ts, byteArrayNode, amfjs, astronautlabs];

/** What AMF3 carries in practice: commands of an AS3 client, a Flex message, numeric vectors. */
const inputs: Record<string, unknown> = {
  'connect (Flash, AMF3)': {
    app: 'live',
    flashVer: 'WIN 32,0,0,465',
    swfUrl: 'https://example.com/player.swf',
    tcUrl: 'rtmp://example.com/live',
    fpad: false,
    capabilities: 239,
    audioCodecs: 3575,
    videoCodecs: 252,
    videoFunction: 1,
    pageUrl: 'https://example.com/watch',
    objectEncoding: 3,
  },
  'onStatus list': Array.from({ length: 8 }, (_, i) => ({
    level: 'status',
    code: i % 2 ? 'NetStream.Play.Start' : 'NetStream.Play.Reset',
    description: `Started playing stream${i}.`,
    details: `stream${i}`,
    clientid: 'ZxK1bWw',
  })),
  'Flex result (40 rows)': {
    correlationId: '6C1F4B5C-3E7A-4B8E-9D51-0E2C1D7E9A10',
    timestamp: 1_733_450_000_000,
    headers: { DSId: 'C5A1E0F4-2B3D-4F6A-8C9E-1A2B3C4D5E6F' },
    body: Array.from({ length: 40 }, (_, i) => ({
      id: i,
      name: `camera-${i}`,
      bitrate: 2500.5 + i,
      live: i % 3 !== 0,
      tags: ['outdoor', 'hd'],
    })),
  },
  'vectors (1k ints, 1k doubles)': {
    ints: Int32Array.from({ length: 1000 }, (_, i) => i * 7),
    doubles: Float64Array.from({ length: 1000 }, (_, i) => i / 3),
  },
};

// A codec is timed on decode if it reads our bytes as the same values, on encode if we read its
// bytes as the same values. amfjs writes objects as AMF3 arrays with only named members: the
// comparison reads those as objects.
const plain = (value: unknown): unknown =>
  JSON.parse(
    JSON.stringify(value, (_, v) => {
      if (ArrayBuffer.isView(v)) return [...(v as Int32Array)];
      if (Array.isArray(v) && v.length === 0 && Object.keys(v).length > 0) return { ...v };
      return v;
    }),
  );
const agrees = new Map<string, boolean>();
console.log('Agreement with @rtmp/amf3 on the benchmark values:');
for (const [input, value] of Object.entries(inputs)) {
  const bytes = encode(value);
  if (!isDeepStrictEqual(plain(decode(bytes)), plain(value))) throw new Error(`wrong result: ${input}`);
  for (const codec of codecs.slice(1)) {
    const notes: string[] = [];
    for (const op of ['decode', 'encode'] as const) {
      let same = false;
      try {
        same = isDeepStrictEqual(
          plain(op === 'decode' ? codec.decode(bytes) : decode(codec.encode(value))),
          plain(value),
        );
      } catch (error) {
        notes.push(`${op} fails (${(error as Error).message.slice(0, 40)})`);
      }
      agrees.set(`${op} ${codec.name} ${input}`, same);
      if (!same && notes.length === 0) notes.push(`${op} gives different values`);
    }
    console.log(
      `  ${codec.name.padEnd(20)} ${input.padEnd(30)} ${notes.join(', ') || 'same values both ways'}`,
    );
  }
}

const rows: string[][] = [];
for (const op of ['decode', 'encode'] as const) {
  for (const [input, value] of Object.entries(inputs)) {
    const bytes = encode(value);
    const contenders = codecs.filter((codec, i) => i === 0 || agrees.get(`${op} ${codec.name} ${input}`));
    const results = compareRates(
      contenders.map((codec) => [
        codec.name,
        op === 'decode' ? () => codec.decode(bytes) : () => codec.encode(value),
      ]),
    );
    const cells = codecs.map((codec) => {
      const result = results.find((r) => r.name === codec.name);
      return result ? formatRate(result.opsPerSecond) : 'disagrees';
    });
    const peers = results.slice(1);
    const fastest =
      peers.length > 0
        ? peers.reduce((best, r) => (r.opsPerSecond > best.opsPerSecond ? r : best))
        : undefined;
    rows.push([
      op,
      input,
      ...cells,
      fastest ? `${fastest.ratio.toFixed(1)}x ${fastest.name}` : 'no peer agrees',
    ]);
  }
}
const header = ['op', 'input', ...codecs.map((codec) => codec.name), 'ours / fastest peer'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)) + 2);
console.log(`\n${header.map((h, i) => h.padEnd(widths[i]!)).join('')}`);
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join(''));
