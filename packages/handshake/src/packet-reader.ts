/**
 * Collects fed bytes until a whole handshake packet is there. Holds at most what one step needs
 * plus one read, and hands everything after the handshake back untouched.
 */
export class PacketReader {
  #pending: Uint8Array = new Uint8Array(0);
  #consumed = 0;

  /** Bytes taken out so far: the offset of the next byte in the peer's stream. */
  get consumed(): number {
    return this.#consumed;
  }

  /** Bytes fed but not taken yet. */
  get available(): number {
    return this.#pending.length;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (this.#pending.length === 0) {
      this.#pending = bytes;
      return;
    }
    const joined = new Uint8Array(this.#pending.length + bytes.length);
    joined.set(this.#pending);
    joined.set(bytes, this.#pending.length);
    this.#pending = joined;
  }

  /** The next byte without taking it, or `undefined` if none arrived yet. */
  peek(): number | undefined {
    return this.#pending[0];
  }

  /** Takes exactly `size` bytes, or returns `undefined` (taking nothing) until they are all there. */
  take(size: number): Uint8Array | undefined {
    if (this.#pending.length < size) return undefined;
    const packet = this.#pending.subarray(0, size);
    this.#pending = this.#pending.subarray(size);
    this.#consumed += size;
    return packet;
  }

  /**
   * Takes everything left (the first bytes of the chunk stream, once the handshake is done), and
   * lets go of the input buffer: an empty view of it would keep a whole socket read alive.
   */
  takeAll(): Uint8Array {
    const rest = this.take(this.#pending.length)!;
    this.#pending = new Uint8Array(0);
    return rest;
  }
}
