/** Test images: deterministic colourful pictures with texture, watermarked like a real upload. */
import sharp from "sharp";
import {
  embedVerified,
  encodePayload,
  PAYLOAD_VERSION,
  perceptualHash,
  type RawImage,
} from "@atelier/watermark";

// Fine texture, but not white noise: heavy per-pixel noise masks the watermark after a resize.
const GRAIN = 10;
/** A 512×512 RGB picture (smooth colour fields plus fine texture) that differs per `seed`. */
export function pattern(seed: number, size = 512): RawImage {
  const data = new Uint8Array(size * size * 3);
  let s = seed * 2654435761;
  const rand = () => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const f = [rand() * 6 + 1, rand() * 6 + 1, rand() * 6 + 1];
  const p = [rand() * 6, rand() * 6, rand() * 6];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / size;
      const v = y / size;
      const i = (y * size + x) * 3;
      const grain = (rand() - 0.5) * GRAIN;
      for (let c = 0; c < 3; c++) {
        const wave = Math.sin(u * f[c]! * Math.PI + p[c]!) * Math.cos(v * f[(c + 1) % 3]! * Math.PI + p[c]!);
        data[i + c] = Math.max(0, Math.min(255, 128 + 100 * wave + grain));
      }
    }
  }
  return { width: size, height: size, channels: 3, data };
}

export async function jpeg(image: RawImage, quality = 90): Promise<Uint8Array> {
  const out = await sharp(Buffer.from(image.data), {
    raw: { width: image.width, height: image.height, channels: image.channels },
  })
    .jpeg({ quality })
    .toBuffer();
  return new Uint8Array(out);
}

/** Marks `image` with `watermarkId` (read back before it is accepted) and returns the JPEG and its pHash. */
export async function markedJpeg(
  image: RawImage,
  watermarkId: bigint,
): Promise<{ bytes: Uint8Array; perceptualHash: bigint }> {
  const result = embedVerified(image, encodePayload({ version: PAYLOAD_VERSION, id: watermarkId }));
  if (result.verdict === "failed")
    throw new Error(`watermark ${watermarkId} did not read back from the test image`);
  return { bytes: await jpeg(result.image), perceptualHash: perceptualHash(result.image) };
}

/** A re-encoded, resized copy (what someone finds on the web): JPEG quality `quality`, `width` px wide. */
export async function foundCopy(bytes: Uint8Array, width: number, quality: number): Promise<Buffer> {
  return sharp(Buffer.from(bytes)).resize({ width }).jpeg({ quality }).toBuffer();
}
