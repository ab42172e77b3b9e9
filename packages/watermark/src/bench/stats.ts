/** Small numeric helpers of the benchmark. */

/** Share of the 64 payload bits two payloads agree on. */
export function bitAgreement(a: bigint, b: bigint): number {
  let x = a ^ b;
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return (64 - n) / 64;
}

export const r3 = (v: number) => Math.round(v * 1000) / 1000;
export const r2 = (v: number) => Math.round(v * 100) / 100;
export const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
export const argMin = (a: number[]) => a.reduce((bi, v, i) => (v < a[bi]! ? i : bi), 0);
export const argMax = (a: number[]) => a.reduce((bi, v, i) => (v > a[bi]! ? i : bi), 0);
