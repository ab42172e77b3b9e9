import { describe, expect, it } from "vitest";
import { synthImage } from "../src/bench/synth.ts";
import { CODED_BITS, convEncode, messageBits } from "../src/ecc.ts";
import { codedRead, informedSymbols } from "../src/informed.ts";
import { codedSymbols } from "../src/pattern.ts";
import { absDiffQuantile, detect, embed, psnr, referenceAttack, type RawImage } from "../src/index.ts";
import { tilePeriod } from "../src/embed.ts";

const PAYLOAD = 0x01000000c0ffee11n;
const b = codedSymbols(convEncode(messageBits(PAYLOAD)));

/** mean / sd of the coded read's margins bᵢ·readᵢ: the SNR the Viterbi decoder works with */
function readSnr(read: Float64Array): number {
  const m = read.map((v, i) => v * b[i]!);
  const mean = m.reduce((s, v) => s + v, 0) / m.length;
  const sd = Math.sqrt(m.reduce((s, v) => s + (v - mean) ** 2, 0) / m.length);
  return mean / sd;
}

describe("informed embedding (host-interference rejection)", () => {
  it("moves only the symbols whose margin falls short, by λ times the shortfall", () => {
    const host = new Float64Array(CODED_BITS);
    host[0] = -2 * b[0]!; // works against symbol 0
    host[1] = 3 * b[1]!; // helps symbol 1
    const marked = host.map((h, i) => h + b[i]!); // gain k = 1
    const s = informedSymbols(b, host, marked, 2, 0.5);
    expect(s[0]).toBeCloseTo(b[0]! * (1 + 2 * (1.5 - -1)));
    expect(s[1]).toBeCloseTo(b[1]!);
    expect(s[2]).toBeCloseTo(b[2]! * (1 + 2 * 0.5));
  });

  it("raises the read margin of a textured image, plain and after the reference attack, within the visibility limits", () => {
    const img: RawImage = synthImage(512, 384, 7, 1.5);
    const period = tilePeriod(img.width, img.height);
    const plain = embed(img, PAYLOAD, { informed: false });
    const informed = embed(img, PAYLOAD);
    const snr = (im: RawImage) => readSnr(codedRead(im, period));
    const snrAttacked = (im: RawImage) => readSnr(codedRead(referenceAttack(im), period, 2));
    expect(snr(informed)).toBeGreaterThan(snr(plain) * 1.1);
    expect(snrAttacked(informed)).toBeGreaterThan(snrAttacked(plain));
    expect(psnr(img, informed)).toBeGreaterThanOrEqual(42);
    expect(absDiffQuantile(img, informed, 0.999)).toBeLessThanOrEqual(12);
    expect(detect(informed)?.payload).toBe(PAYLOAD);
  });
});
