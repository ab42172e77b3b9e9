/**
 * Smooth-region visibility per image (metrics.ts smoothChange) of embedVerified's output, beside
 * PSNR, SSIM and the verdict. Usage: npx tsx scripts/smooth-vis.ts DIR [verify.ts path] [--crops OUT]
 * (the second argument lets another checkout's embedder be measured with this metric). The payload
 * of image i is the bench's (0x1234…·(i+1)). Prints one JSON line per image, then a summary.
 */
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import { psnr, SMOOTH_MIN_SHARE, smoothChange, ssim } from "../src/metrics.ts";
import type { RawImage } from "../src/image.ts";

const [dir, impl] = process.argv.slice(2);
if (!dir) throw new Error("usage: smooth-vis.ts DIR [verify.ts]");
const mod = (await import(pathToFileURL(resolve(impl ?? "src/verify.ts")).href)) as {
  embedVerified: (im: RawImage, p: bigint) => { image: RawImage; verdict: string; strength: number };
};
const files = readdirSync(dir)
  .filter((f) => /\.(png|jpe?g|webp)$/i.test(f))
  .sort();
const rows: { name: string; smoothFraction: number; lumaRms: number; chromaRms: number }[] = [];
for (const [i, f] of files.entries()) {
  const { data, info } = await sharp(join(dir, f)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const im: RawImage = { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
  const payload = (0x123456789abcdefn * BigInt(i + 1)) & 0xffffffffffffffffn;
  const r = mod.embedVerified(im, payload);
  const s = smoothChange(im, r.image);
  const row = {
    name: f.replace(/\.[^.]+$/, ""),
    verdict: r.verdict,
    strength: r.strength,
    psnr: +psnr(im, r.image).toFixed(2),
    ssim: +ssim(im, r.image).toFixed(4),
    smoothFraction: +s.fraction.toFixed(3),
    lumaRms: +s.lumaRms.toFixed(3),
    chromaRms: +s.chromaRms.toFixed(3),
    lumaRmsPixel: +s.lumaRmsPixel.toFixed(3),
    chromaRmsPixel: +s.chromaRmsPixel.toFixed(3),
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}
const w = rows.filter((r) => r.smoothFraction >= SMOOTH_MIN_SHARE);
const max = (k: "lumaRms" | "chromaRms") => Math.max(...w.map((r) => r[k]));
const avg = (k: "lumaRms" | "chromaRms") => w.reduce((a, r) => a + r[k], 0) / w.length;
console.log(
  JSON.stringify({
    summary: dir,
    images: rows.length,
    lumaRms: +avg("lumaRms").toFixed(3),
    lumaRmsMax: max("lumaRms"),
    chromaRms: +avg("chromaRms").toFixed(3),
    chromaRmsMax: max("chromaRms"),
  }),
);
