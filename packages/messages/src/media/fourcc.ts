/** Enhanced RTMP FourCCs (../shared/rtmp-notes.md §9.1). Case matters: `Opus`, `fLaC`. */
export const FourCc = {
  Avc: 'avc1',
  Hevc: 'hvc1',
  Av1: 'av01',
  Vp9: 'vp09',
  Vp8: 'vp08',
  Vvc: 'vvc1',
  Aac: 'mp4a',
  Opus: 'Opus',
  Flac: 'fLaC',
  Ac3: 'ac-3',
  Eac3: 'ec-3',
  Mp3: '.mp3',
} as const;
/** One of the values of {@link FourCc} (others can appear on the wire). */
export type FourCc = (typeof FourCc)[keyof typeof FourCc];

/** The FourCC as the u32 that onMetaData `videocodecid`/`audiocodecid` may carry (hvc1 → 1752589105). */
export function fourCcToNumber(fourCc: string): number {
  return (
    ((fourCc.charCodeAt(0) << 24) |
      (fourCc.charCodeAt(1) << 16) |
      (fourCc.charCodeAt(2) << 8) |
      fourCc.charCodeAt(3)) >>>
    0
  );
}

/** The FourCC a u32 codec id stands for. */
export function numberToFourCc(value: number): string {
  return String.fromCharCode(
    (value >>> 24) & 0xff,
    (value >>> 16) & 0xff,
    (value >>> 8) & 0xff,
    value & 0xff,
  );
}
