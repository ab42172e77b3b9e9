/**
 * Where the chain breaks, per image and attack: the blind detect() beside an oracle read that folds
 * with the known geometry (the attack's own map). If the oracle decodes but detect() does not, sync
 * failed; if neither, the payload SNR after a correct sync is too low. Prints the oracle's pilot z,
 * the coded-bit error rate of the plain despreading against the true codeword, and the soft SNR.
 *
 *   npx tsx scripts/diagnose.ts DIR|FILE,FILE,... ATTACK[,ATTACK...] [--plain]
 */
import { basename } from "node:path";
import { embed } from "../src/embed.ts";
import { embedVerified } from "../src/verify.ts";
import { detect, type DetectDiagnostics } from "../src/detect.ts";
import { decodeAt } from "../src/decode.ts";
import { bandCoefficients, fold, pilotPeaks } from "../src/fold.ts";
import { whiten } from "../src/whiten.ts";
import { codebook, TILE } from "../src/pattern.ts";
import { CODED_BITS, convEncode, messageBits } from "../src/ecc.ts";
import { luma, type RawImage } from "../src/image.ts";
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

function oracle(im: RawImage, maps: TileMap[]) {
  const w = whiten(luma(im), im.width, im.height);
  let best: { z: number; ber: number; snr: number; ok: boolean; okEq: boolean } | null = null;
  const cb = codebook();
  for (const m of maps) {
    const coef = bandCoefficients(fold(w, im.width, im.height, m));
    const [pk] = pilotPeaks(coef, 1);
    if (!pk) continue;
    // plain soft values at the found shift, against the true codeword
    const a = new Float64Array(cb.dims);
    const nP = cb.pilotBins.length;
    cb.payloadBins.forEach((b, i) => {
      const tr = coef[2 * (nP + i)]!;
      const ti = coef[2 * (nP + i) + 1]!;
      const th = (-2 * Math.PI * (b.fu * pk.sx + b.fv * pk.sy)) / TILE;
      a[2 * i] = tr * Math.cos(th) - ti * Math.sin(th);
      a[2 * i + 1] = tr * Math.sin(th) + ti * Math.cos(th);
    });
    const soft = new Float64Array(CODED_BITS);
    for (let r = 0; r < cb.dims; r++)
      for (let c = 0; c < CODED_BITS; c++) soft[c]! += cb.q[r * CODED_BITS + c]! * a[r]!;
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
    const sd = Math.sqrt(Math.max(1e-12, m2 / CODED_BITS - m1 * m1));
    const ok = decodeAt(coef, pk.sx, pk.sy, false).detection?.payload === p;
    const okEq = decodeAt(coef, pk.sx, pk.sy, true).detection?.payload === p;
    const r = { z: pk.z, ber: errs / CODED_BITS, snr: m1 / sd, ok, okEq };
    if (!best || r.z > best.z) best = r;
  }
  return best!;
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
    if (!found || flag === "--all")
      out.push(
        `${a}:${found ? "OK" : "miss"} top z${diag.hypotheses?.[0]?.z.toFixed(1)} | oracle z${o.z.toFixed(1)} ` +
          `ber ${(o.ber * 100).toFixed(0)}% snr ${o.snr.toFixed(2)} ${o.ok ? "dec" : o.okEq ? "decEq" : "FAIL"}`,
      );
  }
  console.log(basename(f), `${im.width}x${im.height}`, out.join("  ||  "));
}
console.log(
  Object.entries(tally)
    .map(([a, t]) => `${a}: blind ${t.blind}/${t.n} oracle ${t.oracle}/${t.n}`)
    .join("\n"),
);
