#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { describeFailure, ExitCode } from '../exit-codes';
import { clock, kbps, ProgressLine } from '../progress';
import { recordStream } from '../record-stream';

const USAGE = `usage: rtmp-record [--quiet] <rtmp(s)://host[:port]/app/stream> <out.flv | ->

Plays a stream and writes it to an FLV file (or standard output) until the publisher leaves or
Ctrl-C; the file is complete either way.

exit codes: 0 done, 1 bad arguments, 2 connection failed, 3 rejected by the server, 130 interrupted`;

const fail = (message: string, code: number = ExitCode.InputError): never => {
  process.stderr.write(`rtmp-record: ${message}\n`);
  process.exit(code);
};

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: { quiet: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(ExitCode.Ok);
}
const [url, output] = positionals;
if (url === undefined || output === undefined || positionals.length > 2)
  fail(`expected a URL and an output\n${USAGE}`);

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

const progress = new ProgressLine(process.stderr, values.quiet ?? false);
try {
  const summary = await recordStream({
    url: url!,
    output: output!,
    signal: controller.signal,
    onProgress: (p) =>
      progress.update(
        `frame=${String(p.videoFrames).padStart(6)} audio=${String(p.audioFrames).padStart(6)} time=${clock(p.mediaTime)} ` +
          `bitrate=${kbps(p.bytes, p.mediaTime).toFixed(1).padStart(7)}kbit/s`,
      ),
  });
  progress.summary(
    `${summary.interrupted ? 'interrupted: ' : ''}recorded ${summary.videoFrames} video and ${summary.audioFrames} audio frames, ` +
      `${clock(summary.mediaTime)} of media to ${output}`,
  );
  process.exit(summary.interrupted ? ExitCode.Interrupted : ExitCode.Ok);
} catch (error) {
  const { code, message } = describeFailure(error);
  fail(message, code);
}
