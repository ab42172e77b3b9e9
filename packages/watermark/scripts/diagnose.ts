/**
 * Where the chain breaks, per image and attack: the blind detect() beside an oracle read that folds
 * with the known geometry (the attack's own map). If the oracle decodes but detect() does not, sync
 * failed; if neither, the payload SNR after a correct sync is too low. Prints the oracle's pilot z,
 * the coded-bit error rate of the plain despreading against the true codeword, and the soft SNR, and
 * where the true message ranks in a list of the 32 best Viterbi paths (listViterbi: "L4" = the 4th
 * best path, "L>32" = not in the list), for the oracle read (plain / equalised) and for the blind
 * detector's best distinct pilot hypotheses (best rank over its first 6 maps, plain and equalised).
 *
 *   npx tsx scripts/diagnose.ts DIR|FILE,FILE,... ATTACK[,ATTACK...] [--plain|--all]
 */
import { basename } from "node:path";
import { embed } from "../src/embed.ts";
import { embedVerified } from "../src/verify.ts";
import { detect, type DetectDiagnostics } from "../src/detect.ts";
import { decodeAt, softAt } from "../src/decode.ts";
import { bandCoefficients, fold, pilotPeaks } from "../src/fold.ts";
import { detectorPlane } from "../src/whiten.ts";
import { sameMap } from "../src/search.ts";
import { CODED_BITS, checkMessage, convEncode, listViterbi, MESSAGE_BITS, messageBits } from "../src/ecc.ts";
import type { RawImage } from "../src/image.ts";
import type { TileMap } from "../src/sync.ts";
import { decodeImage } from "../src/node/io.ts";
import { ATTACKS } from "../src/bench/attacks.ts";
import { Prng } from "../src/prng.ts";
import { imageFiles } from "./image-files.ts";

const [src, attackList, flag] = process.argv.slice(2);
const files = imageFiles(src!);
const names = attackList!.split(",");
const p = 0x0123456789abcdefn;
const truth = convEncode(messageBits(p));

/** Candidate oracle maps for an attack on an image of the marked size (w0, h0) → attacked (w, h). */
function oracleMaps(name: string, w0: number, h0: number, w: number, h: number): TileMap[] {
  const rot = /^rotate(\d+(?:\.\d+)?)/.exec(name);
  if (rot) {
    const t = (Number(rot[1]) * Math.PI) / 180;
    const c = Math.cos(t);
    const s = Math.sin(t);
    return [
      { a: c, b: s, c: -s, d: c },
      { a: c, b: -s, c: s, d: c },
    ];
  }
  // combo crops before its 0.75× rescale: the size ratio is the crop's, not the map's
  if (name === "combo") return [{ a: 1 / 0.75, b: 0, c: 0, d: 1 / 0.75 }];
  const sx = /crop|rotate/.test(name) ? 1 : w / w0;
  const sy = /crop|rotate/.test(name) ? 1 : h / h0;
  return [{ a: 1 / sx, b: 0, c: 0, d: 1 / sy }];
}

const LIST = 32;
/** 1-based rank of the true message among the LIST best Viterbi paths of `soft`, or Infinity. */
function listRank(soft: Float64Array | null): number {
  if (!soft) return Infinity;
  const r = listViterbi(soft, MESSAGE_BITS, LIST).findIndex((e) => checkMessage(e.bits) === p);
  return r < 0 ? Infinity : r + 1;
}
const fmtRank = (r: number) => (r === Infinity ? `L>${LIST}` : `L${r}`);

/** Best list rank over the blind detector's first 6 distinct hypotheses (refolded at full resolution). */
function blindRank(im: RawImage, diag: DetectDiagnostics): { rank: number; z: number } {
  const { w, width, height } = detectorPlane(im);
  let best = { rank: Infinity, z: -Infinity };
  const seen: TileMap[] = [];
  for (const h of diag.hypotheses ?? []) {
    if (seen.length >= 6) break;
    if (seen.some((o) => sameMap(o, h.map, 1e-6))) continue;
    seen.push(h.map);
    const coef = bandCoefficients(fold(w, width, height, h.map));
    for (const pk of pilotPeaks(coef, 2)) {
      const r = Math.min(
        listRank(softAt(coef, pk.sx, pk.sy, false)),
        listRank(softAt(coef, pk.sx, pk.sy, true)),
      );
      if (r < best.rank || (r === best.rank && pk.z > best.z)) best = { rank: r, z: pk.z };
    }
  }
  return best;
}

function oracle(im: RawImage, maps: TileMap[]) {
  const { w, width, height, f } = detectorPlane(im);
  let best: {
    z: number;
    ber: number;
    berEq: number;
    snr: number;
    snrEq: number;
    ok: boolean;
    okEq: boolean;
    rank: number;
    rankEq: number;
  } | null = null;
  for (const m0 of maps) {
    const m = { a: m0.a * f, b: m0.b * f, c: m0.c * f, d: m0.d * f };
    const coef = bandCoefficients(fold(w, width, height, m));
    const [pk] = pilotPeaks(coef, 1);
    if (!pk) continue;
    // plain and equalised soft values at the found shift (the detector's own despreading), against the true codeword
    const soft = softAt(coef, pk.sx, pk.sy, false)!;
    const plain = softStats(soft);
    const ok = decodeAt(coef, pk.sx, pk.sy, false).detection?.payload === p;
    const okEq = decodeAt(coef, pk.sx, pk.sy, true).detection?.payload === p;
    const eq = softAt(coef, pk.sx, pk.sy, true);
    const q = eq ? softStats(eq) : { ber: 1, snr: 0 };
    const r = {
      z: pk.z,
      ber: plain.ber,
      snr: plain.snr,
      berEq: q.ber,
      snrEq: q.snr,
      ok,
      okEq,
      rank: listRank(soft),
      rankEq: listRank(eq),
    };
    if (!best || r.z > best.z) best = r;
  }
  return best!;
}

/** Coded-bit error rate and soft SNR (mean / sd of symbol · soft) against the true codeword. */
function softStats(soft: Float64Array): { ber: number; snr: number } {
  let errs = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < CODED_BITS; i++) {
    const v = (truth[i] ? -1 : 1) * soft[i]!;
    if (v < 0) errs++;
    m1 += v;
    m2 += v * v;
  }
  m1 /= CODED_BITS;
  return { ber: errs / CODED_BITS, snr: m1 / Math.sqrt(Math.max(1e-12, m2 / CODED_BITS - m1 * m1)) };
}

const tally: Record<string, { blind: number; oracle: number; n: number }> = {};
for (const f of files) {
  const im = await decodeImage(f);
  const mk = flag === "--plain" ? embed(im, p) : embedVerified(im, p).image;
  const out: string[] = [];
  for (const a of names) {
    const att = await ATTACKS[a]!(mk, new Prng(7));
    const diag = {} as DetectDiagnostics;
    const found = detect(att, diag)?.payload === p;
    const o = oracle(att, oracleMaps(a, mk.width, mk.height, att.width, att.height));
    const t = (tally[a] ??= { blind: 0, oracle: 0, n: 0 });
    t.n++;
    if (found) t.blind++;
    if (o.ok || o.okEq) t.oracle++;
    if (!found || flag === "--all") {
      const b = blindRank(att, diag);
      out.push(
        `${a}:${found ? "OK" : "miss"} top z${diag.hypotheses?.[0]?.z.toFixed(1)} blind ${fmtRank(b.rank)}@z${b.z.toFixed(1)} | oracle z${o.z.toFixed(1)} ` +
          `ber ${(o.ber * 100).toFixed(0)}%/${(o.berEq * 100).toFixed(0)}% snr ${o.snr.toFixed(2)}/${o.snrEq.toFixed(2)} ` +
          `${o.ok ? "dec" : o.okEq ? "decEq" : "FAIL"} ${fmtRank(o.rank)}/${fmtRank(o.rankEq)}`,
      );
    }
  }
  console.log(basename(f), `${im.width}x${im.height}`, out.join("  ||  "));
}
console.log(
  Object.entries(tally)
    .map(([a, t]) => `${a}: blind ${t.blind}/${t.n} oracle ${t.oracle}/${t.n}`)
    .join("\n"),
);
