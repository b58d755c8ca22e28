// Chunk streams written by FFmpeg, GStreamer (its own RTMP code and librtmp) and nginx-rtmp (see
// test/vectors/README.md).

import { ChunkDecoder, type ReceivedMessage } from '@rtmp/chunk';
import { describe, expect, it } from 'vitest';
import { decodePieces, plain, reencode, vector } from './support';

const types = (messages: ReceivedMessage[]) => {
  const counts: Record<number, number> = {};
  for (const m of messages) counts[m.typeId] = (counts[m.typeId] ?? 0) + 1;
  return counts;
};
const media = (messages: ReceivedMessage[], typeId: number) => messages.filter((m) => m.typeId === typeId);

describe.each([
  ['ffmpeg-publish.c2s.bin', { 1: 1, 8: 46, 9: 12, 18: 1, 20: 7 }, 4096],
  ['ffmpeg-publish-extended.c2s.bin', { 1: 1, 8: 46, 9: 12, 18: 1, 20: 7 }, 4096],
  ['ffmpeg-publish-wrap.c2s.bin', { 1: 1, 8: 46, 9: 12, 18: 1, 20: 7 }, 4096],
  // rtmp2sink sends Set Chunk Size 128 after publishing; librtmp never changes it.
  ['gstreamer-rtmp2sink-publish.c2s.bin', { 1: 1, 5: 1, 8: 46, 9: 12, 18: 3, 20: 7 }, 128],
  ['gstreamer-rtmpsink-publish.c2s.bin', { 8: 46, 9: 12, 18: 3, 20: 7 }, 128],
  ['nginx-play.s2c.bin', undefined, 4096],
] as const)('%s', (name, expectedTypes, chunkSize) => {
  const bytes = vector(name);
  const whole = new ChunkDecoder().decode(bytes);

  it('decodes to the end with nothing left over', () => {
    const decoder = new ChunkDecoder();
    decoder.decode(bytes);
    expect(decoder.bufferedBytes).toBe(0);
    expect(decoder.partialBytes).toBe(0);
    expect(decoder.chunkSize).toBe(chunkSize);
    if (expectedTypes) expect(types(whole)).toEqual(expectedTypes);
  });

  it('decodes the same when split at every byte', () => {
    const expected = whole.map(plain);
    for (let at = 1; at < bytes.length; at += at < 4096 ? 1 : 61) {
      expect(decodePieces([bytes.subarray(0, at), bytes.subarray(at)]).length).toBe(whole.length);
    }
    // A few full comparisons, including 1-byte pieces.
    for (const size of [1, 7, 128, 1400]) {
      const pieces: Uint8Array[] = [];
      for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
      expect(decodePieces(pieces).map(plain)).toEqual(expected);
    }
  });

  it('re-encodes (at 128 and 4096) to a stream that decodes to the same messages', () => {
    for (const size of [128, 4096]) {
      const again = new ChunkDecoder().decode(reencode(whole, size));
      expect(again.filter((m) => m.typeId !== 1).map(plain)).toEqual(
        whole.filter((m) => m.typeId !== 1).map(plain),
      );
    }
  });

  it('media starts with codec configuration: AVC sequence header, AAC AudioSpecificConfig', () => {
    const video = media(whole, 9);
    const audio = media(whole, 8);
    expect([...video[0]!.payload.subarray(0, 2)]).toEqual([0x17, 0x00]);
    expect([...audio[0]!.payload.subarray(0, 2)]).toEqual([0xaf, 0x00]);
    expect(video[1]!.payload[0]).toBe(0x17); // the first frame is a keyframe
  });
});

describe('FFmpeg extended timestamps (notes §2.4)', () => {
  const bytes = vector('ffmpeg-publish-extended.c2s.bin');

  it('cross 0xFFFFFF correctly in auto and always modes', () => {
    for (const mode of ['auto', 'always'] as const) {
      const video = media(new ChunkDecoder({ extendedTimestamp: mode }).decode(bytes), 9);
      expect(video.map((m) => m.timestamp).slice(0, 4)).toEqual([0, 16_777_223, 16_777_323, 16_777_423]);
    }
  });

  it('are repeated on fmt-3 chunks: reading them the librtmp way (never) desyncs', () => {
    expect(() => new ChunkDecoder({ extendedTimestamp: 'never' }).decode(bytes)).toThrow(
      expect.objectContaining({ name: 'ChunkError' }),
    );
  });

  it('timestamps are those of the plain capture plus the offset', () => {
    const plainVideo = media(new ChunkDecoder().decode(vector('ffmpeg-publish.c2s.bin')), 9);
    const video = media(new ChunkDecoder().decode(bytes), 9);
    expect(video.slice(1).map((m) => m.timestamp - 16_777_200)).toEqual(
      plainVideo.slice(1).map((m) => m.timestamp),
    );
  });
});

describe('FFmpeg timestamp wrap', () => {
  it('FFmpeg wraps at 2^31 (FLV SI32); the decoder follows the jump back with fmt 0', () => {
    const audio = media(new ChunkDecoder().decode(vector('ffmpeg-publish-wrap.c2s.bin')), 8).map(
      (m) => m.timestamp,
    );
    const jump = audio.findIndex((t, i) => i > 0 && t < audio[i - 1]!);
    expect(audio[jump - 1]).toBe(2_147_483_630);
    expect(audio[jump]).toBe(6);
  });
});
