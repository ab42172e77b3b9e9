/**
 * Channel coding: CRC-24 (OpenPGP polynomial, RFC 4880) and a rate-1/2, K=7 convolutional code
 * (generators 171/133 octal, the NASA/CCSDS standard code) with a soft-decision Viterbi decoder.
 */

export const PAYLOAD_BITS = 64;
export const CRC_BITS = 24;
export const MESSAGE_BITS = PAYLOAD_BITS + CRC_BITS; // 88
const K = 7;
const TAIL = K - 1; // 6 zero bits flush the encoder
export const INPUT_BITS = MESSAGE_BITS + TAIL; // 94
export const CODED_BITS = 2 * INPUT_BITS; // 188
const G1 = 0o171;
const G2 = 0o133;
const STATES = 1 << (K - 1);

/** CRC-24/OpenPGP over bytes: poly 0x864CFB, init 0xB704CE. A non-zero init rejects all-zero input. */
export function crc24(bytes: Uint8Array): number {
  let crc = 0xb704ce;
  for (const b of bytes) {
    crc ^= b << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x864cfb;
    }
  }
  return crc & 0xffffff;
}

function parity(v: number): number {
  v ^= v >>> 4;
  v ^= v >>> 2;
  v ^= v >>> 1;
  return v & 1;
}

const OUT1 = new Uint8Array(2 * STATES);
const OUT2 = new Uint8Array(2 * STATES);
for (let s = 0; s < STATES; s++) {
  for (let b = 0; b < 2; b++) {
    const reg = (b << (K - 1)) | s;
    OUT1[s * 2 + b] = parity(reg & G1);
    OUT2[s * 2 + b] = parity(reg & G2);
  }
}

/** 64-bit payload → 88 message bits (payload MSB first, then CRC-24 MSB first). */
export function messageBits(payload: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  for (let i = 0; i < 8; i++) bytes[i] = Number((payload >> BigInt(56 - 8 * i)) & 0xffn);
  const crc = crc24(bytes);
  const bits = new Uint8Array(MESSAGE_BITS);
  for (let i = 0; i < 64; i++) bits[i] = (bytes[i >> 3]! >> (7 - (i & 7))) & 1;
  for (let i = 0; i < 24; i++) bits[64 + i] = (crc >> (23 - i)) & 1;
  return bits;
}

/** Checks the CRC of 88 message bits; returns the payload or null. */
export function checkMessage(bits: Uint8Array): bigint | null {
  const bytes = new Uint8Array(8);
  for (let i = 0; i < 64; i++) bytes[i >> 3]! |= bits[i]! << (7 - (i & 7));
  let crc = 0;
  for (let i = 0; i < 24; i++) crc = (crc << 1) | bits[64 + i]!;
  if (crc24(bytes) !== crc) return null;
  let p = 0n;
  for (const b of bytes) p = (p << 8n) | BigInt(b);
  return p;
}

/** Convolutional encoding of message bits (plus zero tail) → coded bits 0/1. */
export function convEncode(message: Uint8Array): Uint8Array {
  const out = new Uint8Array(2 * (message.length + TAIL));
  let s = 0;
  for (let i = 0; i < message.length + TAIL; i++) {
    const b = i < message.length ? message[i]! : 0;
    out[2 * i] = OUT1[s * 2 + b]!;
    out[2 * i + 1] = OUT2[s * 2 + b]!;
    s = ((b << (K - 1)) | s) >> 1;
  }
  return out;
}

/**
 * Soft-decision Viterbi. soft[i] > 0 means coded bit i is more likely 0 (symbol +1).
 * Returns the maximum-likelihood message bits (without tail), assuming the encoder ends in state 0.
 */
export function viterbi(soft: Float64Array | Float32Array, messageLength: number): Uint8Array {
  const steps = messageLength + TAIL;
  let metric = new Float64Array(STATES).fill(-Infinity);
  let next = new Float64Array(STATES);
  metric[0] = 0;
  const decisions = new Uint8Array(steps * STATES); // stores the input bit leading into state (packed with prev)
  const prevState = new Uint8Array(steps * STATES);
  for (let t = 0; t < steps; t++) {
    next.fill(-Infinity);
    const y1 = soft[2 * t]!;
    const y2 = soft[2 * t + 1]!;
    const maxB = t < messageLength ? 1 : 0;
    for (let s = 0; s < STATES; s++) {
      const m = metric[s]!;
      if (m === -Infinity) continue;
      for (let b = 0; b <= maxB; b++) {
        const idx = s * 2 + b;
        const bm = (OUT1[idx] ? -y1 : y1) + (OUT2[idx] ? -y2 : y2);
        const ns = ((b << (K - 1)) | s) >> 1;
        const cand = m + bm;
        if (cand > next[ns]!) {
          next[ns] = cand;
          decisions[t * STATES + ns] = b;
          prevState[t * STATES + ns] = s;
        }
      }
    }
    const tmp = metric;
    metric = next;
    next = tmp;
  }
  const bits = new Uint8Array(steps);
  let s = 0;
  for (let t = steps - 1; t >= 0; t--) {
    bits[t] = decisions[t * STATES + s]!;
    s = prevState[t * STATES + s]!;
  }
  return bits.subarray(0, messageLength);
}

/**
 * Parallel list Viterbi (Seshadri & Sundberg 1994): keeps the `list` best partial paths into every
 * state, so the survivors at the zero end state are exactly the `list` most likely messages, best
 * first (metric = Σ symbol · soft, as viterbi()). Entry 0 equals viterbi()'s path up to ties.
 * Each path handed to a CRC check is one more chance of a false positive: callers count them.
 */
export function listViterbi(
  soft: Float64Array | Float32Array,
  messageLength: number,
  list: number,
): { bits: Uint8Array; metric: number }[] {
  if (!Number.isInteger(list) || list < 1)
    throw new RangeError(`list size must be an integer ≥ 1, got ${list}`);
  const steps = messageLength + TAIL;
  const L = list;
  let metric = new Float64Array(STATES * L).fill(-Infinity);
  let next = new Float64Array(STATES * L);
  metric[0] = 0;
  // back pointers per (step, state, rank): predecessor state and its rank
  const prevState = new Uint8Array(steps * STATES * L);
  const prevRank = new Uint16Array(steps * STATES * L);
  for (let t = 0; t < steps; t++) {
    next.fill(-Infinity);
    const y1 = soft[2 * t]!;
    const y2 = soft[2 * t + 1]!;
    const tail = t >= messageLength;
    for (let ns = 0; ns < STATES; ns++) {
      const b = ns >> (K - 2); // the input bit that leads into ns
      if (tail && b) continue;
      // the two predecessors s = ((ns << 1) & (STATES − 1)) | low, each with its sorted list
      const s0 = (ns << 1) & (STATES - 1);
      const s1 = s0 | 1;
      const bm0 = (OUT1[s0 * 2 + b] ? -y1 : y1) + (OUT2[s0 * 2 + b] ? -y2 : y2);
      const bm1 = (OUT1[s1 * 2 + b] ? -y1 : y1) + (OUT2[s1 * 2 + b] ? -y2 : y2);
      let i0 = 0;
      let i1 = 0;
      const base = (t * STATES + ns) * L;
      for (let r = 0; r < L; r++) {
        const m0 = i0 < L ? metric[s0 * L + i0]! + bm0 : -Infinity;
        const m1 = i1 < L ? metric[s1 * L + i1]! + bm1 : -Infinity;
        if (m0 === -Infinity && m1 === -Infinity) break;
        if (m0 >= m1) {
          next[ns * L + r] = m0;
          prevState[base + r] = s0;
          prevRank[base + r] = i0++;
        } else {
          next[ns * L + r] = m1;
          prevState[base + r] = s1;
          prevRank[base + r] = i1++;
        }
      }
    }
    const tmp = metric;
    metric = next;
    next = tmp;
  }
  const out: { bits: Uint8Array; metric: number }[] = [];
  for (let r = 0; r < L; r++) {
    const m = metric[r]!; // state 0
    if (m === -Infinity) break;
    const bits = new Uint8Array(steps);
    let s = 0;
    let k = r;
    for (let t = steps - 1; t >= 0; t--) {
      bits[t] = s >> (K - 2);
      const idx = (t * STATES + s) * L + k;
      k = prevRank[idx]!;
      s = prevState[idx]!;
    }
    out.push({ bits: bits.subarray(0, messageLength), metric: m });
  }
  return out;
}
