import type { FlvTag } from '@rtmp/flv';
import { RtmpServerError } from '../errors';
import type { RequestInfo } from '../hooks';
import type { LiveStream } from '../live-stream';
import type { ServerEvent } from '../server-events';
import type { StreamHub } from '../stream-hub';
import type { Subscriber } from '../subscriber';
import type { Relays } from './relays';
import type { StreamSource } from './rtmp-publishing';
import { RtmpSubscriber, type SubscriberConnection } from './rtmp-subscriber';
import type { ResolvedOptions } from './server-options';
import { VodPlayback, vodDuration, vodPath } from './vod';
import type { HeldWrites } from './write-batcher';

/** A play the connection was allowed: what, and play's start and duration. */
export interface PlayItem {
  readonly info: RequestInfo;
  readonly start: number;
  readonly duration: number;
}

/** What a connection's playback needs of it. */
export interface PlaybackConnection extends SubscriberConnection {
  readonly hub: StreamHub<StreamSource, Subscriber<HeldWrites>, HeldWrites>;
  readonly options: ResolvedOptions;
  /** Pulls a stream nobody publishes here from its origin, when the server is an edge. */
  readonly relays: Pick<Relays, 'pull'>;
  /** The stream key (`app/name`) of a name on this connection. */
  key(name: string): string;
}

type Live = {
  readonly stream: LiveStream<StreamSource, Subscriber<HeldWrites>>;
  readonly subscriber: RtmpSubscriber;
};

/**
 * What one RTMP connection plays, per message stream: a live stream (a subscriber of the hub), or
 * a recorded file (VOD) and the plays queued behind it; and the player's controls of each.
 */
export class ConnectionPlayback {
  readonly #live = new Map<number, Live>();
  /** Recorded files being played (VOD), by stream id. */
  readonly #recorded = new Map<number, VodPlayback>();
  /** Plays queued behind what a stream plays (`play` with reset false), by stream id. */
  readonly #playlists = new Map<number, PlayItem[]>();

  constructor(private readonly connection: PlaybackConnection) {}

  /** Keys of the live streams it plays. */
  get keys(): string[] {
    return [...this.#live.values()].map(({ stream }) => stream.key);
  }

  /** An allowed play: now, or (`queued`) after what the stream plays now. */
  play(streamId: number, item: PlayItem, queued: boolean): void {
    if (!queued) this.#playLiveOrRecorded(streamId, item);
    else if (this.#live.has(streamId) || this.#recorded.has(streamId))
      this.#playlists.set(streamId, [...(this.#playlists.get(streamId) ?? []), item]);
    else this.#playNext(streamId, item); // what played before it has completed
  }

  /** The play on `streamId` ended (closeStream, deleteStream, a switch): it and its playlist stop. */
  stop(streamId: number): void {
    this.#playlists.delete(streamId);
    this.#recorded.get(streamId)?.stop();
    this.#recorded.delete(streamId);
    const live = this.#live.get(streamId);
    if (!live) return;
    this.#live.delete(streamId);
    this.connection.hub.unsubscribe(live.stream, live.subscriber);
  }

  /** Tells each live play that its stream ended (StreamEOF, UnpublishNotify) and stops it. */
  endLive(): void {
    for (const [streamId, { subscriber }] of [...this.#live]) {
      subscriber.notify('unpublished');
      this.stop(streamId);
    }
  }

  stopAll(): void {
    for (const streamId of [...this.#live.keys()]) this.stop(streamId);
    for (const playback of this.#recorded.values()) playback.stop();
    this.#recorded.clear();
  }

  /** What a player asked of its stream: pause, unpause, audio or video off and on, a seek. */
  control(event: Extract<ServerEvent, { type: 'player-control' }>): void {
    const recorded = this.#recorded.get(event.streamId);
    if (recorded !== undefined) {
      // A recorded file: pause stops its clock, seek goes to the keyframe at or before the time.
      if (event.control === 'pause') event.enabled ? recorded.resume() : recorded.pause();
      if (event.control === 'seek') recorded.seek(event.milliseconds ?? 0);
      if (event.control === 'receive-audio') recorded.receive('audio', event.enabled);
      if (event.control === 'receive-video') recorded.receive('video', event.enabled);
      return;
    }
    const live = this.#live.get(event.streamId);
    if (!live) return;
    const { subscriber, stream } = live;
    switch (event.control) {
      case 'pause':
        subscriber.paused = !event.enabled;
        if (event.enabled) {
          // Unpaused: the configuration again, then video from the next keyframe.
          subscriber.send(stream.cache.setup());
          subscriber.waitingForKeyframe = stream.hasVideo;
        }
        return;
      case 'receive-audio':
        subscriber.audioOff = !event.enabled;
        return;
      case 'receive-video':
        subscriber.videoOff = !event.enabled;
        subscriber.videoStarted = event.enabled && stream.hasVideo ? new Set() : undefined;
        return;
      case 'seek':
        // A live stream has one position: as FMS and Wowza do, restart at its latest keyframe. A
        // player whose queue is already over budget (a seek storm) gets no second copy of the GOP:
        // it waits for the next keyframe instead.
        if (this.connection.socket.writableLength > this.connection.options.maxPlayerQueueBytes) {
          subscriber.videoStarted = new Set();
          return;
        }
        subscriber.send(stream.cache.joinSequence());
        subscriber.videoStarted = stream.cache.keyed ? undefined : new Set();
        return;
    }
  }

  #playLive(streamId: number, info: RequestInfo): void {
    const { hub, options } = this.connection;
    const stream = hub.open(this.connection.key(info.name));
    const subscriber = new RtmpSubscriber(
      this.connection,
      streamId,
      stream.cache.keyed,
      options.peerAcknowledgementTimeoutMs,
    );
    this.#live.set(streamId, { stream, subscriber });
    hub.subscribe(stream, subscriber);
    if (stream.publisher === undefined) this.connection.relays.pull(stream, info);
  }

  /**
   * A play: the live stream when it is published (or when the player asked for live only, or there
   * is no such file), else the recorded file of that name in `vodDir`.
   */
  #playLiveOrRecorded(streamId: number, item: PlayItem): void {
    const { info, start, duration } = item;
    const { vodDir } = this.connection.options;
    const live = this.connection.hub.streams.get(this.connection.key(info.name))?.publisher !== undefined;
    const file = vodDir !== undefined && !live && start !== -1 ? vodPath(vodDir, info.name) : undefined;
    if (file === undefined) {
      this.#playLive(streamId, info);
      return;
    }
    const { session } = this.connection;
    const sink = {
      send: (tag: FlvTag) =>
        this.connection.write([
          session.encodeMedia({ typeId: tag.type, streamId, timestamp: tag.timestamp, payload: tag.body }),
        ]),
      complete: () => {
        this.#recorded.delete(streamId);
        const next = this.#playlists.get(streamId)?.shift();
        if (next !== undefined) this.#playNext(streamId, next);
        else this.connection.write(session.complete(streamId, vodDuration(file)));
      },
      fail: (error: unknown) =>
        this.connection.fail(
          new RtmpServerError('SERVER_VOD_FAILED', `cannot play ${info.name}: ${(error as Error).message}`, {
            cause: error,
          }),
        ),
    };
    this.connection.write(session.recorded(streamId));
    this.#recorded.set(streamId, new VodPlayback(file, sink, start, duration));
  }

  /** A playlist's next item: Play.Switch and Play.Start, then what it plays. */
  #playNext(streamId: number, item: PlayItem): void {
    this.connection.write(this.connection.session.playNext(streamId, item.info.name));
    this.#playLiveOrRecorded(streamId, item);
  }
}
