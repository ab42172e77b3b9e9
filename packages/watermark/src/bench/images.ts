/** The benchmark's images: a folder of PNG/JPEG/WebP/TIFF files or the built-in synthetic set, and the 1024² timing image. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import type { RawImage } from "../image.ts";
import { decodeImage } from "../node/io.ts";
import { defaultImageSet } from "./synth.ts";

export async function loadImages(dir?: string): Promise<{ name: string; image: RawImage }[]> {
  if (!dir) return defaultImageSet();
  const files = readdirSync(dir)
    .filter((f) => /\.(png|jpe?g|webp|tiff?)$/i.test(f))
    .sort();
  if (files.length === 0) throw new Error(`no PNG/JPEG/WebP images in ${dir}`);
  const out: { name: string; image: RawImage }[] = [];
  for (const f of files) out.push({ name: f, image: await decodeImage(join(dir, f)) });
  return out;
}

/** The timing image: an image resampled to 1024×1024. */
export async function resize1024(image: RawImage): Promise<RawImage> {
  const { toSharp } = await import("../node/io.ts");
  const { data, info } = await toSharp(image)
    .resize(1024, 1024, { fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: image.channels, data: new Uint8Array(data) };
}
