/**
 * Smooth and flat images (upscales, flat generated art) and the embedVerified promise: an ok or weak
 * verdict means the blind detector finds the payload. The first case is the one that broke the
 * generator node's upscale job (a smooth 384² ESRGAN upscale of a crop of an art-v2 work).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { synthImage } from "../src/bench/synth.ts";
import { planEmbed, planPlain, renderPlan } from "../src/embed.ts";
import { levelSmooth } from "../src/plan.ts";
import { SMOOTH_BOOST_MAX, SMOOTH_LEVEL_LUMA } from "../src/visibility.ts";
import {
  absDiffQuantile,
  detect,
  embedVerified,
  psnr,
  smoothChange,
  ssim,
  type RawImage,
} from "../src/index.ts";
import { SMOOTH_CHROMA_RMS_MAX, SMOOTH_RMS_MAX, smoothChangeOver, smoothPixels } from "../src/metrics.ts";
import { Prng } from "../src/prng.ts";
import { smoothBlobs } from "./support/smooth-art.ts";

const PAYLOAD = 0x01800000000000a9n;
const here = dirname(fileURLToPath(import.meta.url));

async function fixture(name: string): Promise<RawImage> {
  const { data, info } = await sharp(readFileSync(join(here, "fixtures", name)))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

const smoothArt = (width: number, height: number, seed: number): RawImage =>
  smoothBlobs(width, height, seed, { baseMin: 70, baseRange: 110 });

/** Bilinear ×f upscale (pure TS): what a plain resampler does to a small parent. */
function upscale(im: RawImage, f: number): RawImage {
  const w = im.width * f;
  const h = im.height * f;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0, p = 0; y < h; y++) {
    const sy = Math.min(im.height - 1, Math.max(0, (y + 0.5) / f - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(im.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < w; x++, p += 3) {
      const sx = Math.min(im.width - 1, Math.max(0, (x + 0.5) / f - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(im.width - 1, x0 + 1);
      const fx = sx - x0;
      for (let k = 0; k < 3; k++) {
        const at = (xx: number, yy: number) => im.data[(yy * im.width + xx) * 3 + k]!;
        const top = at(x0, y0) + fx * (at(x1, y0) - at(x0, y0));
        const bot = at(x0, y1) + fx * (at(x1, y1) - at(x0, y1));
        data[p + k] = Math.round(top + fy * (bot - top));
      }
    }
  }
  return { width: w, height: h, channels: 3, data };
}

function expectMarkedWithinBudget(img: RawImage) {
  const r = embedVerified(img, PAYLOAD);
  expect(r.verdict, r.reason).not.toBe("failed");
  expect(detect(r.image)?.payload).toBe(PAYLOAD);
  expect(psnr(img, r.image)).toBeGreaterThanOrEqual(42);
  expect(ssim(img, r.image)).toBeGreaterThanOrEqual(0.985);
  expect(absDiffQuantile(img, r.image, 0.999)).toBeLessThanOrEqual(12);
  const sm = smoothChange(img, r.image);
  expect(sm.lumaRms).toBeLessThanOrEqual(SMOOTH_RMS_MAX);
  expect(sm.chromaRms).toBeLessThanOrEqual(SMOOTH_CHROMA_RMS_MAX);
  return r;
}

describe("smooth images get a mark the blind detector finds", () => {
  it("the upscale job's case: a 384² ESRGAN upscale of a 96² crop of an art-v2 work", async () => {
    const img = await fixture("upscale-art-v2.png");
    expect([img.width, img.height]).toEqual([384, 384]);
    expectMarkedWithinBudget(img);
  });

  it("a bilinear ×4 upscale of smooth art (no texture, no edges)", () => {
    expectMarkedWithinBudget(upscale(smoothArt(96, 96, 3), 4));
  });

  it("flat art at 512²", () => {
    expectMarkedWithinBudget(smoothArt(512, 512, 11));
  });
});

describe("embedVerified: ok or weak implies that the blind detect finds the payload", () => {
  const rng = new Prng(97);
  const cases: { name: string; image: RawImage }[] = [];
  for (const [w, h] of [
    [64, 64],
    [160, 120],
    [257, 190],
    [384, 384],
    [512, 341],
  ] as const) {
    const tex = rng.next();
    cases.push({
      name: `synth ${w}×${h} texture ${tex.toFixed(2)}`,
      image: synthImage(w, h, rng.int(1e6), tex),
    });
  }
  cases.push({ name: "heavy texture 300×300", image: synthImage(300, 300, 5, 1) });
  cases.push({ name: "smooth art 200×150", image: smoothArt(200, 150, 21) });
  cases.push({ name: "smooth upscale ×3 of 80×60", image: upscale(smoothArt(80, 60, 8), 3) });
  cases.push({ name: "upscale ×2 of textured 128×128", image: upscale(synthImage(128, 128, 4, 0.7), 2) });
  const flat = (v: number, w: number, h: number): RawImage => ({
    width: w,
    height: h,
    channels: 3,
    data: new Uint8Array(w * h * 3).fill(v),
  });
  cases.push({ name: "flat grey 256²", image: flat(128, 256, 256) });
  cases.push({ name: "flat white 200²", image: flat(255, 200, 200) });
  cases.push({ name: "flat black 200²", image: flat(0, 200, 200) });
  const noise = new Uint8Array(220 * 180 * 3).map(() => rng.int(256));
  cases.push({ name: "white noise 220×180", image: { width: 220, height: 180, channels: 3, data: noise } });
  for (const { name, image } of cases) {
    it(name, () => {
      const r = embedVerified(image, PAYLOAD);
      if (r.verdict === "failed") expect(r.reason).toMatch(/does not read back/);
      else expect(detect(r.image)?.payload).toBe(PAYLOAD);
    });
  }
});

describe("smooth regions: no strengthening beyond the JND, no tint", () => {
  it("a raised JND scale leaves the change on smooth pixels where it was", () => {
    const img = smoothArt(384, 384, 5);
    const plan = planEmbed(img, PAYLOAD);
    const at1 = smoothChange(img, renderPlan(plan, 1));
    const at25 = smoothChange(img, renderPlan(plan, 2.5));
    expect(at1.fraction).toBeGreaterThan(0.5);
    expect(at1.lumaRms).toBeGreaterThan(0.2); // there is a mark there
    expect(at25.lumaRms).toBeLessThanOrEqual(at1.lumaRms * 1.03);
    expect(at25.lumaRms).toBeLessThanOrEqual(SMOOTH_RMS_MAX);
  });

  it("the change on a smooth gradient is near neutral (its chroma well below its luma)", () => {
    const img = smoothArt(384, 384, 9);
    const sm = smoothChange(img, embedVerified(img, PAYLOAD).image);
    expect(sm.lumaRms).toBeGreaterThan(0.2);
    // along the luma vector the chroma would be ≈ 0.48 × the luma change before rounding
    expect(sm.chromaRms).toBeLessThan(0.6 * sm.lumaRms);
    expect(sm.chromaRms).toBeLessThanOrEqual(SMOOTH_CHROMA_RMS_MAX);
  });

  it("levelling raises a bright smooth image's change toward the target, within the limit", () => {
    // a bright smooth gradient: luminance adaptation ≈ 1 there, so the flat cap alone leaves it low
    const img = smoothArt(320, 320, 13);
    const plan = planPlain(img, PAYLOAD);
    const before = smoothChange(img, renderPlan(plan));
    const k = levelSmooth(plan, renderPlan(plan));
    const after = smoothChange(img, renderPlan(plan));
    expect(before.fraction).toBeGreaterThan(0.5);
    expect(before.lumaRms).toBeLessThan(SMOOTH_LEVEL_LUMA / 1.2); // room to level
    expect(k).toBeGreaterThan(1.2);
    expect(k).toBeLessThanOrEqual(SMOOTH_BOOST_MAX);
    expect(after.lumaRms).toBeGreaterThan(before.lumaRms * 1.15);
    expect(after.lumaRms).toBeLessThanOrEqual(SMOOTH_LEVEL_LUMA * 1.03);
    expect(after.chromaRms).toBeLessThanOrEqual(SMOOTH_CHROMA_RMS_MAX);
    // and what the node returns stays within the smooth-region limits
    const sm = smoothChange(img, embedVerified(img, PAYLOAD).image);
    expect(sm.lumaRms).toBeLessThanOrEqual(SMOOTH_RMS_MAX);
    expect(sm.chromaRms).toBeLessThanOrEqual(SMOOTH_CHROMA_RMS_MAX);
  });

  it("the plan's smooth pixels are the metric's, so levelling measures what smoothChange reports", () => {
    // a smooth image with a textured half: both kinds of pixel, and the boundary between them
    const img = smoothArt(200, 160, 5);
    const tex = synthImage(200, 160, 3, 1);
    for (let p = 0; p < img.data.length; p += 3)
      if ((p / 3) % 200 >= 100) img.data.set(tex.data.subarray(p, p + 3), p);
    const plan = planPlain(img, PAYLOAD);
    const mask = smoothPixels(img);
    expect(plan.smooth).toEqual(mask);
    const share = mask.reduce((a, v) => a + v, 0) / mask.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.8);
    const marked = renderPlan(plan);
    expect(smoothChangeOver(img, marked, plan.smooth!)).toEqual(smoothChange(img, marked));
  });

  it("levelling leaves a textured image alone", () => {
    const img = synthImage(256, 256, 3, 1);
    const plan = planPlain(img, PAYLOAD);
    const before = renderPlan(plan);
    expect(levelSmooth(plan, before)).toBe(1);
    expect(renderPlan(plan).data).toEqual(before.data);
  });

  it("texture still takes a raised JND scale", () => {
    const img = synthImage(384, 384, 7, 1);
    const plan = planEmbed(img, PAYLOAD, { psnr: 30 }); // a target the caps bind at
    expect(psnr(img, renderPlan(plan, 2.5))).toBeLessThan(psnr(img, renderPlan(plan, 1)) - 1);
  });
});
