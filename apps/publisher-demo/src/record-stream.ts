import { encodeAll } from '@rtmp/amf0';
import { connect, splitStreamUrl } from '@rtmp/client';
import { createFlvWriter, type FlvTag } from '@rtmp/flv';
import { isConfigTag } from './config-tag';

/** What {@link recordStream} does; see the CLI's --help. */
export interface RecordOptions {
  /** `rtmp[s]://host[:port]/app/stream`. */
  readonly url: string;
  /** An FLV file to write, or `-` for standard output. */
  readonly output: string;
  readonly signal: AbortSignal;
  readonly onProgress: (progress: RecordProgress) => void;
  /** Called once the server has started the play (NetStream.Play.Start). */
  readonly onPlaying?: () => void;
}

export interface RecordProgress {
  readonly videoFrames: number;
  readonly audioFrames: number;
  readonly bytes: number;
  readonly mediaTime: number;
  readonly elapsed: number;
}

/** How a recording ended: the publisher left, or it was interrupted. */
export interface RecordSummary extends RecordProgress {
  readonly interrupted: boolean;
}

/**
 * Plays a stream into an FLV file until the publisher leaves or `signal` fires; the file is
 * complete (header, tags, sizes) either way.
 */
export async function recordStream(options: RecordOptions): Promise<RecordSummary> {
  const { connectionUrl, streamName } = splitStreamUrl(options.url);
  const connection = await connect(connectionUrl, { player: true, signal: options.signal });
  const counts = { videoFrames: 0, audioFrames: 0, bytes: 0, mediaTime: 0 };
  const wallStart = performance.now();
  const progress = (): RecordProgress => ({ ...counts, elapsed: performance.now() - wallStart });
  const ticker = setInterval(() => options.onProgress(progress()), 500);
  const writer = createFlvWriter(options.output === '-' ? process.stdout : options.output, {
    hasAudio: true,
    hasVideo: true,
  });
  try {
    const player = await connection.play(streamName, { signal: options.signal });
    options.onPlaying?.();
    const stop = () => void player.close();
    options.signal.addEventListener('abort', stop, { once: true });
    for await (const event of player) {
      if (
        event.type === 'status' ||
        event.type === 'stream' ||
        (event.type === 'data' && event.name !== 'onMetaData')
      )
        continue;
      const body = event.type === 'data' ? encodeAll([event.name, ...event.values]) : event.payload;
      const tag: FlvTag = {
        type: event.type === 'audio' ? 8 : event.type === 'video' ? 9 : 18,
        timestamp: event.timestamp,
        body,
      };
      await writer.write(tag);
      if (tag.type === 9 && !isConfigTag(tag)) counts.videoFrames++;
      if (tag.type === 8 && !isConfigTag(tag)) counts.audioFrames++;
      counts.bytes += body.length;
      counts.mediaTime = Math.max(counts.mediaTime, event.timestamp);
    }
    options.signal.removeEventListener('abort', stop);
  } finally {
    clearInterval(ticker);
    await writer.close();
    await connection.close();
  }
  return { ...progress(), interrupted: options.signal.aborted };
}
