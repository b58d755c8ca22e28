import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChunkDecoder } from '@rtmp/chunk';
import { decodeMessage } from '@rtmp/messages';
import {
  deferCleanups,
  ffmpegFramemd5Args,
  ffmpegPublishArgs,
  type ManagedProcess,
  packetHashes,
  peerAvailable,
  probeCodecs,
  readFlvTags,
  runProcess,
  startNginxRtmp,
  startProcess,
  startRecordingProxy,
  waitFor,
} from '@rtmp/test-helpers';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const app = join(import.meta.dirname, '..');
const sample = join(app, 'media', 'sample.flv');
const work = mkdtempSync(join(tmpdir(), 'publisher-demo-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const defer = deferCleanups(afterEach);

/** Runs one of the app's CLIs from source, as a user would run the bin. */
function cli(name: 'publish' | 'record', args: string[], stdin?: Buffer): ManagedProcess {
  const proc = startProcess('node', ['--import', 'tsx', join(app, 'src', 'cli', `${name}.ts`), ...args], {
    cwd: app,
  });
  if (stdin) proc.child.stdin!.end(stdin);
  defer(() => proc.stop());
  return proc;
}
async function finished(proc: ManagedProcess) {
  const code = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}
async function nginx(extra = '') {
  const server = await startNginxRtmp(`application live { live on; ${extra} }`);
  defer(() => server.stop());
  return server;
}

describe.skipIf(!peerAvailable('ffmpeg') || !peerAvailable('nginx'))('rtmp-publish and rtmp-record', () => {
  it('rtmp-publish sends the sample to nginx-rtmp; ffmpeg plays back identical video packets', async () => {
    const server = await nginx('publish_notify on;');
    const player = startProcess('ffmpeg', ffmpegFramemd5Args(`${server.url}/live/cam`));
    defer(() => player.stop());
    await server.waitFor('play', 'cam'); // ffmpeg's play has reached nginx
    const result = await finished(cli('publish', ['--speed', '2', sample, `${server.url}/live/cam`]));
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/published 126 video and 217 audio frames/);
    await player.exited;
    const played = player
      .stdout()
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#'))
      .map((l) => l.split(',').at(-1)!.trim());
    expect(played).toEqual(await packetHashes(sample));
  });

  it('reads standard input (ffmpeg ... -f flv - | rtmp-publish - URL)', async () => {
    const server = await nginx();
    const result = await finished(
      cli('publish', ['--as-fast-as-possible', '-', `${server.url}/live/stdin`], readFileSync(sample)),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/published \d+ video and \d+ audio frames/);
  });

  it('rtmp-record records from nginx-rtmp while ffmpeg publishes; ffprobe reads the file, packets match', async () => {
    const server = await nginx();
    const out = join(work, 'recorded.flv');
    const recorder = cli('record', ['--quiet', `${server.url}/live/rec`, out]);
    await server.waitFor('play', 'rec'); // its play has reached nginx
    await runProcess('ffmpeg', ffmpegPublishArgs(sample, `${server.url}/live/rec`));
    const result = await finished(recorder);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/recorded \d+ video and \d+ audio frames/);
    expect(await probeCodecs(out)).toEqual(['aac', 'h264']);
    expect(await packetHashes(out)).toEqual(await packetHashes(sample));
    expect(await packetHashes(out, 'a')).toEqual(await packetHashes(sample, 'a'));
  });

  it('--loop: timestamps keep increasing across the loop boundary (seen by the player)', async () => {
    const server = await nginx();
    const out = join(work, 'looped.flv');
    const recorder = cli('record', ['--quiet', `${server.url}/live/loop`, out]);
    await server.waitFor('play', 'loop');
    const result = await finished(
      cli('publish', [
        '--quiet',
        '--loop',
        '--speed',
        '4',
        '--duration',
        '12',
        sample,
        `${server.url}/live/loop`,
      ]),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/2 loop\(s\)/);
    expect((await finished(recorder)).code).toBe(0);
    const video = readFlvTags(out)
      .filter((t) => t.type === 9 && t.body[1] === 1)
      .map((t) => t.timestamp);
    expect(video.length).toBeGreaterThan(250);
    expect(video.every((t, i) => i === 0 || t > video[i - 1]!)).toBe(true);
    expect(video.at(-1)).toBeGreaterThan(10_000);
  });

  it('--start-at and --duration cut the published range at keyframes', async () => {
    const server = await nginx();
    const result = await finished(
      cli('publish', [
        '--as-fast-as-possible',
        '--start-at',
        '2',
        '--duration',
        '1',
        sample,
        `${server.url}/live/cut`,
      ]),
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/published 25 video and \d+ audio frames/);
  });

  it('bad input: not FLV, a truncated FLV, an unreachable URL, a rejected publish, bad arguments', async () => {
    const server = await nginx();
    const notFlv = join(work, 'not.flv');
    writeFileSync(notFlv, 'this is not a video');
    const truncated = join(work, 'truncated.flv');
    writeFileSync(truncated, readFileSync(sample).subarray(0, 100_000));
    const busy = cli('publish', ['--quiet', sample, `${server.url}/live/busy`]);
    await server.waitFor('publish', 'busy'); // the first publisher is live

    const cases: Array<[string[], number, RegExp]> = [
      [[notFlv, `${server.url}/live/x`], 1, /not a usable FLV file: not an FLV file/],
      [['--as-fast-as-possible', truncated, `${server.url}/live/y`], 1, /input: the file ends inside a tag/],
      [[sample, 'rtmp://127.0.0.1:1/live/z'], 2, /connection failed/],
      [
        [sample, `${server.url}/live/busy`],
        3,
        /rejected by the server: NetStream.Publish.BadName \(Already publishing\)/,
      ],
      [[join(work, 'missing.flv'), `${server.url}/live/m`], 1, /cannot open .*missing.flv: ENOENT/],
      [['--speed', 'fast', sample, `${server.url}/live/s`], 1, /--speed needs a number/],
      [
        [sample, 'http://example.com/x'],
        1,
        /expected rtmp:\/\/host\/app\/stream|expected rtmp:\/\/ or rtmps:\/\//,
      ],
    ];
    for (const [args, code, message] of cases) {
      const result = await finished(cli('publish', args));
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
    await busy.stop();
  });

  it('Ctrl-C unpublishes cleanly (FCUnpublish, deleteStream on the wire) and exits 130', async () => {
    const server = await nginx();
    const proxy = await startRecordingProxy(server.port);
    defer(() => proxy.close());
    const publisher = cli('publish', [sample, `rtmp://127.0.0.1:${proxy.port}/live/int`]);
    // Interrupt once it has really published something (its progress line shows frames).
    await waitFor(() => /frame=\s*[1-9]/.test(publisher.stderr()), 15_000);
    publisher.child.kill('SIGINT');
    const result = await finished(publisher);
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/interrupted: published \d+ video and \d+ audio frames.*unpublished/);
    const sent = new ChunkDecoder()
      .decode(proxy.clientBytes().subarray(3073))
      .map((raw) => decodeMessage(raw));
    const commands = sent.flatMap((m) => (m.type === 'command' ? [m.name] : []));
    expect(commands.slice(-2)).toEqual(['FCUnpublish', 'deleteStream']);
  });

  it('--help prints the usage and exits 0', async () => {
    const result = await finished(cli('publish', ['--help']));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/usage: rtmp-publish/);
  });
});
