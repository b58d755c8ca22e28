import { hash } from 'node:crypto';
import type { RawMessage } from '@rtmp/chunk';

/** Bytes of published messages the reference server remembers for its test API, across all streams. */
export const DEFAULT_MESSAGE_LOG_BYTES = 64 * 1024 * 1024;

/**
 * What a summary costs on the heap beside its payload (the object, its hex MD5 string and its two
 * queue slots), measured with `process.memoryUsage().heapUsed` over a million summaries on Node 20:
 * about 140 bytes.
 */
export const MESSAGE_SUMMARY_BYTES = 160;

/** One published audio, video or data message as the reference server remembers it. */
export interface LoggedMessage {
  /** 8 audio, 9 video, 15/18 data. */
  readonly typeId: number;
  readonly streamId: number;
  readonly timestamp: number;
  /** Payload length in bytes. */
  readonly size: number;
  /** MD5 of the payload, lowercase hex. */
  readonly md5: string;
  /** The payload itself, only with `messageLog: { payloads: true }`. */
  readonly payload?: Uint8Array;
}

/** Options of the reference server's message log. */
export interface MessageLogOptions {
  /**
   * The budget across all streams: summaries (and payloads, when kept) are dropped oldest first
   * beyond it. @default {@link DEFAULT_MESSAGE_LOG_BYTES}
   */
  readonly maxBytes?: number;
  /** Keep each message's payload, not only its summary. @default false */
  readonly payloads?: boolean;
}

/** One stream's remembered messages: a queue whose head moves as the oldest are dropped. */
class StreamLog {
  constructor(readonly key: string) {}
  metadata: Record<string, unknown> | undefined;
  readonly records: (LoggedMessage | undefined)[] = [];
  head = 0;
  live = true;

  shift(): LoggedMessage {
    const record = this.records[this.head]!;
    this.records[this.head++] = undefined;
    // Compact now and then so a long stream's array does not keep its dropped slots.
    if (this.head >= 1024 && this.head * 2 >= this.records.length) {
      this.records.splice(0, this.head);
      this.head = 0;
    }
    return record;
  }

  get size(): number {
    return this.records.length - this.head;
  }
}

/**
 * What was published, per stream, bounded in bytes across the whole server: the oldest message of
 * any stream is dropped first, and a stream that has ended and lost all its messages is forgotten.
 */
export class MessageLog {
  readonly maxBytes: number;
  readonly payloads: boolean;
  #bytes = 0;
  #count = 0;
  readonly #streams = new Map<string, StreamLog>();
  /** The stream of every remembered message, oldest first (with a moving head, as in StreamLog). */
  #order: (StreamLog | undefined)[] = [];
  #orderHead = 0;
  readonly #onFirstDrop: () => void;
  #dropped = false;

  /** `onFirstDrop` runs once, when the budget first makes the log drop a message. */
  constructor(options: MessageLogOptions, onFirstDrop: () => void) {
    this.maxBytes = options.maxBytes ?? DEFAULT_MESSAGE_LOG_BYTES;
    this.payloads = options.payloads ?? false;
    this.#onFirstDrop = onFirstDrop;
  }

  /** Bytes held now (summaries at {@link MESSAGE_SUMMARY_BYTES} each, plus payloads kept). */
  get bytes(): number {
    return this.#bytes;
  }

  /** Messages held now, across all streams. */
  get count(): number {
    return this.#count;
  }

  /** A new publish of `key` starts an empty log for it (a republish replaces the old one). */
  started(key: string): void {
    this.#streams.set(key, new StreamLog(key));
  }

  /** The publish of `key` ended; its messages stay until the budget needs their room. */
  ended(key: string): void {
    const stream = this.#streams.get(key);
    if (stream === undefined) return;
    stream.live = false;
    if (stream.size === 0) this.#streams.delete(key);
  }

  metadata(key: string, metadata: Record<string, unknown>): void {
    const stream = this.#streams.get(key);
    if (stream) stream.metadata = metadata;
  }

  add(key: string, message: RawMessage): void {
    const stream = this.#streams.get(key);
    if (stream === undefined) return;
    const cost = MESSAGE_SUMMARY_BYTES + (this.payloads ? message.payload.length : 0);
    if (cost > this.maxBytes) {
      this.#noteDrop(); // larger than the whole budget: not kept at all
      return;
    }
    while (this.#bytes + cost > this.maxBytes) this.#dropOldest();
    stream.records.push({
      typeId: message.typeId,
      streamId: message.streamId,
      timestamp: message.timestamp,
      size: message.payload.length,
      md5: hash('md5', message.payload),
      ...(this.payloads ? { payload: message.payload.slice() } : {}),
    });
    this.#order.push(stream);
    this.#bytes += cost;
    this.#count++;
  }

  /** `key`'s metadata and messages, oldest first, or `undefined` when nothing is remembered of it. */
  get(key: string): { metadata: Record<string, unknown> | undefined; media: LoggedMessage[] } | undefined {
    const stream = this.#streams.get(key);
    if (stream === undefined) return undefined;
    return { metadata: stream.metadata, media: stream.records.slice(stream.head) as LoggedMessage[] };
  }

  /** Keys of the streams remembered, live or ended. */
  keys(): IterableIterator<string> {
    return this.#streams.keys();
  }

  #dropOldest(): void {
    const stream = this.#order[this.#orderHead]!;
    this.#order[this.#orderHead++] = undefined;
    if (this.#orderHead >= 1024 && this.#orderHead * 2 >= this.#order.length) {
      this.#order.splice(0, this.#orderHead);
      this.#orderHead = 0;
    }
    const record = stream.shift();
    this.#bytes -= MESSAGE_SUMMARY_BYTES + (record.payload?.length ?? 0);
    this.#count--;
    // An ended stream that has lost its last message is forgotten (unless republished meanwhile).
    if (!stream.live && stream.size === 0 && this.#streams.get(stream.key) === stream) {
      this.#streams.delete(stream.key);
    }
    this.#noteDrop();
  }

  #noteDrop(): void {
    if (this.#dropped) return;
    this.#dropped = true;
    this.#onFirstDrop();
  }
}
