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
