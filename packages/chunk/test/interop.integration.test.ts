// Chunk streams live from Debian's ffmpeg and nginx-rtmp, decoded and compared with the source FLV.
import { ChunkDecoder, type ReceivedMessage } from '@rtmp/chunk';
import {
  FFMPEG_QUIET,
  peerAvailable,
  readFlvTags,
  recordPlay,
  recordPublish,
  sampleFlv,
  toHex,
} from '@rtmp/test-helpers';
import { describe, expect, it } from 'vitest';

/** Decodes a whole recorded direction, checking nothing is left over. */
function decodeAll(bytes: Uint8Array): ReceivedMessage[] {
  const decoder = new ChunkDecoder();
  const messages = decoder.decode(bytes);
  expect(decoder.bufferedBytes).toBe(0);
  return messages;
}

describe.skipIf(!peerAvailable('ffmpeg') || !peerAvailable('nginx'))('live chunk streams', () => {
  it('ffmpeg publishing: every audio and video message equals its FLV tag, in order', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const messages = decodeAll((await recordPublish(flv)).client);
    for (const type of [8, 9]) {
      const sent = messages.filter((m) => m.typeId === type);
      const tags = readFlvTags(flv).filter((t) => t.type === type);
      expect(sent.map((m) => toHex(m.payload))).toEqual(tags.map((t) => toHex(t.body)));
      expect(sent.map((m) => m.timestamp)).toEqual(tags.map((t) => t.timestamp));
    }
  });

  it('ffmpeg publishing with timestamps past 0xFFFFFF: extended timestamps decode to tag time + offset', async () => {
    const flv = await sampleFlv({ seconds: 2 });
    const messages = decodeAll((await recordPublish(flv, ['-output_ts_offset', '16777.2'])).client);
    const video = messages.filter((m) => m.typeId === 9).slice(1); // after the sequence header
    const tags = readFlvTags(flv)
      .filter((t) => t.type === 9)
      .slice(1);
    expect(video.map((m) => m.timestamp)).toEqual(tags.map((t) => t.timestamp + 16_777_200));
    expect(video.map((m) => toHex(m.payload))).toEqual(tags.map((t) => toHex(t.body)));
  });

  it('nginx-rtmp serving a player: every video message is a source tag, consecutive, from a keyframe', async () => {
    const flv = await sampleFlv({ seconds: 10, fps: 10 });
    const session = await recordPlay(flv, (url) => [
      'ffmpeg',
      [...FFMPEG_QUIET, '-i', url, '-c', 'copy', '-t', '1', '-f', 'flv', '-y', '/dev/null'],
    ]);
    const tags = readFlvTags(flv).filter((t) => t.type === 9);
    const video = decodeAll(session.server).filter((m) => m.typeId === 9);
    expect(toHex(video[0]!.payload)).toBe(toHex(tags[0]!.body)); // the AVC sequence header first
    const index = video.slice(1).map((m) => tags.findIndex((t) => toHex(t.body) === toHex(m.payload)));
    expect(index.length).toBeGreaterThan(5);
    expect(index.every((i) => i > 0)).toBe(true);
    expect(index.every((i, k) => k === 0 || i === index[k - 1]! + 1)).toBe(true);
    expect(video[1]!.payload[0]).toBe(0x17); // starts on a keyframe
  });
});
