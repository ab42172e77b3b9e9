/** What embed, planEmbed and embedVerified accept. */
export interface EmbedOptions {
  /** Target PSNR in dB (RGB, peak 255). The strength is adapted per image to meet it. Default 42.2. */
  psnr?: number;
  /** Never go below this PSNR (dB) after rounding and clipping; default psnr − 0.2 (42.0 by default). */
  minPsnr?: number;
  /**
   * What to do when the image already carries an Atelier mark (checking costs one detect):
   * "ignore" (default, no check; two overlapping marks usually make both unreadable),
   * "error" (throw), or "replace" (estimate and subtract the old mark, then embed; the PSNR target
   * then applies to the cleaned image, and the output differs more from the input).
   */
  existing?: "ignore" | "error" | "replace";
  /** Advanced: perceptual mask m = (local std + maskOffset)^maskExponent. */
  maskExponent?: number;
  maskOffset?: number;
  /**
   * Cap each pixel's change at a just-noticeable-difference estimate (luminance adaptation ×
   * texture masking), so smooth, flat images are not covered in grain; PSNR then rises above the
   * target where the image cannot hide the energy. Default true.
   */
  jnd?: boolean;
  /**
   * Multiplies the JND cap's texture part and the SSIM bound (by √jndScale); default 1. The cap's
   * flat part, and the whole cap on smooth pixels (local contrast below 1 grey level), never rise:
   * a smooth gradient masks nothing. embedVerified raises it step by step; the PSNR floor and the
   * per-pixel step limit still hold.
   */
  jndScale?: number;
  /**
   * Host-interference rejection (informed.ts): the symbols the image's own content works against
   * get the amplitude that cancels it. Default true; false gives the plain ±1 mark.
   */
  informed?: boolean;
  /** If given, receives milliseconds per stage (analyse, solve, apply). */
  stages?: Record<string, number>;
}
