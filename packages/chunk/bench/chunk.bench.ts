// Chunk stream throughput against the physical reference (copying the same bytes into one buffer)
// and node-media-server's chunk parser, in one run. Not part of the tests:
//   pnpm --filter @rtmp/chunk bench
import { createRequire } from 'node:module';
import { ChunkDecoder, ChunkEncoder, type RawMessage } from '@rtmp/chunk';
import { compareRates } from '@rtmp/test-helpers';

const require = createRequire(import.meta.url);

/** ~10 s of a 25 fps H.264 + AAC stream: 200 KB keyframe every 2 s, 5-30 KB inter frames, 350 B audio. */
function realisticMessages(): Array<RawMessage & { csid: number }> {
  let seed = 7;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const messages: Array<RawMessage & { csid: number }> = [];
  let audioTime = 0;
  for (let frame = 0; frame < 250; frame++) {
    const timestamp = frame * 40;
    const size = frame % 50 === 0 ? 200_000 : 5_000 + Math.floor(random() * 25_000);
    const payload = new Uint8Array(size).fill(frame & 0xff);
    payload[0] = frame % 50 === 0 ? 0x17 : 0x27;
    messages.push({ typeId: 9, streamId: 1, timestamp, payload, csid: 6 });
    while (audioTime <= timestamp) {
      messages.push({
        typeId: 8,
        streamId: 1,
        timestamp: Math.round(audioTime),
        payload: new Uint8Array(350).fill(0xaf),
        csid: 4,
      });
      audioTime += 1024 / 44.1;
    }
  }
  return messages;
}

/** Where a message's chunk payload sits in the stream: what a decoder has to copy to reassemble it. */
interface ChunkCopy {
  readonly at: number;
  readonly length: number;
  readonly csid: number;
  readonly offset: number;
  /** The whole message's length. */
  readonly total: number;
}

/**
 * The stream as a publisher writes it: audio chunks slipped between the chunks of video frames.
 * Also the copies any decoder must make: each chunk of a message that spans several.
 */
function chunkStream(
  messages: Array<RawMessage & { csid: number }>,
  chunkSize: number,
): { bytes: Uint8Array; copies: ChunkCopy[] } {
  const encoder = new ChunkEncoder();
  const out: Uint8Array[] = [...encoder.setChunkSize(chunkSize)];
  const copies: ChunkCopy[] = [];
  let at = out.reduce((n, piece) => n + piece.length, 0);
  const put = (piece: Uint8Array, copy?: Omit<ChunkCopy, 'at' | 'length'>) => {
    if (copy) copies.push({ at, length: piece.length, ...copy });
    out.push(piece);
    at += piece.length;
  };
  let pendingAudio: Uint8Array[] = [];
  for (const message of messages) {
    const pieces = encoder.encode(message, message.csid);
    if (message.typeId === 8) {
      pendingAudio.push(...pieces); // one chunk each: a view of the input, nothing to copy
      continue;
    }
    const spans = message.payload.length > chunkSize;
    for (let i = 0; i < pieces.length; i += 2) {
      put(pieces[i]!);
      if (pieces[i + 1])
        put(
          pieces[i + 1]!,
          spans
            ? { csid: message.csid, offset: (i / 2) * chunkSize, total: message.payload.length }
            : undefined,
        );
      for (const audio of pendingAudio) put(audio);
      pendingAudio = [];
    }
  }
  for (const audio of pendingAudio) put(audio);
  return { bytes: new Uint8Array(Buffer.concat(out)), copies };
}

/** The bytes as socket reads of `size` bytes (Buffers, as node:net delivers them). */
function reads(bytes: Uint8Array, size = 65_536): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(Buffer.from(bytes.subarray(i, i + size)));
  return out;
}

interface NmsRtmp {
  chunkRead(data: Buffer, p: number, bytes: number): void;
  dataHandler(): void;
  invokeHandler(): void;
}
const { default: NmsRtmpClass } = { default: require('node-media-server/src/protocol/rtmp.js') } as {
  default: { Rtmp?: new () => NmsRtmp } & (new () => NmsRtmp);
};
const NmsRtmp = (NmsRtmpClass.Rtmp ?? NmsRtmpClass) as new () => NmsRtmp;

const messages = realisticMessages();
const mediaBytes = messages.reduce((n, m) => n + m.payload.length, 0);
const fmt = (bytesPerSecond: number) => `${(bytesPerSecond / 1e9).toFixed(2)} GB/s`;

console.log(
  `${messages.length} messages, ${(mediaBytes / 1e6).toFixed(1)} MB of media (10 s of H.264 + AAC)\n`,
);
console.log(
  'decode, 64 KiB reads'.padEnd(44) +
    'copy'.padEnd(14) +
    '@rtmp/chunk'.padEnd(14) +
    'NMS'.padEnd(14) +
    'ours/copy  ours/NMS',
);
for (const chunkSize of [4096, 128]) {
  const { bytes: stream, copies } = chunkStream(messages, chunkSize);
  const input = reads(stream);
  // The assertion: every message decodes back, byte-exact, before any timing.
  const check = new ChunkDecoder();
  const decoded = input.flatMap((read) => check.decode(read)).filter((m) => m.typeId !== 1);
  if (
    decoded.length !== messages.length ||
    decoded.some((m, i) => !Buffer.from(m.payload).equals(messages[i]!.payload))
  ) {
    throw new Error('wrong result: decoded messages differ');
  }
  const sink = new Uint8Array(stream.length);
  const copy = () => {
    let at = 0;
    for (const read of input) {
      sink.set(read, at);
      at += read.length;
    }
  };
  const decodeWith = (reusePayloadBuffers: boolean) => () => {
    const decoder = new ChunkDecoder({ reusePayloadBuffers });
    for (const read of input) {
      decoder.push(read);
      while (decoder.next() !== undefined);
    }
  };
  // The floor for any decoder in JS: only its copies, one TypedArray.set per chunk into a reused
  // buffer per chunk stream, with no parsing at all (and the stream in one piece).
  const largest = Math.max(...messages.map((m) => m.payload.length));
  const targets = new Map(
    [...new Set(copies.map((c) => c.csid))].map((csid) => [csid, new Uint8Array(largest)]),
  );
  const copiesOnly = () => {
    for (const { at, length, csid, offset } of copies)
      targets.get(csid)!.set(new Uint8Array(stream.buffer, stream.byteOffset + at, length), offset);
  };
  // The floor for the default path: the same copies, each message into a buffer of its own (what
  // any decoder whose payloads stay valid must allocate).
  const fresh = new Map<number, Uint8Array>();
  const freshCopiesOnly = () => {
    for (const { at, length, csid, offset, total } of copies) {
      if (offset === 0) fresh.set(csid, new Uint8Array(total));
      fresh.get(csid)!.set(new Uint8Array(stream.buffer, stream.byteOffset + at, length), offset);
    }
  };
  const ours = decodeWith(false);
  const reusing = decodeWith(true);
  let nmsMessages = 0;
  const nms = () => {
    const rtmp = new NmsRtmp();
    rtmp.dataHandler = () => void nmsMessages++; // chunk parsing and payload copy only, no FLV parsing
    rtmp.invokeHandler = () => {};
    for (const read of input) rtmp.chunkRead(read, 0, read.length);
  };
  nms();
  if (nmsMessages !== messages.length)
    console.log(`  (NMS delivered ${nmsMessages} of ${messages.length} messages)`);
  const [c, o, r, n, f, g] = compareRates([
    ['copy', copy],
    ['ours', ours],
    ['reusing', reusing],
    ['nms', nms],
    ['copies only', copiesOnly],
    ['fresh copies only', freshCopiesOnly],
  ]);
  const bytesPerSecond = (x: { opsPerSecond: number }) => x.opsPerSecond * stream.length;
  for (const [label, result] of [
    ['', o!],
    [' reusePayloadBuffers', r!],
    [' copies only (floor)', f!],
    [' own buffers (default floor)', g!],
  ] as const) {
    console.log(
      `chunk size ${chunkSize}${label}`.padEnd(44) +
        fmt(bytesPerSecond(c!)).padEnd(14) +
        fmt(bytesPerSecond(result)).padEnd(14) +
        fmt(bytesPerSecond(n!)).padEnd(14) +
        `${(1 / result.ratio).toFixed(2)}       ${result === f ? '—' : `${(n!.ratio / result.ratio).toFixed(2)}x`}`,
    );
  }
}

console.log(
  `\n${'encode'.padEnd(44)}${'copy'.padEnd(14)}${'pieces'.padEnd(14)}${'+ concat'.padEnd(14)}pieces/copy  concat/copy`,
);
for (const chunkSize of [4096, 128]) {
  const sink = new Uint8Array(mediaBytes);
  const copy = () => {
    let at = 0;
    for (const m of messages) {
      sink.set(m.payload, at);
      at += m.payload.length;
    }
  };
  const pieces = () => {
    const encoder = new ChunkEncoder({ chunkSize });
    for (const m of messages) encoder.encode(m, m.csid);
  };
  const concatenated = () => {
    const encoder = new ChunkEncoder({ chunkSize });
    for (const m of messages) Buffer.concat(encoder.encode(m, m.csid));
  };
  const [c, p, k] = compareRates([
    ['copy', copy],
    ['pieces', pieces],
    ['concat', concatenated],
  ]);
  const rate = (r: { opsPerSecond: number }) => fmt(r.opsPerSecond * mediaBytes);
  console.log(
    `chunk size ${chunkSize}`.padEnd(44) +
      rate(c!).padEnd(14) +
      rate(p!).padEnd(14) +
      rate(k!).padEnd(14) +
      `${(1 / p!.ratio).toFixed(2)}         ${(1 / k!.ratio).toFixed(2)}`,
  );
}

console.log('\ncost of small inbound chunk sizes (decode, same media), relative to 4096:');
const baseInput = reads(chunkStream(messages, 4096).bytes);
for (const chunkSize of [1, 16, 64, 128, 1024]) {
  const input = reads(chunkStream(messages, chunkSize).bytes);
  const run = (chunks: Buffer[]) => () => {
    const decoder = new ChunkDecoder({ minChunkSize: 1 });
    for (const read of chunks) {
      decoder.push(read);
      while (decoder.next() !== undefined);
    }
  };
  const [big, small] = compareRates(
    [
      ['4096', run(baseInput)],
      [`${chunkSize}`, run(input)],
    ],
    { rounds: 5, sliceMs: 60 },
  );
  console.log(
    `  chunk size ${String(chunkSize).padEnd(6)} ${small!.ratio.toFixed(1)}x slower per media byte (${fmt(small!.opsPerSecond * mediaBytes)} of media)`,
  );
  void big;
}
