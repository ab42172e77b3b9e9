import { WatermarkInputError, type RawImage } from "./image.ts";

/** PSNR in dB over the colour channels (alpha ignored), peak 255. Infinity for identical images. */
export function psnr(a: RawImage, b: RawImage): number {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new WatermarkInputError(
      `psnr needs images of the same shape, got ${a.width}×${a.height}×${a.channels} and ${b.width}×${b.height}×${b.channels}`,
    );
  }
  const n = a.width * a.height;
  const c = a.channels;
  let sse = 0;
  for (let i = 0, p = 0; i < n; i++, p += c) {
    for (let k = 0; k < 3; k++) {
      const d = a.data[p + k]! - b.data[p + k]!;
      sse += d * d;
    }
  }
  if (sse === 0) return Infinity;
  return 10 * Math.log10((255 * 255 * 3 * n) / sse);
}
