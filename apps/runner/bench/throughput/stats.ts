// What the throughput scripts say of several rounds: one median, one range, for ab.ts and throughput.ts alike.

/** The median (the mean of the two middle values for an even count) and the range. */
export function summarise(values: number[]): { median: number; low: number; high: number } {
  if (values.length === 0) throw new Error('no rounds to summarise');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = Number.isInteger(middle)
    ? (sorted[middle - 1]! + sorted[middle]!) / 2
    : sorted[Math.floor(middle)]!;
  return { median, low: sorted[0]!, high: sorted.at(-1)! };
}

/** "median (low–high, n rounds)" with `digits` decimals, e.g. "0.55 (0.51–0.62, 3 rounds)". */
export function spread(values: number[], digits = 2): string {
  const { median, low, high } = summarise(values);
  return `${median.toFixed(digits)} (${low.toFixed(digits)}–${high.toFixed(digits)}, ${values.length} rounds)`;
}
