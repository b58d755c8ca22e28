import {
  type Demuxed,
  deferCleanups,
  demuxWithFfmpeg8,
  type ModernMediaSpec,
  modernMedia,
  peerAvailable,
  publishWithFfmpeg8,
  waitFor,
} from '@rtmp/test-helpers';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from './start-server';

// FFmpeg 8.1 (node-av) publishes Enhanced RTMP to RtmpServer and plays it back: modern codecs,
// and multitrack (a second video and audio track), to a player there from the start and to one
// that joins 3 s in. FFmpeg 5.1 (Debian) only makes the media.

const defer = deferCleanups(afterEach);

/** Each stream's packets (MD5, keyframe flag) in order: what "identical per stream" compares. */
const perStream = (demuxed: Demuxed) =>
  demuxed.streams.map((_, index) =>
    demuxed.packets.filter((p) => p.stream === index).map((p) => `${p.md5}${p.keyframe ? ' key' : ''}`),
  );

/**
 * The streams as FFmpeg saw them: codec, kind and configuration (extradata MD5). Where the file
 * has none (VP9 and AC-3 in Matroska), FFmpeg's FLV muxer may make one (VP9's vpcC): then only
 * that the player got the same as the other player counts.
 */
const streamsOf = (demuxed: Demuxed, source: Demuxed) =>
  demuxed.streams.map(({ codec, type, extradata }, index) => ({
    codec,
    type,
    extradata: source.streams[index]?.extradata === '' ? 'made by the muxer' : extradata,
  }));

async function publishAndPlay(spec: ModernMediaSpec) {
  const file = await modernMedia(spec);
  const source = await demuxWithFfmpeg8(file);
  const { server, url } = await startServer(defer);
  const early = demuxWithFfmpeg8(`${url}/cam`);
  // The early player is waiting before the publisher starts (its play is accepted first).
  await waitFor(() => server.stats().some((s) => s.key === 'live/cam' && s.players === 1));
  const publishing = publishWithFfmpeg8(file, `${url}/cam`);
  await waitFor(() => server.stats().some((s) => s.publishing && s.messages > 0));
  await waitFor(
    () => (server.stats().find((s) => s.key === 'live/cam')?.messages ?? 0) >= source.packets.length * 0.6,
    15_000,
  );
  const late = demuxWithFfmpeg8(`${url}/cam`);
  await publishing;
  return { source, early: await early, late: await late };
}

const cases: Array<[string, ModernMediaSpec]> = [
  ['HEVC + AAC', { video: ['hevc'], audio: ['aac'] }],
  ['AV1 + Opus', { video: ['av1'], audio: ['opus'] }],
  ['VP9 + FLAC', { video: ['vp9'], audio: ['flac'] }],
  ['H.264 + AC-3', { video: ['h264'], audio: ['ac3'] }],
  ['multitrack: H.264 and HEVC, AAC and Opus', { video: ['h264', 'hevc'], audio: ['aac', 'opus'] }],
];

describe.skipIf(!peerAvailable('ffmpeg'))('Enhanced RTMP with FFmpeg 8.1 publishing and playing', () => {
  it.for(cases)(
    '%s: every packet of every track to an early player; a player 3 s late starts on keyframes with every track configured',
    async ([, spec]) => {
      const { source, early, late } = await publishAndPlay(spec);
      // FFmpeg reads the stream as it wrote it: the same codecs and configuration, track by track.
      expect(streamsOf(early, source)).toEqual(streamsOf(source, source));
      expect(perStream(early)).toEqual(perStream(source));

      // The late player gets every track's configuration from the join cache, exactly as sent.
      expect(late.streams).toEqual(early.streams);
      const lateStreams = perStream(late);
      perStream(source).forEach((packets, index) => {
        const joined = lateStreams[index]!;
        expect(joined.length, `stream ${index}`).toBeGreaterThan(0);
        expect(joined.length, `stream ${index} joined late`).toBeLessThan(packets.length);
        // What a late joiner gets of each track is the source's tail, nothing skipped after the start.
        expect(joined, `stream ${index}`).toEqual(packets.slice(packets.length - joined.length));
        if (source.streams[index]!.type === 'video') expect(joined[0], `stream ${index}`).toMatch(/ key$/);
      });
    },
  );
});
