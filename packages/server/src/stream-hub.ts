import type { RawMessage } from '@rtmp/chunk';
import { type MediaInfo, type MediaKind, VideoFrameType, videoFrameType } from '@rtmp/messages';
import { type AdmissionLimits, admit, type VideoTracks } from './admission';
import { LiveStream, type StreamPublisher, type StreamStats } from './live-stream';
import type { Subscriber } from './subscriber';

/** Options of {@link StreamHub}: each stream's bounds, and the admission policy's. */
export interface StreamHubOptions extends AdmissionLimits {
  readonly gopCacheMaxMessages: number;
  readonly gopCacheMaxBytes: number;
  readonly maxTracksPerStream: number;
}

/** What the hub reports as it happens (the server feeds `diagnostics_channel` from it). */
export interface StreamHubReports<C = unknown, S extends Subscriber = Subscriber> {
  /** A publisher took a stream (or will take it over, as a moving publisher's successor). */
  readonly published?: (key: string, remoteAddress: string) => void;
  readonly subscribed?: (key: string, remoteAddress: string) => void;
  /** A stream got a publisher after having none (not a replacement or a successor). */
  started?(stream: LiveStream<C, S>): void;
  /** A subscriber left a stream (which may have none left). */
  unsubscribed?(stream: LiveStream<C, S>): void;
  /** A stream lost its publisher (unpublished, not handed to a successor). */
  ended?(stream: LiveStream<C, S>): void;
}

/** What {@link StreamHub.publish} did. */
export type PublishOutcome<C> =
  /** It publishes the stream now; `replaced` is the publisher it took over from (close it). */
  | { readonly outcome: 'published'; readonly replaced?: StreamPublisher<C> }
  /** It waits to take over from a publisher that was asked to reconnect. */
  | { readonly outcome: 'successor' }
  /** Another publisher got there first: it does not publish. */
  | { readonly outcome: 'lost' };

/**
 * The live streams by key (`app/name`): who publishes each (one publisher; a replacement or a
 * moving publisher's successor by rule), who subscribes, the join sequence a subscriber starts
 * with, and fan-out: each published message encoded once per distinct subscriber encoding, the
 * bytes shared, every subscriber admitted by the one policy ({@link admit}). Sans-IO: time is
 * given, and subscribers do their own writing.
 */
export class StreamHub<C = unknown, S extends Subscriber<B> = Subscriber, B = unknown> {
  readonly streams = new Map<string, LiveStream<C, S>>();
  /** One queue reading per message, refilled for each subscriber (not made per subscriber). */
  readonly #queue: { bytes: number; backlogSince: number | undefined } = {
    bytes: 0,
    backlogSince: undefined,
  };

  constructor(
    private readonly options: StreamHubOptions,
    private readonly reports: StreamHubReports<C, S> = {},
  ) {}

  /** The stream of `key`, made if nobody publishes or subscribes to it yet. */
  open(key: string): LiveStream<C, S> {
    let stream = this.streams.get(key);
    if (!stream) {
      const { gopCacheMaxMessages, gopCacheMaxBytes, maxTracksPerStream } = this.options;
      stream = new LiveStream<C, S>(key, gopCacheMaxMessages, gopCacheMaxBytes, maxTracksPerStream);
      this.streams.set(key, stream);
    }
    return stream;
  }

  /**
   * A publish of `stream` the hooks allowed. With a publisher already there: `replace` takes over
   * from it (subscribers keep playing); a publisher that was asked to reconnect (`currentMoving`)
   * gets this one as its successor; otherwise it lost a race. Subscribers hear the stream is back.
   */
  publish(
    stream: LiveStream<C, S>,
    publisher: StreamPublisher<C>,
    how: { readonly replace: boolean; readonly currentMoving: boolean },
  ): PublishOutcome<C> {
    const current = stream.publisher;
    if (current && !how.replace && how.currentMoving && !stream.successor) {
      stream.successor = publisher;
      this.reports.published?.(stream.key, publisher.info.remoteAddress);
      return { outcome: 'successor' };
    }
    if (current && !how.replace) return { outcome: 'lost' };
    stream.publisher = publisher;
    this.reports.published?.(stream.key, publisher.info.remoteAddress);
    if (current) return { outcome: 'published', replaced: current };
    for (const subscriber of stream.subscribers) subscriber.notify('published');
    this.reports.started?.(stream);
    return { outcome: 'published' };
  }

  /** A successor's first media: it publishes from now on. Returns the publisher it took over from. */
  takeOver(stream: LiveStream<C, S>): StreamPublisher<C> | undefined {
    const old = stream.publisher;
    stream.publisher = stream.successor;
    stream.successor = undefined;
    return old;
  }

  /**
   * `connection`'s publish of `stream` (on `streamId`) ended. A successor that leaves first changes
   * nothing; a moving publisher that leaves hands the stream to its successor. Otherwise the stream
   * is unpublished: the cache is cleared and subscribers told. Returns whether it was.
   */
  unpublish(stream: LiveStream<C, S>, connection: C, streamId: number): boolean {
    const { successor } = stream;
    if (successor?.connection === connection && successor.streamId === streamId) {
      stream.successor = undefined; // it left before taking over: the publisher goes on
      return false;
    }
    if (successor) {
      // The moving publisher left first: its successor has the stream now, subscribers undisturbed.
      stream.publisher = successor;
      stream.successor = undefined;
      return false;
    }
    stream.publisher = undefined;
    stream.cache.clear();
    stream.since = undefined;
    for (const subscriber of stream.subscribers) subscriber.notify('unpublished');
    this.reports.ended?.(stream);
    this.release(stream);
    return true;
  }

  /**
   * A new subscriber: a late joiner starts with metadata, codec configuration and the GOP; one
   * before any keyframe gets the configuration and audio, and video from keyframes.
   */
  subscribe(stream: LiveStream<C, S>, subscriber: S): void {
    stream.subscribers.add(subscriber);
    this.reports.subscribed?.(stream.key, subscriber.remoteAddress);
    subscriber.send(stream.cache.joinSequence());
  }

  unsubscribe(stream: LiveStream<C, S>, subscriber: S): void {
    stream.subscribers.delete(subscriber);
    this.reports.unsubscribed?.(stream);
    this.release(stream);
  }

  /**
   * Fan-out of one published message (already counted and cached: {@link LiveStream.add}) to every
   * subscriber the admission policy lets take it, encoded once per encoding. `batch` goes to each
   * `deliver` (the transport's grouping of this read's writes).
   */
  fanOut(stream: LiveStream<C, S>, message: RawMessage, info: MediaInfo, now: number, batch: B): void {
    // A keyframe of whichever track: a subscriber waiting for one track's keyframe starts that track here.
    const keyframe = message.typeId === 9 && videoFrameType(message.payload) === VideoFrameType.Keyframe;
    // Made once per message, not per subscriber: the policy reads it synchronously.
    const tracks = { trackIds: info.trackIds, keyframe };
    // Nearly every subscriber has the same encoding: it is kept at hand, and a map is made only when
    // another one turns up. Nothing is encoded for dropped messages.
    let firstKey = -1;
    let firstBytes: Uint8Array | undefined;
    let others: Map<number, Uint8Array> | undefined;
    for (const subscriber of stream.subscribers) {
      if (!this.#admit(subscriber, info.kind, tracks, now, stream)) continue;
      const key = subscriber.encoding;
      let bytes = key === firstKey ? firstBytes : others?.get(key);
      if (!bytes) {
        bytes = subscriber.encode(message);
        if (firstBytes === undefined) {
          firstKey = key;
          firstBytes = bytes;
        } else {
          others ??= new Map();
          others.set(key, bytes);
        }
      }
      subscriber.deliver(bytes, batch, message);
    }
  }

  /** Figures of every stream. */
  stats(): StreamStats[] {
    return [...this.streams.values()].map((stream) => stream.stats());
  }

  /** Whether a subscriber takes this message now; one over budget too long is closed. */
  #admit(
    subscriber: S,
    kind: MediaKind,
    tracks: VideoTracks,
    now: number,
    stream: LiveStream<C, S>,
  ): boolean {
    const queue = this.#queue;
    if (!subscriber.readQueue(now, queue)) return false;
    const dropped = subscriber.dropped;
    const admission = admit(subscriber, kind, queue, now, stream.hasVideo, this.options, tracks);
    stream.dropped += subscriber.dropped - dropped;
    if (admission === 'close') subscriber.close();
    return admission === 'send';
  }

  /** Forgets `stream` when nobody publishes or plays it (one opened for a viewer that gave up). */
  release(stream: LiveStream<C, S>): void {
    if (!stream.publisher && stream.subscribers.size === 0 && this.streams.get(stream.key) === stream)
      this.streams.delete(stream.key);
  }
}
