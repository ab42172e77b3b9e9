/** Dev timing: embed/detect at 1024² with stage timings (median of N after warm-up). */
import { embed } from "../src/embed.ts";
import { detect, type DetectDiagnostics } from "../src/detect.ts";
import { decodeImage } from "../src/node/io.ts";
import { resizeTo } from "../src/bench/attacks.ts";
const im = await resizeTo(await decodeImage(process.argv[2]!), 1024, 1024);
const p = 0x0123456789abcdefn;
const mk = embed(im, p);
const te: number[] = [];
const td: number[] = [];
const st: Record<string, number[]> = {};
for (let i = 0; i < 11; i++) {
  let t = performance.now();
  const es: Record<string, number> = {};
  embed(im, p, { stages: es });
  for (const [k, v] of Object.entries(es)) (st[`embed.${k}`] ??= []).push(v);
  te.push(performance.now() - t);
  t = performance.now();
  const diag = {} as DetectDiagnostics;
  if (detect(mk, diag)?.payload !== p) console.log("not found");
  td.push(performance.now() - t);
  for (const [k, v] of Object.entries(diag.stages ?? {})) (st[k] ??= []).push(v);
}
const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1]!.toFixed(1);
console.log(
  `embed ${med(te)} ms, detect ${med(td)} ms;`,
  Object.entries(st)
    .map(([k, v]) => `${k} ${med(v)}`)
    .join(", "),
);
