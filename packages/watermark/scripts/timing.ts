/**
 * Embed / detect cost at 1024² with stage timings: median wall-clock ms and median CPU ms of this
 * process (process.cpuUsage: user + system), one JS thread. On a machine shared with other jobs the
 * CPU figure is the one that tracks the work; the wall figure includes waiting for a core.
 *
 *   npx tsx scripts/timing.ts IMAGE [RUNS]
 *
 * `detectUnmarked` is the original image (every stage runs, the sweep included: what Verify pays
 * for an image without a mark); `detect*Found` say what each read found and where — a marked read
 * that finds nothing (`detectRotated5` of opencv--board: the lattice misses the 5° + 1.09× map)
 * costs what an unmarked one does. The `*512` keys are the embed side at 512² (the generator node's
 * size): embed, embedVerified with its stage split (ms, mean) and how often each stage ran. Per-case medians over several images and attacks:
 * scripts/timing-cases.ts.
 */
import { embed, planEmbed, renderPlan } from "../src/embed.ts";
import { embedVerified, referenceAttack } from "../src/verify.ts";
import { detect, readBack, type DetectDiagnostics } from "../src/detect.ts";
import { decodeImage } from "../src/node/io.ts";
import { resizeTo, rotate } from "../src/bench/attacks.ts";

const source = await decodeImage(process.argv[2]!);
const im = await resizeTo(source, 1024, 1024);
const im512 = await resizeTo(source, 512, 512);
const runs = Number(process.argv[3] ?? 11);
const p = 0x0123456789abcdefn;
const mk = embed(im, p);
const rotated = await resizeTo(await rotate(mk, 5), 1024, 1024);
const med = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
function measure(fn: () => void): { wall: number; cpu: number } {
  fn();
  fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: med(wall), cpu: med(cpu) };
}
const stages = (fn: (s: Record<string, number>) => void) => {
  const acc: Record<string, number> = {};
  for (let i = 0; i < runs; i++) fn(acc);
  return Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, Math.round((v / runs) * 10) / 10]));
};
const attacked = referenceAttack(mk);
function outcome(image: typeof im): string {
  const d = {} as DetectDiagnostics;
  const r = detect(image, d);
  const what = r ? (r.payload === p ? "payload" : "WRONG payload") : "nothing";
  return d.found ? `${what} (${d.found.stage}, z ${d.found.z.toFixed(2)})` : what;
}
const out = {
  load: (await import("node:os")).loadavg().map((v) => Math.round(v * 10) / 10),
  embed: measure(() => embed(im, p)),
  // CPU per embed stage: the analysis (luma statistics, structure tensor, caps) and one render (solve + apply)
  embedAnalyse: measure(() => planEmbed(im, p)),
  embedRender: (() => {
    const plan = planEmbed(im, p);
    return measure(() => renderPlan(plan));
  })(),
  embedVerified: measure(() => embedVerified(im, p)),
  embedVerifiedVerdict: embedVerified(im, p).verdict,
  embedVerifiedCalls: embedVerified(im, p).calls,
  embed512: measure(() => embed(im512, p)),
  embedVerified512: measure(() => embedVerified(im512, p)),
  embedVerified512Verdict: embedVerified(im512, p).verdict,
  embedVerified512Calls: embedVerified(im512, p).calls,
  embedVerified512Stages: stages((s) => {
    for (const [k, v] of Object.entries(embedVerified(im512, p).stages)) s[k] = (s[k] ?? 0) + v;
  }),
  readBackUpright: measure(() => readBack(mk, "upright")),
  referenceAttack: measure(() => referenceAttack(mk)),
  readBackRescaled: measure(() => readBack(attacked, "rescaled")),
  detect: measure(() => detect(mk)),
  detectRotated5: measure(() => detect(rotated)),
  detectUnmarked: measure(() => detect(im)),
  // what each read found (payload right or not, the stage, its pilot z): a read that finds nothing
  // runs every stage, so its cost is an unmarked read's, whatever its geometry
  detectFound: outcome(mk),
  detectRotated5Found: outcome(rotated),
  detectUnmarkedFound: outcome(im),
  embedStages: stages((s) => embed(im, p, { stages: s })),
  embedVerifiedStages: stages((s) => {
    for (const [k, v] of Object.entries(embedVerified(im, p).stages)) s[k] = (s[k] ?? 0) + v;
  }),
  detectStages: stages((s) => {
    const d = {} as DetectDiagnostics;
    detect(mk, d);
    for (const [k, v] of Object.entries(d.stages ?? {})) s[k] = (s[k] ?? 0) + v;
  }),
  detectRotatedStages: stages((s) => {
    const d = {} as DetectDiagnostics;
    detect(rotated, d);
    for (const [k, v] of Object.entries(d.stages ?? {})) s[k] = (s[k] ?? 0) + v;
  }),
  detectUnmarkedStages: stages((s) => {
    const d = {} as DetectDiagnostics;
    detect(im, d);
    for (const [k, v] of Object.entries(d.stages ?? {})) s[k] = (s[k] ?? 0) + v;
  }),
};
console.log(JSON.stringify(out));
