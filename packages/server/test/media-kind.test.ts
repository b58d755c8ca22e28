import { type MediaKind, mediaKind } from '@rtmp/server';
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
});
