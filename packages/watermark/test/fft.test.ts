import { describe, expect, it } from "vitest";
import { fft, fftColumns, nextPow2 } from "../src/fft.ts";

/** The DFT by its definition, sign −1 forward, +1 inverse (unnormalised). */
function directDft(re: Float64Array, im: Float64Array, inverse: boolean): [Float64Array, Float64Array] {
  const n = re.length;
  const or = new Float64Array(n);
  const oi = new Float64Array(n);
  const sgn = inverse ? 1 : -1;
  for (let k = 0; k < n; k++) {
    for (let t = 0; t < n; t++) {
      const th = (sgn * 2 * Math.PI * ((k * t) % n)) / n;
      or[k]! += re[t]! * Math.cos(th) - im[t]! * Math.sin(th);
      oi[k]! += re[t]! * Math.sin(th) + im[t]! * Math.cos(th);
    }
  }
  return [or, oi];
}

function signal(n: number, seed: number): [Float64Array, Float64Array] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return [Float64Array.from({ length: n }, next), Float64Array.from({ length: n }, next)];
}

describe("fft", () => {
  for (const n of [1, 2, 4, 8, 64, 256]) {
    it(`matches the direct DFT at n = ${n}, forward and inverse`, () => {
      for (const inverse of [false, true]) {
        const [re, im] = signal(n, n + (inverse ? 7 : 0));
        const [er, ei] = directDft(re, im, inverse);
        fft(re, im, inverse);
        for (let k = 0; k < n; k++) {
          expect(re[k]).toBeCloseTo(er[k]!, 9);
          expect(im[k]).toBeCloseTo(ei[k]!, 9);
        }
      }
    });
  }

  it("inverse after forward returns n times the input at n = 2048", () => {
    const [re, im] = signal(2048, 3);
    const [r0, i0] = [re.slice(), im.slice()];
    fft(re, im);
    fft(re, im, true);
    for (let k = 0; k < 2048; k++) {
      expect(re[k]! / 2048).toBeCloseTo(r0[k]!, 12);
      expect(im[k]! / 2048).toBeCloseTo(i0[k]!, 12);
    }
  });

  it("fftColumns gives every column of a plane exactly the 1-D fft of that column", () => {
    const n = 64;
    for (const inverse of [false, true]) {
      const [re, im] = signal(n * n, inverse ? 11 : 5);
      im.fill(0, 0, n); // a real first row: exact zeros on the way, as in the autocorrelation's inverse
      const expected = Array.from({ length: n }, (_, x) => {
        const cr = Float64Array.from({ length: n }, (_, y) => re[y * n + x]!);
        const ci = Float64Array.from({ length: n }, (_, y) => im[y * n + x]!);
        fft(cr, ci, inverse);
        return [cr, ci] as const;
      });
      fftColumns(re, im, n, inverse);
      let differing = 0;
      for (let x = 0; x < n; x++)
        for (let y = 0; y < n; y++)
          if (!Object.is(re[y * n + x], expected[x]![0][y]) || !Object.is(im[y * n + x], expected[x]![1][y]))
            differing++;
      expect(differing).toBe(0);
    }
  });

  it("fftColumns refuses planes that are not n×n", () => {
    expect(() => fftColumns(new Float64Array(16), new Float64Array(12), 4)).toThrow(
      /4×4 planes, got 16 and 12/,
    );
  });

  it("refuses a length that is not a power of two, naming it", () => {
    expect(() => fft(new Float64Array(6), new Float64Array(6))).toThrow(/power of two, got 6/);
    expect(nextPow2(1025)).toBe(2048);
  });
});
