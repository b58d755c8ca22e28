// Cases C1-C27 of ../shared/adversarial-plan.md. C19 (random bytes) is the hostile-bytes property
// in properties.test.ts; C21 (a peer that never acknowledges) is the session's outbound budget,
// not the chunk layer's, which has no flow control; C23 (user control events) and C25 (aggregate
// messages) are decoded by @rtmp/messages: here they only must pass through intact.

import {
  ChunkDecoder,
  type ChunkDecoderOptions,
  ChunkEncoder,
  ChunkError,
  type ChunkErrorCode,
  encodeAbort,
  encodeSetChunkSize,
  encodeSetPeerBandwidth,
  encodeWindowAcknowledgementSize,
  type RawMessage,
} from '@rtmp/chunk';
import { describe, expect, it } from 'vitest';
import { concat, decodePieces, hex, plain, toHex, vector } from './support';

function errorOf(bytes: Uint8Array, options?: ChunkDecoderOptions): ChunkError {
  try {
    new ChunkDecoder(options).decode(bytes);
  } catch (error) {
    if (ChunkError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ChunkError');
}
const codeOf = (bytes: Uint8Array, options?: ChunkDecoderOptions): ChunkErrorCode =>
  errorOf(bytes, options).code;

/** A control message with a raw payload, on csid 2 in one fmt-0 chunk. */
const control = (typeId: number, payload: Uint8Array) => {
  const header = hex('02 000000 000000 00 00000000');
  header[6] = payload.length;
  header[7] = typeId;
  return concat([header, payload]);
};
const u32 = (value: number) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
};
const encodeOn = (encoder: ChunkEncoder, message: RawMessage, csid: number) =>
  concat(encoder.encode(message, csid));
const media = (length: number, fill = 0, timestamp = 0): RawMessage => ({
  typeId: 9,
  streamId: 1,
  timestamp,
  payload: new Uint8Array(length).fill(fill),
});

describe('adversarial plan, section C (chunk stream)', () => {
  it('C1: Set Chunk Size 0 is CHUNK_SIZE_INVALID', () => {
    expect(codeOf(control(1, u32(0)))).toBe('CHUNK_SIZE_INVALID');
  });

  it('C2: Set Chunk Size with the top bit set is CHUNK_SIZE_INVALID', () => {
    expect(codeOf(control(1, u32(0x8000_0000)))).toBe('CHUNK_SIZE_INVALID');
    expect(codeOf(control(1, u32(0xffff_ffff)))).toBe('CHUNK_SIZE_INVALID');
  });

  it('C3: Set Chunk Size 1 and 127 are refused by default, accepted with minChunkSize 1', () => {
    expect(codeOf(control(1, u32(1)))).toBe('CHUNK_SIZE_TOO_SMALL');
    expect(codeOf(control(1, u32(127)))).toBe('CHUNK_SIZE_TOO_SMALL');
    // 256 KiB at one byte per chunk: 256k chunks. (Buffer.equals: a deep toEqual of this is slow.)
    const encoder = new ChunkEncoder();
    const stream = concat([...encoder.setChunkSize(1), ...encoder.encode(media(256 * 1024, 7), 6)]);
    const [setChunkSize, message] = new ChunkDecoder({ minChunkSize: 1 }).decode(stream);
    expect(setChunkSize?.typeId).toBe(1);
    expect(Buffer.from(message!.payload).equals(media(256 * 1024, 7).payload)).toBe(true);
  });

  it('C4: Set Chunk Size 0x7FFFFFFF is taken as 16,777,215, and nothing is sized by it', () => {
    const decoder = new ChunkDecoder();
    decoder.decode(control(1, u32(0x7fff_ffff)));
    expect(decoder.chunkSize).toBe(16_777_215);
    const encoder = new ChunkEncoder({ chunkSize: 0x7fff_ffff });
    const message = media(10_000, 3);
    const bytes = encodeOn(encoder, message, 6);
    // The message arrives in two pieces: the decoder holds exactly the message, not a chunk's worth.
    decoder.decode(bytes.subarray(0, 100));
    expect(decoder.partialBytes).toBe(10_000);
    expect(decoder.decode(bytes.subarray(100)).map(plain)).toEqual([plain(message)]);
  });

  it('C5: control messages with 0-3 byte payloads are CHUNK_CONTROL_TOO_SHORT', () => {
    for (const typeId of [1, 2, 3, 5]) {
      for (let length = 0; length < 4; length++) {
        expect(codeOf(control(typeId, new Uint8Array(length)))).toBe('CHUNK_CONTROL_TOO_SHORT');
      }
    }
    expect(codeOf(control(6, new Uint8Array(4)))).toBe('CHUNK_CONTROL_TOO_SHORT');
  });

  it('C6: Set Chunk Size between two chunks of a message applies to the very next chunk of the same read', () => {
    const payload = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const stream = concat([
      hex('06 000000 00012c 09 01000000'), // csid 6, 300 bytes, chunk size still 128
      payload.subarray(0, 128),
      control(1, u32(4096)), // now 4096: the rest comes in one chunk
      hex('c6'),
      payload.subarray(128),
    ]);
    const messages = new ChunkDecoder().decode(stream);
    expect(messages.map((m) => m.typeId)).toEqual([1, 9]);
    expect(messages[1]!.payload).toEqual(payload);
  });

  it('C7: fmt 2 or 3 first on a chunk stream is CHUNK_NO_PREVIOUS_HEADER; fmt 1 first is tolerated', () => {
    expect(codeOf(hex('85 000000'))).toBe('CHUNK_NO_PREVIOUS_HEADER');
    expect(codeOf(hex('c5 00'))).toBe('CHUNK_NO_PREVIOUS_HEADER');
    // librtmp opens csid 2 with fmt 1 for its ping: stream id 0, timestamp = delta.
    const [message] = new ChunkDecoder().decode(hex('42 000010 000006 04 | 0006 00000001'));
    expect(plain(message!)).toEqual({ typeId: 4, streamId: 0, timestamp: 16, payload: '000600000001' });
  });

  it('C8: fmt 0 on a chunk stream whose message is half received is CHUNK_UNEXPECTED_NEW_MESSAGE', () => {
    const half = concat([hex('06 000000 00012c 09 01000000'), new Uint8Array(128)]);
    const error = errorOf(concat([half, hex('06 000000 000004 09 01000000 01020304')]));
    expect(error.code).toBe('CHUNK_UNEXPECTED_NEW_MESSAGE');
    expect(error.chunkStreamId).toBe(6);
    expect(error.offset).toBe(140);
  });

  it('C9: fmt 1 mid-message that changes the length (CVE-2016-10191 shape) is CHUNK_LENGTH_MISMATCH', () => {
    const half = concat([hex('06 000000 00012c 09 01000000'), new Uint8Array(128)]);
    for (const length of ['000fff', '000010']) {
      expect(codeOf(concat([half, hex(`46 000000 ${length} 09`), new Uint8Array(128)]))).toBe(
        'CHUNK_LENGTH_MISMATCH',
      );
    }
    // The same length again is a (redundant) continuation, as FFmpeg reads it.
    const same = concat([
      half,
      hex('46 000000 00012c 09'),
      new Uint8Array(128).fill(1),
      hex('c6'),
      new Uint8Array(44),
    ]);
    expect(new ChunkDecoder().decode(same)[0]?.payload.length).toBe(300);
  });

  it('C10: zero-length messages (fmt 0 and fmt 1) are delivered empty', () => {
    const messages = new ChunkDecoder().decode(hex('06 000005 000000 12 01000000 | 46 000001 000000 08'));
    expect(messages.map(plain)).toEqual([
      { typeId: 0x12, streamId: 1, timestamp: 5, payload: '' },
      { typeId: 8, streamId: 1, timestamp: 6, payload: '' },
    ]);
  });

  it('C11: over the limit fails before allocating; at the limit is accepted; an unsent body holds its declared size only', () => {
    const limit = { maxMessageLength: 100_000, maxPartialBytes: 200_000 };
    const header = (length: number) => {
      const bytes = hex('06 000000 000000 09 01000000');
      bytes[4] = length >> 16;
      bytes[5] = (length >> 8) & 0xff;
      bytes[6] = length & 0xff;
      return bytes;
    };
    const over = new ChunkDecoder(limit);
    expect(() => over.decode(concat([header(100_001), Uint8Array.of(1)]))).toThrow(
      expect.objectContaining({ code: 'CHUNK_MESSAGE_TOO_LONG' }),
    );
    expect(over.partialBytes).toBe(0);
    expect(codeOf(concat([header(16_777_215), Uint8Array.of(1)]))).toBe('CHUNK_MESSAGE_TOO_LONG');

    const encoder = new ChunkEncoder({ chunkSize: 4096 });
    const atLimit = concat([control(1, u32(4096)), encodeOn(encoder, media(100_000, 9), 6)]);
    expect(new ChunkDecoder(limit).decode(atLimit)[1]?.payload.length).toBe(100_000);

    const pending = new ChunkDecoder(limit);
    pending.decode(concat([header(100_000), Uint8Array.of(1)]));
    expect(pending.partialBytes).toBe(100_000);
    expect(pending.bufferedBytes).toBe(0);
  });

  it('C12: many chunk streams declaring large messages trip the partial budget with little memory', () => {
    const before = process.memoryUsage().rss;
    const parts: Uint8Array[] = [];
    for (let csid = 3; csid < 3 + 2000; csid++) {
      // csids up to 2002 use the 2- and 3-byte basic header forms.
      const basic =
        csid < 64
          ? Uint8Array.of(csid)
          : csid < 320
            ? Uint8Array.of(0, csid - 64)
            : Uint8Array.of(1, (csid - 64) & 0xff, (csid - 64) >> 8);
      // A full first chunk (128 bytes at the default size), so the next header starts right after.
      parts.push(basic, hex('000000 7fffff 09 01000000'), new Uint8Array(128));
    }
    const error = errorOf(concat(parts), { maxChunkStreams: 100_000 });
    expect(['CHUNK_PARTIAL_BUDGET_EXCEEDED', 'CHUNK_TOO_MANY_PARTIAL_STREAMS']).toContain(error.code);
    const eightMiB = errorOf(
      concat(parts.map((p) => (p.length === 11 ? hex('000000 800000 09 01000000') : p))),
      {
        maxChunkStreams: 100_000,
      },
    );
    expect(eightMiB.code).toBe('CHUNK_PARTIAL_BUDGET_EXCEEDED');
    expect(process.memoryUsage().rss - before).toBeLessThan(40 * 1024 * 1024);
    // And a peer cannot keep state for all 65,599 ids: the stream table is capped too.
    const tiny = parts.map((p) =>
      p.length === 11 ? hex('000000 000001 09 01000000') : p.length === 128 ? Uint8Array.of(1) : p,
    );
    expect(codeOf(concat(tiny))).toBe('CHUNK_TOO_MANY_STREAMS');
  });

  it('C13: every basic header form, including a 3-byte form for an id that fits in 2', () => {
    const one = (basic: string) =>
      new ChunkDecoder().decode(hex(`${basic} 000000 000001 08 00000000 aa`))[0]!.chunkStreamId;
    expect(one('02')).toBe(2);
    expect(one('3f')).toBe(63);
    expect(one('00 00')).toBe(64);
    expect(one('00 ff')).toBe(319);
    expect(one('01 00 01')).toBe(320);
    expect(one('01 ff ff')).toBe(65_599);
    expect(one('01 24 00')).toBe(100); // non-minimal but valid
    const encoder = new ChunkEncoder();
    for (const csid of [2, 63, 64, 319, 320, 65_599]) {
      const bytes = encodeOn(encoder, media(1), csid);
      expect(new ChunkDecoder().decode(bytes)[0]!.chunkStreamId).toBe(csid);
    }
  });

  it('C14: two large messages interleaved chunk by chunk, and three chunk streams round robin', () => {
    const a = Uint8Array.from({ length: 1000 }, (_, i) => i & 0xff);
    const b = Uint8Array.from({ length: 300 }, (_, i) => 255 - (i & 0xff));
    const parts = [
      hex('04 000000 0003e8 09 01000000'),
      a.subarray(0, 128),
      hex('06 000000 00012c 08 01000000'),
      b.subarray(0, 128),
      hex('c4'),
      a.subarray(128, 256),
      hex('c6'),
      b.subarray(128, 256),
      hex('c4'),
      a.subarray(256, 384),
      hex('c6'),
      b.subarray(256), // B completes while A still has 616 bytes to come
    ];
    for (let offset = 384; offset < 1000; offset += 128)
      parts.push(hex('c4'), a.subarray(offset, offset + 128));
    const messages = new ChunkDecoder().decode(concat(parts));
    expect(messages.map((m) => [m.chunkStreamId, m.payload.length])).toEqual([
      [6, 300],
      [4, 1000],
    ]);
    expect(messages[0]!.payload).toEqual(b);
    expect(messages[1]!.payload).toEqual(a);

    const encoder = new ChunkEncoder();
    const queues = [3, 4, 5].map((csid) => {
      const pieces = encoder.encode(media(700, csid, csid), csid);
      const chunks = [concat(pieces.slice(0, 2))];
      for (let i = 2; i < pieces.length; i += 2) chunks.push(concat(pieces.slice(i, i + 2)));
      return chunks;
    });
    const roundRobin: Uint8Array[] = [];
    for (let i = 0; queues.some((q) => q.length > 0); i++) {
      const chunk = queues[i % 3]!.shift();
      if (chunk) roundRobin.push(chunk);
    }
    const decoded = new ChunkDecoder().decode(concat(roundRobin));
    expect(decoded.map((m) => m.payload[0])).toEqual([3, 4, 5]);
    expect(decoded.every((m) => m.payload.length === 700)).toBe(true);
  });

  it('C15: extended timestamps on fmt 0, as a delta on fmt 1/2, with and without the fmt-3 repeat', () => {
    const ext = (value: number) => toHex(u32(value));
    const body = (n: number) => new Uint8Array(n).fill(0xee);
    // fmt 0 with 0xFFFFFF + extended 0x01000000; a 200-byte message (2 chunks at 128).
    const withRepeat = concat([
      hex(`06 ffffff 0000c8 09 01000000 ${ext(0x0100_0000)}`),
      body(128),
      hex(`c6 ${ext(0x0100_0000)}`),
      body(72),
    ]);
    const without = concat([
      hex(`06 ffffff 0000c8 09 01000000 ${ext(0x0100_0000)}`),
      body(128),
      hex('c6'),
      body(72),
    ]);
    for (const [stream, omissions] of [
      [withRepeat, 0],
      [without, 1],
    ] as const) {
      const decoder = new ChunkDecoder();
      expect(decoder.decode(stream).map((m) => [m.timestamp, m.payload.length])).toEqual([
        [0x0100_0000, 200],
      ]);
      expect(decoder.extendedTimestampOmissions).toBe(omissions); // reported for conformance checks
    }
    expect(new ChunkDecoder({ extendedTimestamp: 'always' }).decode(withRepeat)[0]?.payload).toEqual(
      body(200),
    );
    expect(new ChunkDecoder({ extendedTimestamp: 'never' }).decode(without)[0]?.payload).toEqual(body(200));
    // fmt 1 and fmt 2 carry a delta ≥ 0xFFFFFF: it is added, not taken as absolute.
    const deltas = new ChunkDecoder().decode(
      hex(
        `06 000010 000001 09 01000000 aa | 46 ffffff 000001 09 ${ext(0x0100_0000)} bb | 86 ffffff ${ext(0x0100_0001)} cc`,
      ),
    );
    expect(deltas.map((m) => m.timestamp)).toEqual([0x10, 0x0100_0010, 0x0200_0011]);
  });

  it('C16: timestamps crossing 2^31 and 2^32, deltas summing past 2^32; the encoder never throws', () => {
    const encoder = new ChunkEncoder();
    const stamps = [
      2 ** 31 - 10,
      2 ** 31 + 10,
      2 ** 32 - 10,
      2 ** 32 + 10,
      2 ** 32 + 30,
      2 ** 53 + 2,
      -5,
      1.5,
      Number.NaN,
    ];
    const bytes = concat(stamps.map((timestamp) => encodeOn(encoder, { ...media(10), timestamp }, 6)));
    expect(new ChunkDecoder().decode(bytes).map((m) => m.timestamp)).toEqual(stamps.map((t) => t >>> 0));
    // fmt 0 at 0xFFFFF000 (extended), then deltas of 0x1000 carry it past 2^32.
    const summed = new ChunkDecoder().decode(
      hex('06 ffffff 000001 09 01000000 fffff000 aa | 86 001000 bb | c6 cc | c6 dd'),
    );
    expect(summed.map((m) => m.timestamp)).toEqual([0xfffff000, 0, 0x1000, 0x2000]);
  });

  it('C17: Abort drops the partial message on that chunk stream; for an unknown one it is ignored', () => {
    const decoder = new ChunkDecoder();
    decoder.decode(concat([hex('06 000000 00012c 09 01000000'), new Uint8Array(128)]));
    expect(decoder.partialBytes).toBe(300);
    decoder.decode(concat(new ChunkEncoder().encode(encodeAbort(6), 2)));
    expect(decoder.partialBytes).toBe(0);
    decoder.decode(concat(new ChunkEncoder().encode(encodeAbort(40), 2)));
    // After the abort, csid 6 starts a fresh message (fmt 3 reuses its header: 300 bytes again).
    const messages = decoder.decode(
      concat([
        hex('c6'),
        new Uint8Array(128).fill(1),
        hex('c6'),
        new Uint8Array(128).fill(1),
        hex('c6'),
        new Uint8Array(44).fill(1),
      ]),
    );
    expect(messages.map((m) => [m.typeId, m.payload.length, m.payload[0]])).toEqual([[9, 300, 1]]);
  });

  it('C18: one byte at a time and all at once give the same messages', () => {
    const bytes = vector('nginx-play.s2c.bin').subarray(0, 20_000);
    const whole = new ChunkDecoder().decode(bytes).map(plain);
    expect(decodePieces([...bytes].map((b) => Uint8Array.of(b))).map(plain)).toEqual(whole);
  });

  it('C20: Window Acknowledgement Size 0 or top bit fails, 1 is raised to 4096, the ack sequence wraps at 2^32', () => {
    expect(codeOf(control(5, u32(0)))).toBe('CHUNK_WINDOW_INVALID');
    expect(codeOf(control(5, u32(0x8000_0000)))).toBe('CHUNK_WINDOW_INVALID');
    const tiny = new ChunkDecoder();
    tiny.decode(control(5, u32(1)));
    expect(tiny.windowAcknowledgementSize).toBe(4096);

    const decoder = new ChunkDecoder();
    const windowMessage = concat(new ChunkEncoder().encode(encodeWindowAcknowledgementSize(2_500_000), 2));
    decoder.decode(windowMessage);
    expect(decoder.takeAcknowledgement()).toBeUndefined();
    // 5 GiB arrive (one 64 MiB buffer, pushed 80 times: only counted, never parsed here).
    const block = new Uint8Array(64 * 1024 * 1024);
    const acks: number[] = [];
    for (let i = 0; i < 80; i++) {
      decoder.push(block);
      const ack = decoder.takeAcknowledgement();
      if (ack !== undefined) acks.push(ack);
    }
    expect(acks.length).toBe(80);
    const received = windowMessage.length + 80 * block.length;
    expect(decoder.bytesReceived).toBe(received);
    expect(acks.at(-1)).toBe(received % 2 ** 32);
    expect(acks.some((ack, i) => i > 0 && ack < acks[i - 1]!)).toBe(true); // it wrapped
  });

  it('C22: Set Peer Bandwidth with limit types 0, 1, 2, 7 and window 0 is stored or ignored', () => {
    const decoder = new ChunkDecoder();
    const send = (window: number, type: number) =>
      decoder.decode(concat(new ChunkEncoder().encode(encodeSetPeerBandwidth(window, type as 0), 2)));
    send(0, 7);
    expect(decoder.peerBandwidth).toBeUndefined();
    send(5_000_000, 2); // dynamic with nothing before: taken as hard
    expect(decoder.peerBandwidth).toEqual({ window: 5_000_000, limitType: 0 });
    send(1_000_000, 1); // soft: the smaller
    expect(decoder.peerBandwidth).toEqual({ window: 1_000_000, limitType: 1 });
    send(9_000_000, 2); // dynamic after soft: ignored
    expect(decoder.peerBandwidth).toEqual({ window: 1_000_000, limitType: 1 });
    send(0, 0);
    expect(decoder.peerBandwidth).toEqual({ window: 0, limitType: 0 });
  });

  it('C23, C24, C25: user control, unknown and aggregate message types pass through intact, never fatal', () => {
    const types = [4, 0, 7, 22, 23, 100, 255];
    const encoder = new ChunkEncoder();
    const bytes = concat(
      types.map((typeId) =>
        encodeOn(encoder, { typeId, streamId: 0, timestamp: 0, payload: Uint8Array.of(1, 2) }, 3),
      ),
    );
    expect(new ChunkDecoder().decode(bytes).map((m) => [m.typeId, m.payload.length])).toEqual(
      types.map((t) => [t, 2]),
    );
  });

  it('C26: control messages on another chunk stream or message stream are applied all the same', () => {
    const encoder = new ChunkEncoder();
    const bytes = concat([
      encodeOn(encoder, { ...encodeSetChunkSize(4096), streamId: 1 }, 5),
      encodeOn(encoder, media(3000, 4), 6),
    ]);
    const decoder = new ChunkDecoder();
    const messages = decoder.decode(bytes.subarray(0, 20));
    expect(decoder.chunkSize).toBe(4096);
    expect(messages.length).toBe(1);
  });

  it('C27: a peer’s Set Chunk Size (even before connect) changes only our inbound size', () => {
    const decoder = new ChunkDecoder();
    const encoder = new ChunkEncoder();
    decoder.decode(control(1, u32(4096)));
    expect(decoder.chunkSize).toBe(4096);
    expect(encoder.chunkSize).toBe(128);
    expect(encoder.encode(media(300), 6).length).toBe(6); // still three 128-byte chunks
  });
});
