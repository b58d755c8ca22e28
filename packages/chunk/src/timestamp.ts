// RTMP timestamps are 32-bit milliseconds that wrap every ~49.7 days. RTMP 1.0 §5.3.1.3: compare
// them with serial-number arithmetic, assuming adjacent timestamps are within 2^31 - 1 of each other.

/** `value` reduced to a 32-bit timestamp (any number: negative, fractional or past 2^32). */
export function toTimestamp(value: number): number {
  return value >>> 0;
}

/** `a + b` on 32-bit timestamps. */
export function addTimestamp(a: number, b: number): number {
  return (a + b) >>> 0;
}

/**
 * `later - earlier` in serial arithmetic: positive when `later` comes after `earlier` (even across
 * the 2^32 wrap), negative when before. Result in [-2^31, 2^31).
 */
export function timestampDiff(later: number, earlier: number): number {
  return (later - earlier) | 0;
}
