import type { Socket } from 'node:net';
import type { RawMessage } from '@rtmp/chunk';
import { SubscriberAdmission } from '../admission';
import { RtmpServerError } from '../errors';
import type { ServerSession } from '../server-session';
import type { Subscriber } from '../subscriber';
import { type HeldWrites, WriteBatcher } from './write-batcher';

/** What an RTMP subscriber needs of its connection. */
export interface SubscriberConnection {
  readonly address: string;
  readonly socket: Socket;
  readonly session: ServerSession;
  /** When its socket's queue last went over the high-water mark, if it has not drained since. */
  readonly backlogSince: number | undefined;
  /** Whether it may be sent more under the peer's Set Peer Bandwidth limit. */
  flow(now: number): 'open' | 'full' | 'stalled';
  writeBytes(bytes: Uint8Array): void;
  write(pieces: readonly Uint8Array[]): void;
  fail(error: RtmpServerError): void;
  close(): void;
}

/** An RTMP player of a live stream: one message stream of one connection. */
export class RtmpSubscriber extends SubscriberAdmission implements Subscriber<HeldWrites> {
  constructor(
    readonly connection: SubscriberConnection,
    readonly streamId: number,
    /** Whether its stream has a keyframe to start from; if not, video waits for one. */
    keyed: boolean,
    private readonly peerAcknowledgementTimeoutMs: number,
  ) {
    super(keyed);
  }

  get remoteAddress(): string {
    return this.connection.address;
  }

  get queuedBytes(): number {
    return this.connection.socket.writableLength;
  }

  get encoding(): number {
    return this.streamId * 2 ** 32 + this.connection.session.encoder.chunkSize;
  }

  encode(message: RawMessage): Uint8Array {
    return this.connection.session.encodeMedia({ ...message, streamId: this.streamId });
  }

  readQueue(now: number, queue: { bytes: number; backlogSince: number | undefined }): boolean {
    const flow = this.connection.flow(now);
    if (flow === 'stalled') {
      this.connection.fail(
        new RtmpServerError(
          'SERVER_PEER_UNACKNOWLEDGED',
          `a player limited what it receives (Set Peer Bandwidth) and acknowledged nothing for ${this.peerAcknowledgementTimeoutMs} ms (option peerAcknowledgementTimeoutMs)`,
        ),
      );
      return false;
    }
    // A full window counts as a queue over budget: media waits (and resumes at a keyframe).
    queue.bytes = flow === 'full' ? Number.POSITIVE_INFINITY : this.connection.socket.writableLength;
    queue.backlogSince = this.connection.backlogSince;
    return true;
  }

  deliver(bytes: Uint8Array, held: HeldWrites): void {
    WriteBatcher.cork(held, this.connection.socket);
    this.connection.writeBytes(bytes);
  }

  send(messages: readonly RawMessage[]): void {
    for (const message of messages) this.connection.write([this.encode(message)]);
  }

  notify(event: 'unpublished' | 'published'): void {
    this.connection.write(this.connection.session.notify(this.streamId, event));
  }

  close(): void {
    this.connection.close();
  }
}
