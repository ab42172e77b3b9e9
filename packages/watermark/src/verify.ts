/**
 * An embed that is known to work: the marked image is read back as it is and after a reference mild
 * attack (0.5× area downscale, then the luma quantised as JPEG q75 does it: 8×8 DCT with the IJG
 * table), all in pure TypeScript so the browser and the node get the same verdict. If either read
 * fails, the JND cap is raised step by step — locally, where the cap was what limited the mark —
 * while the visibility budget (PSNR ≥ the floor, no channel moved by more than 12 grey levels)
 * holds; if no step passes, the verdict says so instead of handing back an unreadable image.
 */
import { detect } from "./detect.ts";
import { embed, type EmbedOptions } from "./embed.ts";
import { validateImage, type RawImage } from "./image.ts";
import { psnr, ssim } from "./metrics.ts";
import { toPayload } from "./payload.ts";

export type EmbedVerdict = "ok" | "weak" | "failed";

export interface VerifiedEmbed {
  image: RawImage;
  /** ok: reads back, also after the reference attack; weak: reads back only unattacked; failed: does not read back */
  verdict: EmbedVerdict;
  /** why the verdict is not "ok" (absent when it is) */
  reason?: string;
  /** JND cap multiplier that was used (1 = the default visibility model) */
  strength: number;
  psnr: number;
  /** milliseconds: embed, check (read-backs), per attempt summed */
  stages: Record<string, number>;
}

/** The visibility budget's SSIM floor: a strengthened embed below it is not used. */
export const MIN_SSIM = 0.985;

/** JND-cap multipliers tried in turn (the PSNR floor and the 12-level step limit always hold). */
export const STRENGTH_STEPS = [1, 1.6, 2.5];

/** Embeds, reads back (plain and after the reference attack) and strengthens if needed. */
export function embedVerified(
  image: RawImage,
  payload: bigint | string,
  options: EmbedOptions = {},
): VerifiedEmbed {
  validateImage(image);
  const p = toPayload(payload);
  const stages: Record<string, number> = { embed: 0, check: 0 };
  let best: { image: RawImage; strength: number; plain: boolean } | null = null;
  for (const strength of STRENGTH_STEPS) {
    let t = performance.now();
    const marked = embed(image, p, { ...options, jndScale: strength });
    stages.embed! += performance.now() - t;
    // a raised cap must still keep the image's SSIM within the visibility budget
    if (strength > 1 && ssim(image, marked) < MIN_SSIM) break;
    t = performance.now();
    const plain = detect(marked)?.payload === p;
    const attacked = plain && detect(referenceAttack(marked))?.payload === p;
    stages.check! += performance.now() - t;
    if (plain && attacked)
      return { image: marked, verdict: "ok", strength, psnr: psnr(image, marked), stages };
    if (!best || (plain && !best.plain)) best = { image: marked, strength, plain };
  }
  const b = best!;
  const top = STRENGTH_STEPS[STRENGTH_STEPS.length - 1]!;
  return {
    image: b.image,
    verdict: b.plain ? "weak" : "failed",
    reason: b.plain
      ? `the mark reads back but not after 0.5× downscale + JPEG q75, even with the JND cap raised ${top}×: ` +
        "the image has too little texture or too few pixels to hide a robust mark at this PSNR"
      : `the mark does not read back even with the JND cap raised ${top}×: ` +
        "the image is too small, too flat or too saturated to carry it at this PSNR",
    strength: b.strength,
    psnr: psnr(image, b.image),
    stages,
  };
}

// IJG luminance quantisation table (JPEG Annex K), scaled for quality 75.
const IJG_LUMA = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22,
  29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103,
  121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
function qualityTable(q: number): Float64Array {
  const s = q < 50 ? 5000 / q : 200 - 2 * q;
  return Float64Array.from(IJG_LUMA, (v) => Math.min(255, Math.max(1, Math.floor((v * s + 50) / 100))));
}
const Q75 = qualityTable(75);
const DCT = (() => {
  const c = new Float64Array(64);
  for (let k = 0; k < 8; k++)
    for (let n = 0; n < 8; n++)
      c[k * 8 + n] = (k === 0 ? Math.SQRT1_2 : 1) * 0.5 * Math.cos(((2 * n + 1) * k * Math.PI) / 16);
  return c;
})();

/**
 * The reference mild attack, as a grey image: 2×2 area downscale, then JPEG-q75 quantisation of
 * the luma in 8×8 blocks (chroma does not matter: the detector reads luma only).
 */
export function referenceAttack(image: RawImage): RawImage {
  const w = Math.floor(image.width / 2);
  const h = Math.floor(image.height / 2);
  const c = image.channels;
  const src = image.data;
  const yPlane = new Float64Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = 0; j < 2; j++)
        for (let i = 0; i < 2; i++) {
          const p = ((2 * y + j) * image.width + 2 * x + i) * c;
          s += 0.299 * src[p]! + 0.587 * src[p + 1]! + 0.114 * src[p + 2]!;
        }
      yPlane[y * w + x] = s / 4;
    }
  const block = new Float64Array(64);
  const tmp = new Float64Array(64);
  for (let by = 0; by + 8 <= h; by += 8) {
    for (let bx = 0; bx + 8 <= w; bx += 8) {
      for (let j = 0; j < 8; j++)
        for (let i = 0; i < 8; i++) block[j * 8 + i] = yPlane[(by + j) * w + bx + i]! - 128;
      dct2(block, tmp, false);
      for (let k = 0; k < 64; k++) block[k] = Math.round(block[k]! / Q75[k]!) * Q75[k]!;
      dct2(block, tmp, true);
      for (let j = 0; j < 8; j++)
        for (let i = 0; i < 8; i++) yPlane[(by + j) * w + bx + i] = block[j * 8 + i]! + 128;
    }
  }
  const out = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const v = Math.round(yPlane[i]!);
    out[3 * i] = out[3 * i + 1] = out[3 * i + 2] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return { width: w, height: h, channels: 3, data: out };
}

/** Orthonormal 8×8 DCT-II (or its inverse) in place, separable. */
function dct2(b: Float64Array, tmp: Float64Array, inverse: boolean): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let r = 0; r < 8; r++) {
      for (let k = 0; k < 8; k++) {
        let s = 0;
        for (let n = 0; n < 8; n++)
          s += inverse ? DCT[n * 8 + k]! * b[r * 8 + n]! : DCT[k * 8 + n]! * b[r * 8 + n]!;
        tmp[k * 8 + r] = s; // transposed, so the second pass works on columns
      }
    }
    b.set(tmp);
  }
}
