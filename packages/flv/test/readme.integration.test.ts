import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { peerAvailable, readmeSynopsis, runProcess, sampleFlv } from '@rtmp/test-helpers';
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
      expect(result).toMatchObject({ metadata: { width: 320, height: 240 }, keyframes: [23, 1023] }); // the sample's video starts at 23 ms, as ffprobe reports
      const { stdout } = await runProcess('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'stream=codec_name',
        '-of',
        'csv=p=0',
        join(dir, 'video.flv'),
      ]);
      expect(stdout.trim()).toBe('h264');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
