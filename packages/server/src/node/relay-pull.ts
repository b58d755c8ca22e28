import type { RawMessage } from '@rtmp/chunk';
import { type ConnectOptions, keepConnected, type PlayerEvent, splitStreamUrl } from '@rtmp/client';
import { isKeyframeBody } from '@rtmp/flv';
import { encodeMessage, isDecoderSetup, type MediaKind, mediaInfo } from '@rtmp/messages';
import type { RequestInfo } from '../hooks';
import type { LiveStream } from '../live-stream';
import type { RelayState, RelayStats } from '../relay-stats';
import type { PublishOutcome } from '../stream-hub';
import { RelayStatus } from './relay-status';
import type { StreamSource } from './rtmp-publishing';

/** What a pull needs of the server: to publish the stream it pulls, and to hand it what arrives. */
export interface PullHost {
  publish(
    stream: LiveStream<StreamSource>,
    source: StreamSource,
    info: RequestInfo,
  ): PublishOutcome<StreamSource>;
  /** One message from the origin: counted, cached, observed and fanned out as a publisher's. */
  relay(stream: LiveStream<StreamSource>, message: RawMessage): void;
  unpublish(stream: LiveStream<StreamSource>, source: StreamSource): void;
  /** Forgets `stream` if nobody publishes or plays it (a pull that ended before it published). */
  release(stream: LiveStream<StreamSource>): void;
}

/** A player event as the message the origin sent. */
function messageOf(event: PlayerEvent): RawMessage | undefined {
  if (event.type === 'audio' || event.type === 'video')
    return {
      typeId: event.type === 'audio' ? 8 : 9,
      streamId: 0,
      timestamp: event.timestamp,
      payload: event.payload,
    };
  if (event.type === 'data' && event.name !== '|RtmpSampleAccess')
    return encodeMessage({
      type: 'data',
      streamId: 0,
      timestamp: event.timestamp,
      name: event.name,
      values: event.values,
      form: 'amf0',
    });
  return undefined;
}

/**
 * An edge's pull of a stream from its origin: it plays `url` there (kept up with
 * {@link keepConnected}: an origin that drops is retried while local players wait) and publishes
 * what arrives as the local stream's source. The origin's unpublish ends the local stream; the
 * server stops it when the last local player has been gone a while.
 */
export class RelayPull implements StreamSource {
  readonly reconnectRequested = false;
  readonly #status: RelayStatus;
  #publishing = false;
  /** Timestamps of the last audio and video relayed: after a reconnect, the origin's join cache repeats them. */
  #lastAudio: number | undefined;
  #lastVideo: number | undefined;
  /** Reconnected: video waits for a keyframe later than the last one relayed. */
  #resuming = false;
  readonly #stop = new AbortController();
  /** Settles when it has stopped (the origin ended, or it was stopped) or failed. */
  readonly done: Promise<void>;

  constructor(
    private readonly host: PullHost,
    readonly stream: LiveStream<StreamSource>,
    private readonly info: RequestInfo,
    /** The origin's stream: `rtmp[s]://host[:port]/app/name[?query]`. */
    readonly url: string,
    options: ConnectOptions & { readonly minDelayMs?: number; readonly maxDelayMs?: number },
  ) {
    this.#status = new RelayStatus('pull', url, stream.key);
    const { connectionUrl, streamName } = splitStreamUrl(url);
    this.done = keepConnected(connectionUrl, (connection) => this.#run(connection.play(streamName)), {
      ...options,
      player: true,
      signal: this.#stop.signal,
      onRetry: (error) => this.#status.retrying(error),
    }).then(
      () => this.#end(),
      (error: unknown) => this.#end(error),
    );
  }

  get state(): RelayState {
    return this.#status.state;
  }

  get stats(): RelayStats {
    return this.#status.stats;
  }

  /** Stops pulling; the local stream ends. */
  stop(): Promise<void> {
    this.#stop.abort();
    return this.done;
  }

  released(): void {
    // A pull is never replaced by a successor: a local publish of the same name is refused.
  }

  close(): void {
    void this.stop();
  }

  async #run(playing: Promise<AsyncIterable<PlayerEvent>>): Promise<void> {
    const player = await playing;
    this.#status.enter('live');
    if (!this.#publishing) {
      if (this.host.publish(this.stream, this, this.info).outcome === 'lost') return; // published here meanwhile
      this.#publishing = true;
    } else this.#resuming = true;
    for await (const event of player) {
      const message = messageOf(event);
      if (message === undefined || this.#repeated(message)) continue;
      this.#status.relayed(message.payload.length);
      this.host.relay(this.stream, message);
    }
    // The origin's stream ended (StreamEOF, UnpublishNotify): so does the local one.
  }

  /**
   * After a reconnect the origin starts again from its join cache: what was relayed already is not
   * relayed twice (local players would see time go back), and video goes on at a later keyframe.
   */
  #repeated(message: RawMessage): boolean {
    const { typeId, timestamp, payload } = message;
    if (typeId === 18) return false;
    let kind: MediaKind;
    try {
      kind = mediaInfo(message).kind;
    } catch {
      return false; // the server drops what it cannot read
    }
    if (isDecoderSetup(kind)) return false;
    if (typeId === 8) {
      if (this.#resuming && this.#lastAudio !== undefined && timestamp <= this.#lastAudio) return true;
      this.#lastAudio = timestamp;
      return false;
    }
    const later = this.#lastVideo === undefined || timestamp > this.#lastVideo;
    if (this.#resuming && (!later || !isKeyframeBody(payload))) return true;
    this.#resuming = false;
    this.#lastVideo = timestamp;
    return false;
  }

  /** It ended (stopped, the origin's stream ended, or `error`): the local stream ends with it. */
  #end(error?: unknown): void {
    this.#status.settle(this.#stop.signal.aborted, error);
    if (!this.#publishing) return;
    this.#publishing = false;
    this.host.unpublish(this.stream, this);
  }
}
