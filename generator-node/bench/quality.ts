/**
 * The art model's quality sheet, part of `npm run bench:generator`: 24 prompts × 2 seeds through the
 * built-in v1 (CPPN) and v2 (art) models at 512², a contact sheet PNG of each, and per model:
 * colourfulness (Hasler–Süsstrunk), edge density (Sobel of luma > 80), high-frequency energy
 * (luma spectrum above 0.125 cycles/px) — median and worst (lowest) image — and prompt diversity
 * (mean pairwise perceptual-hash distance, 64 bits, over the 24 prompts at one seed; and, less noisy,
 * over the 48 sheet + held-out prompts at each seed), and beside it a diversity that tells
 * compositions apart: the mean pairwise cosine distance of CNN embeddings (embedding.ts), calibrated
 * on the two seeds of one prompt and on 100 unrelated images. Also the
 * CPU time per stage of one job produced in process (generate, safety, watermark, encode).
 */
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { hammingDistance } from "@atelier/watermark";
import { loadManifest } from "../src/model/manifest.ts";
import { BUILTIN_ART_MANIFEST, BUILTIN_CPPN_MANIFEST } from "../src/model/builtin.ts";
import {
  colourfulness,
  edgeDensity,
  highFrequencyEnergy,
  meanPairwiseDistance,
} from "../src/model/quality.ts";
import { ModelRuntime, type RawImage } from "../src/model/runtime.ts";
import { embedImages, meanPairwiseCosineDistance, meanPairedCosineDistance } from "./embedding.ts";
import { markForWork, WATERMARK_PSNR_LADDER } from "../src/producer.ts";
import { NsfwClassifier } from "../src/safety/nsfw.ts";
import { HeliaStore } from "../src/storage/ipfs.ts";
import { loadWatermark, payloadFor } from "../src/watermark.ts";

export const SHEET_PROMPTS = [
  "sunset over the sea",
  "neon city at night",
  "portrait of an old fisherman, oil painting",
  "cat on a windowsill",
  "moonlit mountains",
  "a blue ocean mandala",
  "desert dunes at dawn",
  "frozen glacier, ice",
  "minimal geometric composition",
  "organic watercolour garden",
  "stormy sea, dramatic",
  "golden marble",
  "autumn forest valley",
  "cosmic spiral galaxy",
  "pastel dreamy clouds",
  "topographic map of an island",
  "crystal cave, glowing",
  "butterfly wings, symmetric",
  "vintage poster of a lighthouse",
  "aurora over the arctic",
  "fire and embers",
  "calm lake at dusk",
  "intricate purple kaleidoscope",
  "abstract",
];
/** Prompts no part of the model was tuned on: the diversity measure again, on data it was not made for. */
export const HELD_OUT_PROMPTS = [
  "a red fox in the snow",
  "jazz club, smoky",
  "cathedral window, stained glass",
  "coral reef",
  "rainy street in tokyo",
  "field of lavender",
  "old map of the world",
  "thunderstorm over the plains",
  "bioluminescent jellyfish",
  "a bowl of lemons, still life",
  "circuit board",
  "tropical beach at noon",
  "misty pine forest",
  "abstract expressionism",
  "the surface of mars",
  "peacock feathers",
  "a quiet library",
  "northern lights over a fjord",
  "candy shop",
  "deep space nebula",
  "rusted machinery",
  "cherry blossoms",
  "a labyrinth",
  "sunflowers",
];
export const SHEET_SEEDS = ["0x" + "11".repeat(32), "0x" + "a7".repeat(32)];

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export interface ModelQuality {
  model: string;
  colourfulness: number;
  edgeDensity: number;
  hfEnergy: number;
  diversity: number;
  /** mean pHash distance between the two seeds of one prompt (well under \`diversity\`: prompts steer) */
  samePromptDistance: number;
  /** \`diversity\` over HELD_OUT_PROMPTS (first seed) */
  diversityHeldOut: number;
  /**
   * mean over both seeds of the mean pairwise distance over all 48 prompts (sheet + held out): the
   * 24-prompt figure moves by ±0.25 bit between prompt sets of the same model; this one by about half
   */
  diversityWide: number;
  /**
   * what independent images can reach: the DC bit of a pHash is always set, the other 63 bits agree
   * by chance half the time, so the expected mean pairwise distance is 31.5 (more needs prompts that
   * avoid each other's layouts, which independent renders cannot do)
   */
  diversityIndependent: number;
  /**
   * Diversity that tells compositions apart: mean pairwise cosine distance (1 − cos) of the 1280-d
   * ImageNet MobileNetV2 features (the embedding of the dApp's "more like this") over the 24 prompts
   * at the first seed. 0 = the same picture; the ceiling is 1 (features are ReLU outputs, so cos ≥ 0);
   * `embedding.calibration` gives what two seeds of one prompt and unrelated images reach.
   */
  embeddingDiversity: {
    sheet: number;
    /** over the 48 sheet + held-out prompts, mean of both seeds */
    wide: number;
    /** mean distance between the two seeds of one prompt (below `sheet`: prompts steer) */
    samePrompt: number;
  };
  worst: { colourfulness: number; edgeDensity: number; hfEnergy: number };
  /** images whose watermark read back at each strength of the node's ladder (default 42.2 dB, 40, 38), and none */
  watermarkRungs: Record<string, number>;
  images: number;
}

async function contactSheet(images: RawImage[], cols: number, tile: number, file: string): Promise<void> {
  const rows = Math.ceil(images.length / cols);
  const composites = await Promise.all(
    images.map(async (im, i) => ({
      input: await sharp(Buffer.from(im.data), {
        raw: { width: im.width, height: im.height, channels: im.channels },
      })
        .resize(tile, tile)
        .png()
        .toBuffer(),
      left: (i % cols) * tile,
      top: Math.floor(i / cols) * tile,
    })),
  );
  await sharp({ create: { width: cols * tile, height: rows * tile, channels: 3, background: "#000" } })
    .composite(composites)
    .png({ compressionLevel: 9 })
    .toFile(file);
}

async function measureModel(manifestPath: string, sheetFile: string): Promise<ModelQuality> {
  const rt = await ModelRuntime.create(await loadManifest(manifestPath), { provider: "cpu" });
  const wm = await loadWatermark();
  const images: RawImage[] = [];
  // prompt-major: each prompt's two seeds side by side on the sheet
  for (const prompt of SHEET_PROMPTS)
    for (const seed of SHEET_SEEDS) images.push(...(await rt.generate([{ prompt, seed }])));
  // held-out prompts, per seed
  const heldOut: bigint[][] = SHEET_SEEDS.map(() => []);
  const heldOutImages: RawImage[][] = SHEET_SEEDS.map(() => []);
  for (const [k, seed] of SHEET_SEEDS.entries())
    for (const prompt of HELD_OUT_PROMPTS) {
      const [im] = await rt.generate([{ prompt, seed }]);
      heldOut[k]!.push(wm.perceptualHash(im!));
      heldOutImages[k]!.push(im!);
    }
  await rt.close();
  const emb = await embedImages(images);
  const embFirst = emb.filter((_, i) => i % SHEET_SEEDS.length === 0);
  const embWide = await Promise.all(
    SHEET_SEEDS.map(async (_, k) => [
      ...emb.filter((_, i) => i % SHEET_SEEDS.length === k),
      ...(await embedImages(heldOutImages[k]!)),
    ]),
  );
  const cf = images.map(colourfulness);
  const ed = images.map((im) => edgeDensity(im));
  const hf = images.map((im) => highFrequencyEnergy(im));
  const firstSeed = images.filter((_, i) => i % SHEET_SEEDS.length === 0);
  const hashes = images.map((im) => wm.perceptualHash(im));
  const wide = SHEET_SEEDS.map((_, k) =>
    meanPairwiseDistance([...hashes.filter((_, i) => i % SHEET_SEEDS.length === k), ...heldOut[k]!]),
  );
  let same = 0;
  for (let i = 0; i < hashes.length; i += SHEET_SEEDS.length)
    same += hammingDistance(hashes[i]!, hashes[i + 1]!);
  const rungs: Record<string, number> = {};
  images.forEach((im, i) => {
    const payload = payloadFor(wm, 2n ** 55n + BigInt(i));
    let rung = "none";
    for (const psnr of WATERMARK_PSNR_LADDER) {
      let marked: RawImage;
      try {
        marked = wm.embed(im, payload, psnr === undefined ? undefined : { psnr });
      } catch {
        continue; // the library's own read-back failed at this strength
      }
      if (wm.detect(marked)?.payload === payload) {
        rung = psnr === undefined ? "default" : `${psnr}dB`;
        break;
      }
    }
    rungs[rung] = (rungs[rung] ?? 0) + 1;
  });
  await contactSheet(images, 8, 160, sheetFile);
  return {
    model: rt.manifest.name,
    colourfulness: round(median(cf), 1),
    edgeDensity: round(median(ed)),
    hfEnergy: round(median(hf)),
    diversity: round(meanPairwiseDistance(firstSeed.map((im) => wm.perceptualHash(im))), 2),
    samePromptDistance: round(same / SHEET_PROMPTS.length, 2),
    diversityHeldOut: round(meanPairwiseDistance(heldOut[0]!), 2),
    diversityWide: round(wide.reduce((a, b) => a + b, 0) / wide.length, 2),
    diversityIndependent: 31.5,
    embeddingDiversity: {
      sheet: round(meanPairwiseCosineDistance(embFirst)),
      wide: round(embWide.map(meanPairwiseCosineDistance).reduce((a, b) => a + b, 0) / embWide.length),
      samePrompt: round(
        meanPairedCosineDistance(
          embFirst,
          emb.filter((_, i) => i % SHEET_SEEDS.length === 1),
        ),
      ),
    },
    worst: {
      colourfulness: round(Math.min(...cf), 1),
      edgeDensity: round(Math.min(...ed)),
      hfEnergy: round(Math.min(...hf)),
    },
    watermarkRungs: rungs,
    images: images.length,
  };
}

/** Where the reference images for the embedding calibration live (100 dev images: photos, wallpapers, screenshots). */
export const CALIBRATION_DIR = process.env.ATELIER_CALIBRATION_DIR ?? "/work/devset";

export interface EmbeddingCalibration {
  what: string;
  /** mean pairwise distance of unrelated images (null when the directory is missing) */
  unrelatedImages: { dir: string; images: number; meanDistance: number } | null;
  /** identical images */
  identical: 0;
  ceiling: 1;
}

async function calibrate(): Promise<EmbeddingCalibration> {
  const what =
    "mean pairwise cosine distance (1 − cos) of MobileNetV2 (ImageNet) 1280-d features at 224²: 0 the same picture, 1 the ceiling; unrelated images reach `unrelatedImages.meanDistance`";
  let files: string[];
  try {
    files = (await readdir(CALIBRATION_DIR)).filter((f) => /\.(png|jpe?g|webp)$/i.test(f)).sort();
  } catch {
    return { what, unrelatedImages: null, identical: 0, ceiling: 1 };
  }
  const images: RawImage[] = [];
  for (const f of files) {
    const { data, info } = await sharp(path.join(CALIBRATION_DIR, f))
      .removeAlpha()
      .toColourspace("srgb")
      .resize(512, 512, { fit: "cover" })
      .raw()
      .toBuffer({ resolveWithObject: true });
    images.push({ width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) });
  }
  const emb = await embedImages(images);
  return {
    what,
    unrelatedImages: {
      dir: CALIBRATION_DIR,
      images: images.length,
      meanDistance: round(meanPairwiseCosineDistance(emb)),
    },
    identical: 0,
    ceiling: 1,
  };
}

export async function qualitySheet(sheetPrefix: string): Promise<{
  v1: ModelQuality;
  v2: ModelQuality;
  sheets: string[];
  embedding: EmbeddingCalibration;
  diversityMeasures: Record<string, string>;
}> {
  const sheets = [`${sheetPrefix}-v1.png`, `${sheetPrefix}-v2.png`];
  const v1 = await measureModel(BUILTIN_CPPN_MANIFEST, sheets[0]!);
  const v2 = await measureModel(BUILTIN_ART_MANIFEST, sheets[1]!);
  return {
    v1,
    v2,
    sheets,
    embedding: await calibrate(),
    diversityMeasures: {
      diversity:
        "the issue's measure: mean pairwise Hamming distance of 64-bit DCT perceptual hashes over the 24 prompts (first seed); independent images reach 31.5 (the DC bit always set, 63 bits agree by chance half the time): saturated, it cannot tell two unrelated layouts from two compositions",
      embeddingDiversity:
        "mean pairwise cosine distance of MobileNetV2 ImageNet features over the same 24 images (`wide`: 48 prompts × 2 seeds; `samePrompt`: the two seeds of one prompt); 0 the same picture, ceiling 1, unrelated images: `embedding.unrelatedImages.meanDistance`",
    },
  };
}

/**
 * CPU-ms per stage of one job, produced in process one job at a time (process CPU time around each
 * stage; median over the prompts): what a job costs wherever it runs, unlike wall time on a shared box.
 */
export async function cpuMsByStage(
  jobs = 12,
): Promise<{ cpuMs: Record<string, number>; generateWallMs: { p50Ms: number; p95Ms: number } }> {
  const rt = await ModelRuntime.create(await loadManifest(BUILTIN_ART_MANIFEST), { provider: "cpu" });
  const classifier = await NsfwClassifier.load({ threshold: 0.9, backend: "wasm" });
  const wm = await loadWatermark();
  const cpuMs = (t0: NodeJS.CpuUsage) => {
    const d = process.cpuUsage(t0);
    return (d.user + d.system) / 1000;
  };
  const per: Record<string, number[]> = { generate: [], safety: [], watermark: [], encode: [], store: [] };
  const store = await HeliaStore.open({ dir: await mkdtemp(path.join(tmpdir(), "atelier-bench-store-")) });
  const wall: number[] = [];
  await rt.generate([{ prompt: "warm up", seed: "0x01" }]);
  for (let i = 0; i < jobs; i++) {
    const prompt = SHEET_PROMPTS[i % SHEET_PROMPTS.length]!;
    let t = process.cpuUsage();
    const w0 = performance.now();
    const [img] = await rt.generate([{ prompt, seed: "0x" + (i + 1).toString(16).padStart(64, "0") }]);
    wall.push(performance.now() - w0);
    per.generate!.push(cpuMs(t));
    t = process.cpuUsage();
    await classifier.check(img!);
    per.safety!.push(cpuMs(t));
    t = process.cpuUsage();
    // as the node marks a work: the library's verdict is the read-back, no detect after it
    const marked = markForWork(wm, img!, payloadFor(wm, 2n ** 55n + BigInt(i)));
    per.watermark!.push(cpuMs(t));
    t = process.cpuUsage();
    const png = await sharp(Buffer.from(marked.data), {
      raw: { width: marked.width, height: marked.height, channels: 3 },
    })
      .png({ compressionLevel: 3, adaptiveFiltering: true })
      .toBuffer();
    per.encode!.push(cpuMs(t));
    // IPFS: the image and a metadata JSON of the node's size (~2.5 KB), as produceWork stores them
    t = process.cpuUsage();
    const imageCid = await store.add(new Uint8Array(png));
    await store.add(
      new TextEncoder().encode(JSON.stringify({ image: `ipfs://${imageCid}`, pad: "x".repeat(2400), i })),
    );
    per.store!.push(cpuMs(t));
  }
  await rt.close();
  await store.close();
  const sorted = [...wall].sort((a, b) => a - b);
  return {
    cpuMs: Object.fromEntries(Object.entries(per).map(([k, v]) => [k, round(median(v), 1)])),
    generateWallMs: {
      p50Ms: round(median(wall), 1),
      p95Ms: round(sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!, 1),
    },
  };
}
