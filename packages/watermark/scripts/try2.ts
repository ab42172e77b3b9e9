import { readdirSync } from "node:fs";
import { decodeImage } from "../src/node/io.ts";
import { embed, detect } from "../src/index.ts";
import type { DetectDiagnostics } from "../src/detect.ts";
import { ATTACKS } from "../src/bench/attacks.ts";
import { Prng } from "../src/prng.ts";

const dir = "/work/shared/datasets/photos";
const files = readdirSync(dir);
const psnrT = Number(process.argv[2] ?? 42.2);
const only = process.argv[3];
const imgs = await Promise.all(files.map((f) => decodeImage(`${dir}/${f}`)));
const marked = imgs.map((im) => embed(im, 0x0123456789abcdefn, { psnr: psnrT }));
for (const [name, atk] of Object.entries(ATTACKS)) {
  if (only && !name.startsWith(only)) continue;
  let ok = 0;
  const zs: string[] = [];
  for (let i = 0; i < files.length; i++) {
    for (let rep = 0; rep < 2; rep++) {
      const rng = new Prng(1000 * i + rep + 7);
      const a = await atk(marked[i]!, rng);
      const diag = {} as DetectDiagnostics;
      const d = detect(a, diag);
      if (d && d.payload === 0x0123456789abcdefn) ok++;
      const h = diag.hypotheses[0]!;
      zs.push(`${h.z.toFixed(1)}${d ? "" : "!"}${d ? "/" + d.bitErrors : ""}@${h.px.toFixed(2)}`);
    }
  }
  console.log(name.padEnd(14), `${ok}/${files.length * 2}`, zs.join(" "));
}
