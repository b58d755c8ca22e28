// Command lines for the interop peers, written once for every test and capture script.

/** What every ffmpeg call in the tests starts with: errors only on stderr. */
export const FFMPEG_QUIET: readonly string[] = ['-hide_banner', '-loglevel', 'error'];

/**
 * ffmpeg arguments that publish `flv` to `url` as it is (`-c copy`): at its own pace unless
 * `realtime` is false, with `outputArgs` (e.g. `-output_ts_offset`) before the output.
 */
export function ffmpegPublishArgs(
  flv: string,
  url: string,
  options: { realtime?: boolean; outputArgs?: readonly string[] } = {},
): string[] {
  const { realtime = true, outputArgs = [] } = options;
  return [
    ...FFMPEG_QUIET,
    ...(realtime ? ['-re'] : []),
    '-i',
    flv,
    '-c',
    'copy',
    ...outputArgs,
    '-f',
    'flv',
    url,
  ];
}

/**
 * ffmpeg arguments that write per-packet MD5s of one stream (`v` or `a`) of `input` to stdout
 * (`-c copy -f framemd5`): a player whose list equals the source's got byte-identical packets.
 */
export function ffmpegFramemd5Args(
  input: string,
  stream: 'v' | 'a' = 'v',
  inputArgs: readonly string[] = [],
): string[] {
  return [
    ...FFMPEG_QUIET,
    ...inputArgs,
    '-i',
    input,
    '-map',
    `0:${stream}`,
    '-c',
    'copy',
    '-f',
    'framemd5',
    '-',
  ];
}

/**
 * gst-launch-1.0 arguments that remux `flv` live to an RTMP sink: `rtmp2sink` (GStreamer's own
 * RTMP code) or `rtmpsink` (librtmp, the library OBS's RTMP output grew from).
 */
export function gstreamerPublishArgs(flv: string, url: string, sink: 'rtmp2sink' | 'rtmpsink'): string[] {
  return [
    '-q',
    'filesrc',
    `location=${flv}`,
    '!',
    'flvdemux',
    'name=d',
    'd.video',
    '!',
    'queue',
    '!',
    'h264parse',
    '!',
    'flvmux',
    'name=m',
    'streamable=true',
    '!',
    sink,
    `location=${url}${sink === 'rtmpsink' ? ' live=1' : ''}`,
    'd.audio',
    '!',
    'queue',
    '!',
    'aacparse',
    '!',
    'm.',
  ];
}

/** ffmpeg reading `input` (a file or an `rtmp://` URL to play) into the FLV file `output`, copying packets. */
export function ffmpegCopyArgs(input: string, output: string): string[] {
  return [...FFMPEG_QUIET, '-y', '-i', input, '-c', 'copy', '-f', 'flv', output];
}
