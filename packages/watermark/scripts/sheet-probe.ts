/** Dev: contact sheet (original | marked | ×10 Δ) of the verified embed for the named images. */
import { join } from "node:path";
import { embedVerified } from "../src/verify.ts";
import { decodeImage } from "../src/node/io.ts";
import { writeContactSheet } from "../src/bench/sheet.ts";
const [dir, out, ...names] = process.argv.slice(2);
const rows = [];
for (const n of names) {
  const im = await decodeImage(join(dir!, n));
  const r = embedVerified(im, 0x0123456789abcdefn);
  console.log(n, r.verdict, r.strength, r.psnr.toFixed(2));
  rows.push({ name: n, original: im, marked: r.image });
}
await writeContactSheet(out!, rows);
