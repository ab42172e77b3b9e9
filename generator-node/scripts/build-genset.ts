/**
 * Builds the watermark's generated benchmark set (see packages/watermark/README.md): outputs of the generator node's current built-in art model
 * (`builtin:art`, v2, 512×512) for 24 varied prompts and seeds, written as PNG into a folder
 * outside git, `--seeds N` seeds per prompt (default 2: 48 images). `--model cppn` writes the old
 * v1 CPPN set instead (names start with `cppn-`).
 *
 *   npx tsx generator-node/scripts/build-genset.ts [OUT_DIR] [--model art|cppn] [--seeds N]
 *   (default OUT_DIR ~/.cache/atelier-watermark/genset-v2)
 *
 * Dev tool only: it renders through the generator node's public render entry
 * (`@atelier/generator-node/render`), so that the images are exactly what a node generates before
 * its watermark. It lives here, not in packages/watermark, because the generator node depends on the
 * watermark: a watermark script importing the node made the two packages depend on each other.
 */
import { mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { openRenderer } from "@atelier/generator-node/render";
import { GENSET_PROMPTS } from "../bench/prompts.ts";

const args = process.argv.slice(2);
const mi = args.indexOf("--model");
const model = mi >= 0 ? args.splice(mi, 2)[1] : "art";
const si = args.indexOf("--seeds");
const seeds = si >= 0 ? Number(args.splice(si, 2)[1]) : 2;
if (!(Number.isInteger(seeds) && seeds >= 1 && seeds <= 8))
  throw new Error("--seeds must be an integer 1..8");
if (model !== "art" && model !== "cppn") throw new Error(`--model must be art or cppn, got ${model}`);
const out = args[0] ?? join(homedir(), ".cache/atelier-watermark/genset-v2");
mkdirSync(out, { recursive: true });
const renderer = await openRenderer(model === "art" ? "art" : "cppn");
// seed k of prompt i: the v1 set's seeds for k = 0, further ones from the same generator
const jobs = GENSET_PROMPTS.flatMap((prompt, i) =>
  Array.from({ length: seeds }, (_, k) => ({
    prompt,
    seed: (0x9e3779b97f4a7c15n * BigInt(i + 1 + k * GENSET_PROMPTS.length)).toString(16).slice(-16),
    name: `${String(i + 1).padStart(2, "0")}${k ? String.fromCharCode(97 + k) : ""}`,
  })),
);
let written = 0;
for (const job of jobs) {
  const im = await renderer.render({ prompt: job.prompt, seed: job.seed });
  const name = `${model === "art" ? "art2" : "cppn"}-${job.name}-${job.prompt.replace(/[^a-z0-9]+/gi, "-").slice(0, 40)}.png`;
  await sharp(Buffer.from(im.data), {
    raw: { width: im.width, height: im.height, channels: im.channels },
  })
    .png()
    .toFile(join(out, name));
  written++;
}
await renderer.close();
console.log(`${written} images written to ${out}`);
