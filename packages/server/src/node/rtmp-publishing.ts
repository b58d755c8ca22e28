import type { RawMessage } from '@rtmp/chunk';
import { type MediaInfo, mediaInfo } from '@rtmp/messages';
import { RtmpServerError } from '../errors';
import type { RequestInfo } from '../hooks';
import type { LiveStream } from '../live-stream';
import type { StreamHub } from '../stream-hub';
import type { Subscriber } from '../subscriber';
import type { Liveness } from './liveness';
import type { ResolvedOptions } from './server-options';
import type { HeldWrites, WriteBatcher } from './write-batcher';

/** Who publishes a live stream: a client connection, or a pull from another server. */
export interface StreamSource {
  /** Asked to reconnect: a new publish of a stream it publishes is let in as its successor. */
  readonly reconnectRequested: boolean;
  /** It no longer publishes `streamId` (a successor or a replacement does). */
  released(streamId: number): void;
  close(): void;
}

/** What a connection's publishing needs of it. */
export interface PublishingConnection extends StreamSource {
  readonly hub: StreamHub<StreamSource, Subscriber<HeldWrites>, HeldWrites>;
  readonly options: ResolvedOptions;
  readonly batcher: WriteBatcher;
  readonly liveness: Liveness;
  key(name: string): string;
  /** Runs an observer; one that throws closes the connection. */
  observe(run: () => void): void;
  fail(error: RtmpServerError): void;
}

/**
 * What one RTMP connection publishes, per message stream: its publishes taken by the hub (a new
 * one, a replacement, or a moving publisher's successor), their media counted, cached, observed and
 * fanned out, and their end.
 */
export class ConnectionPublishing {
  readonly #published = new Map<number, LiveStream<StreamSource, Subscriber<HeldWrites>>>();

  constructor(private readonly connection: PublishingConnection) {}

  /** Keys of the streams it publishes. */
  get keys(): string[] {
    return [...this.#published.values()].map((stream) => stream.key);
  }

  /** An allowed publish (`replace`: the hook said the newcomer takes over). */
  publish(streamId: number, info: RequestInfo, replace: boolean): void {
    const { connection } = this;
    const { hub } = connection;
    const stream = hub.open(connection.key(info.name));
    const currentMoving = stream.publisher?.connection.reconnectRequested ?? false;
    const result = hub.publish(stream, { connection, streamId, info }, { replace, currentMoving });
    if (result.outcome === 'lost') {
      connection.close(); // lost a race with another publisher between the check and now
      return;
    }
    this.#published.set(streamId, stream);
    connection.liveness.publishing(Date.now());
    if (result.outcome === 'successor') return;
    const { replaced } = result;
    if (replaced) {
      // The stream changed hands: the old connection goes without unpublishing to the players.
      replaced.connection.released(replaced.streamId);
      replaced.connection.close();
      connection.observe(() => connection.options.observe?.unpublished?.(stream.key));
    }
    connection.observe(() => connection.options.observe?.published?.(stream.key, info));
  }

  /** It no longer publishes `streamId` (its successor does); it may still close it. */
  released(streamId: number): void {
    this.#published.delete(streamId);
    if (this.#published.size === 0) this.connection.liveness.notPublishing();
  }

  /** The publish on `streamId` ended (FCUnpublish, closeStream, deleteStream, the connection closed). */
  unpublish(streamId: number): void {
    const stream = this.#published.get(streamId);
    if (!stream) return;
    this.released(streamId);
    const { connection } = this;
    if (connection.hub.unpublish(stream, connection, streamId))
      connection.observe(() => connection.options.observe?.unpublished?.(stream.key));
  }

  unpublishAll(): void {
    for (const streamId of [...this.#published.keys()]) this.unpublish(streamId);
  }

  /** A published message: counted, cached, observed, then fanned out to the stream's subscribers. */
  broadcast(streamId: number, message: RawMessage): void {
    const stream = this.#published.get(streamId);
    if (!stream) return;
    const { connection } = this;
    if (stream.successor?.connection === connection && stream.successor.streamId === streamId) {
      // The successor's first media: it publishes the stream from now on; the old publisher is let go.
      const old = connection.hub.takeOver(stream);
      if (old) old.connection.released(old.streamId);
    }
    const now = Date.now();
    connection.liveness.media(now);
    let info: MediaInfo;
    try {
      info = mediaInfo(message);
      stream.add(message, now, info);
    } catch (cause) {
      // A bad publisher is closed; its stream's players and every other stream go on.
      const error = RtmpServerError.isInstance(cause)
        ? cause
        : new RtmpServerError(
            'SERVER_BAD_MEDIA',
            `unreadable media from the publisher of ${stream.key}: ${(cause as Error).message}`,
            { cause },
          );
      connection.fail(error);
      return;
    }
    connection.observe(() => connection.options.observe?.message?.(stream.key, message));
    connection.hub.fanOut(
      stream,
      message,
      info,
      now,
      connection.batcher.hold(stream, message.typeId === 8 && stream.hasVideo),
    );
  }
}
