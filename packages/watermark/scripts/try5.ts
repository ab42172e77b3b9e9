import { synthImage } from "../src/bench/synth.ts";
import { embed, detect, psnr } from "../src/index.ts";
for (const [w, h, tex] of [
  [40, 40, 0.6],
  [50, 37, 0.6],
  [63, 63, 0.6],
  [64, 48, 0.2],
  [100, 80, 0.6],
  [128, 96, 0.6],
  [201, 157, 0.6],
  [333, 217, 1],
  [512, 512, 1],
  [1024, 768, 1],
  [2000, 1500, 0.6],
  [3000, 2000, 0.6],
] as const) {
  let ok = 0,
    tot = 0;
  const t0 = performance.now();
  let pmin = 99;
  for (let s = 0; s < 4; s++) {
    const im = synthImage(w, h, 99 + s, tex);
    const m = embed(im, 0xfedcba9876543210n);
    pmin = Math.min(pmin, psnr(im, m));
    const d = detect(m);
    tot++;
    if (d?.payload === 0xfedcba9876543210n) ok++;
    if (detect(im)) console.log("FP!");
  }
  console.log(w, h, tex, `${ok}/${tot}`, pmin.toFixed(2), ((performance.now() - t0) / 4).toFixed(0) + "ms");
}
