import { CODED_BITS, checkMessage, convEncode, MESSAGE_BITS, viterbi } from "./ecc.ts";
import { equalisedSoft } from "./equalise.ts";
import { codebook, TILE, type Bin } from "./pattern.ts";

export interface Detection {
  /** 64-bit payload (format version ‖ watermark id) */
  payload: bigint;
  /** normalised correlation of the soft channel values with the decoded codeword, 0..1 */
  confidence: number;
  /** coded bits (of 188) whose hard decision disagrees with the decoded codeword */
  bitErrors: number;
}

const MIN_CONFIDENCE = 0.05;

/**
 * Undo the shift on the band bins, despread (plainly with Qᵀ, or equalised: see equalise.ts), soft
 * Viterbi, CRC.
 */
export function decodeAt(
  coef: Float64Array,
  sx: number,
  sy: number,
  equalised = false,
): { detection: Detection | null; raw: bigint } {
  const cb = codebook();
  const nP = cb.pilotBins.length;
  const { payloadBins, q, dims } = cb;
  const a = new Float64Array(dims);
  const derotate = (b: Bin, k: number, out: Float64Array, o: number) => {
    const tr = coef[2 * k]!;
    const ti = coef[2 * k + 1]!;
    const th = (-2 * Math.PI * (b.fu * sx + b.fv * sy)) / TILE;
    const c = Math.cos(th);
    const s = Math.sin(th);
    out[o] = tr * c - ti * s;
    out[o + 1] = tr * s + ti * c;
  };
  payloadBins.forEach((b, i) => derotate(b, nP + i, a, 2 * i));
  let soft: Float64Array;
  if (equalised) {
    const pilot = new Float64Array(2 * nP);
    cb.pilotBins.forEach((b, i) => derotate(b, i, pilot, 2 * i));
    const eq = equalisedSoft(pilot, a);
    if (!eq) return { detection: null, raw: 0n };
    soft = eq;
  } else {
    soft = new Float64Array(CODED_BITS);
    for (let r = 0; r < dims; r++) {
      const v = a[r]!;
      const row = r * CODED_BITS;
      for (let c = 0; c < CODED_BITS; c++) soft[c]! += q[row + c]! * v;
    }
  }
  let norm = 0;
  for (const v of soft) norm += v * v;
  norm = Math.sqrt(norm);
  if (!(norm > 1e-9)) return { detection: null, raw: 0n };
  const bits = viterbi(soft, MESSAGE_BITS);
  let raw = 0n;
  for (let i = 0; i < 64; i++) raw = (raw << 1n) | BigInt(bits[i]!);
  const payload = checkMessage(bits);
  if (payload === null) return { detection: null, raw };
  const coded = convEncode(bits);
  let corr = 0;
  let errors = 0;
  for (let i = 0; i < CODED_BITS; i++) {
    const sym = coded[i] ? -1 : 1;
    corr += sym * soft[i]!;
    if (sym * soft[i]! < 0) errors++;
  }
  const confidence = corr / (norm * Math.sqrt(CODED_BITS));
  if (confidence < MIN_CONFIDENCE) return { detection: null, raw };
  return { detection: { payload, confidence: Math.min(1, confidence), bitErrors: errors }, raw };
}
