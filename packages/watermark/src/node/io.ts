/** Node codecs at the edge: PNG/JPEG (and anything libvips reads) ↔ RawImage, via sharp. */
import sharp, { type Sharp } from "sharp";
import type { RawImage } from "../image.ts";

export async function decodeImage(input: string | Buffer): Promise<RawImage> {
  // autoOrient: pixels in display orientation (EXIF rotation applied), since outputs carry no EXIF
  const img = sharp(input, { failOn: "error" }).autoOrient();
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

function encoder(image: RawImage, format: ImageFormat, quality: number): Sharp {
  const s = toSharp(image);
  if (format === "png") return s.png();
  // JPEG has no alpha: composite onto white
  return (image.channels === 4 ? s.flatten({ background: "#ffffff" }) : s).jpeg({ quality });
}

export async function encodeImage(image: RawImage, format: ImageFormat, quality = 95): Promise<Buffer> {
  return encoder(image, format, quality).toBuffer();
}

export async function writeImage(path: string, image: RawImage, quality = 95): Promise<void> {
  await encoder(image, formatFromPath(path), quality).toFile(path);
}
