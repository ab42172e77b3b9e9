import { mulberry32 } from "@atelier/procedural";

/**
 * Seeded uniform, integer and Gaussian draws over the project's one mulberry32 stream
 * (`@atelier/procedural`): the tile pattern, the spreading matrix and the benchmark's attacks hang on
 * it, so the stream must stay bit-identical (the pattern tests pin it). Not cryptographic.
 */
export class Prng {
  private readonly uniform: () => number;
  private spare: number | null = null;
  constructor(seed: number) {
    this.uniform = mulberry32(seed);
  }
  /** Uniform in [0, 1). */
  next(): number {
    return this.uniform();
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Standard normal (Box–Muller; the second value of each pair is kept for the next call). */
  gaussian(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}
