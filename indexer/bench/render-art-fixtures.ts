/**
 * Renders the small real image set the query package's embedding tests and the recommendation bench use
 * (`@atelier/query/test-support/art`): the generator node's built-in art model at the first 6 style prompts
 * of the discovery bench × 4 seeds, saved as 256² JPEG (q90) so the fixtures stay small. Run once:
 * `npx tsx indexer/bench/render-art-fixtures.ts [OUT_DIR]` (it lives here, beside the discovery bench,
 * because the indexer depends on both the query package and the generator node; the query package does
 * not depend on the node). The images are the generator's own output; only the downscale and JPEG
 * encoding are added here.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { openRenderer } from "@atelier/generator-node/render";
import { ART_DIR } from "@atelier/query/test-support/art";
import { STYLE_PROMPTS } from "./discovery.ts";

export const ART_PROMPTS = STYLE_PROMPTS.slice(0, 6);
export const ART_SEEDS = 4;

const out = process.argv[2] ?? ART_DIR;
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
