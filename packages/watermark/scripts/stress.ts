/**
 * Margin study (not part of the benchmark's contract): where does Atelier's mark break?
 * npx tsx scripts/stress.ts DIR
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { decodeImage } from "../src/node/io.ts";
import { embed, detect, type RawImage } from "../src/index.ts";
import { ATTACKS, blur, brightness, contrast, crop, jpeg, noise, resize } from "../src/bench/attacks.ts";
import { Prng } from "../src/prng.ts";

const dir = process.argv[2] ?? "/work/shared/datasets/photos";
const files = readdirSync(dir).filter((f) => /\.(png|jpe?g)$/i.test(f));
const imgs = await Promise.all(files.map((f) => decodeImage(join(dir, f))));
const P = 0x0123456789abcdefn;
type A = (im: RawImage, rng: Prng) => Promise<RawImage> | RawImage;
const strong: [string, A][] = [
  ["jpeg30", (im) => jpeg(im, 30)],
  ["jpeg20", (im) => jpeg(im, 20)],
  ["jpeg10", (im) => jpeg(im, 10)],
  ["resize0.4", (im) => resize(im, 0.4)],
  ["resize0.33", (im) => resize(im, 0.33)],
  ["resize1.5", (im) => resize(im, 1.5)],
  ["resize2.0", (im) => resize(im, 2)],
  ["crop0.1", (im, r) => crop(im, 0.1, r)],
  ["crop0.05", (im, r) => crop(im, 0.05, r)],
  ["noise10", (im, r) => noise(im, 10, r)],
  ["noise15", (im, r) => noise(im, 15, r)],
  ["blur1.5", (im) => blur(im, 1.5)],
  ["blur2", (im) => blur(im, 2)],
  ["brightness+40", (im) => brightness(im, 1.4)],
  ["contrast0.5", (im) => contrast(im, 0.5)],
  ["crop0.25+resize0.5+jpeg50", async (im, r) => jpeg(await resize(crop(im, 0.25, r), 0.5), 50)],
];
const reps = 3;
async function rate(psnr: number, list: [string, A][]) {
  const marked = imgs.map((im) => embed(im, P, { psnr }));
  for (const [name, a] of list) {
    let ok = 0;
    let n = 0;
    for (let i = 0; i < marked.length; i++) {
      for (let r = 0; r < reps; r++) {
        const d = detect(await a(marked[i]!, new Prng(31 * i + r + 1)));
        if (d?.payload === P) ok++;
        n++;
      }
    }
    console.log(`| ${psnr} | ${name} | ${((100 * ok) / n).toFixed(0)}% (${ok}/${n}) |`);
  }
}
console.log("| PSNR target dB | attack | exact recovery |\n| --- | --- | --- |");
await rate(42.2, strong);
for (const p of [44, 46])
  await rate(
    p,
    Object.entries(ATTACKS).filter(([n]) => n !== "none"),
  );
