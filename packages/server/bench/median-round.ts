/**
 * The median of several rounds of one row, by CPU per MB: one noisy round (this VM varies by ±30%
 * and more between rounds) does not decide a ratio. The whole round is kept, so its figures agree.
 */
export function medianRound<Row extends { readonly 'CPU ms/MB': string }>(runs: readonly Row[]): Row {
  const sorted = [...runs].sort((a, b) => Number(a['CPU ms/MB']) - Number(b['CPU ms/MB']));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
