// Records what Debian's ffmpeg sends and receives when it publishes to nginx-rtmp, through the
// recording proxy. Run from the repository root:
//   node --import tsx packages/test-helpers/capture/ffmpeg-publish.ts <out-dir>
// Writes ffmpeg-publish.c2s.bin (client → server) and ffmpeg-publish.s2c.bin, and prints the
// ffmpeg command line used, to be recorded next to the vectors made from them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess, sampleFlv, startNginxRtmp, startRecordingProxy } from '../src/index';

const outDir = process.argv[2] ?? '.';
const flv = await sampleFlv({ seconds: 1, fps: 10 });
const nginx = await startNginxRtmp();
const proxy = await startRecordingProxy(nginx.port);
const args = [
  '-hide_banner',
  '-loglevel',
  'error',
  '-i',
  flv,
  '-c',
  'copy',
  '-f',
  'flv',
  `rtmp://127.0.0.1:${proxy.port}/live/capture`,
];
try {
  await runProcess('ffmpeg', args);
} finally {
  await proxy.close();
  await nginx.stop();
}
writeFileSync(join(outDir, 'ffmpeg-publish.c2s.bin'), proxy.clientBytes());
writeFileSync(join(outDir, 'ffmpeg-publish.s2c.bin'), proxy.serverBytes());
console.log(`ffmpeg ${args.join(' ').replace(String(proxy.port), 'PORT').replace(flv, 'sample.flv')}`);
console.log(
  `client→server ${proxy.clientBytes().length} bytes, server→client ${proxy.serverBytes().length} bytes`,
);
