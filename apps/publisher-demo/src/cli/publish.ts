#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { describeFailure, ExitCode } from '../exit-codes';
import { clock, kbps, ProgressLine } from '../progress';
import { publishFile } from '../publish-file';

const USAGE = `usage: rtmp-publish [options] <input.flv | -> <rtmp(s)://host[:port]/app/stream>

Publishes an FLV file (or standard input) to an RTMP server, paced by its timestamps.

  --speed N               pace at N times real time (default 1)
  --as-fast-as-possible   no pacing (load tests)
  --loop                  start over at the end, timestamps increasing (files only)
  --start-at SECONDS      begin at the first keyframe at or after this time
  --duration SECONDS      stop after this much media
  --quiet                 no progress, only the summary and errors
  -h, --help              this text

exit codes: 0 done, 1 bad input or arguments, 2 connection failed, 3 rejected by the server,
130 interrupted (after unpublishing cleanly)
examples:
  rtmp-publish media/sample.flv rtmp://localhost/live/test
  ffmpeg -re -i in.mp4 -c copy -f flv - | rtmp-publish - rtmp://localhost/live/test`;

const fail = (message: string, code: number = ExitCode.InputError): never => {
  process.stderr.write(`rtmp-publish: ${message}\n`);
  process.exit(code);
};

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        speed: { type: 'string' },
        'as-fast-as-possible': { type: 'boolean' },
        loop: { type: 'boolean' },
        'start-at': { type: 'string' },
        duration: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(ExitCode.Ok);
}
const number = (name: string, text: string | undefined, fallback: number) => {
  if (text === undefined) return fallback;
  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : fail(`--${name} needs a number ≥ 0, got ${text}`);
};
const [input, url] = positionals;
if (input === undefined || url === undefined || positionals.length > 2)
  fail(`expected an input and a URL\n${USAGE}`);
if (values.loop && input === '-') fail('--loop needs a file: standard input can only be read once');
const speed = values['as-fast-as-possible'] ? Number.POSITIVE_INFINITY : number('speed', values.speed, 1);
if (speed === 0) fail('--speed must be above 0');

const controller = new AbortController();
process.once('SIGINT', () => {
  controller.abort();
  process.once('SIGINT', () => process.exit(ExitCode.Interrupted)); // a second Ctrl-C does not wait
});
process.once('SIGTERM', () => controller.abort());

const progress = new ProgressLine(process.stderr, values.quiet ?? false);
try {
  const summary = await publishFile({
    input: input!,
    url: url!,
    speed,
    loop: values.loop ?? false,
    startAt: number('start-at', values['start-at'], 0),
    duration: values.duration === undefined ? undefined : number('duration', values.duration, 0),
    signal: controller.signal,
    onProgress: (p) =>
      progress.update(
        `frame=${String(p.videoFrames).padStart(6)} audio=${String(p.audioFrames).padStart(6)} time=${clock(p.mediaTime)} ` +
          `bitrate=${kbps(p.bytes, p.mediaTime).toFixed(1).padStart(7)}kbit/s speed=${(p.elapsed > 0 ? p.mediaTime / p.elapsed : 0).toFixed(2)}x ` +
          `dropped=0 queued=${Math.round(p.queuedBytes / 1024)}KiB${p.loops > 0 ? ` loop=${p.loops}` : ''}`,
      ),
  });
  progress.summary(
    `${summary.interrupted ? 'interrupted: ' : ''}published ${summary.videoFrames} video and ${summary.audioFrames} audio frames, ` +
      `${(summary.bytes / 1e6).toFixed(2)} MB, ${clock(summary.mediaTime)} of media in ${clock(summary.elapsed)} ` +
      `(${kbps(summary.bytes, summary.mediaTime).toFixed(0)} kbit/s${summary.loops > 0 ? `, ${summary.loops} loop(s)` : ''}); unpublished`,
  );
  if (summary.warning) fail(`input: ${summary.warning.message}`);
  process.exit(summary.interrupted ? ExitCode.Interrupted : ExitCode.Ok);
} catch (error) {
  const { code, message } = describeFailure(error);
  fail(message, code);
}
