// Records whole RTMP sessions (both directions, after the handshake) for @rtmp/messages (and
// @rtmp/amf0) vectors. Run from the repository root:
//   node --import tsx packages/test-helpers/capture/sessions.ts packages/messages/test/vectors [scenario...]
// Scenarios: ffmpeg-publish, ffmpeg-play, rtmpdump-play (all three when none is named).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FFMPEG_QUIET, type RecordedSession, recordPlay, recordPublish, sampleFlv } from '../src/index';

const outDir = process.argv[2] ?? '.';
const only = new Set(process.argv.slice(3));

const scenarios: Record<string, () => Promise<RecordedSession>> = {
  'ffmpeg-publish': async () => recordPublish(await sampleFlv({ seconds: 1, fps: 10 })),
  'ffmpeg-play': async () =>
    recordPlay(await sampleFlv({ seconds: 10, fps: 10 }), (url) => [
      'ffmpeg',
      [...FFMPEG_QUIET, '-i', url, '-c', 'copy', '-t', '1', '-f', 'flv', '-y', '/dev/null'],
    ]),
  'rtmpdump-play': async () =>
    recordPlay(
      await sampleFlv({ seconds: 10, fps: 10 }),
      (url) => ['rtmpdump', ['-q', '-r', url, '--live', '-o', '/dev/null']],
      2500,
    ),
};
for (const [name, record] of Object.entries(scenarios)) {
  if (only.size > 0 && !only.has(name)) continue;
  const session = await record();
  writeFileSync(join(outDir, `${name}.c2s.bin`), session.client);
  writeFileSync(join(outDir, `${name}.s2c.bin`), session.server);
  console.log(`${name}: ${session.commandLine}`);
}
