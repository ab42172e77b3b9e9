/** Tuning study: masking vs robustness vs visibility in flat areas. npx tsx scripts/tune.ts */
import { readdirSync } from "node:fs";
import { decodeImage } from "../src/node/io.ts";
import { embed, detect, type RawImage } from "../src/index.ts";
import { ATTACKS, crop, jpeg, resize } from "../src/bench/attacks.ts";
ATTACKS["crop0.05"] = async (im, r) => crop(im, 0.05, r);
ATTACKS["crop0.1"] = async (im, r) => crop(im, 0.1, r);
ATTACKS["triple"] = async (im, r) => jpeg(await resize(crop(im, 0.25, r), 0.5), 50);
import { boxMean, luma } from "../src/image.ts";
import { Prng } from "../src/prng.ts";

const dir = "/work/shared/datasets/photos";
const imgs = await Promise.all(readdirSync(dir).map((f) => decodeImage(`${dir}/${f}`)));
const P = 0x0123456789abcdefn;
function flatRms(a: RawImage, b: RawImage): number {
  const ya = luma(a);
  const yb = luma(b);
  const n = a.width * a.height;
  const m = new Float32Array(n),
    m2 = new Float32Array(n),
    t = new Float32Array(n),
    sq = new Float32Array(n);
  boxMean(ya, a.width, a.height, 3, m, t);
  for (let i = 0; i < n; i++) sq[i] = ya[i]! * ya[i]!;
  boxMean(sq, a.width, a.height, 3, m2, t);
  let s = 0,
    c = 0;
  for (let i = 0; i < n; i++) {
    const sd = Math.sqrt(Math.max(0, m2[i]! - m[i]! * m[i]!));
    if (sd < 2) {
      s += (yb[i]! - ya[i]!) ** 2;
      c++;
    }
  }
  return Math.sqrt(s / Math.max(c, 1));
}
const hard = (process.env.HARD ?? "jpeg50,resize0.5,crop0.25,combo,noise5").split(",");
const configs: [number, number, number][] = JSON.parse(
  process.argv[2] ?? "[[42.2,0.5,3],[42.2,1,1],[42.2,0.75,2],[43,1,1],[44,1,1]]",
);
for (const [psnr, e, o] of configs) {
  const marked = imgs.map((im) => embed(im, P, { psnr, maskExponent: e, maskOffset: o }));
  const fr = marked.map((m, i) => flatRms(imgs[i]!, m));
  const res: string[] = [];
  for (const name of hard) {
    let ok = 0,
      n = 0;
    for (let i = 0; i < marked.length; i++)
      for (let r = 0; r < 3; r++) {
        const d = detect(await ATTACKS[name]!(marked[i]!, new Prng(i * 7 + r + 1)));
        if (d?.payload === P) ok++;
        n++;
        if (name === "jpeg50" || name === "resize0.5") break;
      }
    res.push(`${name}=${ok}/${n}`);
  }
  console.log(
    `psnr ${psnr} exp ${e} off ${o} flatRMS ${(fr.reduce((a, b) => a + b) / fr.length).toFixed(2)} max ${Math.max(...fr).toFixed(2)} | ${res.join(" ")}`,
  );
}
