// The root README's demo: publish the bundled sample to a local RTMP server with rtmp-publish's
// code, play it back with @rtmp/client into an FLV file, and print what arrived.
// Until @rtmp/reference-server exists, the server is Debian's nginx-rtmp, started on a free port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFlv } from '@rtmp/flv';
import { hasBinary, startNginxRtmp } from '@rtmp/test-helpers';
import { publishFile } from '../src/publish-file';
import { recordStream } from '../src/record-stream';

if (!hasBinary('nginx')) {
  console.error('the demo needs a local RTMP server: apt-get install nginx libnginx-mod-rtmp');
  process.exit(1);
}
const sample = join(import.meta.dirname, '..', 'media', 'sample.flv');
const nginx = await startNginxRtmp();
const dir = mkdtempSync(join(tmpdir(), 'rtmp-demo-'));
const url = `${nginx.url}/live/demo`;
const quiet = { signal: new AbortController().signal, onProgress: () => {} };
try {
  console.log(`server: nginx-rtmp at ${nginx.url}`);
  const recording = recordStream({ url, output: join(dir, 'played.flv'), ...quiet });
  await new Promise((resolve) => setTimeout(resolve, 300)); // the player's play reaches the server first
  const published = await publishFile({
    input: sample,
    url,
    speed: 1,
    loop: false,
    startAt: 0,
    duration: undefined,
    ...quiet,
  });
  console.log(
    `published: ${published.videoFrames} video + ${published.audioFrames} audio frames (${(published.bytes / 1024).toFixed(0)} KiB)`,
  );
  const played = await recording;
  console.log(`played back: ${played.videoFrames} video + ${played.audioFrames} audio frames`);
  const types: Record<number, number> = {};
  for await (const item of readFlv(join(dir, 'played.flv')))
    if (item.kind === 'tag') types[item.tag.type] = (types[item.tag.type] ?? 0) + 1;
  console.log(
    `recorded file: ${types[9] ?? 0} video tags, ${types[8] ?? 0} audio tags, ${types[18] ?? 0} metadata`,
  );
} finally {
  await nginx.stop();
  rmSync(dir, { recursive: true, force: true });
}
