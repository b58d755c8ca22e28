// Chunk stream throughput against the physical reference (copying the same bytes into one buffer)
// and node-media-server's chunk parser, in one run. Not part of the tests:
//   pnpm --filter @rtmp/chunk bench
import { createRequire } from 'node:module';
import { ChunkDecoder, ChunkEncoder, type RawMessage, type ReceivedMessage } from '@rtmp/chunk';
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
 * A message as any decoder hands it out, and where its payload is: a span of the stream, or (when
 * it spans chunks) the start of its chunk stream's reassembly buffer.
 */
interface Handout {
  readonly message: RawMessage & { csid: number };
  /** Set for a one-chunk message: its payload's place in the stream. */
  readonly at?: number;
}

/**
 * The stream as a publisher writes it: audio chunks slipped between the chunks of video frames.
 * Also the copies any decoder must make (each chunk of a message that spans several), and the
 * messages it must hand out.
 */
function chunkStream(
  messages: Array<RawMessage & { csid: number }>,
  chunkSize: number,
): { bytes: Uint8Array; copies: ChunkCopy[]; handouts: Handout[] } {
  const encoder = new ChunkEncoder();
  const out: Uint8Array[] = [...encoder.setChunkSize(chunkSize)];
  const copies: ChunkCopy[] = [];
  const handouts: Handout[] = [];
  let at = out.reduce((n, piece) => n + piece.length, 0);
  const put = (piece: Uint8Array, copy?: Omit<ChunkCopy, 'at' | 'length'>) => {
    if (copy) copies.push({ at, length: piece.length, ...copy });
    out.push(piece);
    at += piece.length;
  };
  // Audio slips in between video chunks. At 4096 it is one chunk, handed out as a view of the input.
  let pendingAudio: Array<{ message: RawMessage & { csid: number }; pieces: Uint8Array[] }> = [];
  const putAudio = () => {
    for (const { message, pieces } of pendingAudio) putMessage(message, pieces);
    pendingAudio = [];
  };
  const putMessage = (message: RawMessage & { csid: number }, pieces: Uint8Array[]) => {
    const spans = pieces.length > 2;
    handouts.push(spans ? { message } : { message, at: at + pieces[0]!.length });
    for (let i = 0; i < pieces.length; i += 2) {
      put(pieces[i]!);
      if (pieces[i + 1])
        put(
          pieces[i + 1]!,
          spans
            ? { csid: message.csid, offset: (i / 2) * chunkSize, total: message.payload.length }
            : undefined,
        );
      if (message.typeId !== 8) putAudio();
    }
  };
  for (const message of messages) {
    const pieces = encoder.encode(message, message.csid);
    if (message.typeId === 8) {
      pendingAudio.push({ message, pieces });
      continue;
    }
    putMessage(message, pieces);
  }
  putAudio();
  return { bytes: new Uint8Array(Buffer.concat(out)), copies, handouts };
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
  'decode, 64 KiB reads'.padEnd(46) +
    'copy'.padEnd(14) +
    '@rtmp/chunk'.padEnd(14) +
    'NMS'.padEnd(14) +
    'ours/copy  ours/NMS',
);
for (const chunkSize of [4096, 128]) {
  const { bytes: stream, copies, handouts } = chunkStream(messages, chunkSize);
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
  // One decoder per path across every pass, as one connection's decoder lives for hours: the
  // steady state, like the floors' buffers below, which are allocated once too.
  const decodeWith = (reusePayloadBuffers: boolean) => {
    const decoder = new ChunkDecoder({ reusePayloadBuffers });
    return () => {
      for (const read of input) {
        decoder.push(read);
        while (decoder.next() !== undefined);
      }
    };
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
  // The floor for any decoder with this API: those copies, and a message with a payload view for
  // each message (ReceivedMessage), still with no parsing at all.
  let handedOut: ReceivedMessage | undefined;
  const copiesAndHandouts = () => {
    copiesOnly();
    for (const { message, at } of handouts) {
      const payload =
        at === undefined
          ? targets.get(message.csid)!.subarray(0, message.payload.length)
          : new Uint8Array(stream.buffer, stream.byteOffset + at, message.payload.length);
      handedOut = {
        typeId: message.typeId,
        streamId: message.streamId,
        timestamp: message.timestamp,
        payload,
        chunkStreamId: message.csid,
      };
    }
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
  const [c, o, r, n, f, h, g] = compareRates([
    ['copy', copy],
    ['ours', ours],
    ['reusing', reusing],
    ['nms', nms],
    ['copies only', copiesOnly],
    ['copies and handouts', copiesAndHandouts],
    ['fresh copies only', freshCopiesOnly],
  ]);
  if (handedOut?.payload.length !== handouts.at(-1)!.message.payload.length)
    throw new Error('wrong result: the API floor handed out the wrong payloads');
  const bytesPerSecond = (x: { opsPerSecond: number }) => x.opsPerSecond * stream.length;
  for (const [label, result] of [
    ['', o!],
    [' reusePayloadBuffers', r!],
    [' copies only (floor)', f!],
    [' copies + messages (API floor)', h!],
    [' own buffers (default floor)', g!],
  ] as const) {
    console.log(
      `chunk size ${chunkSize}${label}`.padEnd(46) +
        fmt(bytesPerSecond(c!)).padEnd(14) +
        fmt(bytesPerSecond(result)).padEnd(14) +
        fmt(bytesPerSecond(n!)).padEnd(14) +
        `${(1 / result.ratio).toFixed(2)}       ${result === f ? '—' : `${(n!.ratio / result.ratio).toFixed(2)}x`}`,
    );
  }
  // The performance issue's goals, and the floors that bound them (ratios of rates, same run).
  if (chunkSize === 4096) {
    const of = (a: { ratio: number }, b: { ratio: number }) => b.ratio / a.ratio;
    const verdict = (goal: string, value: number, limit: number) =>
      console.log(
        `  ${value >= limit ? 'met    ' : 'NOT met'} ${goal}: ${value.toFixed(2)} (goal ≥ ${limit})`,
      );
    verdict('default vs NMS', of(o!, n!), 1);
    console.log(
      `          its floor, own buffers, vs NMS: ${of(g!, n!).toFixed(2)}; default vs that floor: ${of(o!, g!).toFixed(2)}`,
    );
    verdict('reusePayloadBuffers vs the copies-only floor', of(r!, f!), 0.9);
    console.log(
      `          the API floor vs the copies-only floor: ${of(h!, f!).toFixed(2)}; reusePayloadBuffers vs the API floor: ${of(r!, h!).toFixed(2)}`,
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
