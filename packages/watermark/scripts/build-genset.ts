/**
 * Builds the generated benchmark set: outputs of the generator node's built-in model (the CPPN,
 * 512×512) for 24 varied prompts and seeds, written as PNG into a folder outside git.
 *
 *   npx tsx scripts/build-genset.ts [OUT_DIR]     (default ~/.cache/atelier-watermark/genset)
 *
 * Dev tool only: it loads the model through the generator node's runtime module (not part of that
 * package's public API), so that the images are exactly what a node produces.
 */
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { BUILTIN_MANIFEST } from "@atelier/generator-node";
import { loadManifest } from "../../../generator-node/src/model/manifest.ts";
import { ModelRuntime } from "../../../generator-node/src/model/runtime.ts";

const out = process.argv[2] ?? join(homedir(), ".cache/atelier-watermark/genset");
const PROMPTS = [
  "a tide pool at dusk, mother-of-pearl and teal",
  "fog over a calm lake",
  "soft pastel sky",
  "quiet snowfield at noon",
  "northern lights over a fjord",
  "a blue ocean mandala",
  "sunset over the forest",
  "dark night swirl",
  "pastel butterfly",
  "golden kaleidoscope",
  "emerald spiral",
  "desert dunes in the wind",
  "neon city rain",
  "autumn leaves on water",
  "a red poppy field",
  "deep space nebula",
  "marble and gold",
  "a misty pine forest",
  "candy stripes",
  "storm clouds over the sea",
  "lavender hills",
  "coral reef",
  "black ink on rice paper",
  "a stained glass window",
];
mkdirSync(out, { recursive: true });
const runtime = await ModelRuntime.create(await loadManifest(BUILTIN_MANIFEST), { provider: "cpu" });
const images = await runtime.generate(
  PROMPTS.map((prompt, i) => ({
    prompt,
    seed: (0x9e3779b97f4a7c15n * BigInt(i + 1)).toString(16).slice(-16),
  })),
);
for (const [i, im] of images.entries()) {
  const name = `cppn-${String(i + 1).padStart(2, "0")}-${PROMPTS[i]!.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}.png`;
  await sharp(Buffer.from(im.data), { raw: { width: im.width, height: im.height, channels: im.channels } })
    .png()
    .toFile(join(out, name));
}
console.log(`${images.length} images written to ${out}`);
