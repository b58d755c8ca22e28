/** Reads bits most significant first, and H.264's Exp-Golomb codes (ITU-T H.264 §9.1). */
export class BitReader {
  #bit = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly onEnd: () => Error,
  ) {}

  bit(): number {
    const byte = this.bytes[this.#bit >> 3];
    if (byte === undefined) throw this.onEnd();
    const value = (byte >> (7 - (this.#bit & 7))) & 1;
    this.#bit++;
    return value;
  }

  bits(count: number): number {
    let value = 0;
    for (let i = 0; i < count; i++) value = value * 2 + this.bit();
    return value;
  }

  /** ue(v): leading zeros, a one, then as many bits. More than 31 leading zeros is not H.264. */
  unsigned(): number {
    let zeros = 0;
    while (this.bit() === 0) if (++zeros > 31) throw this.onEnd();
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  /** se(v). */
  signed(): number {
    const code = this.unsigned();
    return code % 2 === 1 ? (code + 1) / 2 : -code / 2;
  }
}
