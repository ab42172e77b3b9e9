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

export async function webp(image: RawImage, quality: number): Promise<RawImage> {
  const buf = await toSharp(image).webp({ quality }).toBuffer();
  return decodeImage(buf);
}

/** Resizes to an exact size (Lanczos-3, as sharp does by default). */
export async function resizeTo(image: RawImage, width: number, height: number): Promise<RawImage> {
  const { data, info } = await toSharp(image)
    .resize(Math.max(1, Math.round(width)), Math.max(1, Math.round(height)), { fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: image.channels, data: new Uint8Array(data) };
}

/**
 * Rotates by `degrees` (libvips, bilinear) and keeps the largest centred rectangle of the original
 * aspect ratio that holds no fill from outside the picture — what a "straighten" tool does.
 */
export async function rotate(image: RawImage, degrees: number): Promise<RawImage> {
  if (degrees % 90 === 0) {
    const { data, info } = await toSharp(image).rotate(degrees).raw().toBuffer({ resolveWithObject: true });
    return { width: info.width, height: info.height, channels: image.channels, data: new Uint8Array(data) };
  }
  const { data, info } = await toSharp(image)
    .rotate(degrees, { background: { r: 0, g: 0, b: 0, alpha: 1 } })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const rotated: RawImage = {
    width: info.width,
    height: info.height,
    channels: info.channels === 4 ? 4 : 3,
    data: new Uint8Array(data),
  };
  const t = (Math.abs(degrees) * Math.PI) / 180;
  const c = Math.abs(Math.cos(t));
  const sn = Math.abs(Math.sin(t));
  const { width: w, height: h } = image;
  const s = Math.min(w / (w * c + h * sn), h / (w * sn + h * c)) * 0.995;
  const cw = Math.floor(w * s);
  const ch = Math.floor(h * s);
  const out = cropAt(
    rotated,
    Math.floor((rotated.width - cw) / 2),
    Math.floor((rotated.height - ch) / 2),
    cw,
    ch,
  );
  return rotated.channels === image.channels ? out : { ...out, channels: image.channels };
}

export async function flip(image: RawImage, horizontal: boolean): Promise<RawImage> {
  const s = horizontal ? toSharp(image).flop() : toSharp(image).flip();
  const { data } = await s.raw().toBuffer({ resolveWithObject: true });
  return { ...image, data: new Uint8Array(data) };
}

/** Grey: every colour channel set to the pixel's luma (Rec. 601). */
export function gray(image: RawImage): RawImage {
  const out = new Uint8Array(image.data);
  const c = image.channels;
  for (let p = 0; p < out.length; p += c) {
    const y = Math.round(0.299 * out[p]! + 0.587 * out[p + 1]! + 0.114 * out[p + 2]!);
    out[p] = out[p + 1] = out[p + 2] = y;
  }
  return { ...image, data: out };
}

export function gamma(image: RawImage, g: number): RawImage {
  return mapColour(image, (v) => 255 * (v / 255) ** g);
}

/** Adds a solid border of `share` of the shorter side on every side. */
export function border(image: RawImage, share: number, value = 255): RawImage {
  const b = Math.max(1, Math.round(Math.min(image.width, image.height) * share));
  const w = image.width + 2 * b;
  const h = image.height + 2 * b;
  const c = image.channels;
  const out = new Uint8Array(w * h * c).fill(value);
  for (let y = 0; y < image.height; y++)
    out.set(image.data.subarray(y * image.width * c, (y + 1) * image.width * c), ((y + b) * w + b) * c);
  return { width: w, height: h, channels: image.channels, data: out };
}

/**
 * An opaque caption/logo box over `share` of the area at a random place: a white 3:1 box with dark
 * text-like strokes (rows of random-width bars).
 */
export function overlay(image: RawImage, share: number, rng: Prng): RawImage {
  const area = image.width * image.height * share;
  const bw = Math.min(image.width, Math.round(Math.sqrt(area * 3)));
  const bh = Math.min(image.height, Math.round(area / bw));
  const x0 = rng.int(image.width - bw + 1);
  const y0 = rng.int(image.height - bh + 1);
  const out = new Uint8Array(image.data);
  const c = image.channels;
  const lineH = Math.max(4, Math.round(bh / 5));
  const glyphs: boolean[] = [];
  for (let i = 0; i < 4096; i++) glyphs.push(rng.next() < 0.6);
  for (let y = 0; y < bh; y++) {
    const inLine = y % lineH > lineH * 0.2 && y % lineH < lineH * 0.8;
    for (let x = 0; x < bw; x++) {
      const g = glyphs[(Math.floor(y / lineH) * 97 + Math.floor(x / Math.max(2, lineH / 2))) % 4096]!;
      const ink = inLine && g && x % Math.max(2, Math.round(lineH / 2)) > 0;
      const v = ink ? 20 : 255;
      const p = ((y0 + y) * image.width + x0 + x) * c;
      out[p] = out[p + 1] = out[p + 2] = v;
    }
  }
  return { ...image, data: out };
}

/** A screenshot of the image shown smaller: 0.6× down, back up to the original size, sharpened. */
export async function screenshot(image: RawImage): Promise<RawImage> {
  const small = await resize(image, 0.6);
  const { data } = await toSharp(await resizeTo(small, image.width, image.height))
    .sharpen()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { ...image, data: new Uint8Array(data) };
}

/** The benchmark attacks, by the exact names. */
export const ATTACKS: Record<string, Attack> = {
  none: async (im) => im,
  jpeg90: (im) => jpeg(im, 90),
  jpeg75: (im) => jpeg(im, 75),
  jpeg50: (im) => jpeg(im, 50),
  jpeg30: (im) => jpeg(im, 30),
  webp80: (im) => webp(im, 80),
  webp50: (im) => webp(im, 50),
  "resize0.5": (im) => resize(im, 0.5),
  "resize0.75": (im) => resize(im, 0.75),
  "resize0.5+jpeg75": async (im) => jpeg(await resize(im, 0.5), 75),
  "crop0.5": async (im, rng) => crop(im, 0.5, rng),
  "crop0.25": async (im, rng) => crop(im, 0.25, rng),
  "brightness+20": async (im) => brightness(im, 1.2),
  "brightness-20": async (im) => brightness(im, 0.8),
  "contrast0.8": async (im) => contrast(im, 0.8),
  "gamma0.8": async (im) => gamma(im, 0.8),
  gray: async (im) => gray(im),
  noise5: async (im, rng) => noise(im, 5, rng),
  blur1: (im) => blur(im, 1),
  combo: async (im, rng) => jpeg(await resize(crop(im, 0.5, rng), 0.75), 75),
  "rotate0.5": (im) => rotate(im, 0.5),
  rotate1: (im) => rotate(im, 1),
  rotate2: (im) => rotate(im, 2),
  rotate5: (im) => rotate(im, 5),
  rotate10: (im) => rotate(im, 10),
  "rotate2+crop0.5": async (im, rng) => crop(await rotate(im, 2), 0.5, rng),
  rotate90: (im) => rotate(im, 90),
  flipH: (im) => flip(im, true),
  flipV: (im) => flip(im, false),
  "aspectX0.9": (im) => resizeTo(im, im.width * 0.9, im.height),
  "aspectY0.9": (im) => resizeTo(im, im.width, im.height * 0.9),
  "aspectX1.1": (im) => resizeTo(im, im.width * 1.1, im.height),
  "aspectY1.1": (im) => resizeTo(im, im.width, im.height * 1.1),
  border5: async (im) => border(im, 0.05),
  overlay10: async (im, rng) => overlay(im, 0.1, rng),
  screenshot: (im) => screenshot(im),
};

/** Attacks that draw random numbers (several draws per image with --repeats). */
export const RANDOM_ATTACKS = new Set([
  "crop0.5",
  "crop0.25",
  "noise5",
  "combo",
  "rotate2+crop0.5",
  "overlay10",
]);

export { sharp };
