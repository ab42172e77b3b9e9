/**
 * Benchmark: Atelier's watermark beside the invisible-watermark baselines, per attack, with the
 * worst image of every measure. Not a timed test; run with
 * `npm run bench:watermark -- [--images DIR] [--json FILE] [--sheet DIR]`.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { embed } from "../embed.ts";
import { embedVerified, type EmbedVerdict } from "../verify.ts";
import { detect, type DetectDiagnostics } from "../detect.ts";
import type { RawImage } from "../image.ts";
import { absDiffQuantile, psnr, SMOOTH_MIN_SHARE, smoothChange, ssim } from "../metrics.ts";
import { Prng } from "../prng.ts";
import { decodeImage } from "../node/io.ts";
import { ATTACKS, RANDOM_ATTACKS, crop, flip, jpeg, resize, rotate } from "./attacks.ts";
import { baselineDecode, baselineEmbed } from "../baselines/invisible.ts";
import { defaultImageSet } from "./synth.ts";
import { writeContactSheet } from "./sheet.ts";

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

interface Worst {
  image: string;
  exactRecovery: number;
  bitAccuracy: number;
}
interface AttackResult {
  bitAccuracy: number;
  exactRecovery: number;
  worst: Worst;
  /** images with at least one failed trial (at most 12 listed) */
  failed: string[];
  failedCount: number;
}
interface MethodResult {
  psnr: number;
  psnrMin: number;
  psnrMinImage: string;
  ssim: number;
  ssimMin: number;
  ssimMinImage: string;
  p999AbsDiff: number;
  p999AbsDiffMax: number;
  p999AbsDiffMaxImage: string;
  /**
   * RMS luma / chroma change (3×3 mean) over the smooth pixels (local contrast below 1 grey level;
   * metrics.ts smoothChange), mean and max over the images with a smooth share ≥ 1%, grey levels
   */
  smoothRms: number;
  smoothRmsMax: number;
  smoothRmsMaxImage: string;
  smoothChromaRms: number;
  smoothChromaRmsMax: number;
  smoothChromaRmsMaxImage: string;
  verdicts?: Record<EmbedVerdict, number>;
  weakImages?: string[];
  embedMs: number;
  detectMs: number;
  embedMsMin: number;
  detectMsMin: number;
  stages?: {
    embed: Record<string, number>;
    detect: Record<string, number>;
    embedVerifiedMs?: number;
    embedVerifiedStages?: Record<string, number>;
    embedVerifiedVerdict?: EmbedVerdict;
  };
  falsePositives: { trials: number; hits: number; note?: string };
  attacks: Record<string, AttackResult>;
}

interface Method {
  name: string;
  embed: (im: RawImage, payload: bigint) => { image: RawImage; verdict?: EmbedVerdict };
  /** decoded payload (or null for "not found") and the raw 64 bits for bit accuracy */
  decode: (im: RawImage) => { found: bigint | null; raw: bigint | null };
  hasDecision: boolean;
}

const METHODS: Method[] = [
  {
    name: "atelier",
    embed: (im, p) => {
      const r = embedVerified(im, p);
      return { image: r.image, verdict: r.verdict };
    },
    decode: (im) => {
      const diag = {} as DetectDiagnostics;
      const d = detect(im, diag);
      return { found: d ? d.payload : null, raw: d ? d.payload : (diag.rawPayload ?? null) };
    },
    hasDecision: true,
  },
  {
    name: "dwtDct",
    embed: (im, p) => ({ image: baselineEmbed(im, p, "dwtDct") }),
    decode: (im) => {
      const p = baselineDecode(im, "dwtDct");
      return { found: p, raw: p };
    },
    hasDecision: false,
  },
  {
    name: "dwtDctSvd",
    embed: (im, p) => ({ image: baselineEmbed(im, p, "dwtDctSvd") }),
    decode: (im) => {
      const p = baselineDecode(im, "dwtDctSvd");
      return { found: p, raw: p };
    },
    hasDecision: false,
  },
];

function bitAgreement(a: bigint, b: bigint): number {
  let x = a ^ b;
  let n = 0;
  while (x) {
    x &= x - 1n;
    n++;
  }
  return (64 - n) / 64;
}

async function loadImages(dir?: string): Promise<{ name: string; image: RawImage }[]> {
  if (!dir) return defaultImageSet();
  const files = readdirSync(dir)
    .filter((f) => /\.(png|jpe?g|webp|tiff?)$/i.test(f))
    .sort();
  if (files.length === 0) throw new Error(`no PNG/JPEG/WebP images in ${dir}`);
  const out: { name: string; image: RawImage }[] = [];
  for (const f of files) out.push({ name: f, image: await decodeImage(join(dir, f)) });
  return out;
}

function timeIt(fn: () => void, runs: number): { median: number; min: number } {
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

const r3 = (v: number) => Math.round(v * 1000) / 1000;
const r2 = (v: number) => Math.round(v * 100) / 100;
const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
const argMin = (a: number[]) => a.reduce((bi, v, i) => (v < a[bi]! ? i : bi), 0);
const argMax = (a: number[]) => a.reduce((bi, v, i) => (v > a[bi]! ? i : bi), 0);

export async function runBench(opts: BenchOptions = {}): Promise<{ methods: Record<string, MethodResult> }> {
  const log = opts.log ?? ((l: string) => console.log(l));
  const images = await loadImages(opts.images);
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
    const ps = marked.map((mk, i) => psnr(images[i]!.image, mk));
    const ss = marked.map((mk, i) => ssim(images[i]!.image, mk));
    const qs = marked.map((mk, i) => absDiffQuantile(images[i]!.image, mk, 0.999));
    const sm = marked.map((mk, i) => smoothChange(images[i]!.image, mk));
    const smIdx = sm.flatMap((s, i) => (s.fraction >= SMOOTH_MIN_SHARE ? [i] : []));
    const smL = smIdx.map((i) => sm[i]!.lumaRms);
    const smC = smIdx.map((i) => sm[i]!.chromaRms);
    const attacks: Record<string, AttackResult> = {};
    for (const [ai, name] of attackNames.entries()) {
      const atk = ATTACKS[name];
      if (!atk) throw new Error(`unknown attack ${name} (known: ${Object.keys(ATTACKS).join(", ")})`);
      const reps = RANDOM_ATTACKS.has(name) ? (opts.repeats ?? 1) : 1;
      const perImage: { exact: number; acc: number }[] = [];
      for (let i = 0; i < marked.length; i++) {
        let exact = 0;
        let acc = 0;
        for (let rep = 0; rep < reps; rep++) {
          const rng = new Prng(7919 * (i + 1) + 104729 * (ai + 1) + 15485863 * rep);
          const attacked = await atk(marked[i]!, rng);
          const { found, raw } = m.decode(attacked);
          acc += raw === null ? 0.5 : bitAgreement(raw, payloads[i]!);
          if (found === payloads[i]) exact++;
        }
        perImage.push({ exact: exact / reps, acc: acc / reps });
      }
      const worstIdx = perImage.reduce(
        (bi, v, i) =>
          v.exact < perImage[bi]!.exact || (v.exact === perImage[bi]!.exact && v.acc < perImage[bi]!.acc)
            ? i
            : bi,
        0,
      );
      const failed = perImage.map((v, i) => (v.exact < 1 ? images[i]!.name : null)).filter((v) => v !== null);
      attacks[name] = {
        bitAccuracy: r3(mean(perImage.map((v) => v.acc))),
        exactRecovery: r3(mean(perImage.map((v) => v.exact))),
        worst: {
          image: images[worstIdx]!.name,
          exactRecovery: r3(perImage[worstIdx]!.exact),
          bitAccuracy: r3(perImage[worstIdx]!.acc),
        },
        failed: failed.slice(0, 12),
        failedCount: failed.length,
      };
    }
    const runs = opts.timingRuns ?? 9;
    // atelier: the plain embed (the verified embed's extra read-backs are reported in stages)
    const plainEmbed =
      m.name === "atelier"
        ? () => embed(timingImage, payloads[0]!)
        : () => m.embed(timingImage, payloads[0]!);
    const te = timeIt(plainEmbed, runs);
    const tMarked = m.embed(timingImage, payloads[0]!).image;
    const td = timeIt(() => m.decode(tMarked), runs);
    let stages: MethodResult["stages"];
    if (m.name === "atelier") {
      const es: Record<string, number> = {};
      const ds: Record<string, number> = {};
      for (let k = 0; k < runs; k++) {
        embed(timingImage, payloads[0]!, { stages: es });
        const diag = {} as DetectDiagnostics;
        detect(tMarked, diag);
        for (const [s, v] of Object.entries(diag.stages ?? {})) ds[s] = (ds[s] ?? 0) + v;
      }
      const avg = (o: Record<string, number>) =>
        Object.fromEntries(Object.entries(o).map(([k, v]) => [k, r2(v / runs)]));
      const tv = timeIt(() => embedVerified(timingImage, payloads[0]!), Math.max(1, Math.floor(runs / 2)));
      const ev = embedVerified(timingImage, payloads[0]!);
      stages = {
        embed: avg(es),
        detect: avg(ds),
        embedVerifiedMs: r2(tv.median),
        embedVerifiedStages: Object.fromEntries(Object.entries(ev.stages).map(([k, v]) => [k, r2(v)])),
        embedVerifiedVerdict: ev.verdict,
      };
    }
    let fp: MethodResult["falsePositives"];
    if (m.hasDecision) {
      fp = { trials, hits: await falsePositives(m, images, trials) };
    } else {
      fp = {
        trials,
        hits: trials,
        note: "no detection decision: always returns 64 bits, so every unmarked trial yields a payload",
      };
    }
    const verdicts = embedded.some((e) => e.verdict)
      ? (Object.fromEntries(
          (["ok", "weak", "failed"] as const).map((v) => [v, embedded.filter((e) => e.verdict === v).length]),
        ) as Record<EmbedVerdict, number>)
      : undefined;
    result[m.name] = {
      psnr: r2(mean(ps)),
      psnrMin: r2(Math.min(...ps)),
      psnrMinImage: images[argMin(ps)]!.name,
      ssim: r3(mean(ss) * 1000) / 1000,
      ssimMin: Math.round(Math.min(...ss) * 10000) / 10000,
      ssimMinImage: images[argMin(ss)]!.name,
      p999AbsDiff: r2(mean(qs)),
      p999AbsDiffMax: Math.max(...qs),
      p999AbsDiffMaxImage: images[argMax(qs)]!.name,
      smoothRms: smIdx.length ? r3(mean(smL)) : 0,
      smoothRmsMax: smIdx.length ? r3(Math.max(...smL)) : 0,
      smoothRmsMaxImage: smIdx.length ? images[smIdx[argMax(smL)]!]!.name : "",
      smoothChromaRms: smIdx.length ? r3(mean(smC)) : 0,
      smoothChromaRmsMax: smIdx.length ? r3(Math.max(...smC)) : 0,
      smoothChromaRmsMaxImage: smIdx.length ? images[smIdx[argMax(smC)]!]!.name : "",
      ...(verdicts
        ? {
            verdicts,
            weakImages: embedded
              .map((e, i) => (e.verdict !== "ok" ? images[i]!.name : null))
              .filter((v) => v !== null),
          }
        : {}),
      embedMs: r2(te.median),
      detectMs: r2(td.median),
      embedMsMin: r2(te.min),
      detectMsMin: r2(td.min),
      ...(stages ? { stages } : {}),
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

async function resize1024(image: RawImage): Promise<RawImage> {
  const { toSharp } = await import("../node/io.ts");
  const { data, info } = await toSharp(image)
    .resize(1024, 1024, { fit: "fill" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: image.channels, data: new Uint8Array(data) };
}

/** A noise image: white, or smoothed (value noise), grey or colour. */
function noiseImage(rng: Prng): RawImage {
  const w = 256 + rng.int(769);
  const h = 256 + rng.int(769);
  const data = new Uint8Array(w * h * 3);
  const smooth = rng.next() < 0.5;
  const cell = 2 + rng.int(30);
  const grid = new Float32Array((Math.ceil(w / cell) + 2) * (Math.ceil(h / cell) + 2) * 3);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.next() * 255;
  const gw = Math.ceil(w / cell) + 2;
  for (let y = 0, p = 0; y < h; y++)
    for (let x = 0; x < w; x++, p += 3)
      for (let k = 0; k < 3; k++)
        data[p + k] = smooth
          ? grid[(Math.floor(y / cell) * gw + Math.floor(x / cell)) * 3 + k]! * 0.7 + rng.next() * 76
          : rng.int(256);
  return { width: w, height: h, channels: 3, data };
}

/**
 * Unmarked trials: the set's images under random crops (25–100% of the area), rescales 0.5–1.5×,
 * rotations up to ±10° or a flip, JPEG q50–95 half the time; every tenth trial a noise image.
 */
async function falsePositives(m: Method, images: { image: RawImage }[], trials: number): Promise<number> {
  const rng = new Prng(424242);
  let hits = 0;
  for (let t = 0; t < trials; t++) {
    let im: RawImage;
    if (t % 10 === 9) im = noiseImage(rng);
    else {
      im = images[t % images.length]!.image;
      im = crop(im, 0.25 + 0.75 * rng.next(), rng);
      const s = 0.5 + rng.next();
      if (Math.abs(s - 1) > 0.02) im = await resize(im, s);
      const g = rng.next();
      if (g < 0.3) im = await rotate(im, (rng.next() - 0.5) * 20);
      else if (g < 0.4) im = await flip(im, rng.next() < 0.5);
      if (rng.next() < 0.5) im = await jpeg(im, 50 + rng.int(46));
    }
    if (Math.min(im.width, im.height) < 16) continue;
    if (m.decode(im).found !== null) hits++;
  }
  return hits;
}

function printTable(
  methods: Record<string, MethodResult>,
  attacks: string[],
  log: (l: string) => void,
): void {
  const names = Object.keys(methods);
  const pad = (s: string, n: number) => s.padEnd(n);
  log("");
  log("exact payload recovery (bit accuracy) per attack; worst image for the first method");
  log(pad("attack", 19) + names.map((n) => pad(n, 18)).join("") + "worst");
  for (const a of attacks) {
    const first = methods[names[0]!]!.attacks[a]!;
    log(
      pad(a, 19) +
        names
          .map((n) => {
            const r = methods[n]!.attacks[a]!;
            return pad(`${(r.exactRecovery * 100).toFixed(1)}% (${r.bitAccuracy.toFixed(3)})`, 18);
          })
          .join("") +
        (first.failedCount > 0 ? `${first.worst.image} (${first.failedCount} failing)` : ""),
    );
  }
  const row = (label: string, f: (r: MethodResult) => string) =>
    log(pad(label, 19) + names.map((n) => pad(f(methods[n]!), 18)).join(""));
  row("PSNR mean/min", (r) => `${r.psnr.toFixed(2)}/${r.psnrMin.toFixed(2)}`);
  row("SSIM mean/min", (r) => `${r.ssim.toFixed(4)}/${r.ssimMin.toFixed(4)}`);
  row("p99.9|Δ| mean/max", (r) => `${r.p999AbsDiff.toFixed(1)}/${r.p999AbsDiffMax}`);
  row("smooth RMS mean/max", (r) => `${r.smoothRms.toFixed(2)}/${r.smoothRmsMax.toFixed(2)}`);
  row("embed ms med/min", (r) => `${r.embedMs.toFixed(1)}/${r.embedMsMin.toFixed(1)}`);
  row("detect ms med/min", (r) => `${r.detectMs.toFixed(1)}/${r.detectMsMin.toFixed(1)}`);
  row("false pos.", (r) => `${r.falsePositives.hits}/${r.falsePositives.trials}`);
}
