import { describe, expect, it } from "vitest";
import {
  CODED_BITS,
  MESSAGE_BITS,
  checkMessage,
  convEncode,
  crc24,
  messageBits,
  viterbi,
} from "../src/ecc.ts";
import {
  decodePayload,
  encodePayload,
  MAX_WATERMARK_ID,
  payloadFromHex,
  payloadToHex,
} from "../src/index.ts";
import { Prng } from "../src/prng.ts";

describe("payload format", () => {
  it("packs version and 56-bit id and round-trips through hex", () => {
    const p = encodePayload({ version: 1, id: 0x23456789abcdefn });
    expect(p).toBe(0x0123456789abcdefn);
    expect(payloadToHex(p)).toBe("0123456789abcdef");
    expect(payloadFromHex("0123456789ABCDEF")).toBe(p);
    expect(payloadFromHex("0x0123456789abcdef")).toBe(p);
    expect(decodePayload(p)).toEqual({ version: 1, id: 0x23456789abcdefn });
    expect(payloadToHex(0n)).toBe("0000000000000000");
    expect(decodePayload(encodePayload({ version: 255, id: MAX_WATERMARK_ID }))).toEqual({
      version: 255,
      id: MAX_WATERMARK_ID,
    });
  });

  it("rejects malformed payloads with clear errors", () => {
    expect(() => payloadFromHex("123")).toThrow(/16 hex digits/);
    expect(() => payloadFromHex("0123456789abcdeg")).toThrow(/16 hex digits/);
    expect(() => encodePayload({ version: 256, id: 1n })).toThrow(/version/);
    expect(() => encodePayload({ version: 1, id: 1n << 56n })).toThrow(/watermark id/);
    expect(() => payloadToHex(1n << 64n)).toThrow(/payload/);
    expect(() => payloadToHex(-1n)).toThrow(/payload/);
  });
});

describe("channel code", () => {
  it("CRC-24/OpenPGP check value", () => {
    expect(crc24(new TextEncoder().encode("123456789"))).toBe(0x21cf02);
  });

  it("encodes 64 bits + CRC-24 into 188 coded bits and decodes them back", () => {
    const p = 0xdeadbeefcafef00dn;
    const bits = messageBits(p);
    expect(bits.length).toBe(MESSAGE_BITS);
    const coded = convEncode(bits);
    expect(coded.length).toBe(CODED_BITS);
    const soft = Float64Array.from(coded, (b) => (b ? -1 : 1));
    expect(checkMessage(viterbi(soft, MESSAGE_BITS))).toBe(p);
  });

  it("soft Viterbi corrects noisy channel values", () => {
    const rng = new Prng(5);
    for (let t = 0; t < 20; t++) {
      const p = BigInt.asUintN(64, BigInt(rng.int(2 ** 31)) * 0x1_0000_0001n + BigInt(t));
      const coded = convEncode(messageBits(p));
      // Es/N0 ≈ 2 dB: around 8% raw bit errors
      const soft = Float64Array.from(coded, (b) => (b ? -1 : 1) + 0.72 * rng.gaussian());
      expect(checkMessage(viterbi(soft, MESSAGE_BITS))).toBe(p);
    }
  });

  it("the CRC rejects corrupted messages and all-zero input", () => {
    const bits = messageBits(42n);
    bits[10] = bits[10]! ^ 1;
    expect(checkMessage(bits)).toBeNull();
    expect(checkMessage(new Uint8Array(MESSAGE_BITS))).toBeNull();
  });
});
