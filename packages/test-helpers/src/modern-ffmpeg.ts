import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess } from './peers';

// FFmpeg 8.1 (libavformat 62, Enhanced RTMP and FLV v2) as a test peer, through the npm package
// node-av, which bundles it. Debian's FFmpeg 5.1 makes the media (it has every encoder needed);
// FFmpeg 8.1 publishes and plays it, copying packets, so what a player receives can be compared
// packet for packet with the file.

/** The video and audio codecs of a generated test file, in track order (track 0 first). */
export interface ModernMediaSpec {
  readonly video: readonly ('h264' | 'hevc' | 'av1' | 'vp9')[];
  readonly audio: readonly ('aac' | 'opus' | 'flac' | 'ac3')[];
  /** @default 5 */
  readonly seconds?: number;
}

/** One packet as FFmpeg demuxed it: its stream, timestamps, flags and an MD5 of its bytes. */
export interface DemuxedPacket {
  readonly stream: number;
  readonly dts: number;
  readonly pts: number;
  readonly keyframe: boolean;
  readonly size: number;
  readonly md5: string;
  /** The bytes, with `withData`. */
  readonly data?: Uint8Array;
}

/** What FFmpeg demuxed: each stream's codec (FFmpeg's name) and whether it has configuration, and the packets. */
export interface Demuxed {
  readonly streams: readonly {
    readonly codec: string;
    readonly type: 'video' | 'audio';
    /** MD5 of the codec configuration (extradata), '' for none. */
    readonly extradata: string;
    /** The configuration itself, with `withData`. */
    readonly config?: Uint8Array;
  }[];
  readonly packets: readonly DemuxedPacket[];
}

const VIDEO_ENCODERS: Record<ModernMediaSpec['video'][number], string[]> = {
  h264: ['libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'],
  hevc: [
    'libx265',
    '-preset',
    'ultrafast',
    '-x265-params',
    'log-level=error:scenecut=0',
    '-pix_fmt',
    'yuv420p',
  ],
  av1: ['libsvtav1', '-preset', '12', '-svtav1-params', 'scd=0', '-pix_fmt', 'yuv420p'],
  vp9: ['libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-pix_fmt', 'yuv420p'],
};
const AUDIO_ENCODERS: Record<ModernMediaSpec['audio'][number], string[]> = {
  aac: ['aac', '-b:a', '64k'],
  opus: ['libopus', '-b:a', '64k'],
  flac: ['flac'],
  ac3: ['ac3', '-b:a', '96k'],
};

const cacheDir = join(tmpdir(), `rtmp-test-media-${process.pid}`);

/**
 * A Matroska file with these video and audio tracks (a test pattern and a tone, 320x240 at 25 fps,
 * 48 kHz, a keyframe every second on every video track), made once per test process by Debian's
 * FFmpeg. The second track of a kind is what FFmpeg 8.1 publishes as Enhanced RTMP track 1.
 */
export async function modernMedia(spec: ModernMediaSpec): Promise<string> {
  const seconds = spec.seconds ?? 5;
  const file = join(cacheDir, `modern-${spec.video.join('+')}-${spec.audio.join('+')}-${seconds}s.mkv`);
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  args.push('-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=320x240:rate=25`);
  args.push('-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}:sample_rate=48000`);
  const splits = [
    spec.video.length > 0
      ? `[0:v]split=${spec.video.length}${spec.video.map((_, i) => `[v${i}]`).join('')}`
      : '',
    spec.audio.length > 0
      ? `[1:a]aformat=channel_layouts=stereo,asplit=${spec.audio.length}${spec.audio.map((_, i) => `[a${i}]`).join('')}`
      : '',
  ].filter(Boolean);
  args.push('-filter_complex', splits.join(';'));
  spec.video.forEach((codec, i) => {
    args.push('-map', `[v${i}]`, `-c:v:${i}`, ...VIDEO_ENCODERS[codec].slice(0, 1));
    for (let at = 1; at < VIDEO_ENCODERS[codec].length; at += 2)
      args.push(`${VIDEO_ENCODERS[codec][at]}:v:${i}`, VIDEO_ENCODERS[codec][at + 1]!);
    args.push(`-g:v:${i}`, '25', `-keyint_min:v:${i}`, '25');
  });
  spec.audio.forEach((codec, i) => {
    args.push('-map', `[a${i}]`, `-c:a:${i}`, AUDIO_ENCODERS[codec][0]!);
    for (let at = 1; at < AUDIO_ENCODERS[codec].length; at += 2)
      args.push(`${AUDIO_ENCODERS[codec][at]}:a:${i}`, AUDIO_ENCODERS[codec][at + 1]!);
  });
  args.push('-f', 'matroska', `${file}.part`);
  await runProcess('ffmpeg', args);
  await runProcess('mv', [`${file}.part`, file]);
  return file;
}

type NodeAv = typeof import('node-av');
let nodeAv: Promise<NodeAv> | undefined;

/** node-av's API, with `Promise.withResolvers` polyfilled first (node-av needs it; Node 20 lacks it). */
export function loadNodeAv(): Promise<NodeAv> {
  const promise = Promise as unknown as { withResolvers?: unknown };
  promise.withResolvers ??= <T>() => {
    let resolve!: (value: T) => void;
    let reject!: (reason: unknown) => void;
    const created = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise: created, resolve, reject };
  };
  nodeAv ??= import('node-av');
  return nodeAv;
}

const milliseconds = (value: bigint, timeBase: { num: number; den: number }) =>
  Math.round((Number(value) * timeBase.num * 1000) / timeBase.den);

/**
 * FFmpeg 8.1 publishes `file` to `url` as FLV (Enhanced RTMP for modern codecs and second tracks),
 * copying its packets, at real time unless `realtime: false`. `url` may be a file path: then it
 * writes an Enhanced FLV file. Resolves when it has closed.
 */
export async function publishWithFfmpeg8(
  file: string,
  url: string,
  options: { readonly realtime?: boolean; readonly signal?: AbortSignal } = {},
): Promise<void> {
  const { Demuxer, Muxer } = await loadNodeAv();
  const input = await Demuxer.open(file);
  try {
    const output = await Muxer.open(url, { format: 'flv' });
    try {
      const indexes = new Map(input.streams.map((stream) => [stream.index, output.addStream(stream)]));
      const start = Date.now();
      for await (const packet of input.packets()) {
        if (!packet || options.signal?.aborted) break;
        const stream = input.streams[packet.streamIndex]!;
        const due = start + milliseconds(packet.dts, stream.timeBase);
        if (options.realtime !== false && due > Date.now())
          await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        await output.writePacket(packet, indexes.get(packet.streamIndex)!);
        packet.free();
      }
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/**
 * What FFmpeg 8.1 reads from `source` (a file, or an `rtmp://` URL it plays until the stream ends
 * or `signal` aborts): each stream's codec and configuration, and every packet.
 */
export async function demuxWithFfmpeg8(
  source: string,
  options: { readonly signal?: AbortSignal; readonly withData?: boolean } = {},
): Promise<Demuxed> {
  const { Demuxer, avGetCodecName } = await loadNodeAv();
  const input = await Demuxer.open(source);
  try {
    const packets: DemuxedPacket[] = [];
    for await (const packet of input.packets()) {
      if (!packet || options.signal?.aborted) break;
      const stream = input.streams[packet.streamIndex]!;
      const data = packet.data;
      packets.push({
        stream: packet.streamIndex,
        dts: milliseconds(packet.dts, stream.timeBase),
        pts: milliseconds(packet.pts, stream.timeBase),
        keyframe: packet.isKeyframe,
        size: data?.length ?? 0,
        md5: createHash('md5')
          .update(data ?? new Uint8Array())
          .digest('hex'),
        ...(options.withData ? { data: Uint8Array.from(data ?? []) } : {}),
      });
      packet.free();
    }
    const streams = input.streams.map((stream) => ({
      codec: avGetCodecName(stream.codecpar.codecId) ?? `codec-${stream.codecpar.codecId}`,
      type: stream.codecpar.codecType === 0 ? ('video' as const) : ('audio' as const),
      extradata: stream.codecpar.extradata
        ? createHash('md5').update(stream.codecpar.extradata).digest('hex')
        : '',
      ...(options.withData && stream.codecpar.extradata
        ? { config: Uint8Array.from(stream.codecpar.extradata) }
        : {}),
    }));
    return { streams, packets };
  } finally {
    await input.close();
  }
}

/**
 * Each stream's packets in order, as MD5s (with ` key` on keyframes when `keyframes`): what
 * "identical per stream" compares.
 */
export function packetsPerStream(
  demuxed: Demuxed,
  options: { readonly keyframes?: boolean } = {},
): string[][] {
  return demuxed.streams.map((_, index) =>
    demuxed.packets
      .filter((packet) => packet.stream === index)
      .map((packet) => `${packet.md5}${options.keyframes && packet.keyframe ? ' key' : ''}`),
  );
}
