/** Dev probe: embed, attack, detect on a few images; prints recoveries, top pilot z and stage timings. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { embed } from "../src/embed.ts";
import { detect, type DetectDiagnostics } from "../src/detect.ts";
import { decodeImage } from "../src/node/io.ts";
import { ATTACKS } from "../src/bench/attacks.ts";
import { Prng } from "../src/prng.ts";

const [dir, every = "10", attackList] = process.argv.slice(2);
const files = readdirSync(dir!)
  .filter((f) => /\.(png|jpe?g)$/i.test(f))
  .sort()
  .filter((_, i) => i % Number(every) === 0);
const names = attackList ? attackList.split(",") : Object.keys(ATTACKS);
const ok: Record<string, number> = {};
const stageSum: Record<string, number> = {};
let nd = 0;
for (const f of files) {
  const im = await decodeImage(join(dir!, f));
  const p = 0x0123456789abcdefn;
  const mk = embed(
    im,
    p,
    process.env.MASK_EXP
      ? { maskExponent: Number(process.env.MASK_EXP), maskOffset: Number(process.env.MASK_OFF ?? 3) }
      : {},
  );
  const fails: string[] = [];
  for (const a of names) {
    const att = await ATTACKS[a]!(mk, new Prng(7));
    const diag = {} as DetectDiagnostics;
    const d = detect(att, diag);
    nd++;
    for (const [k, v] of Object.entries(diag.stages ?? {})) stageSum[k] = (stageSum[k] ?? 0) + v;
    if (d?.payload === p) ok[a] = (ok[a] ?? 0) + 1;
    else fails.push(`${a}(z${diag.hypotheses?.[0]?.z.toFixed(1)})`);
  }
  console.log(f, im.width, im.height, fails.join(" "));
}
console.log(names.map((a) => `${a}:${ok[a] ?? 0}/${files.length}`).join(" "));
console.log(
  Object.entries(stageSum)
    .map(([k, v]) => `${k} ${(v / nd).toFixed(1)}ms`)
    .join(", "),
);
