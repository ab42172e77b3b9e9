/** Small statistics helpers of the generator benchmark. */
export const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
export const round = (x: number) => Math.round(x * 10) / 10;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
