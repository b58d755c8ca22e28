// Vector items copied as bytes between big-endian wire order and the host's, never through a
// number, so NaN payloads survive and one loop serves int, uint and double alike.

const littleEndian = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Copies `length` bytes of `width`-byte items (4 or 8), reversing each item's bytes on little-endian hosts. */
export function copyItems(
  from: Uint8Array,
  fromAt: number,
  to: Uint8Array,
  toAt: number,
  length: number,
  width: number,
): void {
  const last = width - 1;
  for (let i = 0; i < length; i++)
    to[toAt + i] = from[fromAt + (littleEndian ? (i & ~last) + last - (i & last) : i)]!;
}
