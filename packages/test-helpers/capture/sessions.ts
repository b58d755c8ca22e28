// Records whole RTMP sessions (both directions, after the handshake) for @rtmp/messages vectors.
// Run from the repository root:
//   node --import tsx packages/test-helpers/capture/sessions.ts packages/messages/test/vectors [scenario...]
// Scenarios: ffmpeg-publish, ffmpeg-play, rtmpdump-play (all three when none is named).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess, sampleFlv, startNginxRtmp, startProcess, startRecordingProxy } from '../src/index';

const outDir = process.argv[2] ?? '.';
const only = new Set(process.argv.slice(3));
const wanted = (name: string) => only.size === 0 || only.has(name);
const HANDSHAKE = 3073;
const quiet = ['-hide_banner', '-loglevel', 'error'];

async function withRetry(command: string, args: string[]) {
  // A player may arrive before the publisher's stream exists (nginx then closes it): try again.
  for (let attempt = 0; ; attempt++) {
    try {
      return await runProcess(command, args, 30_000);
    } catch (error) {
      if (attempt >= 20) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** rtmpdump ignores --stop on live streams: let it play for `ms`, then stop it. */
async function playFor(command: string, args: string[], ms: number) {
  const proc = startProcess(command, args);
  await new Promise((r) => setTimeout(r, ms));
  await proc.stop();
}

async function session(name: string, player?: (url: string) => [string, string[]], playMs?: number) {
  const flv = await sampleFlv({ seconds: player ? 10 : 1, fps: 10 });
  const nginx = await startNginxRtmp();
  const proxy = await startRecordingProxy(nginx.port);
  const proxied = `rtmp://127.0.0.1:${proxy.port}/live/capture`;
  let command: string;
  let args: string[];
  try {
    if (player) {
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
      [command, args] = player(proxied);
      if (playMs) await new Promise((r) => setTimeout(r, 1500)); // rtmpdump does not retry
      try {
        await (playMs ? playFor(command, args, playMs) : withRetry(command, args));
      } finally {
        await publisher.stop();
      }
    } else {
      [command, args] = ['ffmpeg', [...quiet, '-i', flv, '-c', 'copy', '-f', 'flv', proxied]];
      await runProcess(command, args);
    }
  } finally {
    await proxy.close();
    await nginx.stop();
  }
  const last = proxy.connections() - 1;
  writeFileSync(join(outDir, `${name}.c2s.bin`), proxy.clientBytes(last).subarray(HANDSHAKE));
  writeFileSync(join(outDir, `${name}.s2c.bin`), proxy.serverBytes(last).subarray(HANDSHAKE));
  console.log(
    `${name}: ${command} ${args.join(' ').replace(String(proxy.port), 'PORT').replace(flv, 'sample.flv')}`,
  );
}

if (wanted('ffmpeg-publish')) await session('ffmpeg-publish');
if (!process.env['ONLY'])
  await session('ffmpeg-play', (url) => [
    'ffmpeg',
    [...quiet, '-i', url, '-c', 'copy', '-t', '1', '-f', 'flv', '-y', '/dev/null'],
  ]);
// rtmpdump does not retry: the session gives the publisher a head start first.
if (wanted('rtmpdump-play'))
  await session('rtmpdump-play', (url) => ['rtmpdump', ['-q', '-r', url, '--live', '-o', '/dev/null']], 2500);
