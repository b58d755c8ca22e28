import type { RawMessage } from '@rtmp/chunk';
import {
  type ConnectOptions,
  keepConnected,
  RtmpClientError,
  type RtmpConnection,
  type RtmpPublisher,
  splitStreamUrl,
} from '@rtmp/client';
import { decodeMessage } from '@rtmp/messages';
import { SubscriberAdmission } from '../admission';
import type { LiveStream } from '../live-stream';
import type { RelayState, RelayStats } from '../relay-stats';
import type { Subscriber } from '../subscriber';
import { publicUrl, RelayStatus } from './relay-status';

/** What a push needs of the hub: joining its stream while connected, leaving it after. */
export interface PushHub<S extends Subscriber> {
  subscribe(stream: LiveStream<unknown, S>, subscriber: S): void;
  unsubscribe(stream: LiveStream<unknown, S>, subscriber: S): void;
}

const NOTHING = new Uint8Array(0);
let nextEncoding = -1;

/**
 * One push of a live stream to a destination: a subscriber of the hub with its own connection
 * (kept up with {@link keepConnected}, backoff and all), starting from the join cache each time it
 * connects, its messages in a bounded queue (the admission policy drops to keyframes when the
 * destination is slow, and has it reconnect when it stays stuck), never slowing the publisher.
 */
export class RelayPush extends SubscriberAdmission implements Subscriber<unknown> {
  readonly kind = 'relay';
  /** Its own: nothing is shared with players (it writes through its own client session). */
  readonly encoding = nextEncoding--;
  readonly #status: RelayStatus;
  readonly #queue: RawMessage[] = [];
  /** Where the next message to write is in `#queue` (taken from the front without shifting). */
  #head = 0;
  #queuedBytes = 0;
  #wake: (() => void) | undefined;
  #connection: RtmpConnection | undefined;
  readonly #stop = new AbortController();
  /** Settles when it has stopped or failed. */
  readonly done: Promise<void>;

  constructor(
    private readonly hub: PushHub<Subscriber>,
    private readonly stream: LiveStream<unknown, Subscriber>,
    /** The destination: `rtmp[s]://host[:port]/app/name[?query]`. */
    readonly url: string,
    options: ConnectOptions & { readonly minDelayMs?: number; readonly maxDelayMs?: number },
  ) {
    super();
    this.#status = new RelayStatus('push', url, stream.key, () => this.dropped);
    const { connectionUrl, streamName } = splitStreamUrl(url);
    this.done = keepConnected(connectionUrl, (connection) => this.#run(connection, streamName), {
      ...options,
      signal: this.#stop.signal,
      onRetry: (error) => this.#status.retrying(error),
    }).then(
      () => this.#status.settle(true),
      (error: unknown) => this.#status.settle(this.#stop.signal.aborted, error),
    );
  }

  get state(): RelayState {
    return this.#status.state;
  }

  get stats(): RelayStats {
    return this.#status.stats;
  }

  get remoteAddress(): string {
    return publicUrl(this.url);
  }

  get queuedBytes(): number {
    return this.#queuedBytes + (this.#connection?.queuedBytes ?? 0);
  }

  /** Stops pushing: the connection closes, nothing is retried. */
  stop(): Promise<void> {
    this.#stop.abort();
    this.#wake?.();
    return this.done;
  }

  encode(): Uint8Array {
    return NOTHING;
  }

  readQueue(_now: number, queue: { bytes: number; backlogSince: number | undefined }): boolean {
    queue.bytes = this.queuedBytes;
    queue.backlogSince = undefined;
    return true;
  }

  deliver(_bytes: Uint8Array, _batch: unknown, message: RawMessage): void {
    this.#enqueue(message);
  }

  send(messages: readonly RawMessage[]): void {
    for (const message of messages) this.#enqueue(message);
  }

  notify(): void {
    // The stream's end stops the push (the server's relays hear of it from the hub).
  }

  /** Over its queue budget too long: this connection goes, a new one starts from the join cache. */
  close(): void {
    void this.#connection?.close();
  }

  #enqueue(message: RawMessage): void {
    this.#queue.push(message);
    this.#queuedBytes += message.payload.length;
    this.#wake?.();
  }

  /** The next queued message; what was written is let go of once it is most of the queue. */
  #take(): RawMessage | undefined {
    if (this.#head === this.#queue.length) {
      this.#queue.length = this.#head = 0; // all written: start over
      return undefined;
    }
    const message = this.#queue[this.#head++]!;
    if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    return message;
  }

  /** One connection: publish, join, then write what comes until the connection or the push ends. */
  async #run(connection: RtmpConnection, name: string): Promise<void> {
    this.#connection = connection;
    const publisher = await connection.publish(name);
    this.#status.enter('live');
    this.#queue.length = 0;
    this.#head = 0;
    this.#queuedBytes = 0;
    this.hub.subscribe(this.stream, this);
    let closed = false;
    const onClosed = connection.closed.then(() => {
      closed = true;
      this.#wake?.();
    });
    try {
      while (!this.#stop.signal.aborted) {
        const message = this.#take();
        if (message === undefined) {
          if (closed)
            throw new RtmpClientError('CLIENT_CONNECTION_CLOSED', 'the destination closed the connection');
          await new Promise<void>((wake) => {
            this.#wake = wake;
          });
          this.#wake = undefined;
          continue;
        }
        this.#queuedBytes -= message.payload.length;
        await write(publisher, message);
        this.#status.relayed(message.payload.length);
      }
    } finally {
      this.hub.unsubscribe(this.stream, this);
      void onClosed;
    }
  }
}

/** One relayed message through the client's publisher (metadata as `@setDataFrame onMetaData`). */
function write(publisher: RtmpPublisher, message: RawMessage): Promise<void> {
  if (message.typeId === 8) return publisher.writeAudio(message.timestamp, message.payload);
  if (message.typeId === 9) return publisher.writeVideo(message.timestamp, message.payload);
  const data = decodeMessage(message);
  if (
    data.type === 'data' &&
    data.name === 'onMetaData' &&
    typeof data.values[0] === 'object' &&
    data.values[0]
  )
    return publisher.setMetadata(data.values[0] as Record<string, unknown>);
  return publisher.writeData(message.timestamp, message.payload);
}
