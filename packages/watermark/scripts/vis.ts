/** Dev: per-image PSNR / SSIM / p99.9 |Δ| of the plain embed over a folder (every Nth image). */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { embed } from "../src/embed.ts";
import { absDiffQuantile, psnr, ssim } from "../src/metrics.ts";
import { decodeImage } from "../src/node/io.ts";
const [dir, every = "1"] = process.argv.slice(2);
const files = readdirSync(dir!)
  .filter((f) => f.endsWith(".png"))
  .sort()
  .filter((_, i) => i % Number(every) === 0);
for (const f of files) {
  const im = await decodeImage(join(dir!, f));
  const mk = embed(im, 0x0123456789abcdefn);
  console.log(f.padEnd(50), psnr(im, mk).toFixed(2), ssim(im, mk).toFixed(4), absDiffQuantile(im, mk, 0.999));
}
