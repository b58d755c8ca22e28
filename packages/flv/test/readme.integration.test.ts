import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerAvailable, probeCodecs, readmeSynopsis, sampleFlv } from '@rtmp/test-helpers';
import { expect, it } from 'vitest';
import { copyVideo } from '../examples/synopsis';

it('the README synopsis is examples/synopsis.ts', () => {
  const { block, example } = readmeSynopsis(`${import.meta.dirname}/..`);
  expect(block).toBe(example);
});

it.skipIf(!peerAvailable('ffmpeg'))(
  'and it runs as documented: a video-only copy ffprobe reads',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flv-readme-'));
    try {
      const result = await copyVideo(await sampleFlv({ seconds: 2 }), join(dir, 'video.flv'));
      // The sample's video starts at 23 ms, as ffprobe also reports.
      expect(result).toMatchObject({ metadata: { width: 320, height: 240 }, keyframes: [23, 1023] });
      expect(await probeCodecs(join(dir, 'video.flv'))).toEqual(['h264']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
