/** Cosine palettes (Inigo Quilez): what the art graph's colour stage evaluates per pixel. */
/** A cosine palette colour(t) = a + b·cos(2π(c·t + d)), per RGB channel. */
export interface CosinePalette {
  a: [number, number, number];
  b: [number, number, number];
  c: [number, number, number];
  d: [number, number, number];
}

/**
 * The cosine palette (c = 1) that passes exactly through three colours at t = 0, 1/3, 2/3:
 * per channel a = mean, b·e^{i2πd} = the first DFT coefficient of the three samples.
 */
export function paletteThrough(...hex: [string, string, string]): CosinePalette {
  const rgb = hex.map((h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16) / 255));
  const a: number[] = [];
  const b: number[] = [];
  const d: number[] = [];
  for (let ch = 0; ch < 3; ch++) {
    const v = rgb.map((c) => c[ch]!);
    let re = 0;
    let im = 0;
    v.forEach((x, k) => {
      re += (x * Math.cos((2 * Math.PI * k) / 3) * 2) / 3;
      im += (x * Math.sin((2 * Math.PI * k) / 3) * 2) / 3;
    });
    a.push((v[0]! + v[1]! + v[2]!) / 3);
    b.push(Math.hypot(re, im));
    // v(t) = a + b·cos(2π(t + d)) with cos(2πt)·re + sin(2πt)·im = b·cos(2πt − φ): d = −φ/2π
    d.push(-Math.atan2(im, re) / (2 * Math.PI));
  }
  return { a: a as Triple, b: b as Triple, c: [1, 1, 1], d: d as Triple };
}
type Triple = [number, number, number];
