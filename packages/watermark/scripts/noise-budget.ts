/**
 * The payload noise budget at the RIGHT map (the attack's known geometry), per image and attack:
 * how much of the mark survives per band radius (gain) and what the noise in the payload dimensions
 * is made of — host interference (the unmarked original, attacked the same way and folded at the
 * same map) versus attack damage (what is left of the attacked marked read once the attacked host
 * and the surviving mark are taken out).
 *
 *   npx tsx scripts/noise-budget.ts DIR|FILE,FILE,... ATTACK[,ATTACK...] [--plain]
 *
 * Per image/attack it prints the coded-domain figures (signal = mean projection of the mark on the
 * true codeword, host = std of the host's projection, damage = std of the rest, SNR of each) and per
 * radius ring (DFT index units of the 63 tile) the gain |mark after attack| / |mark before|, the
 * mark-to-host and mark-to-damage energy ratios (dB).
 */
import { basename } from "node:path";
import { embed } from "../src/embed.ts";
import { embedVerified } from "../src/verify.ts";
import { bandCoefficients, fold, pilotPeaks } from "../src/fold.ts";
import { detectorPlane } from "../src/whiten.ts";
import { codebook, TILE } from "../src/pattern.ts";
import { CODED_BITS, convEncode, messageBits } from "../src/ecc.ts";
import type { RawImage } from "../src/image.ts";
import type { TileMap } from "../src/sync.ts";
import { decodeImage } from "../src/node/io.ts";
import { ATTACKS } from "../src/bench/attacks.ts";
import { Prng } from "../src/prng.ts";
import { imageFiles } from "./image-files.ts";
import { tilePeriod } from "../src/embed.ts";

const [src, attackList, flag] = process.argv.slice(2);
const files = imageFiles(src!);
const names = attackList!.split(",");
const p = 0x0123456789abcdefn;
const truth = convEncode(messageBits(p));
const RINGS = [1.8, 3.5, 5, 6.5, 8, 9.5, 11];

/** Band coefficients folded at the known map (scale only: these attacks do not rotate). */
function coefAt(im: RawImage, w0: number, h0: number): Float64Array {
  const pr = detectorPlane(im);
  const period = tilePeriod(w0, h0);
  const sx = ((im.width / w0) * (period / TILE)) / pr.f;
  const sy = ((im.height / h0) * (period / TILE)) / pr.f;
  const m: TileMap = { a: 1 / sx, b: 0, c: 0, d: 1 / sy };
  return bandCoefficients(fold(pr.w, pr.width, pr.height, m));
}

/** Payload dims derotated to the shift (sx, sy). */
function payloadDims(coef: Float64Array, sx: number, sy: number): Float64Array {
  const cb = codebook();
  const nP = cb.pilotBins.length;
  const a = new Float64Array(cb.dims);
  cb.payloadBins.forEach((b, i) => {
    const tr = coef[2 * (nP + i)]!;
    const ti = coef[2 * (nP + i) + 1]!;
    const th = (-2 * Math.PI * (b.fu * sx + b.fv * sy)) / TILE;
    a[2 * i] = tr * Math.cos(th) - ti * Math.sin(th);
    a[2 * i + 1] = tr * Math.sin(th) + ti * Math.cos(th);
  });
  return a;
}

function despread(a: Float64Array): Float64Array {
  const cb = codebook();
  const soft = new Float64Array(CODED_BITS);
  for (let r = 0; r < cb.dims; r++)
    for (let c = 0; c < CODED_BITS; c++) soft[c]! += cb.q[r * CODED_BITS + c]! * a[r]!;
  return soft;
}

const sub = (x: Float64Array, y: Float64Array) => x.map((v, i) => v - y[i]!);
const dot = (x: Float64Array, y: Float64Array) => x.reduce((s, v, i) => s + v * y[i]!, 0);
const db = (x: number) => (10 * Math.log10(x)).toFixed(1);

function codedFigures(mark: Float64Array, host: Float64Array, damage: Float64Array) {
  const sm = despread(mark);
  let sig = 0;
  for (let i = 0; i < CODED_BITS; i++) sig += (truth[i] ? -1 : 1) * sm[i]!;
  sig /= CODED_BITS;
  const sd = (v: Float64Array) => Math.sqrt(dot(v, v) / v.length);
  const h = sd(despread(host));
  const d = sd(despread(damage));
  return { sig, host: h, damage: d, snrHost: sig / h, snrDamage: sig / d, snr: sig / Math.hypot(h, d) };
}

const cb = codebook();
const dimRadius = new Float64Array(cb.dims);
cb.payloadBins.forEach((b, i) => (dimRadius[2 * i] = dimRadius[2 * i + 1] = Math.hypot(b.fu, b.fv)));
const ringOf = (r: number) => RINGS.findIndex((lo, k) => r >= lo && r < (RINGS[k + 1] ?? 99));

for (const f of files) {
  const im = await decodeImage(f);
  const mk =
    flag === "--plain"
      ? embed(im, p)
      : embedVerified(im, p, flag === "--uninformed" ? { informed: false } : {}).image;
  const { width: w0, height: h0 } = im;
  const cM = coefAt(mk, w0, h0);
  const [pk0] = pilotPeaks(cM, 1);
  const aM = payloadDims(cM, pk0!.sx, pk0!.sy);
  const aO = payloadDims(coefAt(im, w0, h0), pk0!.sx, pk0!.sy);
  const mark0 = sub(aM, aO);
  const u = codedFigures(mark0, aO, new Float64Array(cb.dims));
  console.log(
    `${basename(f)} ${w0}x${h0} unattacked: signal ${u.sig.toFixed(4)} host sd ${u.host.toFixed(4)} ` +
      `SNR(host) ${u.snrHost.toFixed(2)}`,
  );
  for (const a of names) {
    const attM = await ATTACKS[a]!(mk, new Prng(7));
    const attO = await ATTACKS[a]!(im, new Prng(7));
    const cAM = coefAt(attM, w0, h0);
    const [pk] = pilotPeaks(cAM, 1);
    const sx = pk!.sx;
    const sy = pk!.sy;
    // the unattacked mark at the attacked read's shift (a crop moves it; these attacks do not)
    const m0 = sub(payloadDims(cM, sx, sy), payloadDims(coefAt(im, w0, h0), sx, sy));
    const aAM = payloadDims(cAM, sx, sy);
    const aAO = payloadDims(coefAt(attO, w0, h0), sx, sy);
    const diff = sub(aAM, aAO);
    const g = dot(diff, m0) / dot(m0, m0);
    const markA = m0.map((v) => v * g);
    const damage = sub(diff, markA);
    const c = codedFigures(markA, aAO, damage);
    // the read itself (mark, host and damage together, as the detector sees them)
    const rd = despread(aAM).map((v, i) => (truth[i] ? -v : v));
    const rm = rd.reduce((x, v) => x + v, 0) / CODED_BITS;
    const rs = Math.sqrt(rd.reduce((x, v) => x + (v - rm) ** 2, 0) / CODED_BITS);
    const ber = rd.filter((v) => v < 0).length / CODED_BITS;
    const ring: string[] = [];
    for (let k = 0; k < RINGS.length - 1; k++) {
      const idx = [...dimRadius.keys()].filter((i) => ringOf(dimRadius[i]!) === k);
      if (idx.length === 0) continue;
      const pick = (v: Float64Array) => Float64Array.from(idx, (i) => v[i]!);
      const m0k = pick(m0);
      const dk = pick(diff);
      const gk = dot(dk, m0k) / dot(m0k, m0k);
      const mk2 = gk * gk * dot(m0k, m0k);
      const hk = pick(aAO);
      const rk = sub(
        dk,
        m0k.map((v) => v * gk),
      );
      ring.push(
        `r${RINGS[k]}-${RINGS[k + 1]}(${idx.length}) g${gk.toFixed(2)} M/H ${db(mk2 / dot(hk, hk))} M/D ${db(mk2 / dot(rk, rk))}`,
      );
    }
    console.log(
      `  ${a}: z${pk!.z.toFixed(1)} gain ${g.toFixed(2)} signal ${c.sig.toFixed(4)} host sd ${c.host.toFixed(4)} ` +
        `damage sd ${c.damage.toFixed(4)} SNR host ${c.snrHost.toFixed(2)} damage ${c.snrDamage.toFixed(2)} ` +
        `total ${c.snr.toFixed(2)} | READ snr ${(rm / rs).toFixed(2)} ber ${(ber * 100).toFixed(1)}%\n    ${ring.join(" | ")}`,
    );
  }
}
