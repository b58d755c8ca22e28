import { ffmpegFramemd5Args } from './commands';
import { runProcess } from './peers';

/**
 * Per-packet MD5s of one stream (`v` or `a`) of a file or URL, via `ffmpeg -c copy -f framemd5`:
 * two inputs with equal lists carry byte-identical packets.
 */
export async function packetHashes(
  input: string,
  stream: 'v' | 'a' = 'v',
  inputArgs: readonly string[] = [],
): Promise<string[]> {
  const { stdout } = await runProcess('ffmpeg', ffmpegFramemd5Args(input, stream, inputArgs));
  return parseFramemd5(stdout);
}

/** The hash column of `ffmpeg -f framemd5` output. */
export function parseFramemd5(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.split(',').at(-1)!.trim());
}

/** The codec names ffprobe finds in a file, sorted (e.g. `['aac', 'h264']`). */
export async function probeCodecs(file: string): Promise<string[]> {
  const { stdout } = await runProcess('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_name',
    '-of',
    'csv=p=0',
    file,
  ]);
  return stdout.trim().split('\n').filter(Boolean).sort();
}
