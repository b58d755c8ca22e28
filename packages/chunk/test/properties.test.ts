import { fc, test } from '@fast-check/vitest';
import { ChunkDecoder, ChunkEncoder, ChunkError, type RawMessage } from '@rtmp/chunk';
import { describe, expect } from 'vitest';
import { concat, plain, vector } from './support';

const chunkStreamIds = [3, 4, 6, 63, 64, 319, 320, 65_599];

const message: fc.Arbitrary<RawMessage & { csid: number }> = fc.record({
  csid: fc.constantFrom(...chunkStreamIds),
  // Types 1-6 are protocol control, applied by the decoder: kept out of the generated traffic.
  typeId: fc.constantFrom(8, 9, 15, 17, 18, 20, 22, 0, 7, 255),
  streamId: fc.oneof(fc.constantFrom(0, 1, 2), fc.nat()),
  timestamp: fc.oneof(
    fc.integer({ min: 0, max: 100_000 }),
    fc.integer({ min: 0xff_ff_f0, max: 0x1_00_00_10 }), // around the extended-timestamp threshold
    fc.integer({ min: 2 ** 32 - 50, max: 2 ** 32 + 50 }), // across the 32-bit wrap
    fc.maxSafeNat(),
  ),
  payload: fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 600 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 4000, maxLength: 9000 }) },
  ),
});

/** Runs of regular messages (same type and length, constant delta), like an audio stream. */
const run: fc.Arbitrary<Array<RawMessage & { csid: number }>> = fc
  .record({
    first: message,
    delta: fc.oneof(fc.constantFrom(0, 20, 23, 40), fc.integer({ min: 0xff_ff_fe, max: 0x1_00_00_02 })),
    length: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(5000)),
    count: fc.integer({ min: 2, max: 6 }),
  })
  .map(({ first, delta, length, count }) =>
    Array.from({ length: count }, (_, i) => ({
      ...first,
      timestamp: first.timestamp + i * delta,
      payload: new Uint8Array(length).fill(i),
    })),
  );
const traffic = fc
  .array(
    fc.oneof(
      message.map((m) => [m]),
      run,
    ),
    { minLength: 1, maxLength: 12 },
  )
  .map((groups) => groups.flat());

/** Each message's chunks (header + data), in order. */
function chunksOf(pieces: Uint8Array[]): Uint8Array[] {
  const chunks: Uint8Array[] = [concat(pieces.slice(0, 2))];
  for (let i = 2; i < pieces.length; i += 2) chunks.push(concat(pieces.slice(i, i + 2)));
  return chunks;
}

describe('encode → interleave → split → decode', () => {
  test.prop(
    [
      traffic,
      fc.constantFrom(1, 2, 7, 128, 129, 4096, 65_536),
      fc.array(fc.nat(), { maxLength: 200 }),
      fc.array(fc.nat(), { maxLength: 8 }),
    ],
    { numRuns: 100 },
  )(
    'gives back every message, per chunk stream in order, whatever the chunk size, interleaving and split',
    (messages, chunkSize, schedule, cuts) => {
      const encoder = new ChunkEncoder();
      const head = concat(encoder.setChunkSize(chunkSize));
      // Per chunk stream, the queue of chunks still to send.
      const queues = new Map<number, Uint8Array[]>();
      for (const m of messages) {
        const queue = queues.get(m.csid) ?? [];
        queue.push(...chunksOf(encoder.encode(m, m.csid)));
        queues.set(m.csid, queue);
      }
      // Interleave chunks across chunk streams as the schedule says, keeping each stream's order.
      const order: Uint8Array[] = [head];
      const active = [...queues.values()];
      for (let step = 0; active.length > 0; step++) {
        const pick = (schedule[step % Math.max(1, schedule.length)] ?? 0) % active.length;
        order.push(active[pick]!.shift()!);
        if (active[pick]!.length === 0) active.splice(pick, 1);
      }
      const stream = concat(order);
      const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
      const decoder = new ChunkDecoder({ minChunkSize: 1 });
      const received = [0, ...points, stream.length]
        .slice(1)
        .flatMap((end, i) => decoder.decode(stream.subarray([0, ...points][i]!, end)))
        .filter((m) => m.typeId !== 1);
      expect(decoder.bufferedBytes).toBe(0);
      for (const csid of queues.keys()) {
        const sent = messages
          .filter((m) => m.csid === csid)
          .map((m) => plain({ ...m, timestamp: m.timestamp >>> 0 }));
        expect(received.filter((m) => m.chunkStreamId === csid).map(plain)).toEqual(sent);
      }
    },
  );
});

describe('hostile bytes', () => {
  const captures = ['ffmpeg-publish.c2s.bin', 'nginx-play.s2c.bin'].map(vector);
  const hostile = fc.oneof(
    fc.uint8Array({ minLength: 1, maxLength: 512 }),
    fc
      .tuple(
        fc.constantFrom(...captures),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 6 }),
      )
      .map(([base, start, edits]) => {
        const copy = base.slice(0, 1 + (start % 3000));
        for (const [at, byte] of edits) copy[at % copy.length] = byte;
        return copy;
      }),
  );

  test.prop([hostile, fc.nat(64)], { numRuns: 1500 })(
    'either decode or throw ChunkError, within the memory limits',
    (bytes, piece) => {
      const decoder = new ChunkDecoder({ maxMessageLength: 65_536, maxPartialBytes: 131_072 });
      try {
        for (let i = 0; i < bytes.length; i += piece + 1) decoder.decode(bytes.subarray(i, i + piece + 1));
      } catch (error) {
        expect(ChunkError.isInstance(error)).toBe(true);
        // Once failed, it stays failed with the same error.
        expect(() => decoder.next()).toThrow(error as Error);
      }
      expect(decoder.partialBytes).toBeLessThanOrEqual(131_072);
      expect(decoder.bufferedBytes).toBeLessThanOrEqual(bytes.length);
    },
  );
});
