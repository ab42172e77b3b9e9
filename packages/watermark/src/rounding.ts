/**
 * The change along the luma vector and its rounding to 8 bits through the colour channels
 * (README, "Rounding to 8 bits, through the colour channels").
 */
import { WB, WG, WR } from "./image.ts";
import { MAX_LUMA_STEP } from "./visibility.ts";

// RGB change along the luma vector: Δc = w_c/|w|² · ΔY changes luma by exactly ΔY at least squared cost.
const W2 = WR * WR + WG * WG + WB * WB;
export const KR = WR / W2;
export const KG = WG / W2;
export const KB = WB / W2;

/**
 * Weight of a squared luma error against the squared RGB error when a pixel's change is rounded to
 * whole grey levels (see applyDelta).
 */
const LUMA_WEIGHT = 8;
/**
 * Weight of the choice's squared chroma error on neutral pixels (× the neutral weight): on a smooth
 * gradient the whole-level colour steps that realise a fine luma change leave a per-pixel tint
 * (0.37 RMS chroma on the smooth photos); weighed, the rounding prefers steps of all three channels
 * and leaves the luma remainder to the error diffusion.
 */
const CHROMA_WEIGHT = 8;
/** Luma moved by each floor/ceil choice of a pixel (bit 2: R up, bit 1: G up, bit 0: B up). */
const CHOICE_LUMA = Float64Array.from(
  { length: 8 },
  (_, k) => (k & 4 ? WR : 0) + (k & 2 ? WG : 0) + (k & 1 ? WB : 0),
);
const [L0, L1, L2, L3, L4, L5, L6, L7] = Array.from(CHOICE_LUMA) as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];

/** Weighed chroma error of a choice: R error er, B error eb, luma error y (ΔG follows from them). */
function chroma(cw: number, er: number, eb: number, y: number): number {
  const cb = 0.564 * (eb - y);
  const cr = 0.713 * (er - y);
  return cw * (cb * cb + cr * cr);
}

/**
 * Adds ΔY = alpha · d (clipped to ±MAX_LUMA_STEP) along the luma vector and rounds to 8 bits so
 * that the luma change survives the rounding. Rounding each channel on its own erases any change
 * below half a grey level — exactly what the visibility caps leave on smooth, flat images (upscales,
 * flat generated art), where a 0.4-level mark came out as nothing or as a sparse ±1 in green. Here
 * each pixel takes the floor/ceil combination of its three channels whose luma is nearest the wanted
 * change (R, G and B steps move luma by 0.299, 0.587 and 0.114, so whole-level colour steps can
 * realise luma in steps of ~0.1), and the luma that still differs is diffused to the neighbours
 * (Floyd–Steinberg), which pushes the rounding error above the mark's band. The chroma moves by at
 * most one grey level per channel more than the plain rounding would.
 *
 * `neutral` (per pixel, 0..1) turns the change from the luma vector toward grey (ΔR = ΔG = ΔB, the
 * same luma change at 3/|w|²·… ≈ 1.34× the squared RGB cost): the luma vector's change is green–
 * magenta (ΔCb ≈ −0.42·ΔY, ΔCr ≈ −0.24·ΔY), which a smooth gradient shows as a tinted grain.
 */
export function applyDelta(
  src: Uint8Array | Uint8ClampedArray,
  out: Uint8Array,
  d: Float32Array,
  alpha: number,
  channels: number,
  n: number,
  width: number,
  neutral: Float32Array | null = null,
): number {
  // the limit as a local number: with the imported binding as a conditional's result, every
  // clamped value was a heap-allocated number (two per pixel, most of a render's garbage)
  const step = +MAX_LUMA_STEP;
  let sse = 0;
  let errCur = new Float32Array(width + 2);
  let errNext = new Float32Array(width + 2);
  for (let i = 0, p = 0, x = 0; i < n; i++, p += channels, x++) {
    if (x === width) {
      x = 0;
      const t = errCur;
      errCur = errNext;
      errNext = t;
      errNext.fill(0);
    }
    let dv = d[i]! * alpha;
    dv = dv > step ? step : dv < -step ? -step : dv;
    let want = dv + errCur[x + 1]!;
    want = want > step ? step : want < -step ? -step : want;
    const r = src[p]!;
    const g = src[p + 1]!;
    const b = src[p + 2]!;
    // the direction: along the luma vector, or (neutral weight w) toward ΔR = ΔG = ΔB — both move luma by want
    const w = neutral ? neutral[i]! : 0;
    const tr = r + (KR + w * (1 - KR)) * want;
    const tg = g + (KG + w * (1 - KG)) * want;
    const tb = b + (KB + w * (1 - KB)) * want;
    const lr = Math.floor(tr);
    const lg = Math.floor(tg);
    const lb = Math.floor(tb);
    let nr: number;
    let ng: number;
    let nb: number;
    if (lr < 0 || lg < 0 || lb < 0 || lr > 254 || lg > 254 || lb > 254) {
      // at the range's ends: plain rounding, clamped
      nr = Math.round(tr);
      ng = Math.round(tg);
      nb = Math.round(tb);
      nr = nr < 0 ? 0 : nr > 255 ? 255 : nr;
      ng = ng < 0 ? 0 : ng > 255 ? 255 : ng;
      nb = nb < 0 ? 0 : nb > 255 ? 255 : nb;
    } else {
      const fr = tr - lr;
      const fg = tg - lg;
      const fb = tb - lb;
      const e0 = WR * fr + WG * fg + WB * fb;
      // the 8 floor/ceil choices (bit 2: R up, bit 1: G up, bit 0: B up), cost 8·ΔY-error² + RGB-error²
      const r0 = fr * fr;
      const r1 = (1 - fr) * (1 - fr);
      const g0 = fg * fg;
      const g1 = (1 - fg) * (1 - fg);
      const b0 = fb * fb;
      const b1 = (1 - fb) * (1 - fb);
      // the eight costs unrolled (the same arithmetic, in the same order, as a loop over k with
      // CHOICE_LUMA[k]: bit-identical choices, the render's hottest loop about twice as fast)
      const y0 = L0 - e0;
      const y1 = L1 - e0;
      const y2 = L2 - e0;
      const y3 = L3 - e0;
      const y4 = L4 - e0;
      const y5 = L5 - e0;
      const y6 = L6 - e0;
      const y7 = L7 - e0;
      let c0 = LUMA_WEIGHT * y0 * y0 + r0 + g0 + b0;
      let c1 = LUMA_WEIGHT * y1 * y1 + r0 + g0 + b1;
      let c2 = LUMA_WEIGHT * y2 * y2 + r0 + g1 + b0;
      let c3 = LUMA_WEIGHT * y3 * y3 + r0 + g1 + b1;
      let c4 = LUMA_WEIGHT * y4 * y4 + r1 + g0 + b0;
      let c5 = LUMA_WEIGHT * y5 * y5 + r1 + g0 + b1;
      let c6 = LUMA_WEIGHT * y6 * y6 + r1 + g1 + b0;
      let c7 = LUMA_WEIGHT * y7 * y7 + r1 + g1 + b1;
      const cw = CHROMA_WEIGHT * w;
      if (cw > 0) {
        // each choice's chroma error (BT.601 Cb, Cr of its RGB error), weighed on smooth pixels
        const er0 = 0 - fr;
        const er1 = 1 - fr;
        const eb0 = 0 - fb;
        const eb1 = 1 - fb;
        c0 += chroma(cw, er0, eb0, y0);
        c1 += chroma(cw, er0, eb1, y1);
        c2 += chroma(cw, er0, eb0, y2);
        c3 += chroma(cw, er0, eb1, y3);
        c4 += chroma(cw, er1, eb0, y4);
        c5 += chroma(cw, er1, eb1, y5);
        c6 += chroma(cw, er1, eb0, y6);
        c7 += chroma(cw, er1, eb1, y7);
      }
      // the first minimum wins, as in a loop with a strict <
      let best = 0;
      let bestCost = c0;
      if (c1 < bestCost) {
        bestCost = c1;
        best = 1;
      }
      if (c2 < bestCost) {
        bestCost = c2;
        best = 2;
      }
      if (c3 < bestCost) {
        bestCost = c3;
        best = 3;
      }
      if (c4 < bestCost) {
        bestCost = c4;
        best = 4;
      }
      if (c5 < bestCost) {
        bestCost = c5;
        best = 5;
      }
      if (c6 < bestCost) {
        bestCost = c6;
        best = 6;
      }
      if (c7 < bestCost) best = 7;
      nr = lr + (best >> 2);
      ng = lg + ((best >> 1) & 1);
      nb = lb + (best & 1);
    }
    out[p] = nr;
    out[p + 1] = ng;
    out[p + 2] = nb;
    if (channels === 4) out[p + 3] = src[p + 3]!;
    const dr = nr - r;
    const dg = ng - g;
    const db = nb - b;
    sse += dr * dr + dg * dg + db * db;
    let e = want - (WR * dr + WG * dg + WB * db);
    e = e > 1 ? 1 : e < -1 ? -1 : e;
    errCur[x + 2]! += e * (7 / 16);
    errNext[x]! += e * (3 / 16);
    errNext[x + 1]! += e * (5 / 16);
    errNext[x + 2]! += e * (1 / 16);
  }
  return sse;
}
