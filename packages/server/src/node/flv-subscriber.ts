import type { Socket } from 'node:net';
import type { RawMessage } from '@rtmp/chunk';
import { encodeFlvHeader, encodeFlvTag, messageToFlvTag } from '@rtmp/flv';
import { SubscriberAdmission } from '../admission';
import type { Subscriber } from '../subscriber';
import { type HeldWrites, WriteBatcher } from './write-batcher';

/** Where an FLV viewer's bytes go: an HTTP response or a WebSocket. */
export interface FlvSink {
  /** How this kind of sink carries FLV bytes: every sink of a kind takes the same bytes per message. */
  readonly framing: FlvFraming;
  /** Writes bytes; false when they had to be queued (the peer is behind). */
  write(bytes: Uint8Array): boolean;
  /** Bytes queued, not yet handed to the OS. */
  readonly queuedBytes: number;
  /** Ends the stream cleanly (the publisher left). */
  end(): void;
  /** Drops the viewer (too slow for too long). */
  destroy(): void;
  /** The socket under it, corked while a publisher's read is fanned out (one writev per viewer). */
  readonly socket?: Socket;
}

/** The bytes an FLV viewer kind sends for FLV bytes: a subscriber encoding shared by that kind. */
export interface FlvFraming {
  /** The {@link Subscriber.encoding} of every viewer of this kind (apart from RTMP encodings). */
  readonly encoding: number;
  /** FLV bytes as this kind's sink writes them. */
  frame(flv: Uint8Array): Uint8Array;
}

/** HTTP-FLV: the response's chunked encoding frames each write, so the FLV bytes go as they are. */
export const RAW_FLV: FlvFraming = { encoding: -(2 ** 40), frame: (flv) => flv };

const EMPTY = new Uint8Array(0);

/** The FLV tag of a message as one piece (WebSocket frames and HTTP chunks carry whole tags). */
export function flvTagBytes(message: RawMessage): Uint8Array {
  const tag = messageToFlvTag(message);
  if (tag === undefined) return EMPTY;
  const [head, body, tail] = encodeFlvTag(tag) as [Uint8Array, Uint8Array, Uint8Array];
  const bytes = new Uint8Array(head.length + body.length + tail.length);
  bytes.set(head, 0);
  bytes.set(body, head.length);
  bytes.set(tail, head.length + body.length);
  return bytes;
}

/**
 * An HTTP-FLV or WebSocket-FLV viewer of a live stream: the FLV header, then the join sequence and
 * live tags, each tag built (and framed) once per message for every FLV viewer of a kind. The admission policy reads its
 * queue like an RTMP player's (bytes, and how long it has not drained).
 */
export class FlvSubscriber extends SubscriberAdmission implements Subscriber<HeldWrites | undefined> {
  readonly encoding: number;
  /** When a write last had to be queued, if the sink has not drained since. */
  backlogSince: number | undefined;

  constructor(
    private readonly sink: FlvSink,
    readonly remoteAddress: string,
    stream: { readonly keyed: boolean; readonly hasAudio: boolean; readonly hasVideo: boolean },
  ) {
    super(stream.keyed);
    this.encoding = sink.framing.encoding;
    sink.write(sink.framing.frame(encodeFlvHeader(stream)));
  }

  get queuedBytes(): number {
    return this.sink.queuedBytes;
  }

  encode(message: RawMessage): Uint8Array {
    const tag = flvTagBytes(message);
    return tag.length === 0 ? tag : this.sink.framing.frame(tag);
  }

  readQueue(_now: number, queue: { bytes: number; backlogSince: number | undefined }): boolean {
    queue.bytes = this.sink.queuedBytes;
    queue.backlogSince = this.backlogSince;
    return true;
  }

  deliver(bytes: Uint8Array, held?: HeldWrites): void {
    if (bytes.length === 0) return;
    if (held !== undefined && this.sink.socket !== undefined) WriteBatcher.cork(held, this.sink.socket);
    // Behind since the first write that had to queue; caught up at the first that did not.
    if (this.sink.write(bytes)) this.backlogSince = undefined;
    else this.backlogSince ??= Date.now();
  }

  send(messages: readonly RawMessage[]): void {
    for (const message of messages) this.deliver(this.encode(message));
  }

  notify(event: 'unpublished' | 'published'): void {
    if (event === 'unpublished') this.sink.end(); // an FLV stream has one publisher: it ends with it
  }

  close(): void {
    this.sink.destroy();
  }
}
