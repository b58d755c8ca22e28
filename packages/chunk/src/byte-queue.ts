/**
 * The bytes fed to a decoder and not consumed yet: the input buffers themselves (never copied on
 * arrival) and a cursor into the first. Consuming is O(bytes consumed); nothing is re-scanned.
 */
export class ByteQueue {
  #buffers: Uint8Array[] = [];
  /** Index of the current buffer in #buffers and the cursor inside it. */
  #index = 0;
  #offset = 0;
  #length = 0;

  /** Bytes available. */
  get length(): number {
    return this.#length;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#buffers.push(bytes);
    this.#length += bytes.length;
  }

  /** The buffer the cursor is in (parse in place from {@link ByteQueue.cursor}); set when `length > 0`. */
  get head(): Uint8Array | undefined {
    return this.#buffers[this.#index];
  }

  /** Position of the next byte in {@link ByteQueue.head}. */
  get cursor(): number {
    return this.#offset;
  }

  /** Contiguous bytes from the cursor in the current buffer. */
  get contiguous(): number {
    const buffer = this.#buffers[this.#index];
    return buffer === undefined ? 0 : buffer.length - this.#offset;
  }

  /** Copies up to `count` bytes from the cursor into `target` without consuming; returns how many. */
  peekInto(target: Uint8Array, count: number): number {
    let copied = 0;
    let offset = this.#offset;
    for (let i = this.#index; i < this.#buffers.length && copied < count; i++) {
      const buffer = this.#buffers[i]!;
      const n = Math.min(buffer.length - offset, count - copied);
      target.set(buffer.subarray(offset, offset + n), copied);
      copied += n;
      offset = 0;
    }
    return copied;
  }

  /** Consumes `count` bytes (at most `length`) as a view when they sit in one buffer, else `undefined`. */
  takeView(count: number): Uint8Array | undefined {
    const buffer = this.#buffers[this.#index]!;
    if (buffer.length - this.#offset < count) return undefined;
    const view = buffer.subarray(this.#offset, this.#offset + count);
    this.skip(count);
    return view;
  }

  /** Consumes up to `count` bytes into `target` at `targetOffset`; returns how many. */
  takeInto(target: Uint8Array, targetOffset: number, count: number): number {
    const head = this.#buffers[this.#index];
    if (head !== undefined && head.length - this.#offset > count) {
      // The common case: all of it inside the current buffer, which has more after it.
      target.set(head.subarray(this.#offset, this.#offset + count), targetOffset);
      this.#offset += count;
      this.#length -= count;
      return count;
    }
    let copied = 0;
    while (copied < count && this.#length > 0) {
      const buffer = this.#buffers[this.#index]!;
      const n = Math.min(buffer.length - this.#offset, count - copied);
      target.set(buffer.subarray(this.#offset, this.#offset + n), targetOffset + copied);
      copied += n;
      this.skip(n);
    }
    return copied;
  }

  /** Consumes `count` bytes (at most `length`). */
  skip(count: number): void {
    this.#length -= count;
    let left = count;
    while (left > 0) {
      const available = this.#buffers[this.#index]!.length - this.#offset;
      if (left < available) {
        this.#offset += left;
        return;
      }
      left -= available;
      this.#advance();
    }
  }

  /** Moves to the next buffer, dropping spent ones in batches so the array does not grow. */
  #advance(): void {
    this.#index++;
    this.#offset = 0;
    if (this.#index === this.#buffers.length) {
      this.#buffers.length = 0;
      this.#index = 0;
    } else if (this.#index >= 64) {
      this.#buffers = this.#buffers.slice(this.#index);
      this.#index = 0;
    }
  }
}
