import { fc, test } from '@fast-check/vitest';
import {
  buildAudioBody,
  buildVideoBody,
  type EnhancedTrack,
  MessageError,
  parseAudioHeader,
  parseVideoHeader,
} from '@rtmp/messages';
import { describe, expect, it } from 'vitest';

const fourCc = fc.constantFrom(
  'avc1',
  'hvc1',
  'av01',
  'vp09',
  'vvc1',
  'Opus',
  'fLaC',
  'ac-3',
  'mp4a',
  'xyz1',
);
const track = fc.record({
  trackId: fc.integer({ min: 0, max: 255 }),
  fourCc,
  data: fc.uint8Array({ maxLength: 40 }),
  compositionTime: fc.integer({ min: -1000, max: 1000 }),
});
/** Tracks with distinct ids (a multitrack body names each once). */
const tracks = fc.uniqueArray(track, { minLength: 1, maxLength: 4, selector: (t) => t.trackId });
const nanos = fc.option(fc.integer({ min: 0, max: 999_999 }), { nil: undefined });
const ids = (list: readonly EnhancedTrack[]) => list.map((t) => t.trackId ?? 0);

describe('buildVideoBody and buildAudioBody: what the parsers read back', () => {
  test.prop([
    fc.constantFrom(1, 2, 3),
    fc.constantFrom('sequence-start', 'coded-frames', 'sequence-end'),
    tracks,
    nanos,
  ])(
    'video: frame type, packet type, every track (id, FourCC, data, composition time) and the nanosecond offset',
    (frameType, packetType, list, offset) => {
      const body = buildVideoBody({
        frameType,
        packetType,
        tracks: list,
        timestampOffsetNanoseconds: offset,
      });
      const parsed = parseVideoHeader(body);
      expect(parsed.frameType).toBe(frameType);
      expect(parsed.timestampOffsetNanoseconds).toBe(offset ?? 0);
      expect(parsed.multitrack === undefined).toBe(list.length === 1 && list[0]!.trackId === 0);
      const timed = (t: EnhancedTrack) =>
        packetType === 'coded-frames' && ['avc1', 'hvc1', 'vvc1'].includes(t.fourCc);
      expect(
        parsed.tracks.map((t) => [t.trackId, t.fourCc, t.packetType, [...t.data], t.compositionTime]),
      ).toEqual(
        list.map((t) => [t.trackId, t.fourCc, packetType, [...t.data], timed(t) ? t.compositionTime : 0]),
      );
    },
  );

  test.prop([fc.constantFrom('sequence-start', 'coded-frames', 'multichannel-config'), tracks, nanos])(
    'audio: packet type, every track and the nanosecond offset',
    (packetType, list, offset) => {
      const parsed = parseAudioHeader(
        buildAudioBody({ packetType, tracks: list, timestampOffsetNanoseconds: offset }),
      );
      expect(parsed.enhanced).toBe(true);
      expect(parsed.timestampOffsetNanoseconds).toBe(offset ?? 0);
      expect(parsed.tracks.map((t) => [t.trackId, t.fourCc, t.packetType, [...t.data]])).toEqual(
        list.map((t) => [t.trackId, t.fourCc, packetType, [...t.data]]),
      );
      expect(parsed.tracks.map((t) => t.trackId)).toEqual(ids(list));
    },
  );

  it('writes the layouts FFmpeg 8.1 writes: a one-track multitrack HEVC keyframe on track 1, a ModEx prefix', () => {
    const data = Uint8Array.of(0, 0, 0, 1, 0x26);
    expect([
      ...buildVideoBody({
        frameType: 1,
        packetType: 'coded-frames',
        tracks: [{ trackId: 1, fourCc: 'hvc1', data }],
      }),
    ]).toEqual([0x96, 0x01, 0x68, 0x76, 0x63, 0x31, 1, 0, 0, 0, ...data]);
    expect([
      ...buildAudioBody({
        packetType: 'coded-frames',
        tracks: [{ fourCc: 'Opus', data: Uint8Array.of(0xf8) }],
        timestampOffsetNanoseconds: 500_000,
      }),
    ]).toEqual([0x97, 2, 0x07, 0xa1, 0x20, 0x01, 0x4f, 0x70, 0x75, 0x73, 0xf8]);
  });

  it('refuses what cannot be written: no track, a bad FourCC, a track id or offset out of range', () => {
    const frame = { frameType: 1, packetType: 'coded-frames' as const };
    expect(() => buildVideoBody({ ...frame, tracks: [] })).toThrow(RangeError);
    expect(() => buildVideoBody({ ...frame, tracks: [{ fourCc: 'hvc', data: new Uint8Array() }] })).toThrow(
      /four printable/,
    );
    expect(() =>
      buildVideoBody({ ...frame, tracks: [{ trackId: 256, fourCc: 'hvc1', data: new Uint8Array() }] }),
    ).toThrow(/0\.\.255/);
    expect(() =>
      buildVideoBody({
        ...frame,
        tracks: [{ fourCc: 'hvc1', data: new Uint8Array() }],
        timestampOffsetNanoseconds: 1_000_000,
      }),
    ).toThrow(/999999/);
  });

  it('the parsers refuse FourCC garbage with MESSAGE_BAD_FOURCC', () => {
    let error: unknown;
    try {
      parseVideoHeader(Uint8Array.of(0x91, 0x00, 0xff, 0x10, 0x01, 0, 0, 0));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(MessageError);
    expect(error).toMatchObject({ code: 'MESSAGE_BAD_FOURCC', typeId: 9 });
  });
});
