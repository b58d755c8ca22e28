import { ffmpegPublishArgs } from './commands';
import { runProcess, startNginxRtmp, startProcess } from './peers';
import { startRecordingProxy } from './recording-proxy';

const HANDSHAKE = 3073;

/** Both directions of one recorded RTMP session, after the handshake (C0C1C2 / S0S1S2 stripped). */
export interface RecordedSession {
  readonly client: Buffer;
  readonly server: Buffer;
  /** The peer's command line, with the proxy port as PORT, for vector notes. */
  readonly commandLine: string;
}

/** Runs `attempt` until it resolves, up to `attempts` times, `delayMs` apart. */
export async function retry<T>(attempt: () => Promise<T>, attempts = 20, delayMs = 250): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (tries >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

/** A command publishing to `url`: `[command, args]`. */
export type PublisherCommand = (url: string) => readonly [string, readonly string[]];

/**
 * A publisher publishes to nginx-rtmp through the recording proxy: by default ffmpeg sending
 * `flv` with `-c copy` (plus `outputArgs`); or any `publisher` command, such as GStreamer.
 */
export async function recordPublish(
  flv: string,
  outputArgs: readonly string[] = [],
  publisher: PublisherCommand = (url) => [
    'ffmpeg',
    ffmpegPublishArgs(flv, url, { realtime: false, outputArgs }),
  ],
): Promise<RecordedSession> {
  const nginx = await startNginxRtmp();
  const proxy = await startRecordingProxy(nginx.port);
  const [command, args] = publisher(`rtmp://127.0.0.1:${proxy.port}/live/capture`);
  try {
    await runProcess(command, args);
  } finally {
    await proxy.close();
    await nginx.stop();
  }
  return {
    client: proxy.clientBytes().subarray(HANDSHAKE),
    server: proxy.serverBytes().subarray(HANDSHAKE),
    commandLine: `${command} ${args.join(' ')}`
      .replace(String(proxy.port), 'PORT')
      .replaceAll(flv, 'sample.flv'),
  };
}

/**
 * Another ffmpeg publishes `flv` live (`-re`) to nginx-rtmp while `player` plays it through the
 * recording proxy. A player that exits by itself is retried until the stream exists (nginx closes
 * players that come too early); with `playMs`, the player (rtmpdump, which ignores --stop on live
 * streams) is given a head start for the stream, let run that long, then stopped.
 */
export async function recordPlay(
  flv: string,
  player: (url: string) => readonly [string, readonly string[]],
  playMs?: number,
): Promise<RecordedSession> {
  const nginx = await startNginxRtmp();
  const publisher = startProcess('ffmpeg', ffmpegPublishArgs(flv, `${nginx.url}/live/capture`));
  const proxy = await startRecordingProxy(nginx.port);
  const [command, args] = player(`rtmp://127.0.0.1:${proxy.port}/live/capture`);
  try {
    if (playMs === undefined) {
      await retry(() => runProcess(command, args, 30_000));
    } else {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const proc = startProcess(command, args);
      await new Promise((resolve) => setTimeout(resolve, playMs));
      await proc.stop();
    }
  } finally {
    await publisher.stop();
    await proxy.close();
    await nginx.stop();
  }
  const last = proxy.connections() - 1;
  return {
    client: proxy.clientBytes(last).subarray(HANDSHAKE),
    server: proxy.serverBytes(last).subarray(HANDSHAKE),
    commandLine: `${command} ${args.join(' ')}`.replace(String(proxy.port), 'PORT'),
  };
}
