// Legacy FLV (rtmp-notes §8.3, §8.4) and Enhanced RTMP v1/v2 (§9) payload headers.

import {
  audioCodec,
  FourCc,
  fourCcToNumber,
  isAudioSequenceHeader,
  isDisposable,
  isKeyframe,
  isVideoSequenceHeader,
  numberToFourCc,
  parseAudioHeader,
  parseVideoHeader,
  videoCodec,
} from '@rtmp/messages';
import { describe, expect, it } from 'vitest';
import { hex, toHex } from './support';

describe('legacy video (FLV VIDEODATA)', () => {
  it('AVC sequence header, keyframe with composition time, inter frame, end of sequence', () => {
    const sequence = parseVideoHeader(hex('17 00 000000 01640028'));
    expect(sequence).toMatchObject({ enhanced: false, frameType: 1, codecId: 7 });
    expect(sequence.tracks).toEqual([
      { trackId: 0, fourCc: 'avc1', packetType: 'sequence-start', compositionTime: 0, data: hex('01640028') },
    ]);
    expect(parseVideoHeader(hex('17 01 000050 00000001')).tracks[0]).toMatchObject({
      packetType: 'coded-frames',
      compositionTime: 80,
    });
    expect(parseVideoHeader(hex('27 01 ffffd8 00')).tracks[0]?.compositionTime).toBe(-40); // signed 24-bit
    expect(parseVideoHeader(hex('17 02 000000')).tracks[0]?.packetType).toBe('sequence-end');
    expect(parseVideoHeader(hex('1c 00 000000 01')).tracks[0]?.fourCc).toBe('hvc1'); // FFmpeg's CodecID 12
  });

  it('other legacy codecs and command frames', () => {
    expect(parseVideoHeader(hex('32 aabb'))).toMatchObject({
      frameType: 3,
      codecId: 2,
      tracks: [{ fourCc: undefined, data: hex('aabb') }],
    });
    expect(parseVideoHeader(hex('57 01'))).toMatchObject({ frameType: 5, command: 1, tracks: [] });
  });

  it('helpers: keyframe, sequence header, disposable, codec', () => {
    expect(isKeyframe(hex('17 01 000000'))).toBe(true);
    expect(isKeyframe(hex('17 00 000000'))).toBe(false);
    expect(isKeyframe(hex('27 01 000000'))).toBe(false);
    expect(isVideoSequenceHeader(hex('17 00 000000'))).toBe(true);
    expect(isDisposable(hex('32 00'))).toBe(true);
    expect(videoCodec(hex('17 01 000000'))).toBe('avc1');
    expect(videoCodec(hex('22 00'))).toBe('codec-2');
    expect(videoCodec(new Uint8Array(0))).toBeUndefined();
  });
});

describe('enhanced video (ExVideoTagHeader, notes §9.2)', () => {
  it('HEVC sequence start, keyframe with composition time, AV1 inter frame (notes examples)', () => {
    expect(parseVideoHeader(hex('90 68766331 0102')).tracks).toEqual([
      { trackId: 0, fourCc: 'hvc1', packetType: 'sequence-start', compositionTime: 0, data: hex('0102') },
    ]);
    const key = parseVideoHeader(hex('91 68766331 000028 aabbcc'));
    expect(key).toMatchObject({ enhanced: true, frameType: 1, codecId: undefined, multitrack: undefined });
    expect(key.tracks[0]).toMatchObject({
      fourCc: 'hvc1',
      packetType: 'coded-frames',
      compositionTime: 40,
      data: hex('aabbcc'),
    });
    const av1 = parseVideoHeader(hex('a1 61763031 0a0b0c'));
    expect(av1).toMatchObject({ frameType: 2 });
    expect(av1.tracks[0]).toMatchObject({
      fourCc: 'av01',
      packetType: 'coded-frames',
      compositionTime: 0,
      data: hex('0a0b0c'),
    });
  });

  it('CodedFramesX (composition time implied 0), SequenceEnd, Metadata, command frames', () => {
    expect(parseVideoHeader(hex('93 61766331 6588')).tracks[0]).toMatchObject({
      packetType: 'coded-frames',
      compositionTime: 0,
      data: hex('6588'),
    });
    expect(parseVideoHeader(hex('92 76703039')).tracks[0]).toMatchObject({
      fourCc: 'vp09',
      packetType: 'sequence-end',
    });
    expect(parseVideoHeader(hex('d4 68766331 02')).tracks[0]?.packetType).toBe('metadata');
    expect(parseVideoHeader(hex('d0 00'))).toMatchObject({ frameType: 5, command: 0, tracks: [] });
  });

  it('multitrack: one track (OBS), many tracks, many tracks with many codecs', () => {
    const one = parseVideoHeader(hex('96 01 68766331 01 000000 6501'));
    expect(one).toMatchObject({ multitrack: 'one-track' });
    expect(one.tracks).toEqual([
      { trackId: 1, fourCc: 'hvc1', packetType: 'coded-frames', compositionTime: 0, data: hex('6501') },
    ]);
    const many = parseVideoHeader(hex('96 11 61763031 00 000002 aabb 01 000001 cc'));
    expect(many.tracks.map((t) => [t.trackId, t.fourCc, toHex(t.data)])).toEqual([
      [0, 'av01', 'aabb'],
      [1, 'av01', 'cc'],
    ]);
    const codecs = parseVideoHeader(hex('96 21 61766331 00 000005 000000 aabb 61763031 02 000001 dd'));
    expect(codecs.tracks.map((t) => [t.trackId, t.fourCc, toHex(t.data)])).toEqual([
      [0, 'avc1', 'aabb'],
      [2, 'av01', 'dd'],
    ]);
  });

  it('ModEx: a nanosecond timestamp offset before the real packet type', () => {
    // 97: keyframe, ModEx; size-1 = 2; data 0x0003e8 (1000 ns); then ModEx type 0 / packet type 1.
    const header = parseVideoHeader(hex('97 02 0003e8 01 68766331 000000 aa'));
    expect(header.timestampOffsetNanoseconds).toBe(1000);
    expect(header.tracks[0]).toMatchObject({ fourCc: 'hvc1', packetType: 'coded-frames', data: hex('aa') });
  });

  it('sequence-header and keyframe helpers work on enhanced payloads too', () => {
    expect(isVideoSequenceHeader(hex('90 68766331 01'))).toBe(true);
    expect(isKeyframe(hex('90 68766331 01'))).toBe(false);
    expect(isKeyframe(hex('91 68766331 000000 aa'))).toBe(true);
    expect(isVideoSequenceHeader(hex('96 00 61763031 01 aa'))).toBe(true);
    expect(videoCodec(hex('a1 61763031 aa'))).toBe('av01');
  });
});

describe('audio', () => {
  it('legacy AAC sequence header and frame, MP3, Speex; an empty payload is silence', () => {
    expect(parseAudioHeader(hex('af 00 1210'))).toMatchObject({
      enhanced: false,
      soundFormat: 10,
      soundRate: 3,
      soundSize: 1,
      soundType: 1,
      tracks: [{ trackId: 0, fourCc: 'mp4a', packetType: 'sequence-start', data: hex('1210') }],
    });
    expect(parseAudioHeader(hex('af 01 2110')).tracks[0]?.packetType).toBe('coded-frames');
    expect(parseAudioHeader(hex('2f fffb')).tracks[0]).toMatchObject({ fourCc: '.mp3', data: hex('fffb') });
    expect(parseAudioHeader(hex('b2 00'))).toMatchObject({ soundFormat: 11, soundRate: 0, soundType: 0 });
    expect(parseAudioHeader(new Uint8Array(0)).tracks).toEqual([]);
    expect(isAudioSequenceHeader(hex('af 00 1210'))).toBe(true);
    expect(isAudioSequenceHeader(hex('af 01 21'))).toBe(false);
  });

  it('enhanced: Opus frame, AAC sequence start via ExHeader, multitrack Opus (OBS style)', () => {
    expect(parseAudioHeader(hex('91 4f707573 fc00')).tracks).toEqual([
      { trackId: 0, fourCc: 'Opus', packetType: 'coded-frames', data: hex('fc00') },
    ]);
    expect(isAudioSequenceHeader(hex('90 6d703461 1210'))).toBe(true);
    expect(audioCodec(hex('90 6d703461 1210'))).toBe('mp4a');
    const multi = parseAudioHeader(hex('95 01 4f707573 01 fc00'));
    expect(multi).toMatchObject({ enhanced: true, multitrack: 'one-track' });
    expect(multi.tracks).toEqual([
      { trackId: 1, fourCc: 'Opus', packetType: 'coded-frames', data: hex('fc00') },
    ]);
    expect(parseAudioHeader(hex('94 4f707573 01 02')).tracks[0]?.packetType).toBe('multichannel-config');
  });
});

describe('FourCC numbers (onMetaData codec ids)', () => {
  it('hvc1 is 1752589105 and back', () => {
    expect(fourCcToNumber(FourCc.Hevc)).toBe(1_752_589_105);
    expect(fourCcToNumber(FourCc.Av1)).toBe(1_635_135_537);
    expect(numberToFourCc(1_332_770_163)).toBe('Opus');
  });
});
