// A benchmark harness for a noisy shared machine. Timing whole tasks one after another lets CPU
// steal or a GC pause land on one contender; instead each contender runs for a short slice in
// turn, many times, and the ratio is taken per round (adjacent slices see the same machine), then
// the median over rounds.

/** Options of {@link compareRates}. */
export interface CompareOptions {
  /** Rounds of slices; the median is taken over them. @default 15 */
  readonly rounds?: number;
  /** Length of one contender's slice, in ms. @default 40 */
  readonly sliceMs?: number;
}

/** Result per contender: median ops/s and the median per-round ratio of the first contender to it. */
export interface RateResult {
  readonly name: string;
  readonly opsPerSecond: number;
  /** First contender's rate divided by this one's, per round, median. 1 for the first. */
  readonly ratio: number;
}

function rate(run: () => unknown, sliceMs: number): number {
  const start = performance.now();
  const end = start + sliceMs;
  let count = 0;
  let now = start;
  do {
    run();
    run();
    count += 2;
    now = performance.now();
  } while (now < end);
  return (count * 1000) / (now - start);
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

/**
 * Measures `contenders` (name → operation) in alternating slices. A contender that throws is
 * reported with 0 ops/s and ratio `Infinity`.
 */
export function compareRates(
  contenders: ReadonlyArray<readonly [string, () => unknown]>,
  options: CompareOptions = {},
): RateResult[] {
  const { rounds = 15, sliceMs = 40 } = options;
  const working = contenders.map(([, run]) => {
    try {
      run();
      return true;
    } catch {
      return false;
    }
  });
  const rates = contenders.map(() => [] as number[]);
  for (let round = 0; round < rounds; round++) {
    // Alternate the order so neither side always runs right after the other.
    const order = contenders.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) if (working[i]) rates[i]!.push(rate(contenders[i]![1], sliceMs));
  }
  return contenders.map(([name], i) => {
    if (!working[i]) return { name, opsPerSecond: 0, ratio: Number.POSITIVE_INFINITY };
    const ratios = rates[0]!.map((first, round) => first / rates[i]![round]!);
    return { name, opsPerSecond: median(rates[i]!), ratio: median(ratios) };
  });
}

/** `1234567` → `1.23M`, `12345` → `12k`, 0 → `n/a`. */
export function formatRate(opsPerSecond: number): string {
  if (opsPerSecond === 0) return 'n/a';
  return opsPerSecond >= 1e6 ? `${(opsPerSecond / 1e6).toFixed(2)}M` : `${(opsPerSecond / 1e3).toFixed(0)}k`;
}
