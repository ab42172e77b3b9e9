/**
 * Benchmark: Atelier's watermark beside the invisible-watermark baselines, per attack.
 * Not a timed test; run with `npm run bench:watermark -- [--images DIR] [--json FILE]`.
 */
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { embed } from "../embed.ts";
import { detect, type DetectDiagnostics } from "../detect.ts";
import type { RawImage } from "../image.ts";
import { psnr } from "../metrics.ts";
import { Prng } from "../prng.ts";
import { decodeImage } from "../node/io.ts";
import { ATTACKS, crop, jpeg, resize } from "./attacks.ts";
import { baselineDecode, baselineEmbed } from "../baselines/invisible.ts";
import { defaultImageSet } from "./synth.ts";

export interface BenchOptions {
  images?: string;
  json?: string;
  trials?: number;
  attacks?: string[];
  methods?: string[];
  timingRuns?: number;
  /** trials per image for the attacks that draw random numbers (crops, noise, combo); default 1 */
  repeats?: number;
  log?: (line: string) => void;
}

interface AttackResult {
  bitAccuracy: number;
  exactRecovery: number;
}
interface MethodResult {
  psnr: number;
  psnrMin: number;
  embedMs: number;
  detectMs: number;
  embedMsMin: number;
  detectMsMin: number;
  falsePositives: { trials: number; hits: number; note?: string };
  attacks: Record<string, AttackResult>;
}

interface Method {
  name: string;
  embed: (im: RawImage, payload: bigint) => RawImage;
  /** decoded payload (or null for "not found") and the raw 64 bits for bit accuracy */
  decode: (im: RawImage) => { found: bigint | null; raw: bigint | null };
  hasDecision: boolean;
}

const METHODS: Method[] = [
  {
    name: "atelier",
    embed: (im, p) => embed(im, p),
    decode: (im) => {
      const diag = {} as DetectDiagnostics;
      const d = detect(im, diag);
      return { found: d ? d.payload : null, raw: d ? d.payload : (diag.rawPayload ?? null) };
    },
    hasDecision: true,
  },
  {
    name: "dwtDct",
    embed: (im, p) => baselineEmbed(im, p, "dwtDct"),
    decode: (im) => {
      const p = baselineDecode(im, "dwtDct");
      return { found: p, raw: p };
    },
    hasDecision: false,
  },
  {
    name: "dwtDctSvd",
    embed: (im, p) => baselineEmbed(im, p, "dwtDctSvd"),
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
  if (files.length === 0) throw new Error(`no PNG/JPEG images in ${dir}`);
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

const RANDOM_ATTACKS = new Set(["crop0.5", "crop0.25", "noise5", "combo"]);
const r3 = (v: number) => Math.round(v * 1000) / 1000;
const r2 = (v: number) => Math.round(v * 100) / 100;

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
    const marked = images.map(({ image }, i) => m.embed(image, payloads[i]!));
    const ps = marked.map((mk, i) => psnr(images[i]!.image, mk));
    const attacks: Record<string, AttackResult> = {};
    for (const [ai, name] of attackNames.entries()) {
      const atk = ATTACKS[name];
      if (!atk) throw new Error(`unknown attack ${name}`);
      let acc = 0;
      let exact = 0;
      let count = 0;
      const reps = RANDOM_ATTACKS.has(name) ? (opts.repeats ?? 1) : 1;
      for (let i = 0; i < marked.length; i++) {
        for (let rep = 0; rep < reps; rep++) {
          const rng = new Prng(7919 * (i + 1) + 104729 * (ai + 1) + 15485863 * rep);
          const attacked = await atk(marked[i]!, rng);
          const { found, raw } = m.decode(attacked);
          acc += raw === null ? 0.5 : bitAgreement(raw, payloads[i]!);
          if (found === payloads[i]) exact++;
          count++;
        }
      }
      attacks[name] = { bitAccuracy: r3(acc / count), exactRecovery: r3(exact / count) };
    }
    const runs = opts.timingRuns ?? 9;
    const te = timeIt(() => m.embed(timingImage, payloads[0]!), runs);
    const tMarked = m.embed(timingImage, payloads[0]!);
    const td = timeIt(() => m.decode(tMarked), runs);
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
    result[m.name] = {
      psnr: r2(ps.reduce((a, b) => a + b, 0) / ps.length),
      psnrMin: r2(Math.min(...ps)),
      embedMs: r2(te.median),
      detectMs: r2(td.median),
      embedMsMin: r2(te.min),
      detectMsMin: r2(td.min),
      falsePositives: fp,
      attacks,
    };
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

/** Unmarked trials: different images, random crops (25–100% area), scales 0.5–1.5, some JPEG. */
async function falsePositives(m: Method, images: { image: RawImage }[], trials: number): Promise<number> {
  const rng = new Prng(424242);
  let hits = 0;
  for (let t = 0; t < trials; t++) {
    let im = images[t % images.length]!.image;
    im = crop(im, 0.25 + 0.75 * rng.next(), rng);
    const s = 0.5 + rng.next();
    if (Math.abs(s - 1) > 0.02) im = await resize(im, s);
    if (rng.next() < 0.5) im = await jpeg(im, 50 + rng.int(46));
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
  log("exact payload recovery (bit accuracy) per attack");
  log(pad("attack", 19) + names.map((n) => pad(n, 18)).join(""));
  for (const a of attacks) {
    log(
      pad(a, 19) +
        names
          .map((n) => {
            const r = methods[n]!.attacks[a]!;
            return pad(`${(r.exactRecovery * 100).toFixed(0)}% (${r.bitAccuracy.toFixed(3)})`, 18);
          })
          .join(""),
    );
  }
  const row = (label: string, f: (r: MethodResult) => string) =>
    log(pad(label, 19) + names.map((n) => pad(f(methods[n]!), 18)).join(""));
  row("PSNR mean/min", (r) => `${r.psnr.toFixed(2)}/${r.psnrMin.toFixed(2)}`);
  row("embed ms med/min", (r) => `${r.embedMs.toFixed(1)}/${r.embedMsMin.toFixed(1)}`);
  row("detect ms med/min", (r) => `${r.detectMs.toFixed(1)}/${r.detectMsMin.toFixed(1)}`);
  row("false pos.", (r) => `${r.falsePositives.hits}/${r.falsePositives.trials}`);
}
