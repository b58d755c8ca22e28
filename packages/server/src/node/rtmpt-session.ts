import { Duplex } from 'node:stream';

/** First byte of every RTMPT response: how long the client may wait before polling again (Red5 doubles it while idle). */
const FASTEST_POLL = 0x01;
const SLOWEST_POLL = 0x21;

/**
 * One RTMPT session (RTMP tunnelled over HTTP requests), shaped like the `node:net` socket an
 * {@link RtmpConnection} expects: what the client POSTs to `/send` is read from it, what the
 * connection writes waits here until the next response (`/send` or `/idle`) carries it.
 *
 * Past `maxPendingBytes` waiting for the client, writes are held back: `write()` returns false and
 * `'drain'` comes once a response took them, so a client that stops polling is a slow consumer
 * like any other.
 */
export class RtmptSession extends Duplex {
  /** The random id in the request paths. */
  readonly id: string;
  readonly remoteAddress: string;
  bytesRead = 0;
  #bytesWritten = 0;
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** The write held while over the budget. */
  #held: (() => void) | undefined;
  #poll = FASTEST_POLL;

  constructor(
    id: string,
    remoteAddress: string,
    private readonly maxPendingBytes: number,
  ) {
    super({ allowHalfOpen: false });
    this.id = id;
    this.remoteAddress = remoteAddress;
  }

  get bytesWritten(): number {
    return this.#bytesWritten;
  }

  /** Bytes waiting for the client's next request. */
  get pendingBytes(): number {
    return this.#pendingBytes;
  }

  override _read(): void {}

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    this.#bytesWritten += chunk.length;
    if (this.#pendingBytes > this.maxPendingBytes) this.#held = done;
    else done();
  }

  /** RTMP bytes the client sent in a `/send` request. */
  receive(body: Buffer): void {
    if (body.length === 0 || this.destroyed) return;
    this.bytesRead += body.length;
    this.push(body);
  }

  /** A response's body: the polling hint, then every byte waiting for the client. */
  respond(): Buffer {
    const data = this.#pending;
    this.#poll = data.length > 0 ? FASTEST_POLL : Math.min(SLOWEST_POLL, this.#poll * 2 + 1);
    this.#pending = [];
    this.#pendingBytes = 0;
    const held = this.#held;
    this.#held = undefined;
    held?.();
    return Buffer.concat([Buffer.of(this.#poll), ...data]);
  }

  // What RtmpConnection calls on a net.Socket, meaningless for a tunnel.
  setNoDelay(): this {
    return this;
  }

  resetAndDestroy(): this {
    return this.destroy();
  }
}
