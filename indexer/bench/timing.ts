/** Timing helpers of the indexer benchmarks. */

/** The `p` quantile (0..1) of `samples`, nearest rank, to 0.01. */
export const percentile = (samples: number[], p: number) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2));
};

/** Wall-clock milliseconds of `n` sequential calls of `fn`. */
export async function timeIt(n: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}
