/** Embed / detect time of one method on the 1024² timing image, with Atelier's stage timings. */
import { embed } from "../embed.ts";
import { embedVerified } from "../verify.ts";
import { detect, type DetectDiagnostics } from "../detect.ts";
import type { RawImage } from "../image.ts";
import type { Method } from "./methods.ts";
import type { MethodResult } from "./results.ts";
import { r2 } from "./stats.ts";

export function timeIt(fn: () => void, runs: number): { median: number; min: number } {
  fn(); // warm-up (JIT, tables)
  fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)]!, min: t[0]! };
}

export function measureSpeed(
  m: Method,
  timingImage: RawImage,
  payload: bigint,
  runs: number,
): {
  embed: { median: number; min: number };
  detect: { median: number; min: number };
  stages?: MethodResult["stages"];
} {
  // atelier: the plain embed (the verified embed's extra read-backs are reported in stages)
  const plainEmbed =
    m.name === "atelier" ? () => embed(timingImage, payload) : () => m.embed(timingImage, payload);
  const te = timeIt(plainEmbed, runs);
  const tMarked = m.embed(timingImage, payload).image;
  const td = timeIt(() => m.decode(tMarked), runs);
  if (m.name !== "atelier") return { embed: te, detect: td };
  const es: Record<string, number> = {};
  const ds: Record<string, number> = {};
  for (let k = 0; k < runs; k++) {
    embed(timingImage, payload, { stages: es });
    const diag = {} as DetectDiagnostics;
    detect(tMarked, diag);
    for (const [s, v] of Object.entries(diag.stages ?? {})) ds[s] = (ds[s] ?? 0) + v;
  }
  const avg = (o: Record<string, number>) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [k, r2(v / runs)]));
  const tv = timeIt(() => embedVerified(timingImage, payload), Math.max(1, Math.floor(runs / 2)));
  const ev = embedVerified(timingImage, payload);
  return {
    embed: te,
    detect: td,
    stages: {
      embed: avg(es),
      detect: avg(ds),
      embedVerifiedMs: r2(tv.median),
      embedVerifiedStages: Object.fromEntries(Object.entries(ev.stages).map(([k, v]) => [k, r2(v)])),
      embedVerifiedVerdict: ev.verdict,
    },
  };
}
