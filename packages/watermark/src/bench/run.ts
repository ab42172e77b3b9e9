/**
 * Benchmark: Atelier's watermark beside the invisible-watermark baselines, per attack, with the
 * worst image of every measure. Not a timed test; run with
 * `npm run bench:watermark -- [--images DIR] [--json FILE] [--sheet DIR]`.
 */
import { writeFileSync } from "node:fs";
import type { EmbedVerdict } from "../verify.ts";
import { Prng } from "../prng.ts";
import { ATTACKS } from "./attacks.ts";
import { falsePositives } from "./false-positives.ts";
import { loadImages, resize1024 } from "./images.ts";
import { METHODS } from "./methods.ts";
import { qualityResults } from "./quality.ts";
import type { MethodResult } from "./results.ts";
import { attackResults } from "./robustness.ts";
import { writeContactSheet } from "./sheet.ts";
import { measureSpeed } from "./speed.ts";
import { r2 } from "./stats.ts";
import { printTable } from "./table.ts";

export interface BenchOptions {
  images?: string;
  json?: string;
  /** folder for the visual-diff contact sheet (PNG pages); default: next to --json */
  sheet?: string;
  trials?: number;
  attacks?: string[];
  methods?: string[];
  timingRuns?: number;
  /** trials per image for the attacks that draw random numbers (crops, noise, combo); default 1 */
  repeats?: number;
  log?: (line: string) => void;
}

export async function runBench(opts: BenchOptions = {}): Promise<{ methods: Record<string, MethodResult> }> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const images = await loadImages(opts.images);
  const names = images.map((im) => im.name);
  const attackNames = opts.attacks ?? Object.keys(ATTACKS);
  const methods = METHODS.filter((m) => !opts.methods || opts.methods.includes(m.name));
  const trials = opts.trials ?? 1000;
  log(
    `images: ${images.length} (${opts.images ?? "built-in synthetic set"}); attacks: ${attackNames.length}`,
  );
  const payloadRng = new Prng(20261127);
  const payloads = images.map(() => {
    let p = 0n;
    for (let i = 0; i < 4; i++) p = (p << 16n) | BigInt(payloadRng.int(65536));
    return p;
  });

  // timing image: the first image resampled to 1024×1024
  const timingImage = await resize1024(images[0]!.image);

  const result: Record<string, MethodResult> = {};
  for (const m of methods) {
    const embedded = images.map(({ image }, i) => m.embed(image, payloads[i]!));
    const marked = embedded.map((e) => e.image);
    const quality = qualityResults(images, marked);
    const attacks = await attackResults(m, names, marked, payloads, attackNames, opts.repeats ?? 1);
    const speed = measureSpeed(m, timingImage, payloads[0]!, opts.timingRuns ?? 9);
    const fp: MethodResult["falsePositives"] = m.hasDecision
      ? { trials, hits: await falsePositives(m, images, trials) }
      : {
          trials,
          hits: trials,
          note: "no detection decision: always returns 64 bits, so every unmarked trial yields a payload",
        };
    const verdicts = embedded.some((e) => e.verdict)
      ? (Object.fromEntries(
          (["ok", "weak", "failed"] as const).map((v) => [v, embedded.filter((e) => e.verdict === v).length]),
        ) as Record<EmbedVerdict, number>)
      : undefined;
    result[m.name] = {
      ...quality,
      ...(verdicts
        ? {
            verdicts,
            weakImages: embedded
              .map((e, i) => (e.verdict !== "ok" ? names[i]! : null))
              .filter((v) => v !== null),
          }
        : {}),
      embedMs: r2(speed.embed.median),
      detectMs: r2(speed.detect.median),
      embedMsMin: r2(speed.embed.min),
      detectMsMin: r2(speed.detect.min),
      ...(speed.stages ? { stages: speed.stages } : {}),
      falsePositives: fp,
      attacks,
    };
    if (m.name === "atelier" && (opts.sheet ?? opts.json)) {
      const dir = opts.sheet ?? opts.json!.replace(/\.json$/, "") + "-sheet";
      const pages = await writeContactSheet(
        dir,
        images.map((im, i) => ({ name: im.name, original: im.image, marked: marked[i]! })),
      );
      log(`contact sheet: ${pages} page(s) in ${dir}`);
    }
    log(`done: ${m.name}`);
  }
  const out = { methods: result };
  printTable(out.methods, attackNames, log);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(out, null, 2) + "\n");
  return out;
}
