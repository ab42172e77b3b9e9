/**
 * Edges and thin lines mask far less than texture (Yang et al. 2005; Liu et al. 2010 separate an
 * image into its structural and textural parts for exactly this reason): a contrast change along a
 * clean edge or a one-pixel line is seen where the same energy in grass or gravel is not. The local
 * high-pass RMS cannot tell the two apart, the structure tensor can: its gradients all point one way
 * on an edge or a line (coherence near 1) and every way in texture (near 0).
 */
import { boxMean } from "./image.ts";

/** How much of the texture masking an edge keeps (coherence 1): none, an edge or line masks like a flat area. */
export const EDGE_MASKING = 0;
const RADIUS = 3;

/**
 * Per-pixel factor in [EDGE_MASKING², 1] that scales texture masking down where the local
 * structure is one oriented edge or line: (1 − (1 − EDGE_MASKING) · coherence²)².
 */
export function edgeFactor(y: Float32Array, width: number, height: number): Float32Array {
  const n = width * height;
  const jxx = new Float32Array(n);
  const jyy = new Float32Array(n);
  const jxy = new Float32Array(n);
  for (let yy = 0; yy < height; yy++) {
    const row = yy * width;
    const up = (yy > 0 ? yy - 1 : 0) * width;
    const dn = (yy < height - 1 ? yy + 1 : yy) * width;
    for (let x = 0; x < width; x++) {
      const l = x > 0 ? x - 1 : 0;
      const r = x < width - 1 ? x + 1 : x;
      const gx = y[row + r]! - y[row + l]!;
      const gy = y[dn + x]! - y[up + x]!;
      jxx[row + x] = gx * gx;
      jyy[row + x] = gy * gy;
      jxy[row + x] = gx * gy;
    }
  }
  const tmp = new Float32Array(n);
  const sxx = new Float32Array(n);
  const syy = new Float32Array(n);
  boxMean(jxx, width, height, RADIUS, sxx, tmp);
  boxMean(jyy, width, height, RADIUS, syy, tmp);
  const sxy = jxx; // reuse
  boxMean(jxy, width, height, RADIUS, sxy, tmp);
  const out = jyy; // reuse
  const k = 1 - EDGE_MASKING;
  for (let i = 0; i < n; i++) {
    const a = sxx[i]!;
    const b = syy[i]!;
    const c = sxy[i]!;
    const tr = a + b;
    // coherence² = ((λ₁ − λ₂)/(λ₁ + λ₂))²; the +16 keeps smooth, noisy areas from counting as edges
    const coh2 = ((a - b) * (a - b) + 4 * c * c) / ((tr + 16) * (tr + 16));
    // squared: a clean edge in a grainy neighbourhood still reaches only coherence² ≈ 0.9
    const e = 1 - k * coh2;
    out[i] = e * e;
  }
  return out;
}
