import { CODED_BITS, checkMessage, convEncode, listViterbi, MESSAGE_BITS, viterbi } from "./ecc.ts";
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
 * Soft channel values of the 188 coded bits at one candidate: undo the shift on the band bins and
 * despread (plainly with Qᵀ, or equalised: see equalise.ts); null when the equaliser finds no gain.
 */
export function softAt(coef: Float64Array, sx: number, sy: number, equalised = false): Float64Array | null {
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
  if (equalised) {
    const pilot = new Float64Array(2 * nP);
    cb.pilotBins.forEach((b, i) => derotate(b, i, pilot, 2 * i));
    return equalisedSoft(pilot, a);
  }
  const soft = new Float64Array(CODED_BITS);
  for (let r = 0; r < dims; r++) {
    const v = a[r]!;
    const row = r * CODED_BITS;
    for (let c = 0; c < CODED_BITS; c++) soft[c]! += q[row + c]! * v;
  }
  return soft;
}

/** Result of one decode attempt: the detection (if a CRC held), the first path's raw 64 bits, and
 * how many paths were put to the CRC (each one a chance of a false positive: detect.ts counts them). */
export interface DecodeResult {
  detection: Detection | null;
  raw: bigint;
  crcTests: number;
  /** the best path's 88 message bits as a number (messageKey), to skip it in a later list decode */
  path?: bigint;
}

/**
 * Soft Viterbi and CRC at one candidate (softAt). With `list` > 1 (CRC-aided list decoding), the
 * `list` most likely messages are tried best first and the first whose CRC holds wins; `skip`
 * leaves out messages already put to the CRC (the plain Viterbi path of the same soft values), so
 * they are not counted twice.
 */
export function decodeAt(
  coef: Float64Array,
  sx: number,
  sy: number,
  equalised = false,
  list = 1,
  skip?: bigint,
): DecodeResult {
  const soft = softAt(coef, sx, sy, equalised);
  if (!soft) return { detection: null, raw: 0n, crcTests: 0 };
  return decodeSoft(soft, list, skip);
}

/** decodeAt's Viterbi (or list Viterbi) + CRC + confidence floor on given soft values. */
export function decodeSoft(soft: Float64Array, list = 1, skip?: bigint): DecodeResult {
  let norm = 0;
  for (const v of soft) norm += v * v;
  norm = Math.sqrt(norm);
  if (!(norm > 1e-9)) return { detection: null, raw: 0n, crcTests: 0 };
  const paths =
    list > 1 ? listViterbi(soft, MESSAGE_BITS, list).map((e) => e.bits) : [viterbi(soft, MESSAGE_BITS)];
  const raw = rawPayload(paths[0]!);
  const path = messageKey(paths[0]!);
  let crcTests = 0;
  for (const bits of paths) {
    if (skip !== undefined && messageKey(bits) === skip) continue;
    crcTests++;
    const payload = checkMessage(bits);
    if (payload === null) continue;
    const detection = scored(soft, norm, bits, payload);
    if (detection) return { detection, raw, crcTests, path };
  }
  return { detection: null, raw, crcTests, path };
}

/** The 88 message bits as one number (to recognise a path already tested). */
export function messageKey(bits: Uint8Array): bigint {
  let k = 0n;
  for (let i = 0; i < MESSAGE_BITS; i++) k = (k << 1n) | BigInt(bits[i]!);
  return k;
}

function rawPayload(bits: Uint8Array): bigint {
  let raw = 0n;
  for (let i = 0; i < 64; i++) raw = (raw << 1n) | BigInt(bits[i]!);
  return raw;
}

/** Confidence and coded-bit errors of a CRC-valid message; null below the confidence floor. */
function scored(soft: Float64Array, norm: number, bits: Uint8Array, payload: bigint): Detection | null {
  const coded = convEncode(bits);
  let corr = 0;
  let errors = 0;
  for (let i = 0; i < CODED_BITS; i++) {
    const sym = coded[i] ? -1 : 1;
    corr += sym * soft[i]!;
    if (sym * soft[i]! < 0) errors++;
  }
  const confidence = corr / (norm * Math.sqrt(CODED_BITS));
  if (confidence < MIN_CONFIDENCE) return null;
  return { payload, confidence: Math.min(1, confidence), bitErrors: errors };
}
