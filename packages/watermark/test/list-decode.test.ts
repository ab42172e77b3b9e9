import { describe, expect, it } from "vitest";
import {
  CODED_BITS,
  checkMessage,
  convEncode,
  listViterbi,
  MESSAGE_BITS,
  messageBits,
  viterbi,
} from "../src/ecc.ts";
import { decodeSoft, messageKey } from "../src/decode.ts";
import { MAX_LOW_DECODES } from "../src/lowread.ts";
import {
  FALSE_POSITIVE_BOUND,
  LIST_MIN_Z,
  LIST_SIZE,
  MAX_DECODES,
  MAX_LIST_TESTS,
  MAX_PILOT_SURFACES,
} from "../src/detect.ts";
import { Prng } from "../src/prng.ts";

const payloadOf = (rng: Prng) => {
  let p = 0n;
  for (let i = 0; i < 4; i++) p = (p << 16n) | BigInt(rng.int(65536));
  return p;
};
/** ±1 symbols of the payload's codeword plus white noise of the given sd (Es/N0 = 1 / (2 sd²)). */
const noisy = (p: bigint, sd: number, rng: Prng) =>
  Float64Array.from(convEncode(messageBits(p)), (b) => (b ? -1 : 1) + sd * rng.gaussian());
const pathMetric = (bits: Uint8Array, soft: Float64Array) =>
  convEncode(bits).reduce((acc, b, i) => acc + (b ? -1 : 1) * soft[i]!, 0);

describe("list Viterbi", () => {
  it("returns distinct paths, best first, the first one the plain Viterbi path", () => {
    const rng = new Prng(11);
    for (let t = 0; t < 10; t++) {
      const soft = noisy(payloadOf(rng), 1.1, rng);
      const list = listViterbi(soft, MESSAGE_BITS, 16);
      expect(list).toHaveLength(16);
      expect([...list[0]!.bits]).toEqual([...viterbi(soft, MESSAGE_BITS)]);
      expect(new Set(list.map((e) => messageKey(e.bits))).size).toBe(16);
      for (let i = 0; i < list.length; i++) {
        // the metric is the path's correlation with the soft values, and the list is sorted by it
        expect(list[i]!.metric).toBeCloseTo(pathMetric(list[i]!.bits, soft), 6);
        if (i > 0) expect(list[i]!.metric).toBeLessThanOrEqual(list[i - 1]!.metric);
      }
    }
  });

  it("finds the sent message where the plain Viterbi path fails its CRC", () => {
    const rng = new Prng(2026);
    let rescued = 0;
    let plainOk = 0;
    for (let t = 0; t < 120; t++) {
      const p = payloadOf(rng);
      // soft SNR ≈ 1: the regime of the failing crop0.25 reads
      const soft = noisy(p, 1.0, rng);
      const plain = decodeSoft(soft);
      expect(plain.crcTests).toBe(1);
      if (plain.detection) {
        expect(plain.detection.payload).toBe(p);
        plainOk++;
        continue;
      }
      const listed = decodeSoft(soft, LIST_SIZE, plain.path);
      expect(listed.crcTests).toBeLessThanOrEqual(LIST_SIZE - 1);
      if (listed.detection) {
        expect(listed.detection.payload).toBe(p);
        rescued++;
      }
    }
    expect(plainOk).toBeGreaterThan(0);
    expect(rescued).toBeGreaterThan(0);
  });

  it("never returns a path whose CRC fails, and counts every CRC test", () => {
    // a clean codeword of a message whose CRC is wrong: the best path fits the soft values exactly
    const bad = messageBits(0x0123456789abcdefn);
    bad[70] = bad[70]! ^ 1;
    expect(checkMessage(bad)).toBeNull();
    const clean = Float64Array.from(convEncode(bad), (b) => (b ? -1 : 1));
    const plain = decodeSoft(clean);
    expect(plain.detection).toBeNull();
    expect(plain.path).toBe(messageKey(bad));
    const listed = decodeSoft(clean, 32);
    expect(listed.detection).toBeNull();
    expect(listed.crcTests).toBe(32);
    // with the plain path skipped, it is not tested (nor counted) twice
    expect(decodeSoft(clean, 32, plain.path).crcTests).toBe(31);
    const rng = new Prng(99);
    let found = 0;
    for (let t = 0; t < 60; t++) {
      // pure noise: no codeword at all
      const soft = Float64Array.from({ length: CODED_BITS }, () => rng.gaussian());
      const res = decodeSoft(soft, 32);
      expect(res.crcTests).toBeLessThanOrEqual(32);
      if (res.detection) {
        found++;
        // a returned payload is one whose own CRC-24 checks
        expect(checkMessage(messageBits(res.detection.payload))).toBe(res.detection.payload);
      } else expect(res.crcTests).toBe(32);
    }
    // 60 × 32 tests at 2^-24 each: a hit here would be a broken CRC check
    expect(found).toBe(0);
  });

  it("keeps the analytic false-positive bound per image ≤ 1e-6", () => {
    const q6 = 9.8659e-10; // Q(6), the Gaussian tail at LIST_MIN_Z
    expect(LIST_MIN_Z).toBe(6);
    const pilotNull = MAX_PILOT_SURFACES * 63 * 63 * q6;
    // (v9) every combined primary + low-carrier decode is one more CRC test
    const expected = (MAX_DECODES + MAX_LOW_DECODES + pilotNull * MAX_LIST_TESTS) * 2 ** -24;
    expect(FALSE_POSITIVE_BOUND).toBeGreaterThanOrEqual(expected);
    expect(FALSE_POSITIVE_BOUND).toBeLessThan(expected * 1.01);
    expect(FALSE_POSITIVE_BOUND).toBeLessThanOrEqual(1e-6);
  });

  it("rejects a list size that is not a positive integer", () => {
    expect(() => listViterbi(new Float64Array(CODED_BITS), MESSAGE_BITS, 0)).toThrow(/list size/);
  });
});
