/**
 * Oracle for a second, low-frequency carrier (src/low.ts): marks each image with today's mark
 * (planEmbed + renderPlan at the default caps) and with the two-carrier mark at the same PSNR
 * target and caps (the carriers share the budget: `share` of the tile energy goes to the low
 * carrier), attacks both, and reads each carrier at the attack's known map: soft SNR (mean / sd of
 * the coded margins against the true codeword) of the primary (plain and equalised despreading, the
 * better), of the low carrier, and of their maximal-ratio combination (weights μ/σ² from the truth:
 * an upper bound on what a blind weighting reaches); "dec" when Viterbi + CRC of that soft vector
 * gives the payload. Visibility of both marks: PSNR, SSIM, p99.9 |Δ|, smooth-region RMS luma/chroma.
 *
 *   npx tsx scripts/low-oracle.ts DIR|FILE,FILE ATTACK[,ATTACK] [--share 0.3,0.5] [--band 0.03,0.17] [--pilot 0.3]
 */
import { basename } from "node:path";
import { CODED_BITS, convEncode, messageBits } from "../src/ecc.ts";
import { decodeSoft, softAt } from "../src/decode.ts";
import { bandCoefficients, fold, pilotPeaks } from "../src/fold.ts";
import { codedRead, informedSymbols } from "../src/informed.ts";
import type { RawImage } from "../src/image.ts";
import { absDiffQuantile, psnr, smoothChange, ssim } from "../src/metrics.ts";
import { codedSymbols, renderTileSymbols, TILE } from "../src/pattern.ts";
import { layPattern, levelSmooth, planPlain } from "../src/plan.ts";
import { renderPlan } from "../src/render.ts";
import { detectorPlane } from "../src/whiten.ts";
import { combinedTile, layLowPattern } from "../src/low.ts";
import { LOW_FACTOR, lowCodebook, renderLowTile } from "../src/lowbook.ts";
import { combineSoft, lowCoefficients, lowPilotPeak, lowPlane, lowSoft } from "../src/lowread.ts";
import { decodeImage } from "../src/node/io.ts";
import { ATTACKS } from "../src/bench/attacks.ts";
import { Prng } from "../src/prng.ts";
import { imageFiles } from "./image-files.ts";

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1]! : dflt;
};
const files = imageFiles(args[0]!);
const attacks = args[1]!.split(",");
const shares = opt("--share", "0.3,0.5").split(",").map(Number);
const [lo, hi] = opt("--band", "0.03,0.17").split(",").map(Number) as [number, number];
const pilotShare = Number(opt("--pilot", "0.3"));
const lcb = lowCodebook(lo, hi, pilotShare);
console.log(
  `low carrier: band ${lo}–${hi} per ${LOW_FACTOR}× px (${(lo / LOW_FACTOR).toFixed(4)}–${(hi / LOW_FACTOR).toFixed(4)} cycles/px), ` +
    `${lcb.pilotBins.length} pilot + ${lcb.payloadBins.length} payload bins, shares ${shares.join(",")}`,
);
const p = 0x0123456789abcdefn;
const truth = convEncode(messageBits(p));
const b = codedSymbols(truth);

function stats(soft: Float64Array | null): { m: number; s: number; snr: number } {
  if (!soft) return { m: 0, s: 1, snr: 0 };
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < CODED_BITS; i++) {
    const v = b[i]! * soft[i]!;
    m1 += v;
    m2 += v * v;
  }
  m1 /= CODED_BITS;
  const s = Math.sqrt(Math.max(1e-12, m2 / CODED_BITS - m1 * m1));
  return { m: m1, s, snr: m1 / s };
}
const decodes = (soft: Float64Array | null) => !!soft && decodeSoft(soft).detection?.payload === p;

/** The primary's best (plain / equalised) soft values at the known scale. */
let lastPrimaryZ = 0;
function primaryRead(att: RawImage, period: number, sx: number): Float64Array | null {
  const { w, width, height, f } = detectorPlane(att);
  const a = (f * TILE) / period / sx;
  const coef = bandCoefficients(fold(w, width, height, { a, b: 0, c: 0, d: a }));
  const [pk] = pilotPeaks(coef, 1);
  if (!pk) return null;
  lastPrimaryZ = pk.z;
  const plain = softAt(coef, pk.sx, pk.sy, false);
  const eq = softAt(coef, pk.sx, pk.sy, true);
  return stats(eq).snr > stats(plain).snr ? eq : plain;
}

function lowRead(
  att: RawImage,
  period: number,
  sx: number,
  at?: { sx: number; sy: number },
): { soft: Float64Array; z: number; sx: number; sy: number } {
  const lowPeriod = LOW_FACTOR * period * sx; // the low tile's period on the attacked image
  const D = Math.max(1, Math.round(lowPeriod / TILE));
  const { w, width, height } = lowPlane(att, D);
  const a = (TILE * D) / lowPeriod;
  const coef = lowCoefficients(lcb, fold(w, width, height, { a, b: 0, c: 0, d: a }));
  const pk = at ? { ...at, z: 0 } : lowPilotPeak(lcb, coef);
  return { soft: lowSoft(lcb, coef, pk.sx, pk.sy), z: pk.z, sx: pk.sx, sy: pk.sy };
}

/** Maximal-ratio combination with weights μ/σ² (from the truth). */
function mrc(x: Float64Array | null, y: Float64Array): Float64Array {
  if (!x) return y;
  const sx = stats(x);
  const sy = stats(y);
  const wx = Math.max(0, sx.m) / (sx.s * sx.s);
  const wy = Math.max(0, sy.m) / (sy.s * sy.s);
  return Float64Array.from(y, (v, i) => wx * x[i]! + wy * v);
}

function vis(orig: RawImage, mk: RawImage): string {
  const s = smoothChange(orig, mk);
  return `psnr ${psnr(orig, mk).toFixed(2)} ssim ${ssim(orig, mk).toFixed(4)} p999 ${absDiffQuantile(orig, mk, 0.999).toFixed(1)} smooth ${s.lumaRms.toFixed(2)}/${s.chromaRms.toFixed(2)}`;
}

const f2 = (x: number) => x.toFixed(2);
const tally: Record<string, number> = {};
const count = (k: string, ok: boolean) => (tally[k] = (tally[k] ?? 0) + (ok ? 1 : 0));
for (const file of files) {
  const im = await decodeImage(file);
  const plan = planPlain(im, p);
  const plain = renderPlan(plan);
  if (plan.capFlat) levelSmooth(plan, plain);
  const primary = renderTileSymbols(
    informedSymbols(b, codedRead(im, plan.period), codedRead(plain, plan.period)),
  );
  layPattern(plan, primary);
  const today = renderPlan(plan);
  const low = renderLowTile(lcb, b, pilotShare);
  const marks: [string, RawImage][] = [["today", today]];
  for (const s of shares) {
    layLowPattern(plan, combinedTile(primary, low, s));
    marks.push([`two${s}`, renderPlan(plan)]);
  }
  let neutral = 0;
  for (const v of plan.neutral ?? []) if (v === 1) neutral++;
  const lowMarked = lowRead(marks[marks.length - 1]![1], plan.period, 1);
  const host = lowRead(im, plan.period, 1, lowMarked);
  const hostSd = stats(host.soft).s;
  let k = 0;
  for (let i = 0; i < CODED_BITS; i++) k += b[i]! * (lowMarked.soft[i]! - host.soft[i]!);
  k /= CODED_BITS;
  console.log(
    `${basename(file)} ${im.width}x${im.height} smooth ${(neutral / (im.width * im.height)).toFixed(2)} ` +
      `low k/σhost ${(k / hostSd).toFixed(2)} (unattacked low z ${lowMarked.z.toFixed(1)}, snr ${f2(stats(lowMarked.soft).snr)})`,
  );
  for (const [name, mk] of marks) console.log(`  ${name.padEnd(7)} ${vis(im, mk)}`);
  for (const a of attacks) {
    const parts: string[] = [];
    for (const [name, mk] of marks) {
      const att = await ATTACKS[a]!(mk, new Prng(7));
      const sx = att.width / mk.width;
      const s1 = primaryRead(att, plan.period, sx);
      const ok1 = decodes(s1);
      count(`${a} ${name} primary`, ok1);
      if (name === "today") {
        parts.push(`today ${f2(stats(s1).snr)}@z${lastPrimaryZ.toFixed(1)}${ok1 ? " dec" : ""}`);
        continue;
      }
      const l = lowRead(att, plan.period, sx);
      const c = mrc(s1, l.soft);
      const okL = decodes(l.soft);
      const okC = decodes(c);
      const blind = s1 ? combineSoft(s1, l.soft) : l.soft;
      const okB = decodes(blind);
      count(`${a} ${name} blindMrc`, okB || ok1);
      count(`${a} ${name} low`, okL);
      count(`${a} ${name} combined`, okC || ok1);
      parts.push(
        `${name} p ${f2(stats(s1).snr)}@z${lastPrimaryZ.toFixed(1)}${ok1 ? " dec" : ""} low ${f2(stats(l.soft).snr)}@z${l.z.toFixed(1)}${okL ? " dec" : ""} ` +
          `mrc ${f2(stats(c).snr)}${okC ? " dec" : ""} blind ${f2(stats(blind).snr)}${okB ? " dec" : ""}`,
      );
    }
    console.log(`  ${a}: ${parts.join(" | ")}`);
  }
}
console.log(`\nreads (of ${files.length}):`);
for (const [k, v] of Object.entries(tally)) console.log(`  ${k}: ${v}`);
