import { createHash } from 'node:crypto';
import { connect, type TrackFrame, trackFrames } from '@rtmp/client';
import {
  type Demuxed,
  deferCleanups,
  demuxWithFfmpeg8,
  type ModernMediaSpec,
  modernMedia,
  packetsPerStream,
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
const perStream = (demuxed: Demuxed) => packetsPerStream(demuxed, { keyframes: true });

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

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const MULTITRACK: ModernMediaSpec = { video: ['h264', 'hevc'], audio: ['aac', 'opus'] };
const FOURCC: Record<string, string> = { h264: 'avc1', hevc: 'hvc1', aac: 'mp4a', opus: 'Opus' };

/** Each source stream as (kind, track id): the n-th video stream is video track n, and so for audio. */
const trackOf = (source: Demuxed) => {
  const seen = { video: 0, audio: 0 };
  return source.streams.map((stream) => ({ kind: stream.type, trackId: seen[stream.type]++ }));
};

describe.skipIf(!peerAvailable('ffmpeg'))(
  'Enhanced RTMP multitrack between our client and FFmpeg 8.1',
  () => {
    it('our client publishes H.264 + HEVC and AAC + Opus as multitrack, Opus with ModEx nanosecond offsets; FFmpeg 8.1 plays every track, packets identical', async () => {
      const file = await modernMedia(MULTITRACK);
      const source = await demuxWithFfmpeg8(file, { withData: true });
      const tracks = trackOf(source);
      const { server, url } = await startServer(defer);
      const playing = demuxWithFfmpeg8(`${url}/cam`);
      await waitFor(() => server.stats().some((s) => s.players === 1));
      const connection = await connect(url, { enhancedRtmp: true });
      defer(() => connection.close());
      const publisher = await connection.publish('cam');
      for (const [index, stream] of source.streams.entries()) {
        const track = {
          trackId: tracks[index]!.trackId,
          fourCc: FOURCC[stream.codec]!,
          data: stream.config!,
        };
        if (stream.type === 'video')
          await publisher.writeVideoFrame(0, { frameType: 1, packetType: 'sequence-start', tracks: [track] });
        else await publisher.writeAudioFrame(0, { packetType: 'sequence-start', tracks: [track] });
      }
      for (const packet of source.packets) {
        const stream = source.streams[packet.stream]!;
        const { trackId } = tracks[packet.stream]!;
        const track = {
          trackId,
          fourCc: FOURCC[stream.codec]!,
          data: packet.data!,
          compositionTime: packet.pts - packet.dts,
        };
        if (stream.type === 'video') {
          await publisher.writeVideoFrame(packet.dts, {
            frameType: packet.keyframe ? 1 : 2,
            packetType: 'coded-frames',
            tracks: [track],
          });
        } else {
          await publisher.writeAudioFrame(packet.dts, {
            packetType: 'coded-frames',
            tracks: [track],
            ...(trackId === 1 ? { timestampOffsetNanoseconds: 250_000 } : {}),
          });
        }
      }
      await publisher.close();
      const played = await playing;
      expect(played.streams.map((s) => [s.type, s.codec, s.extradata])).toEqual(
        source.streams.map((s) => [s.type, s.codec, s.extradata]),
      );
      expect(perStream(played)).toEqual(perStream(source));
    });

    it("FFmpeg 8.1 publishes multitrack; our player yields every track's frames, configuration first, identical to the source", async () => {
      const file = await modernMedia(MULTITRACK);
      const source = await demuxWithFfmpeg8(file, { withData: true });
      const { server, url } = await startServer(defer);
      const connection = await connect(url, { enhancedRtmp: true });
      defer(() => connection.close());
      const frames: TrackFrame[] = [];
      const collecting = (async () => {
        for await (const frame of trackFrames(await connection.play('cam'))) frames.push(frame);
      })();
      await waitFor(() => server.stats().some((s) => s.players === 1));
      await publishWithFfmpeg8(file, `${url}/cam`, { realtime: false });
      await collecting;
      trackOf(source).forEach(({ kind, trackId }, index) => {
        const mine = frames.filter((f) => f.kind === kind && f.trackId === trackId);
        const stream = source.streams[index]!;
        expect(mine[0], `${kind} track ${trackId}`).toMatchObject({
          packetType: 'sequence-start',
          fourCc: FOURCC[stream.codec],
        });
        expect(md5(mine[0]!.data), `${kind} track ${trackId} configuration`).toBe(stream.extradata);
        const coded = mine.filter((f) => f.packetType === 'coded-frames').map((f) => md5(f.data));
        expect(coded, `${kind} track ${trackId}`).toEqual(
          source.packets.filter((p) => p.stream === index).map((p) => p.md5),
        );
      });
    });
  },
);

describe('Enhanced RTMP per-track metadata and ModEx through the join cache', () => {
  it('a late player gets onMetaData with its track info maps, and a ModEx-prefixed keyframe byte for byte with its nanoseconds', async () => {
    const { server, url } = await startServer(defer);
    const encoder = await connect(url, { enhancedRtmp: true });
    defer(() => encoder.close());
    const publisher = await encoder.publish('cam');
    const metadata = {
      width: 1920,
      videoTrackIdInfoMap: { '1': { width: 1280, height: 720, videodatarate: 2500 } },
      audioTrackIdInfoMap: { '1': { audiosamplerate: 48000, channels: 2 } },
    };
    await publisher.setMetadata(metadata);
    const hvc1 = { fourCc: 'hvc1', data: Uint8Array.of(1, 1, 0x60) };
    await publisher.writeVideoFrame(0, { frameType: 1, packetType: 'sequence-start', tracks: [hvc1] });
    const keyframe = {
      frameType: 1,
      packetType: 'coded-frames' as const,
      tracks: [{ ...hvc1, data: Uint8Array.of(0, 0, 0, 1, 0x26) }],
    };
    await publisher.writeVideoFrame(40, { ...keyframe, timestampOffsetNanoseconds: 123_456 });
    await waitFor(() => server.stats().some((s) => s.messages === 3));

    const viewer = await connect(url, { enhancedRtmp: true });
    defer(() => viewer.close());
    const player = await viewer.play('cam');
    const seen: unknown[] = [];
    for await (const event of player) {
      if (event.type === 'data' && event.name === 'onMetaData') seen.push([event.name, event.values[0]]);
      if (event.type === 'video') seen.push([...event.payload]);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual([
      ['onMetaData', metadata],
      [0x90, 0x68, 0x76, 0x63, 0x31, 1, 1, 0x60],
      // ModEx (size 3, 123456 ns, then CodedFrames), hvc1, composition time 0, the NAL unit
      [0x97, 2, 0x01, 0xe2, 0x40, 0x01, 0x68, 0x76, 0x63, 0x31, 0, 0, 0, 0, 0, 0, 1, 0x26],
    ]);
  });
});
