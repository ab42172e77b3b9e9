/**
 * Renders the small real image set the embedding tests and the recommendation bench use: the
 * generator node's built-in art model at several prompts × seeds, saved as 256² JPEG (q90) so the
 * fixtures stay small. Run once: `npx tsx packages/query/scripts/render-art-fixtures.ts [OUT_DIR]`.
 * The images are the generator's own output; only the downscale and JPEG encoding are added here.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { openRenderer } from "@atelier/generator-node/render";

export const ART_PROMPTS = [
  "sunset over the sea",
  "neon city at night",
  "misty pine forest",
  "desert dunes at noon",
  "frozen glacier lake",
  "autumn leaves in rain",
];
export const ART_SEEDS = 4;

const out =
  process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../test/fixtures/art");
await mkdir(out, { recursive: true });
const renderer = await openRenderer("art");
for (const [p, prompt] of ART_PROMPTS.entries()) {
  for (let s = 0; s < ART_SEEDS; s++) {
    const seed = `0x${(p * 100 + s + 1).toString(16).padStart(64, "0")}`;
    const image = await renderer.render({ prompt, seed });
    const jpeg = await sharp(image.data, {
      raw: { width: image.width, height: image.height, channels: image.channels },
    })
      .resize(256, 256)
      .jpeg({ quality: 90 })
      .toBuffer();
    await writeFile(path.join(out, `p${p}-s${s}.jpg`), jpeg);
  }
}
await renderer.close();
console.log(`wrote ${ART_PROMPTS.length * ART_SEEDS} images to ${out}`);
