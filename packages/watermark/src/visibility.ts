/**
 * The visibility model's constants and per-image shape: the perceptual mask, the JND cap's parts
 * (luminance adaptation × texture with edges separated, see jnd.ts), the SSIM bound and the
 * per-pixel step limit (README, "Visibility"), and the tile period for the image size.
 */
import type { EmbedOptions } from "./options.ts";
import { TILE } from "./pattern.ts";
import { CANONICAL_SIDE } from "./pattern.ts";

export const MASK_RADIUS = 3;
/**
 * Perceptual mask m = (local std + MASK_OFFSET)^MASK_EXPONENT. Exponent 0 (the default) is a flat
 * mask: the amplitude is min(α, JND cap) everywhere, so the JND model alone decides where the
 * image cannot take more, and the PSNR budget goes as evenly as the caps allow — which is what
 * the whitened detector rewards (energy in high-contrast areas is divided away by its contrast).
 */
export const MASK_OFFSET = 1;
export const MASK_EXPONENT = 0;
/** Canonical-grid pixel counts between which the mask goes from (std + 3)^0.5 to (std + 1)^1. */
const SMALL_PIXELS = 20_000;
const LARGE_PIXELS = 200_000;

/**
 * Visibility cap on the per-pixel mark amplitude (RMS luma change, grey levels), a JND model in the
 * spirit of Chou & Li 1995 / Yang et al. 2005: luminance adaptation (Chou & Li's background-luminance
 * threshold, normalised to 1 at mid grey) times (JND_FLAT + JND_TEXTURE · local high-pass RMS). The
 * high-pass (luma − its 7×7 mean) ignores smooth gradients, which hide nothing — unlike the local
 * std of the embedding mask, which a gradient alone raises.
 */
export const JND_FLAT = 0.4;
export const JND_TEXTURE = 0.5;
/** Upper limit of the JND cap (grey levels of RMS luma change), whatever the texture. */
export const JND_MAX = 5;
/**
 * No pixel's luma moves by more than this: with the change along the luma vector, the green
 * channel moves 1.31× the luma change, so no channel changes by more than 12 grey levels.
 */
export const MAX_LUMA_STEP = 9.1;

/**
 * SSIM bound: an added pattern of RMS a in a window of luma std σ costs that window's SSIM about
 * a² / (2σ² + C₂) (C₂ = (0.03·255)²), so a ≤ SSIM_K·√(2σ² + C₂) keeps every window's loss ≤ SSIM_K²
 * (2%), whatever the texture — the JND model alone lets texture take far more than SSIM allows.
 */
export const SSIM_K = 0.14;
export const SSIM_C2 = (0.03 * 255) ** 2;

/**
 * Smooth-region levelling (plan.ts levelSmooth): the RMS change over the smooth pixels is raised
 * toward these (grey levels, after the 3×3 mean of smoothChange), by a factor of at most
 * SMOOTH_BOOST_MAX; they sit 15% / 12% under the limits SMOOTH_RMS_MAX = 1 and
 * SMOOTH_CHROMA_RMS_MAX = 0.25 (metrics.ts), the margin for what the strength steps add at the
 * region's rim (up to +0.07 seen: the 3×3 mean mixes in the raised texture next to it).
 */
export const SMOOTH_LEVEL_LUMA = 0.85;
export const SMOOTH_LEVEL_CHROMA = 0.22;
export const SMOOTH_BOOST_MAX = 2;
/**
 * The smooth-region guard (plan.ts limitSmooth): every render embedVerified may return is brought
 * under these (a 5% margin under the limits, for the second render's rounding): the strength steps
 * raise the texture cap next to the smooth pixels, which the 3×3 mean reaches (v9 main: gnome--wood-l
 * luma 1.03–1.09 at ×2.5, lomiri Dragonfly chroma 0.30 at ×1.25, ukui--2004default chroma 0.26).
 */
export const SMOOTH_GUARD_LUMA = 0.95;
export const SMOOTH_GUARD_CHROMA = 0.2375;
/**
 * Only images whose smooth pixels are at least this share are levelled: the boost takes PSNR and
 * SSIM budget from the texture, which carries the mark where the smooth part is small
 * (gimp-filters-examples--high-pass-mode, 28% smooth: WebP q50 read SNR 1.31 → 1.14 levelled).
 */
export const SMOOTH_LEVEL_MIN_SHARE = 1 / 3;

/** Luminance adaptation by background luma 0..255 (Chou & Li 1995, ÷3 so mid grey is 1), capped. */
const JND_MAX_LUMA = 1.5;
export const LUMA_ADAPT = new Float32Array(256);
for (let bg = 0; bg < 256; bg++) {
  const t = bg <= 127 ? 17 * (1 - Math.sqrt(bg / 127)) + 3 : (3 / 128) * (bg - 127) + 3;
  LUMA_ADAPT[bg] = Math.min(t / 3, JND_MAX_LUMA);
}

/** Tile period in pixels for an image of this size (63 up to the canonical size, then proportional). */
export function tilePeriod(width: number, height: number): number {
  const side = Math.max(width, height);
  return side > CANONICAL_SIDE * 1.25 ? (TILE * side) / CANONICAL_SIDE : TILE;
}

/** 0 for images of ≤ 20k canonical-grid pixels, 1 from 200k. */
export function smallness(width: number, height: number): number {
  const canonicalPixels = width * height * (TILE / tilePeriod(width, height)) ** 2;
  return Math.min(1, Math.max(0, (canonicalPixels - SMALL_PIXELS) / (LARGE_PIXELS - SMALL_PIXELS)));
}

/** The perceptual mask's offset and exponent for an image of this size (see EmbedOptions.maskExponent). */
export function maskShape(
  width: number,
  height: number,
  options: EmbedOptions,
): { offset: number; exponent: number } {
  const t = smallness(width, height);
  return {
    offset: options.maskOffset ?? 3 + (MASK_OFFSET - 3) * t,
    exponent: options.maskExponent ?? 0.5 + (MASK_EXPONENT - 0.5) * t,
  };
}

/**
 * The perceptual mask (sd + offset)^exponent at local std sd. A plain function of numbers, so the
 * analysis' per-pixel loop inlines it (a per-image closure was called, boxing sd per pixel).
 */
export function maskAt(sd: number, offset: number, exponent: number): number {
  if (exponent === 0) return 1;
  if (exponent === 1) return sd + offset;
  if (exponent === 0.5) return Math.sqrt(sd + offset);
  return Math.pow(sd + offset, exponent);
}

/** The perceptual mask for an image of this size (see EmbedOptions.maskExponent). */
export function maskFunction(width: number, height: number, options: EmbedOptions): (sd: number) => number {
  const { offset, exponent } = maskShape(width, height, options);
  return (sd) => maskAt(sd, offset, exponent);
}
