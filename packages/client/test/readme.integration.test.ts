import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  peerAvailable,
  probeCodecs,
  readFlvTags,
  readmeShows,
  sampleFlv,
  startNginxRtmp,
  toHex,
} from '@rtmp/test-helpers';
import { describe, expect, it } from 'vitest';
import { playWithControls } from '../examples/controls';
import { playToFlv } from '../examples/play-to-flv';
import { publishFlv } from '../examples/publish-flv';

const dir = `${import.meta.dirname}/..`;

describe('README examples', () => {
  it('are shown in the README verbatim', () => {
    expect(readmeShows(dir, 'examples/publish-flv.ts')).toBe(true);
    expect(readmeShows(dir, 'examples/play-to-flv.ts')).toBe(true);
    expect(readmeShows(dir, 'examples/controls.ts')).toBe(true);
  });

  it.skipIf(!peerAvailable('ffmpeg') || !peerAvailable('nginx'))(
    'run as documented: publish an FLV through nginx-rtmp and record it to a file ffprobe accepts',
    async () => {
      const flv = await sampleFlv({ seconds: 2 });
      const nginx = await startNginxRtmp();
      const out = mkdtempSync(join(tmpdir(), 'client-readme-'));
      try {
        const recording = playToFlv(`${nginx.url}/live/readme`, join(out, 'copy.flv'));
        await nginx.waitFor('play', 'readme'); // the player waits for the publisher
        expect(await publishFlv(flv, `${nginx.url}/live/readme`)).toBe(readFlvTags(flv).length);
        expect(await recording).toBeGreaterThan(40);
        const recorded = readFlvTags(join(out, 'copy.flv'))
          .filter((t) => t.type === 9)
          .map((t) => toHex(t.body));
        expect(recorded).toEqual(
          readFlvTags(flv)
            .filter((t) => t.type === 9)
            .map((t) => toHex(t.body)),
        );
        expect(await probeCodecs(join(out, 'copy.flv'))).toEqual(['aac', 'h264']);
      } finally {
        await nginx.stop();
        rmSync(out, { recursive: true, force: true });
      }
    },
  );

  it.skipIf(!peerAvailable('nginx'))(
    'the controls example runs as documented against a recorded file on nginx-rtmp: seek, pause, resume',
    async () => {
      const flv = await sampleFlv({ seconds: 6 });
      const vod = mkdtempSync(join(tmpdir(), 'client-vod-'));
      copyFileSync(flv, join(vod, 'sample.flv'));
      const nginx = await startNginxRtmp(`application vod { play ${vod}; }`);
      try {
        const { length, said, sought } = await playWithControls(`${nginx.url}/vod/sample.flv`);
        // nginx-rtmp leaves getStreamLength unanswered: the length is onMetaData's duration.
        expect(length).toBeCloseTo(6000, -2);
        expect(said).toEqual(['NetStream.Seek.Notify', 'NetStream.Pause.Notify', 'NetStream.Unpause.Notify']);
        // nginx seeks to the keyframe at or before the middle (a keyframe a second).
        expect(sought).toBeGreaterThanOrEqual(length / 2 - 1000);
        expect(sought).toBeLessThanOrEqual(length / 2);
      } finally {
        await nginx.stop();
        rmSync(vod, { recursive: true, force: true });
      }
    },
  );
});
