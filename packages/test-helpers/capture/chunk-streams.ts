// Records the chunk streams used as @rtmp/chunk vectors (one direction each). Run from the root:
//   node --import tsx packages/test-helpers/capture/chunk-streams.ts packages/chunk/test/vectors
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FFMPEG_QUIET, gstreamerPublishArgs, recordPlay, recordPublish, sampleFlv } from '../src/index';

const outDir = process.argv[2] ?? '.';
const short = await sampleFlv({ seconds: 1, fps: 10 });
// Long enough to outlast a player's stream probing (5 s of media by default).
const long = await sampleFlv({ seconds: 10, fps: 10 });

const publishes: Array<[string, string[]]> = [
  ['ffmpeg-publish', []],
  // 16777.2 s = 16,777,200 ms: timestamps cross 0xFFFFFF (16,777,215 ms) within the first frames.
  ['ffmpeg-publish-extended', ['-output_ts_offset', '16777.2']],
  // 4294967.0 s: FFmpeg wraps at 2^31 (FLV's signed field) a third of a second in.
  ['ffmpeg-publish-wrap', ['-output_ts_offset', '4294967.0']],
];
for (const [name, args] of publishes) {
  const session = await recordPublish(short, args);
  writeFileSync(join(outDir, `${name}.c2s.bin`), session.client);
  console.log(`${name}: ${session.commandLine}`);
}
// GStreamer remuxes the same file live: rtmp2sink is its own RTMP code, rtmpsink is librtmp (the
// library OBS's RTMP output grew from).
for (const sink of ['rtmp2sink', 'rtmpsink'] as const) {
  const session = await recordPublish(short, [], (url) => [
    'gst-launch-1.0',
    gstreamerPublishArgs(short, url, sink),
  ]);
  const name = `gstreamer-${sink}-publish`;
  writeFileSync(join(outDir, `${name}.c2s.bin`), session.client);
  console.log(`${name}: ${session.commandLine}`);
}
const play = await recordPlay(long, (url) => [
  'ffmpeg',
  [...FFMPEG_QUIET, '-i', url, '-c', 'copy', '-t', '1.5', '-f', 'flv', '-y', '/dev/null'],
]);
writeFileSync(join(outDir, 'nginx-play.s2c.bin'), play.server);
console.log(`nginx-play: nginx serving ${play.commandLine}`);
