import { ChunkDecoder, ChunkEncoder, ChunkError, encodeAcknowledgement, type RawMessage } from '@rtmp/chunk';
import { describe, expect, it } from 'vitest';
import { concat, hex } from './support';

const media = (length: number, fill: number, timestamp = 0): RawMessage => ({
  typeId: 9,
  streamId: 1,
  timestamp,
  payload: new Uint8Array(length).fill(fill),
});

describe('ChunkDecoder', () => {
  it('a single-chunk message in one input buffer is a view of it; a multi-chunk one owns its bytes', () => {
    const encoder = new ChunkEncoder();
    const input = concat([...encoder.encode(media(100, 1), 6), ...encoder.encode(media(300, 2), 6)]);
    const [small, large] = new ChunkDecoder().decode(input);
    expect(small!.payload.buffer).toBe(input.buffer);
    expect(large!.payload.buffer).not.toBe(input.buffer);
    expect(large!.payload).toEqual(media(300, 2).payload);
  });

  it('by default every message keeps its own bytes; with reusePayloadBuffers the next one on the stream reuses them', () => {
    const encoder = new ChunkEncoder();
    const input = concat([...encoder.encode(media(300, 1), 6), ...encoder.encode(media(300, 2), 6)]);
    const [first, second] = new ChunkDecoder().decode(input);
    expect(first!.payload[0]).toBe(1);
    expect(second!.payload[0]).toBe(2);

    const reusing = new ChunkDecoder({ reusePayloadBuffers: true });
    const [a, b] = reusing.decode(input);
    expect(b!.payload[0]).toBe(2);
    expect(a!.payload.buffer).toBe(b!.payload.buffer);
    expect(a!.payload[0]).toBe(2); // overwritten, as documented
  });

  it('acknowledgements fall due at the window and carry the byte count', () => {
    const decoder = new ChunkDecoder();
    expect(decoder.takeAcknowledgement()).toBeUndefined(); // no window yet
    decoder.decode(hex('02 000000 000004 05 00000000 | 00002000')); // window 8192
    const encoder = new ChunkEncoder();
    decoder.decode(concat(encoder.encode(media(8000, 0), 6)));
    expect(decoder.takeAcknowledgement()).toBeUndefined();
    decoder.decode(concat(encoder.encode(media(300, 0), 6)));
    expect(decoder.takeAcknowledgement()).toBe(decoder.bytesReceived);
    expect(decoder.takeAcknowledgement()).toBeUndefined();
    // A peer's own Acknowledgement is delivered (and checked), nothing more.
    expect(decoder.decode(concat(encoder.encode(encodeAcknowledgement(5), 2)))[0]?.typeId).toBe(3);
  });

  it('a failed decoder keeps failing with the same error, on push and next', () => {
    const decoder = new ChunkDecoder();
    let failure: unknown;
    try {
      decoder.decode(hex('85 000000'));
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(ChunkError);
    expect(() => decoder.next()).toThrow(failure as Error);
    expect(() => decoder.push(Uint8Array.of(1))).toThrow(failure as Error);
  });

  it('ChunkError carries code, offset, chunk stream and the shared marks', () => {
    const error = new ChunkError('CHUNK_SIZE_INVALID', 'x', 17, 6);
    expect(error.message).toBe('x (at byte 17, chunk stream 6)');
    expect(error.name).toBe('ChunkError');
    expect(Object.assign(new Error(), { [Symbol.for('@rtmp/chunk/ChunkError')]: true })).toBeInstanceOf(
      ChunkError,
    );
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('@rtmp/error')]).toBe(true);
  });
});

describe('ChunkEncoder', () => {
  it('picks fmt 0 for a new stream id or a timestamp going backwards, fmt 1 for a new length', () => {
    const encoder = new ChunkEncoder();
    const fmtOf = (message: RawMessage) => encoder.encode(message, 6)[0]![0]! >> 6;
    expect(fmtOf(media(10, 0, 100))).toBe(0);
    expect(fmtOf(media(10, 0, 140))).toBe(2); // delta 40 after fmt 0: fmt 2, never fmt 3
    expect(fmtOf(media(10, 0, 180))).toBe(3); // same delta again
    expect(fmtOf(media(11, 0, 220))).toBe(1); // new length
    expect(fmtOf(media(11, 0, 200))).toBe(0); // backwards
    expect(fmtOf({ ...media(11, 0, 240), streamId: 2 })).toBe(0); // another message stream
  });

  it('can leave the extended timestamp off fmt-3 chunks, for peers that read them the librtmp way', () => {
    const message = media(300, 5, 0x0100_0000);
    const spec = new ChunkEncoder().encode(message, 6);
    const librtmp = new ChunkEncoder({ extendedTimestampOnType3: false }).encode(message, 6);
    expect(spec[2]!.length).toBe(5); // c6 + 4-byte timestamp
    expect(librtmp[2]!.length).toBe(1);
    expect(new ChunkDecoder({ extendedTimestamp: 'never' }).decode(concat(librtmp))[0]?.timestamp).toBe(
      0x0100_0000,
    );
  });

  it('rejects bad arguments with RangeError', () => {
    const encoder = new ChunkEncoder();
    expect(() => encoder.encode(media(1, 0), 1)).toThrow(RangeError);
    expect(() => encoder.encode(media(1, 0), 65_600)).toThrow(RangeError);
    expect(() => encoder.setChunkSize(0)).toThrow(RangeError);
    expect(() => new ChunkEncoder({ chunkSize: 2 ** 31 })).toThrow(RangeError);
    expect(() => encoder.encode({ ...media(0, 0), payload: new Uint8Array(16_777_216) }, 6)).toThrow(
      RangeError,
    );
  });

  it('never reuses header bytes already handed out', () => {
    const encoder = new ChunkEncoder();
    const first = encoder.encode(media(10, 0, 0), 6)[0]!;
    const copy = first.slice();
    for (let i = 0; i < 5000; i++) encoder.encode(media(10, 0, i * 40), 6 + (i % 20));
    expect(first).toEqual(copy);
  });
});

describe('encodeStandaloneChunks', () => {
  it('needs no previous state: decodes the same on a fresh decoder or after other traffic', async () => {
    const { encodeStandaloneChunks } = await import('@rtmp/chunk');
    const message = {
      typeId: 9,
      streamId: 1,
      timestamp: 0x0100_0005,
      payload: Uint8Array.from({ length: 9000 }, (_, i) => i & 0xff),
    };
    const bytes = encodeStandaloneChunks(message, 7, 4096);
    expect(bytes.length).toBe(12 + 4 + 2 * (1 + 4) + 9000); // fmt 0 + extended, two fmt-3 continuations
    for (const before of [[], [media(50, 1, 3)]]) {
      const decoder = new ChunkDecoder();
      decoder.decode(
        concat([
          ...new ChunkEncoder().setChunkSize(4096),
          ...before.flatMap((m) => new ChunkEncoder().encode(m, 7)),
        ]),
      );
      const [decoded] = decoder.decode(bytes);
      expect(decoded).toMatchObject({ typeId: 9, streamId: 1, timestamp: 0x0100_0005, chunkStreamId: 7 });
      expect(Buffer.from(decoded!.payload).equals(message.payload)).toBe(true);
    }
    expect(encodeStandaloneChunks({ ...message, payload: new Uint8Array(0) }, 7, 4096).length).toBe(16);
    expect(() => encodeStandaloneChunks(message, 1, 4096)).toThrow(RangeError);
  });
});
