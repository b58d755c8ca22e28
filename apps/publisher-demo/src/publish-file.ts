import { encode } from '@rtmp/amf0';
import { connect, splitStreamUrl } from '@rtmp/client';
import { type FlvTag, type FlvWarning, isKeyframeBody, readFlv } from '@rtmp/flv';
import { isConfigTag } from './config-tag';

/** What {@link publishFile} does; see the CLI's --help. */
export interface PublishFileOptions {
  /** An FLV file, or `-` for standard input. */
  readonly input: string;
  /** `rtmp[s]://host[:port]/app/stream[?key]`. */
  readonly url: string;
  /** Pacing: 1 is real time, 2 twice as fast; `Infinity` as fast as possible. */
  readonly speed: number;
  /** Start over at the end (files only); timestamps keep increasing. */
  readonly loop: boolean;
  /** Skip this many seconds of the input (from the first keyframe at or after it). */
  readonly startAt: number;
  /** Stop after this many seconds of media. */
  readonly duration: number | undefined;
  readonly signal: AbortSignal;
  readonly onProgress: (progress: PublishProgress) => void;
}

/** Figures for the progress line and the summary. */
export interface PublishProgress {
  readonly videoFrames: number;
  readonly audioFrames: number;
  readonly bytes: number;
  /** Media time published, ms. */
  readonly mediaTime: number;
  /** Wall time since the first tag, ms. */
  readonly elapsed: number;
  /** Bytes waiting in the socket. */
  readonly queuedBytes: number;
  readonly loops: number;
}

/** How a publish ended. */
export interface PublishSummary extends PublishProgress {
  readonly interrupted: boolean;
  /** Set when the input was cut inside a tag: everything before it was published. */
  readonly warning: FlvWarning | undefined;
}

const SET_DATA_FRAME = encode('@setDataFrame');

/**
 * Publishes an FLV file or stdin to an RTMP URL, paced by its timestamps.
 * @throws `RtmpClientError` (connection, rejection), `FlvError` (input that is not FLV), or
 *   a file system error for a missing input.
 */
export async function publishFile(options: PublishFileOptions): Promise<PublishSummary> {
  const { connectionUrl, streamName } = splitStreamUrl(options.url);
  const connection = await connect(connectionUrl, { signal: options.signal });
  try {
    const publisher = await connection.publish(streamName, { signal: options.signal });
    const counts = { videoFrames: 0, audioFrames: 0, bytes: 0, mediaTime: 0, loops: 0 };
    const wallStart = performance.now();
    const progress = (): PublishProgress => ({
      ...counts,
      elapsed: performance.now() - wallStart,
      queuedBytes: connection.queuedBytes,
    });
    const ticker = setInterval(() => options.onProgress(progress()), 500);
    let warning: FlvWarning | undefined;
    let offset = 0; // added to every timestamp: grows with each loop
    let lastTime = 0;
    let frameGap = 40;
    try {
      passes: for (;;) {
        let first: number | undefined; // timestamp of the first tag this pass publishes
        let hasVideo = true;
        for await (const item of readFlv(options.input)) {
          if (options.signal.aborted) break passes;
          if (item.kind === 'warning') {
            warning = item.warning;
            continue;
          }
          if (item.kind === 'header') {
            hasVideo = item.header.hasVideo;
            continue;
          }
          const tag = item.tag;
          if (isConfigTag(tag)) {
            // Metadata and codec configuration go first, once, at time 0.
            if (counts.loops === 0) await send(tag, 0);
            continue;
          }
          if (first === undefined) {
            // Start (and restart) on a keyframe, at or after --start-at on the first pass.
            const wanted = counts.loops === 0 ? options.startAt * 1000 : 0;
            const startsHere =
              tag.timestamp >= wanted && (tag.type === 9 ? isKeyframeBody(tag.body) : !hasVideo);
            if (!startsHere) continue;
            first = tag.timestamp;
          }
          const time = offset + tag.timestamp - first;
          if (options.duration !== undefined && time >= options.duration * 1000) break passes;
          if (tag.type === 9 && time > lastTime) frameGap = time - lastTime;
          await pace(wallStart, time, options.speed, options.signal);
          if (options.signal.aborted) break passes;
          await send(tag, time);
          lastTime = Math.max(lastTime, time);
        }
        if (!options.loop || first === undefined || options.signal.aborted) break;
        counts.loops++;
        offset = lastTime + frameGap;
      }
    } finally {
      clearInterval(ticker);
    }
    await publisher.close();
    return { ...progress(), interrupted: options.signal.aborted, warning };

    async function send(tag: FlvTag, time: number): Promise<void> {
      if (tag.type === 9) {
        await publisher.writeVideo(time, tag.body);
        if (!isConfigTag(tag)) counts.videoFrames++;
      } else if (tag.type === 8) {
        await publisher.writeAudio(time, tag.body);
        if (!isConfigTag(tag)) counts.audioFrames++;
      } else {
        await publisher.writeData(time, Buffer.concat([SET_DATA_FRAME, tag.body]));
      }
      counts.bytes += tag.body.length;
      counts.mediaTime = Math.max(counts.mediaTime, time);
    }
  } finally {
    await connection.close();
  }
}

/** Waits until the wall clock reaches media time `time` (scaled by `speed`), or abort. */
async function pace(wallStart: number, time: number, speed: number, signal: AbortSignal): Promise<void> {
  if (!Number.isFinite(speed)) return;
  const wait = wallStart + time / speed - performance.now();
  if (wait <= 1) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, wait);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
