/**
 * mulberry32: a tiny, fast PRNG with a 32-bit state, uniform in [0, 1). The same seed gives the same
 * stream on every machine and engine (only 32-bit integer arithmetic), so anything built from it is
 * reproducible byte for byte. Changing this function changes the art model's weights hash.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
