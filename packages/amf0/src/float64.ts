// Big-endian IEEE-754 doubles through one shared 8-byte scratch buffer: much cheaper than building
// a DataView per message, which the decoder would otherwise do for every RTMP command.

const scratch = new Float64Array(1);
const scratchBytes = new Uint8Array(scratch.buffer);
const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Reads the big-endian double at `offset` (which must have 8 bytes). */
export function readFloat64(bytes: Uint8Array, offset: number): number {
  if (littleEndian) {
    for (let i = 0; i < 8; i++) scratchBytes[i] = bytes[offset + 7 - i]!;
  } else {
    for (let i = 0; i < 8; i++) scratchBytes[i] = bytes[offset + i]!;
  }
  return scratch[0]!;
}
