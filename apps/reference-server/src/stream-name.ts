/**
 * Names the reference server accepts for streams, and for each segment of a recorded path: the
 * characters URLs leave unescaped, 1 to 128 of them (adversarial plan, "Names": E3, E4).
 */
export const STREAM_NAME_PATTERN = /^[A-Za-z0-9_.\-~]{1,128}$/;

/** What a client is told when its name does not match {@link STREAM_NAME_PATTERN}. */
export const STREAM_NAME_RULE = 'stream name not allowed (A-Z a-z 0-9 _ . - ~, up to 128)';

/**
 * A test of names against `pattern`, or one that accepts any name for `null`. A global or sticky
 * pattern keeps `lastIndex` between calls and would refuse every other match: those flags are
 * dropped.
 */
export function nameMatcher(pattern: RegExp | null): (name: string) => boolean {
  if (pattern === null) return () => true;
  const stateless = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ''));
  return (name) => stateless.test(name);
}
