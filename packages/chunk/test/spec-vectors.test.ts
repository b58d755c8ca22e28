// Examples of RTMP 1.0 §5.3.2 and the byte patterns of ../shared/rtmp-notes.md §2.1 and §2.6.

import {
  ChunkDecoder,
  ChunkEncoder,
  encodeSetChunkSize,
  encodeSetPeerBandwidth,
  encodeWindowAcknowledgementSize,
} from '@rtmp/chunk';
import { describe, expect, it } from 'vitest';
import { concat, decodePieces, hex, plain } from './support';

describe('RTMP 1.0 §5.3.2.1: audio messages on one chunk stream', () => {
  // Chunk stream 3, message stream 12345, type 8, 32 bytes, timestamps 1000, 1020, 1040, 1060.
  const payloads = [0, 1, 2, 3].map((i) => new Uint8Array(32).fill(0xa0 + i));
  const messages = payloads.map((payload, i) => ({
    typeId: 8,
    streamId: 12345,
    timestamp: 1000 + 20 * i,
    payload,
  }));
  const wire = concat([
    hex('03 0003e8 000020 08 39300000'), // fmt 0: timestamp 1000, length 32, type 8, stream 12345 (LE)
    payloads[0]!,
    hex('83 000014'), // fmt 2: delta 20
    payloads[1]!,
    hex('c3'), // fmt 3: same delta
    payloads[2]!,
    hex('c3'),
    payloads[3]!,
  ]);

  it('the encoder picks fmt 0, 2, 3, 3 and writes the spec bytes', () => {
    const encoder = new ChunkEncoder();
    expect(concat(messages.flatMap((m) => encoder.encode(m, 3)))).toEqual(wire);
  });

  it('the decoder reads them back, whole and split at every byte', () => {
    const expected = messages.map(plain);
    expect(new ChunkDecoder().decode(wire).map(plain)).toEqual(expected);
    for (let at = 0; at <= wire.length; at++) {
      expect(decodePieces([wire.subarray(0, at), wire.subarray(at)]).map(plain)).toEqual(expected);
    }
  });
});

describe('RTMP 1.0 §5.3.2.2: a 307-byte message at chunk size 128', () => {
  const payload = Uint8Array.from({ length: 307 }, (_, i) => i & 0xff);
  const message = { typeId: 9, streamId: 12346, timestamp: 1000, payload };
  const wire = concat([
    hex('04 0003e8 000133 09 3a300000'),
    payload.subarray(0, 128),
    hex('c4'),
    payload.subarray(128, 256),
    hex('c4'),
    payload.subarray(256),
  ]);

  it('is three chunks: 12 + 128, 1 + 128, 1 + 51 bytes', () => {
    const pieces = new ChunkEncoder().encode(message, 4);
    expect(pieces.map((p) => p.length)).toEqual([12, 128, 1, 128, 1, 51]);
    expect(concat(pieces)).toEqual(wire);
    // Payload pieces are views of the message, not copies.
    expect(pieces[1]!.buffer).toBe(payload.buffer);
  });

  it('decodes back, byte by byte too', () => {
    expect(new ChunkDecoder().decode(wire).map(plain)).toEqual([plain(message)]);
    expect(decodePieces([...wire].map((b) => Uint8Array.of(b))).map(plain)).toEqual([plain(message)]);
  });
});

describe('basic header forms (notes §2.1)', () => {
  it('csid 3 fmt 0 → 03; csid 100 fmt 1 → 40 24; csid 400 fmt 0 → 01 50 01', () => {
    const encoder = new ChunkEncoder();
    const payload = Uint8Array.of(1);
    expect(encoder.encode({ typeId: 8, streamId: 0, timestamp: 0, payload }, 3)[0]![0]).toBe(0x03);
    encoder.encode({ typeId: 8, streamId: 0, timestamp: 0, payload }, 100);
    const fmt1 = encoder.encode({ typeId: 9, streamId: 0, timestamp: 0, payload }, 100)[0]!;
    expect([...fmt1.subarray(0, 2)]).toEqual([0x40, 0x24]);
    expect([
      ...encoder.encode({ typeId: 8, streamId: 0, timestamp: 0, payload }, 400)[0]!.subarray(0, 3),
    ]).toEqual([0x01, 0x50, 0x01]);
  });
});

describe('protocol control messages on csid 2 (notes §2.6)', () => {
  it('Window Ack Size 5000000', () => {
    expect(concat(new ChunkEncoder().encode(encodeWindowAcknowledgementSize(5_000_000), 2))).toEqual(
      hex('02 000000 000004 05 00000000 | 004c4b40'),
    );
  });
  it('Set Peer Bandwidth 5000000 dynamic', () => {
    expect(concat(new ChunkEncoder().encode(encodeSetPeerBandwidth(5_000_000, 2), 2))).toEqual(
      hex('02 000000 000005 06 00000000 | 004c4b40 02'),
    );
  });
  it('Set Chunk Size 4096 (via the encoder, which then uses it)', () => {
    const fresh = new ChunkEncoder();
    expect(concat(fresh.setChunkSize(4096))).toEqual(hex('02 000000 000004 01 00000000 | 00001000'));
    expect(fresh.chunkSize).toBe(4096);
    expect(encodeSetChunkSize(4096).payload).toEqual(hex('00001000'));
  });
});
