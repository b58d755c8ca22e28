import { ByteQueue } from './byte-queue';
import {
  ControlMessageType,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MAX_CHUNK_STREAMS,
  DEFAULT_MAX_MESSAGE_LENGTH,
  DEFAULT_MAX_PARTIAL_BYTES,
  DEFAULT_MAX_PARTIAL_STREAMS,
  DEFAULT_MIN_CHUNK_SIZE,
  MAX_MESSAGE_LENGTH,
  MIN_ACKNOWLEDGEMENT_WINDOW,
} from './constants';
import { decodeAbort } from './control/abort';
import { decodeAcknowledgement } from './control/acknowledgement';
import { decodeSetChunkSize } from './control/set-chunk-size';
import { applyPeerBandwidth, decodeSetPeerBandwidth, type PeerBandwidth } from './control/set-peer-bandwidth';
import { decodeWindowAcknowledgementSize } from './control/window-acknowledgement-size';
import { ChunkError } from './errors';
import type { ReceivedMessage } from './raw-message';

/**
 * Whether a fmt-3 chunk repeats the 4-byte extended timestamp of the header it continues. The spec
 * (and FFmpeg, nginx-rtmp, SRS) say yes; OBS's librtmp and go-rtmp say no. `auto` reads the 4 bytes
 * only when they equal the expected value, as SRS does, and so follows either.
 */
export type ExtendedTimestampMode = 'auto' | 'always' | 'never';

/** Limits and compatibility switches of {@link ChunkDecoder}. Every field is optional. */
export interface ChunkDecoderOptions {
  /** Longest message accepted. @default 8 MiB ({@link DEFAULT_MAX_MESSAGE_LENGTH}) */
  readonly maxMessageLength?: number;
  /** Most bytes held in partial messages (by declared length) at once. @default 16 MiB ({@link DEFAULT_MAX_PARTIAL_BYTES}) */
  readonly maxPartialBytes?: number;
  /** Most chunk streams with a message in progress at once. @default 8 ({@link DEFAULT_MAX_PARTIAL_STREAMS}) */
  readonly maxPartialStreams?: number;
  /** Most chunk streams with header state. @default 256 ({@link DEFAULT_MAX_CHUNK_STREAMS}) */
  readonly maxChunkStreams?: number;
  /** Smallest Set Chunk Size accepted from the peer; the spec allows 1. @default 128 ({@link DEFAULT_MIN_CHUNK_SIZE}) */
  readonly minChunkSize?: number;
  /** Extended timestamps on fmt-3 chunks. @default 'auto' */
  readonly extendedTimestamp?: ExtendedTimestampMode;
  /**
   * Assemble multi-chunk messages in one buffer per chunk stream, reused from message to message,
   * instead of a fresh buffer each time: a payload is then only valid until the next message
   * completes on the same chunk stream. For relays that copy (or encode) each message right away;
   * it skips an allocation per message, which costs more than the copy itself (bench/chunk.bench.ts).
   * Buffers larger than 1 MiB are never kept.
   * @default false
   */
  readonly reusePayloadBuffers?: boolean;
}

/** Header state of one chunk stream, and its message in progress (RTMP 1.0 §5.3.1.2). */
class ChunkStream {
  typeId = 0;
  streamId = 0;
  length = 0;
  /** Timestamp of the latest message started on this chunk stream. */
  timestamp = 0;
  /** Last delta; after a fmt-0 header, that header's timestamp (RTMP 1.0 §5.3.1.2.4). */
  delta = 0;
  /** Whether the latest fmt 0/1/2 header used the extended field, and its value. */
  extended = false;
  extendedValue = 0;
  /** The message being assembled, allocated once at its declared length; unset between messages. */
  buffer: Uint8Array | undefined = undefined;
  received = 0;
  /** With `reusePayloadBuffers`: the last message's buffer, reused when the next one fits. */
  spare: Uint8Array | undefined = undefined;

  constructor(readonly id: number) {}
}

/** Message header size by fmt (RTMP 1.0 §5.3.1.2). */
const MESSAGE_HEADER_SIZE = [11, 7, 3, 0] as const;
/** Basic header (3) + message header (11) + extended timestamp (4). */
const MAX_HEADER_SIZE = 18;
const EMPTY = new Uint8Array(0);
/** Largest buffer kept for reuse per chunk stream (`reusePayloadBuffers`). */
const MAX_SPARE_SIZE = 1024 * 1024;

/**
 * Reassembles RTMP messages from a chunk stream (RTMP 1.0 §5.3), sans-IO. Feed it bytes split
 * anywhere with {@link ChunkDecoder.push}, then pull messages with {@link ChunkDecoder.next} until
 * it returns `undefined`.
 *
 * Protocol control messages are applied by the decoder itself as they complete, before the next
 * chunk header is read: Set Chunk Size (even when more chunks follow in the same input), Abort,
 * Window Acknowledgement Size (see {@link ChunkDecoder.takeAcknowledgement}) and Set Peer Bandwidth.
 * They are still returned, so the caller can log or answer them.
 *
 * Payloads are views of the input when a message arrived in one chunk, in one input buffer:
 * don't reuse input buffers you have pushed (Node sockets never do). Messages split across chunks
 * are assembled into a buffer of their own.
 *
 * After a {@link ChunkError} the stream cannot be resynchronised: every later call throws it again.
 *
 * @example
 * ```ts
 * const decoder = new ChunkDecoder();
 * socket.on('data', (bytes) => {
 *   decoder.push(bytes);
 *   for (let message = decoder.next(); message; message = decoder.next()) handle(message);
 * });
 * ```
 */
export class ChunkDecoder {
  #maxMessageLength: number;
  readonly #maxPartialBytes: number;
  readonly #maxPartialStreams: number;
  readonly #maxChunkStreams: number;
  readonly #minChunkSize: number;
  readonly #extendedMode: ExtendedTimestampMode;
  readonly #reuse: boolean;

  readonly #queue = new ByteQueue();
  readonly #scratch = new Uint8Array(MAX_HEADER_SIZE);
  /** Chunk streams below 64 by id (the common case), the rest in a map. */
  readonly #low: Array<ChunkStream | undefined> = new Array(64).fill(undefined);
  readonly #high = new Map<number, ChunkStream>();
  #streamCount = 0;
  #partialStreams = 0;
  #partialBytes = 0;

  #chunkSize = DEFAULT_CHUNK_SIZE;
  /** The chunk whose data is being read, and how much of it is left. */
  #chunk: ChunkStream | undefined;
  #chunkLeft = 0;
  /** A message completed while reading a header (zero-length or zero-copy). */
  #ready: ReceivedMessage | undefined;
  #chunkOffset = 0;
  #consumed = 0;
  #extendedTimestampOmissions = 0;
  #received = 0;
  #acknowledged = 0;
  #window: number | undefined;
  #peerBandwidth: PeerBandwidth | undefined;
  #peerAcknowledged: number | undefined;
  #failed: ChunkError | undefined;

  constructor(options: ChunkDecoderOptions = {}) {
    this.#maxMessageLength = options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
    this.#maxPartialBytes = options.maxPartialBytes ?? DEFAULT_MAX_PARTIAL_BYTES;
    this.#maxPartialStreams = options.maxPartialStreams ?? DEFAULT_MAX_PARTIAL_STREAMS;
    this.#maxChunkStreams = options.maxChunkStreams ?? DEFAULT_MAX_CHUNK_STREAMS;
    this.#minChunkSize = options.minChunkSize ?? DEFAULT_MIN_CHUNK_SIZE;
    this.#extendedMode = options.extendedTimestamp ?? 'auto';
    this.#reuse = options.reusePayloadBuffers ?? false;
  }

  /** The peer's current chunk size (128 until it sends Set Chunk Size). */
  /**
   * The longest message accepted from now on (messages already in progress keep their check). A
   * server lowers it until a peer is authorized, e.g. to 64 KiB for commands only.
   */
  get maxMessageLength(): number {
    return this.#maxMessageLength;
  }

  set maxMessageLength(length: number) {
    this.#maxMessageLength = length;
  }

  get chunkSize(): number {
    return this.#chunkSize;
  }

  /**
   * fmt-3 chunks that did not repeat their message's extended timestamp (read as payload in
   * `'auto'` mode): legal by the 2012 spec's letter, a known cause of corrupt streams in peers that
   * expect it (Flash, FFmpeg). Reported by conformance checks.
   */
  get extendedTimestampOmissions(): number {
    return this.#extendedTimestampOmissions;
  }

  /** Bytes pushed so far. */
  get bytesReceived(): number {
    return this.#received;
  }

  /** Bytes pushed but not parsed yet (at most one chunk header plus what the caller pushed). */
  get bufferedBytes(): number {
    return this.#queue.length;
  }

  /** Bytes held in partial messages (their declared lengths). */
  get partialBytes(): number {
    return this.#partialBytes;
  }

  /** The window the peer asked us to acknowledge after, if it sent one (at least 4096). */
  get windowAcknowledgementSize(): number | undefined {
    return this.#window;
  }

  /** The limit the peer set with Set Peer Bandwidth, if any. */
  get peerBandwidth(): PeerBandwidth | undefined {
    return this.#peerBandwidth;
  }

  /** The sequence number of the peer's latest Acknowledgement (bytes of ours it has, modulo 2^32), if any. */
  get peerAcknowledged(): number | undefined {
    return this.#peerAcknowledged;
  }

  /** Adds received bytes. Nothing is parsed until {@link ChunkDecoder.next}. */
  push(bytes: Uint8Array): void {
    if (this.#failed) throw this.#failed;
    // A plain view of a Buffer: its subarrays are much cheaper to make than Buffer ones.
    this.#queue.push(
      bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
    );
    this.#received += bytes.length;
  }

  /**
   * The next complete message, or `undefined` when more bytes are needed. Control messages are
   * applied before this returns, so the next call already parses with, say, the new chunk size.
   * @throws {@link ChunkError} on a protocol violation or a limit; the decoder is then unusable.
   */
  next(): ReceivedMessage | undefined {
    if (this.#failed) throw this.#failed;
    try {
      const message = this.#next();
      if (message !== undefined && message.typeId <= ControlMessageType.SetPeerBandwidth)
        this.#apply(message);
      return message;
    } catch (error) {
      if (ChunkError.isInstance(error)) this.#failed = error;
      throw error;
    }
  }

  /** Pushes `bytes` and returns every message now complete. */
  decode(bytes: Uint8Array): ReceivedMessage[] {
    this.push(bytes);
    const messages: ReceivedMessage[] = [];
    for (let message = this.next(); message !== undefined; message = this.next()) messages.push(message);
    return messages;
  }

  /**
   * The sequence number to send in an Acknowledgement, once the bytes received since the last one
   * reach the peer's window (RTMP 1.0 §5.4.3); otherwise `undefined`. Counts every byte pushed,
   * modulo 2^32 on the wire.
   */
  takeAcknowledgement(): number | undefined {
    if (this.#window === undefined || this.#received - this.#acknowledged < this.#window) return undefined;
    this.#acknowledged = this.#received;
    return this.#received % 0x1_0000_0000;
  }

  // --- parsing -----------------------------------------------------------------------------------

  #next(): ReceivedMessage | undefined {
    for (;;) {
      const stream = this.#chunk;
      if (stream === undefined) {
        if (!this.#readHeader()) return undefined;
        const ready = this.#ready;
        if (ready !== undefined) {
          this.#ready = undefined;
          return ready;
        }
        continue;
      }
      const copied = this.#queue.takeInto(stream.buffer!, stream.received, this.#chunkLeft);
      stream.received += copied;
      this.#chunkLeft -= copied;
      this.#consumed += copied;
      if (this.#chunkLeft > 0) return undefined;
      if (stream.received === stream.length) {
        this.#chunk = undefined;
        return this.#complete(stream);
      }
      // The common case, a one-byte fmt-3 header continuing this very message: take it here rather
      // than through the general parser. (Extended timestamps take the general path.)
      const head = this.#queue.head;
      if (
        stream.id < 64 &&
        !stream.extended &&
        head !== undefined &&
        head[this.#queue.cursor] === (0xc0 | stream.id)
      ) {
        this.#chunkOffset = this.#consumed;
        this.#queue.skip(1);
        this.#consumed++;
        this.#chunkLeft = Math.min(this.#chunkSize, stream.length - stream.received);
        continue;
      }
      this.#chunk = undefined;
    }
  }

  /** Parses one chunk header if it is all there; returns false (consuming nothing) otherwise. */
  #readHeader(): boolean {
    const queue = this.#queue;
    const available = queue.length;
    if (available === 0) return false;
    // Parse in place when the header cannot straddle input buffers; else from a small copy.
    let bytes = queue.head!;
    let at = queue.cursor;
    let have = queue.contiguous;
    if (have < MAX_HEADER_SIZE && have < available) {
      have = queue.peekInto(this.#scratch, MAX_HEADER_SIZE);
      bytes = this.#scratch;
      at = 0;
    }

    // Basic header (RTMP 1.0 §5.3.1.1): fmt in the top 2 bits, then a 1-, 2- or 3-byte csid.
    const first = bytes[at]!;
    const fmt = first >> 6;
    let id = first & 0x3f;
    let size = 1;
    if (id === 0) {
      if (have < 2) return false;
      id = 64 + bytes[at + 1]!;
      size = 2;
    } else if (id === 1) {
      if (have < 3) return false;
      id = 64 + bytes[at + 1]! + (bytes[at + 2]! << 8); // the 16-bit value is little-endian
      size = 3;
    }
    const fields = at + size;
    size += MESSAGE_HEADER_SIZE[fmt as 0 | 1 | 2 | 3];
    if (have < size) return false;

    let stream = id < 64 ? this.#low[id] : this.#high.get(id);
    if (stream === undefined && fmt >= 2) {
      // librtmp may open a chunk stream with fmt 1 (tolerated below); fmt 2/3 have nothing to inherit.
      throw new ChunkError(
        'CHUNK_NO_PREVIOUS_HEADER',
        `fmt ${fmt} on a chunk stream with no previous header`,
        this.#consumed,
        id,
      );
    }
    const field = fmt <= 2 ? (bytes[fields]! << 16) | (bytes[fields + 1]! << 8) | bytes[fields + 2]! : 0;
    // RTMP 1.0 §5.3.1.3: a 24-bit field of 0xFFFFFF means a 4-byte extended timestamp follows.
    let extended = fmt <= 2 ? field === 0xffffff : stream!.extended && this.#extendedMode !== 'never';
    let extendedValue = 0;
    if (extended) {
      if (have < size + 4) return false;
      const value =
        ((bytes[at + size]! << 24) |
          (bytes[at + size + 1]! << 16) |
          (bytes[at + size + 2]! << 8) |
          bytes[at + size + 3]!) >>>
        0;
      if (fmt === 3 && this.#extendedMode === 'auto' && value !== stream!.extendedValue) {
        extended = false; // a peer that does not repeat it: these 4 bytes are payload
        this.#extendedTimestampOmissions++;
      } else {
        extendedValue = value;
        size += 4;
      }
    }

    // The header is complete: from here on, commit.
    const offset = this.#consumed;
    this.#chunkOffset = offset;
    if (stream === undefined) stream = this.#createStream(id, offset);
    const inProgress = stream.buffer !== undefined;
    if (fmt <= 1) {
      const length = (bytes[fields + 3]! << 16) | (bytes[fields + 4]! << 8) | bytes[fields + 5]!;
      const typeId = bytes[fields + 6]!;
      if (inProgress) {
        if (fmt === 0) {
          throw new ChunkError(
            'CHUNK_UNEXPECTED_NEW_MESSAGE',
            'fmt 0 while a message is in progress',
            offset,
            id,
          );
        }
        if (length !== stream.length || typeId !== stream.typeId) {
          throw new ChunkError(
            'CHUNK_LENGTH_MISMATCH',
            `a header changes the message in progress from ${stream.length} to ${length} bytes`,
            offset,
            id,
          );
        }
      }
      stream.length = length;
      stream.typeId = typeId;
      if (fmt === 0) {
        stream.streamId =
          (bytes[fields + 7]! |
            (bytes[fields + 8]! << 8) |
            (bytes[fields + 9]! << 16) |
            (bytes[fields + 10]! << 24)) >>>
          0;
      }
    }
    queue.skip(size);
    this.#consumed += size;

    if (!inProgress) {
      // A new message: work out its timestamp (RTMP 1.0 §5.3.1.2).
      const value = extended ? extendedValue : field;
      if (fmt === 0) {
        stream.timestamp = value;
        stream.delta = value;
      } else if (fmt <= 2) {
        stream.delta = value;
        stream.timestamp = (stream.timestamp + value) >>> 0;
      } else {
        stream.timestamp = (stream.timestamp + stream.delta) >>> 0;
      }
      if (fmt <= 2) {
        stream.extended = extended;
        stream.extendedValue = extendedValue;
      }
      if (stream.length > this.#maxMessageLength) {
        throw new ChunkError(
          'CHUNK_MESSAGE_TOO_LONG',
          `a message of ${stream.length} bytes exceeds maxMessageLength ${this.#maxMessageLength}`,
          offset,
          id,
        );
      }
      if (stream.length === 0) {
        this.#ready = this.#message(stream, EMPTY);
        return true;
      }
      // One chunk, one input buffer: the payload is a view of the input, no copy.
      if (stream.length <= this.#chunkSize && queue.contiguous >= stream.length) {
        this.#ready = this.#message(stream, queue.takeView(stream.length)!);
        this.#consumed += stream.length;
        return true;
      }
      this.#startPartial(stream, offset);
    }
    this.#chunk = stream;
    this.#chunkLeft = Math.min(this.#chunkSize, stream.length - stream.received);
    return true;
  }

  #createStream(id: number, offset: number): ChunkStream {
    if (this.#streamCount >= this.#maxChunkStreams) {
      throw new ChunkError(
        'CHUNK_TOO_MANY_STREAMS',
        `more than maxChunkStreams ${this.#maxChunkStreams} chunk streams`,
        offset,
        id,
      );
    }
    const stream = new ChunkStream(id);
    if (id < 64) this.#low[id] = stream;
    else this.#high.set(id, stream);
    this.#streamCount++;
    return stream;
  }

  /** Allocates the message buffer, once, within the partial-message budget. */
  #startPartial(stream: ChunkStream, offset: number): void {
    if (this.#partialStreams >= this.#maxPartialStreams) {
      throw new ChunkError(
        'CHUNK_TOO_MANY_PARTIAL_STREAMS',
        `more than maxPartialStreams ${this.#maxPartialStreams} messages in progress`,
        offset,
        stream.id,
      );
    }
    if (this.#partialBytes + stream.length > this.#maxPartialBytes) {
      throw new ChunkError(
        'CHUNK_PARTIAL_BUDGET_EXCEEDED',
        `partial messages would hold ${this.#partialBytes + stream.length} bytes, over maxPartialBytes ${this.#maxPartialBytes}`,
        offset,
        stream.id,
      );
    }
    this.#partialStreams++;
    this.#partialBytes += stream.length;
    const spare = stream.spare;
    stream.buffer =
      spare !== undefined && spare.buffer.byteLength >= stream.length
        ? new Uint8Array(spare.buffer, 0, stream.length)
        : new Uint8Array(stream.length);
    stream.received = 0;
  }

  #dropPartial(stream: ChunkStream): void {
    if (stream.buffer === undefined) return;
    this.#partialStreams--;
    this.#partialBytes -= stream.length;
    stream.buffer = undefined;
    stream.received = 0;
  }

  #complete(stream: ChunkStream): ReceivedMessage {
    const payload = stream.buffer!;
    if (this.#reuse && payload.buffer.byteLength <= MAX_SPARE_SIZE) stream.spare = payload;
    this.#dropPartial(stream);
    return this.#message(stream, payload);
  }

  #message(stream: ChunkStream, payload: Uint8Array): ReceivedMessage {
    return {
      typeId: stream.typeId,
      streamId: stream.streamId,
      timestamp: stream.timestamp,
      payload,
      chunkStreamId: stream.id,
    };
  }

  /** Applies a protocol control message (RTMP 1.0 §5.4), whatever chunk or message stream it came on. */
  #apply(message: ReceivedMessage): void {
    const offset = this.#chunkOffset;
    switch (message.typeId) {
      case ControlMessageType.SetChunkSize: {
        const size = decodeSetChunkSize(message.payload, offset);
        if (size < this.#minChunkSize) {
          throw new ChunkError(
            'CHUNK_SIZE_TOO_SMALL',
            `Set Chunk Size ${size} is below minChunkSize ${this.#minChunkSize}`,
            offset,
          );
        }
        // No chunk can be larger than a message; and nothing is ever sized by the chunk size.
        this.#chunkSize = Math.min(size, MAX_MESSAGE_LENGTH);
        return;
      }
      case ControlMessageType.Abort: {
        const id = decodeAbort(message.payload, offset);
        const stream = id < 64 ? this.#low[id] : this.#high.get(id);
        if (stream !== undefined) this.#dropPartial(stream);
        return;
      }
      case ControlMessageType.Acknowledgement:
        this.#peerAcknowledged = decodeAcknowledgement(message.payload, offset);
        return;
      case ControlMessageType.WindowAcknowledgementSize:
        this.#window = Math.max(
          decodeWindowAcknowledgementSize(message.payload, offset),
          MIN_ACKNOWLEDGEMENT_WINDOW,
        );
        return;
      case ControlMessageType.SetPeerBandwidth:
        this.#peerBandwidth = applyPeerBandwidth(
          this.#peerBandwidth,
          decodeSetPeerBandwidth(message.payload, offset),
        );
        return;
    }
  }
}
