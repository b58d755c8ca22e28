// Records the chunk streams used as @rtmp/chunk vectors. Run from the repository root:
//   node --import tsx packages/test-helpers/capture/chunk-streams.ts <out-dir>
// Each scenario goes through the recording proxy; files hold one direction after the handshake
// (C0C1C2 = 3073 bytes client→server, S0S1S2 = 3073 bytes server→client, stripped).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess, sampleFlv, startNginxRtmp, startProcess, startRecordingProxy } from '../src/index';

const outDir = process.argv[2] ?? '.';
const HANDSHAKE = 3073;
const quiet = ['-hide_banner', '-loglevel', 'error'];

async function publish(name: string, extraOutputArgs: string[]) {
  const flv = await sampleFlv({ seconds: 1, fps: 10 });
  const nginx = await startNginxRtmp();
  const proxy = await startRecordingProxy(nginx.port);
  const args = [
    ...quiet,
    '-i',
    flv,
    '-c',
    'copy',
    ...extraOutputArgs,
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
  writeFileSync(join(outDir, `${name}.c2s.bin`), proxy.clientBytes().subarray(HANDSHAKE));
  console.log(
    `${name}: ffmpeg ${args.join(' ').replace(String(proxy.port), 'PORT').replace(flv, 'sample.flv')}`,
  );
}

async function play(name: string) {
  // Long enough to outlast the player's stream probing (5 s of media by default).
  const flv = await sampleFlv({ seconds: 10, fps: 10 });
  const nginx = await startNginxRtmp();
  const publisher = startProcess('ffmpeg', [
    ...quiet,
    '-re',
    '-i',
    flv,
    '-c',
    'copy',
    '-f',
    'flv',
    `${nginx.url}/live/capture`,
  ]);
  const proxy = await startRecordingProxy(nginx.port);
  const args = [
    ...quiet,
    '-i',
    `rtmp://127.0.0.1:${proxy.port}/live/capture`,
    '-c',
    'copy',
    '-t',
    '1.5',
    '-f',
    'flv',
    '-y',
    '/dev/null',
  ];
  try {
    // The player may arrive before the publisher's stream exists: nginx then closes it; try again.
    for (let attempt = 0; ; attempt++) {
      try {
        await runProcess('ffmpeg', args, 20_000);
        break;
      } catch (error) {
        if (attempt >= 10) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } finally {
    await publisher.stop();
    await proxy.close();
    await nginx.stop();
  }
  const last = proxy.serverBytes(proxy.connections() - 1);
  writeFileSync(join(outDir, `${name}.s2c.bin`), last.subarray(HANDSHAKE));
  console.log(`${name}: nginx serving ffmpeg ${args.join(' ').replace(String(proxy.port), 'PORT')}`);
}

await publish('ffmpeg-publish', []);
// 16777.2 s = 16,777,200 ms: timestamps cross 0xFFFFFF (16,777,215 ms) within the first frames.
await publish('ffmpeg-publish-extended', ['-output_ts_offset', '16777.2']);
// 4294967.0 s: timestamps cross 2^32 ms (4,294,967,296) a third of a second in.
await publish('ffmpeg-publish-wrap', ['-output_ts_offset', '4294967.0']);
await play('nginx-play');
