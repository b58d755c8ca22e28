// Progress output in ffmpeg's spirit: one line rewritten in place on a terminal, a plain line every
// few seconds otherwise (logs), and nothing with --quiet.

/** `12.3456` seconds → `00:00:12.34`. */
export function clock(ms: number): string {
  const total = Math.max(0, ms) / 1000;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = (total % 60).toFixed(2).padStart(5, '0');
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}:${seconds}`;
}

/** Bytes over media time, in kbit/s. */
export const kbps = (bytes: number, ms: number) => (ms > 0 ? (bytes * 8) / ms : 0);

/** Writes progress lines to a stream: in place on a TTY, one every `plainEveryMs` otherwise. */
export class ProgressLine {
  #lastPlain = 0;
  #width = 0;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly quiet: boolean,
    private readonly plainEveryMs = 5000,
  ) {}

  update(text: string): void {
    if (this.quiet) return;
    if (this.out.isTTY) {
      this.out.write(`\r${text.padEnd(this.#width)}`);
      this.#width = text.length;
    } else if (performance.now() - this.#lastPlain >= this.plainEveryMs) {
      this.#lastPlain = performance.now();
      this.out.write(`${text}\n`);
    }
  }

  /** Ends the in-place line and prints the summary (shown even with --quiet). */
  summary(text: string): void {
    if (this.out.isTTY && this.#width > 0 && !this.quiet) this.out.write('\n');
    this.out.write(`${text}\n`);
  }
}
