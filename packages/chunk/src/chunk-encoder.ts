import {
  CONTROL_CHUNK_STREAM_ID,
  DEFAULT_CHUNK_SIZE,
  MAX_CHUNK_STREAM_ID,
  MAX_MESSAGE_LENGTH,
  MIN_CHUNK_STREAM_ID,
} from './constants';
import { checkChunkSize, encodeSetChunkSize } from './control/set-chunk-size';
import type { RawMessage } from './raw-message';
import { timestampDiff } from './timestamp';

/** Settings of {@link ChunkEncoder}. Every field is optional. */
export interface ChunkEncoderOptions {
  /** Outgoing chunk size to start with; change it later with {@link ChunkEncoder.setChunkSize}. @default 128 */
  readonly chunkSize?: number;
  /**
   * Repeat the 4-byte extended timestamp on fmt-3 chunks, as RTMP 1.0 §5.3.1.3 says and FFmpeg,
   * nginx-rtmp and SRS expect. Turn off only for a peer that reads fmt 3 the librtmp way.
   * @default true
   */
  readonly extendedTimestampOnType3?: boolean;
}

/** What the encoder remembers of the last message on one chunk stream. */
interface SentState {
  streamId: number;
  typeId: number;
  length: number;
  timestamp: number;
  delta: number;
  /** The last header was fmt 0: peers disagree on the delta a fmt 3 would repeat, so send fmt 2. */
  afterType0: boolean;
}

/** Header slices are carved from slabs this big; a slab is never reused once handed out. */
const SLAB_SIZE = 1024;
const EXTENDED = 0xffffff;

/**
 * Splits RTMP messages into chunks (RTMP 1.0 §5.3), sans-IO. Each call returns the bytes to write
 * as a list of pieces: small header slices plus views of the message payload (never copied), to be
 * written together (`socket.cork()`/`uncork()` or `writev`).
 *
 * Per chunk stream it picks the smallest header: fmt 0 for the first message, a new message stream
 * or a timestamp going backwards; fmt 1 when the length or type changes; fmt 2 when only the
 * timestamp delta changes; fmt 3 when nothing does. Timestamps wrap at 2^32 and never throw.
 *
 * @example
 * ```ts
 * const encoder = new ChunkEncoder();
 * socket.cork();
 * for (const piece of encoder.setChunkSize(4096)) socket.write(piece);
 * for (const piece of encoder.encode({ typeId: 9, streamId: 1, timestamp: 40, payload }, 6)) socket.write(piece);
 * socket.uncork();
 * ```
 */
export class ChunkEncoder {
  readonly #extendedOnType3: boolean;
  #chunkSize: number;
  readonly #sent = new Map<number, SentState>();
  #slab = new Uint8Array(SLAB_SIZE);
  #slabUsed = 0;

  constructor(options: ChunkEncoderOptions = {}) {
    this.#chunkSize = Math.min(checkChunkSize(options.chunkSize ?? DEFAULT_CHUNK_SIZE), MAX_MESSAGE_LENGTH);
    this.#extendedOnType3 = options.extendedTimestampOnType3 ?? true;
  }

  /** The current outgoing chunk size. */
  get chunkSize(): number {
    return this.#chunkSize;
  }

  /**
   * Announces a new outgoing chunk size and switches to it: returns the Set Chunk Size message
   * (chunk stream 2) to send; every message encoded afterwards uses the new size. Call it between
   * messages, like every other encode.
   * @throws RangeError unless 1 ≤ size ≤ 2^31 - 1.
   */
  setChunkSize(size: number): Uint8Array[] {
    const pieces = this.encode(encodeSetChunkSize(size), CONTROL_CHUNK_STREAM_ID);
    // Chunks are never bigger than a message can be, whatever was announced.
    this.#chunkSize = Math.min(size, MAX_MESSAGE_LENGTH);
    return pieces;
  }

  /**
   * Chunks one message on `chunkStreamId` (2-65599; 2 is for control messages, and nginx-rtmp
   * rejects 32 and above by default).
   * @returns the pieces to write, in order. Payload pieces are views of `message.payload`.
   * @throws RangeError for a chunk stream id out of range or a payload over 16,777,215 bytes.
   */
  encode(message: RawMessage, chunkStreamId: number): Uint8Array[] {
    if (
      !Number.isInteger(chunkStreamId) ||
      chunkStreamId < MIN_CHUNK_STREAM_ID ||
      chunkStreamId > MAX_CHUNK_STREAM_ID
    ) {
      throw new RangeError(`chunk stream id must be an integer in 2..65599, got ${chunkStreamId}`);
    }
    const { payload } = message;
    const length = payload.length;
    if (length > MAX_MESSAGE_LENGTH) {
      throw new RangeError(`a message carries at most ${MAX_MESSAGE_LENGTH} bytes, got ${length}`);
    }
    const timestamp = message.timestamp >>> 0;
    const streamId = message.streamId >>> 0;
    const typeId = message.typeId & 0xff;

    // Choose the header (RTMP 1.0 §5.3.1.2).
    let state = this.#sent.get(chunkStreamId);
    let fmt: 0 | 1 | 2 | 3 = 0;
    let delta = 0;
    if (
      state !== undefined &&
      state.streamId === streamId &&
      timestampDiff(timestamp, state.timestamp) >= 0
    ) {
      delta = (timestamp - state.timestamp) >>> 0;
      if (typeId !== state.typeId || length !== state.length) fmt = 1;
      else if (delta !== state.delta || state.afterType0) fmt = 2;
      else fmt = 3;
    }
    const field = fmt === 0 ? timestamp : delta;
    const extended = field >= EXTENDED;

    const basicSize = chunkStreamId < 64 ? 1 : chunkStreamId < 320 ? 2 : 3;
    const first = this.#slice(
      basicSize + [11, 7, 3, 0][fmt]! + (extended && (fmt < 3 || this.#extendedOnType3) ? 4 : 0),
    );
    let at = writeBasicHeader(first, fmt, chunkStreamId);
    if (fmt <= 2) at = writeU24(first, at, extended ? EXTENDED : field);
    if (fmt <= 1) {
      at = writeU24(first, at, length);
      first[at++] = typeId;
    }
    if (fmt === 0) {
      // The one little-endian field in RTMP.
      first[at++] = streamId & 0xff;
      first[at++] = (streamId >>> 8) & 0xff;
      first[at++] = (streamId >>> 16) & 0xff;
      first[at++] = streamId >>> 24;
    }
    if (at < first.length) writeU32(first, at, field);

    if (state === undefined) {
      state = { streamId, typeId, length, timestamp, delta: 0, afterType0: false };
      this.#sent.set(chunkStreamId, state);
    }
    state.streamId = streamId;
    state.typeId = typeId;
    state.length = length;
    state.timestamp = timestamp;
    state.delta = fmt === 0 ? timestamp : delta;
    state.afterType0 = fmt === 0;

    const chunkSize = this.#chunkSize;
    if (length <= chunkSize) return length === 0 ? [first] : [first, payload];
    // Continuation chunks all share one fmt-3 header (identical bytes), so one slice serves them all.
    const continuation = this.#slice(basicSize + (extended && this.#extendedOnType3 ? 4 : 0));
    const next = writeBasicHeader(continuation, 3, chunkStreamId);
    if (next < continuation.length) writeU32(continuation, next, field);
    const pieces: Uint8Array[] = [first, payload.subarray(0, chunkSize)];
    for (let offset = chunkSize; offset < length; offset += chunkSize) {
      pieces.push(continuation, payload.subarray(offset, offset + chunkSize));
    }
    return pieces;
  }

  /** `size` bytes of header space that nobody else will ever write to. */
  #slice(size: number): Uint8Array {
    if (this.#slabUsed + size > this.#slab.length) {
      this.#slab = new Uint8Array(SLAB_SIZE);
      this.#slabUsed = 0;
    }
    const slice = this.#slab.subarray(this.#slabUsed, this.#slabUsed + size);
    this.#slabUsed += size;
    return slice;
  }
}

/**
 * One message as chunks whose headers depend on nothing sent before: a fmt-0 header, then fmt-3
 * continuations, in one contiguous buffer. A server encodes each published message this way once
 * and writes the same bytes to every player, whatever each has received before; use chunk stream
 * ids that the connection's own {@link ChunkEncoder} does not use. Extended timestamps repeat on
 * continuations, as the spec says.
 * @throws RangeError for a chunk stream id outside 2-65599, a chunk size outside 1..2^31-1, or a
 *   payload over 16,777,215 bytes.
 */
export function encodeStandaloneChunks(
  message: RawMessage,
  chunkStreamId: number,
  chunkSize: number,
): Uint8Array {
  if (
    !Number.isInteger(chunkStreamId) ||
    chunkStreamId < MIN_CHUNK_STREAM_ID ||
    chunkStreamId > MAX_CHUNK_STREAM_ID
  ) {
    throw new RangeError(`chunk stream id must be an integer in 2..65599, got ${chunkStreamId}`);
  }
  const size = Math.min(checkChunkSize(chunkSize), MAX_MESSAGE_LENGTH);
  const { payload } = message;
  const length = payload.length;
  if (length > MAX_MESSAGE_LENGTH)
    throw new RangeError(`a message carries at most ${MAX_MESSAGE_LENGTH} bytes, got ${length}`);
  const timestamp = message.timestamp >>> 0;
  const extended = timestamp >= EXTENDED ? 4 : 0;
  const basic = chunkStreamId < 64 ? 1 : chunkStreamId < 320 ? 2 : 3;
  const continuations = length === 0 ? 0 : Math.ceil(length / size) - 1;
  const out = new Uint8Array(basic + 11 + extended + continuations * (basic + extended) + length);
  let at = writeBasicHeader(out, 0, chunkStreamId);
  at = writeU24(out, at, extended ? EXTENDED : timestamp);
  at = writeU24(out, at, length);
  out[at++] = message.typeId & 0xff;
  const streamId = message.streamId >>> 0;
  out[at++] = streamId & 0xff;
  out[at++] = (streamId >>> 8) & 0xff;
  out[at++] = (streamId >>> 16) & 0xff;
  out[at++] = streamId >>> 24;
  if (extended) {
    writeU32(out, at, timestamp);
    at += 4;
  }
  for (let offset = 0; offset < length; offset += size) {
    if (offset > 0) {
      at += writeBasicHeader(out.subarray(at), 3, chunkStreamId);
      if (extended) {
        writeU32(out, at, timestamp);
        at += 4;
      }
    }
    const piece = payload.subarray(offset, offset + size);
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/** RTMP 1.0 §5.3.1.1: one byte for csid 2-63, two for 64-319, three (little-endian) up to 65599. */
function writeBasicHeader(target: Uint8Array, fmt: number, chunkStreamId: number): number {
  if (chunkStreamId < 64) {
    target[0] = (fmt << 6) | chunkStreamId;
    return 1;
  }
  const rest = chunkStreamId - 64;
  if (chunkStreamId < 320) {
    target[0] = fmt << 6;
    target[1] = rest;
    return 2;
  }
  target[0] = (fmt << 6) | 1;
  target[1] = rest & 0xff;
  target[2] = rest >>> 8;
  return 3;
}

function writeU24(target: Uint8Array, at: number, value: number): number {
  target[at] = value >>> 16;
  target[at + 1] = (value >>> 8) & 0xff;
  target[at + 2] = value & 0xff;
  return at + 3;
}

function writeU32(target: Uint8Array, at: number, value: number): void {
  target[at] = value >>> 24;
  target[at + 1] = (value >>> 16) & 0xff;
  target[at + 2] = (value >>> 8) & 0xff;
  target[at + 3] = value & 0xff;
}
