/** Node codecs at the edge: PNG/JPEG (and anything libvips reads) ↔ RawImage, via sharp. */
import sharp, { type Sharp } from "sharp";
import type { RawImage } from "../image.ts";

export async function decodeImage(input: string | Buffer): Promise<RawImage> {
  const img = sharp(input, { failOn: "error" });
  const meta = await img.metadata();
  const hasAlpha = meta.hasAlpha === true;
  const converted = img.toColourspace("srgb");
  const { data, info } = await (hasAlpha ? converted.ensureAlpha() : converted.removeAlpha())
    .raw()
    .toBuffer({ resolveWithObject: true });
  const channels = info.channels === 4 ? 4 : 3;
  if (info.channels !== channels) throw new Error(`unexpected channel count ${info.channels}`);
  return {
    width: info.width,
    height: info.height,
    channels,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
}

export type ImageFormat = "png" | "jpeg";

export function formatFromPath(path: string): ImageFormat {
  const p = path.toLowerCase();
  if (p.endsWith(".jpg") || p.endsWith(".jpeg")) return "jpeg";
  if (p.endsWith(".png")) return "png";
  throw new Error(`unsupported output extension for "${path}" (use .png, .jpg or .jpeg)`);
}

export function toSharp(image: RawImage): Sharp {
  return sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  });
}

export async function encodeImage(image: RawImage, format: ImageFormat, quality = 95): Promise<Buffer> {
  const s = toSharp(image);
  return format === "png" ? s.png().toBuffer() : s.jpeg({ quality }).toBuffer();
}

export async function writeImage(path: string, image: RawImage, quality = 95): Promise<void> {
  const fmt = formatFromPath(path);
  const s = toSharp(image);
  await (fmt === "png" ? s.png() : s.jpeg({ quality })).toFile(path);
}
