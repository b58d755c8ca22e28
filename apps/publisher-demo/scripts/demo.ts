// The root README's demo: start the reference server, publish the bundled sample to it with
// rtmp-publish's code, play it back with @rtmp/client into an FLV file, and print what arrived.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { readFlv } from '@rtmp/flv';
import { publishFile } from '../src/publish-file';
import { recordStream } from '../src/record-stream';

const here = import.meta.dirname;
const sample = join(here, '..', 'media', 'sample.flv');
// Another app: started as a process, never imported.
const server = spawn(
  process.execPath,
  ['--import', 'tsx', join(here, '..', '..', 'reference-server', 'src', 'cli.ts'), '--port', '0'],
  {
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const [line] = (await once(createInterface({ input: server.stdout! }), 'line')) as [string];
const { url } = JSON.parse(line) as { url: string };
const dir = mkdtempSync(join(tmpdir(), 'rtmp-demo-'));
const stream = `${url}/live/demo`;
const quiet = { signal: new AbortController().signal, onProgress: () => {} };
try {
  console.log(`server: the reference server at ${url}`);
  // The player starts first, so it gets the whole stream rather than joining mid-GOP.
  let playing: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    playing = resolve;
  });
  const recording = recordStream({
    url: stream,
    output: join(dir, 'played.flv'),
    onPlaying: playing,
    ...quiet,
  });
  await Promise.race([started, recording]);
  const published = await publishFile({
    input: sample,
    url: stream,
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
  server.kill('SIGTERM');
  await once(server, 'exit');
  rmSync(dir, { recursive: true, force: true });
}
