import { type MediaKind, MessageError, mediaInfo, mediaKind } from '@rtmp/messages';
import { describe, expect, it } from 'vitest';

const message = (typeId: number, bytes: number[]) => ({
  typeId,
  streamId: 1,
  timestamp: 0,
  payload: Uint8Array.from(bytes),
});
const fourCc = (text: string) => [...text].map((c) => c.charCodeAt(0));

describe('mediaKind', () => {
  it.each<[string, MediaKind, number, number[]]>([
    ['onMetaData', 'metadata', 18, [2, 0, 10]],
    ['an AVC sequence header', 'video-config', 9, [0x17, 0, 0, 0, 0, 1]],
    ['an AVC keyframe', 'keyframe', 9, [0x17, 1, 0, 0, 0]],
    ['an AVC inter frame', 'inter', 9, [0x27, 1, 0, 0, 0]],
    ['an AVC disposable frame', 'disposable', 9, [0x37, 1, 0, 0, 0]],
    ['an Enhanced RTMP hvc1 SequenceStart', 'video-config', 9, [0x90, ...fourCc('hvc1'), 1]],
    ['an Enhanced RTMP hvc1 keyframe (CodedFramesX)', 'keyframe', 9, [0x93, ...fourCc('hvc1'), 1]],
    ['an Enhanced RTMP av01 inter frame', 'inter', 9, [0xa1, ...fourCc('av01'), 1]],
    ['an AAC sequence header', 'audio-config', 8, [0xaf, 0, 0x12, 0x10]],
    ['an AAC frame', 'audio', 8, [0xaf, 1, 0x21]],
    ['an MP3 frame', 'audio', 8, [0x2f, 0xff, 0xfb]],
    ['an Enhanced RTMP Opus SequenceStart', 'audio-config', 8, [0x90, ...fourCc('Opus'), 1]],
    ['an Enhanced RTMP Opus frame', 'audio', 8, [0x91, ...fourCc('Opus'), 1]],
  ])('%s is %s', (_name, kind, typeId, bytes) => {
    expect(mediaKind(message(typeId, bytes))).toBe(kind);
  });

  // Headers as FFmpeg 8.1 (libavformat 62.19) writes a second video and audio track.
  it.each<[string, number, number[], MediaKind, number[], string | undefined]>([
    [
      'a multitrack hvc1 SequenceStart, track 1',
      9,
      [0x96, 0x00, ...fourCc('hvc1'), 1, 1, 1],
      'video-config',
      [1],
      'video/1/sequence',
    ],
    [
      'a multitrack hvc1 keyframe of track 1 alone',
      9,
      [0x96, 0x01, ...fourCc('hvc1'), 1, 0, 0, 0x50, 0],
      'inter',
      [1],
      undefined,
    ],
    [
      'a multitrack hvc1 inter frame (CodedFramesX), track 1',
      9,
      [0xa6, 0x03, ...fourCc('hvc1'), 1, 0, 1],
      'inter',
      [1],
      undefined,
    ],
    [
      'an hvc1 Metadata packet (colorInfo) without a track id',
      9,
      [0xd4, ...fourCc('hvc1'), 2, 0, 9],
      'video-config',
      [0],
      'video/0/metadata',
    ],
    ['an AVC end of sequence', 9, [0x17, 2, 0, 0, 0], 'video-end', [0], 'video/0/sequence'],
    ['an Enhanced av01 SequenceEnd', 9, [0x92, ...fourCc('av01')], 'video-end', [0], 'video/0/sequence'],
    [
      'a multitrack Opus SequenceStart, track 1',
      8,
      [0x95, 0x00, ...fourCc('Opus'), 1, 1],
      'audio-config',
      [1],
      'audio/1/sequence',
    ],
    [
      'a multitrack Opus MultichannelConfig, track 1',
      8,
      [0x95, 0x04, ...fourCc('Opus'), 1, 1, 1, 0],
      'audio-config',
      [1],
      'audio/1/multichannel',
    ],
    [
      'a multitrack Opus frame, track 1',
      8,
      [0x95, 0x01, ...fourCc('Opus'), 1, 0xf8],
      'audio',
      [1],
      undefined,
    ],
    [
      'a ManyTracks keyframe carrying tracks 0 and 2',
      9,
      [0x96, 0x11, ...fourCc('hvc1'), 0, 0, 0, 4, 0, 0, 0, 1, 2, 0, 0, 4, 0, 0, 0, 2],
      'keyframe',
      [0, 2],
      undefined,
    ],
    [
      'a ModEx timestamp offset before an hvc1 keyframe',
      9,
      [0x97, 2, 0, 0x10, 0, 0x01, ...fourCc('hvc1'), 0, 0, 0],
      'keyframe',
      [0],
      undefined,
    ],
  ])('%s', (_name, typeId, bytes, kind, trackIds, slot) => {
    expect(mediaInfo(message(typeId, bytes))).toEqual({ kind, trackIds, slot });
  });

  it.each([
    ['a ManyTracks track size past the end', [0x96, 0x11, ...fourCc('hvc1'), 0, 0x00, 0xff, 0xff, 1]],
    ['a ModEx size past the end', [0x97, 0xff, 0xff, 0xff, 1]],
    ['a multitrack header cut in its FourCC', [0x96, 0x01, 0x68, 0x76]],
  ])('%s: MESSAGE_TRUNCATED', (_name, bytes) => {
    let error: unknown;
    try {
      mediaInfo(message(9, bytes));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MessageError);
    expect(error).toMatchObject({ code: 'MESSAGE_TRUNCATED' });
  });
});
