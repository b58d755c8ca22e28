// Decoder configurations as FFmpeg (x264, its AAC encoder) writes them: the picture size read
// from the SPS (profiles with and without the high-profile fields, sizes that need cropping).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAudioHeader, parseVideoHeader, readAacConfig, readAvcConfig } from '@rtmp/messages';
import { peerAvailable, readFlvTags, runProcess } from '@rtmp/test-helpers';
import { describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'codec-config-'));

/** The first video and audio sequence headers' configurations of a one-frame FFmpeg encode. */
async function encode(size: string, profile: string, audio: string[]) {
  const file = join(dir, `${size}-${profile}-${audio.join('')}.flv`);
  await runProcess('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-frames:v', '1', '-t', '0.1'],
    ...['-c:v', 'libx264', '-profile:v', profile, '-pix_fmt', 'yuv420p', '-c:a', 'aac', ...audio, file],
  ]);
  const tags = readFlvTags(file);
  const video = tags.find((tag) => tag.type === 9)!;
  const audioTag = tags.find((tag) => tag.type === 8)!;
  return {
    avc: parseVideoHeader(video.body).tracks[0]!,
    aac: parseAudioHeader(audioTag.body).tracks[0]!,
  };
}

describe.skipIf(!peerAvailable('ffmpeg'))('codec configurations from FFmpeg', () => {
  for (const [size, profile, width, height] of [
    ['1280x720', 'high', 1280, 720],
    ['1920x1080', 'high', 1920, 1080], // 1088 coded, cropped
    ['854x480', 'baseline', 854, 480], // cropped on the right
    ['320x240', 'main', 320, 240],
  ] as const) {
    it(`x264 ${profile} ${size}: one SPS, one PPS, the picture size`, async () => {
      const { avc } = await encode(size, profile, ['-ac', '2']);
      expect(avc.packetType).toBe('sequence-start');
      expect(readAvcConfig(avc.data)).toMatchObject({
        spsCount: 1,
        ppsCount: 1,
        nalLengthSize: 4,
        width,
        height,
      });
    });
  }

  it('AAC LC, 48 kHz, stereo and mono', async () => {
    for (const channels of [2, 1]) {
      const { aac } = await encode('320x240', 'main', ['-ac', String(channels)]);
      expect(aac.packetType).toBe('sequence-start');
      expect(readAacConfig(aac.data)).toEqual({ objectType: 2, sampleRate: 48000, channelConfig: channels });
    }
  });
});
