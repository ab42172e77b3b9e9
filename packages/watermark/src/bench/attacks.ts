/** Image attacks for the benchmark and tests: codecs/resampling via sharp, the rest in TypeScript. */
import sharp from "sharp";
import type { RawImage } from "../image.ts";
import { Prng } from "../prng.ts";
import { decodeImage, toSharp } from "../node/io.ts";

export type Attack = (image: RawImage, rng: Prng) => Promise<RawImage>;

export async function jpeg(image: RawImage, quality: number): Promise<RawImage> {
  const buf = await toSharp(image).jpeg({ quality }).toBuffer();
  return decodeImage(buf);
}

export async function resize(image: RawImage, scale: number): Promise<RawImage> {
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const { data, info } = await toSharp(image)
    .resize(width, height, { fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: image.channels, data: new Uint8Array(data) };
}

export async function blur(image: RawImage, sigma: number): Promise<RawImage> {
  const { data } = await toSharp(image).blur(sigma).raw().toBuffer({ resolveWithObject: true });
  return { ...image, data: new Uint8Array(data) };
}

/** Keeps a random window with the given share of the area (same aspect ratio). */
export function crop(image: RawImage, areaShare: number, rng: Prng): RawImage {
  const s = Math.sqrt(areaShare);
  const w = Math.max(1, Math.round(image.width * s));
  const h = Math.max(1, Math.round(image.height * s));
  const x0 = rng.int(image.width - w + 1);
  const y0 = rng.int(image.height - h + 1);
  return cropAt(image, x0, y0, w, h);
}

export function cropAt(image: RawImage, x0: number, y0: number, w: number, h: number): RawImage {
  const c = image.channels;
  const out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    const src = ((y0 + y) * image.width + x0) * c;
    out.set(image.data.subarray(src, src + w * c), y * w * c);
  }
  return { width: w, height: h, channels: image.channels, data: out };
}

function mapColour(image: RawImage, fn: (v: number) => number): RawImage {
  const out = new Uint8Array(image.data.length);
  const c = image.channels;
  for (let i = 0; i < image.data.length; i++) {
    const v = image.data[i]!;
    if (c === 4 && i % 4 === 3) {
      out[i] = v;
      continue;
    }
    const r = Math.round(fn(v));
    out[i] = r < 0 ? 0 : r > 255 ? 255 : r;
  }
  return { ...image, data: out };
}

export function brightness(image: RawImage, factor: number): RawImage {
  return mapColour(image, (v) => v * factor);
}

export function contrast(image: RawImage, factor: number): RawImage {
  let sum = 0;
  let cnt = 0;
  for (let i = 0; i < image.data.length; i++) {
    if (image.channels === 4 && i % 4 === 3) continue;
    sum += image.data[i]!;
    cnt++;
  }
  const mean = sum / cnt;
  return mapColour(image, (v) => mean + (v - mean) * factor);
}

export function noise(image: RawImage, sigma: number, rng: Prng): RawImage {
  return mapColour(image, (v) => v + sigma * rng.gaussian());
}

/** The benchmark attacks, by the exact names. */
export const ATTACKS: Record<string, Attack> = {
  none: async (im) => im,
  jpeg90: (im) => jpeg(im, 90),
  jpeg75: (im) => jpeg(im, 75),
  jpeg50: (im) => jpeg(im, 50),
  "resize0.5": (im) => resize(im, 0.5),
  "resize0.75": (im) => resize(im, 0.75),
  "crop0.5": async (im, rng) => crop(im, 0.5, rng),
  "crop0.25": async (im, rng) => crop(im, 0.25, rng),
  "brightness+20": async (im) => brightness(im, 1.2),
  "brightness-20": async (im) => brightness(im, 0.8),
  "contrast0.8": async (im) => contrast(im, 0.8),
  noise5: async (im, rng) => noise(im, 5, rng),
  blur1: (im) => blur(im, 1),
  combo: async (im, rng) => jpeg(await resize(crop(im, 0.5, rng), 0.75), 75),
};

export { sharp };
