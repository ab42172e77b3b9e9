/**
 * Merges bench JSONs of the same method and attacks run on disjoint shards of one image set (e.g.
 * the 100 photos split into three folders, one process each) into the JSON one run over the whole
 * set would have written: rates and means weighted by the shard's image count, minima/maxima and
 * worst images over all shards (the smooth-region limit's too), failed lists joined, false-positive
 * trials and hits added. Timing
 * (embedMs, detectMs, stages) is the first shard's (each shard times its own first image).
 *
 *   npx tsx scripts/merge-shards.ts OUT.json SHARD.json:N SHARD.json:N …   (N = images in the shard)
 */
import { readFileSync, writeFileSync } from "node:fs";

interface Attack {
  bitAccuracy: number;
  exactRecovery: number;
  worst: { image: string; exactRecovery: number; bitAccuracy: number };
  failed: string[];
  failedCount: number;
}
type Method = Record<string, unknown> & {
  attacks: Record<string, Attack>;
  falsePositives: { trials: number; hits: number };
};

const [out, ...specs] = process.argv.slice(2);
if (!out || specs.length === 0) {
  console.error("usage: tsx scripts/merge-shards.ts OUT.json SHARD.json:N [SHARD.json:N …]");
  process.exit(2);
}
const shards = specs.map((s) => {
  const i = s.lastIndexOf(":");
  const n = Number(s.slice(i + 1));
  if (i < 0 || !(n > 0)) throw new Error(`${s}: expected FILE:IMAGE_COUNT`);
  return {
    n,
    methods: (JSON.parse(readFileSync(s.slice(0, i), "utf8")) as { methods: Record<string, Method> }).methods,
  };
});
const total = shards.reduce((a, s) => a + s.n, 0);
const r = (v: number, d: number) => Math.round(v * 10 ** d) / 10 ** d;
const merged: Record<string, unknown> = {};
for (const name of Object.keys(shards[0]!.methods)) {
  const ms = shards.map((s) => ({ n: s.n, m: s.methods[name]! }));
  const wmean = (k: string, d: number) =>
    r(ms.reduce((a, { n, m }) => a + n * (m[k] as number), 0) / total, d);
  const extreme = (k: string, img: string, min: boolean) => {
    const best = ms.reduce((b, x) =>
      min
        ? (x.m[k] as number) < (b.m[k] as number)
          ? x
          : b
        : (x.m[k] as number) > (b.m[k] as number)
          ? x
          : b,
    );
    return { [k]: best.m[k], [img]: best.m[img] };
  };
  const attacks: Record<string, Attack> = {};
  for (const a of Object.keys(ms[0]!.m.attacks)) {
    const as = ms.map(({ n, m }) => ({ n, a: m.attacks[a]! }));
    const worst = as
      .map((x) => x.a.worst)
      .reduce((b, w) =>
        w.exactRecovery < b.exactRecovery ||
        (w.exactRecovery === b.exactRecovery && w.bitAccuracy < b.bitAccuracy)
          ? w
          : b,
      );
    attacks[a] = {
      bitAccuracy: r(as.reduce((s, x) => s + x.n * x.a.bitAccuracy, 0) / total, 3),
      exactRecovery: r(as.reduce((s, x) => s + x.n * x.a.exactRecovery, 0) / total, 3),
      worst,
      failed: as.flatMap((x) => x.a.failed).slice(0, 12),
      failedCount: as.reduce((s, x) => s + x.a.failedCount, 0),
    };
  }
  const first = ms[0]!.m;
  const verdicts = first.verdicts
    ? Object.fromEntries(
        Object.keys(first.verdicts as object).map((v) => [
          v,
          ms.reduce((s, { m }) => s + (m.verdicts as Record<string, number>)[v]!, 0),
        ]),
      )
    : undefined;
  merged[name] = {
    psnr: wmean("psnr", 2),
    ...extreme("psnrMin", "psnrMinImage", true),
    ssim: wmean("ssim", 4),
    ...extreme("ssimMin", "ssimMinImage", true),
    p999AbsDiff: wmean("p999AbsDiff", 2),
    ...extreme("p999AbsDiffMax", "p999AbsDiffMaxImage", false),
    // the smooth-region figures (means over each shard's images with ≥ 1% smooth pixels, weighted
    // here by the shard's image count: the per-shard count of such images is not in the JSON)
    ...(first.smoothRmsMax !== undefined
      ? {
          smoothRms: wmean("smoothRms", 3),
          ...extreme("smoothRmsMax", "smoothRmsMaxImage", false),
          smoothChromaRms: wmean("smoothChromaRms", 3),
          ...extreme("smoothChromaRmsMax", "smoothChromaRmsMaxImage", false),
        }
      : {}),
    ...(verdicts ? { verdicts, weakImages: ms.flatMap(({ m }) => (m.weakImages as string[]) ?? []) } : {}),
    embedMs: first.embedMs,
    detectMs: first.detectMs,
    embedMsMin: first.embedMsMin,
    detectMsMin: first.detectMsMin,
    ...(first.stages ? { stages: first.stages } : {}),
    falsePositives: {
      trials: ms.reduce((s, { m }) => s + m.falsePositives.trials, 0),
      hits: ms.reduce((s, { m }) => s + m.falsePositives.hits, 0),
    },
    images: total,
    shards: shards.length,
    attacks,
  };
}
writeFileSync(out, JSON.stringify({ methods: merged }, null, 2) + "\n");
console.log(`${shards.length} shards, ${total} images → ${out}`);
