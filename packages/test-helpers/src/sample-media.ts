import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from './peers';

/** What the generated FLV holds. */
export interface SampleFlvOptions {
  readonly seconds?: number;
  readonly video?: boolean;
  readonly audio?: boolean;
  /** Frames per second of the test pattern. */
  readonly fps?: number;
  /** FFmpeg writes onMetaData unless told not to (`-flvflags no_metadata`). */
  readonly metadata?: boolean;
}

const cacheDir = join(tmpdir(), `rtmp-test-media-${process.pid}`);

/**
 * An H.264/AAC (or audio-only, video-only) FLV made by Debian's ffmpeg from its test sources,
 * cached per test process. Keyframe every second so players can join at any second.
 */
export async function sampleFlv(options: SampleFlvOptions = {}): Promise<string> {
  const { seconds = 2, video = true, audio = true, fps = 25, metadata = true } = options;
  const file = join(cacheDir, `sample-${seconds}s-v${+video}-a${+audio}-m${+metadata}-${fps}fps.flv`);
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  if (video) args.push('-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=320x240:rate=${fps}`);
  if (audio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}:sample_rate=44100`);
  if (video) args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-g', String(fps), '-pix_fmt', 'yuv420p');
  if (audio) args.push('-c:a', 'aac', '-b:a', '64k');
  if (!metadata) args.push('-flvflags', 'no_metadata');
  args.push('-f', 'flv', file);
  await runProcess('ffmpeg', args);
  return file;
}
