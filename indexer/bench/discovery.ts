/**
 * Discovery figures: related-works p95 (10,000 simulated works), the image embedding's cost per image
 * (CPU-ms, decode + resize + MobileNetV2 on tfjs wasm), and recommendation quality (HR@10 / NDCG@10,
 * leave-last-out per brand) on a market whose works carry **real embeddings** of the generator's art
 * (one prompt per visual style, a fresh seed per work), next to the fully simulated market.
 * Also runnable alone: `npx tsx indexer/bench/discovery.ts [--json FILE] [--art-works N]`.
 */
import { writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import sharp from "sharp";
import {
  evaluateRecommenders,
  ImageEmbedder,
  RelatedWorks,
  RIGHTS,
  simulateMarket,
} from "@atelier/query/discovery";
import { openRenderer } from "@atelier/generator-node/render";
import { percentile, timeIt } from "./timing.ts";

/** One prompt per visual style of the market (the art model maps words to palettes and structures). */
export const STYLE_PROMPTS = [
  "sunset over the sea",
  "neon city at night",
  "misty pine forest",
  "desert dunes at noon",
  "frozen glacier lake",
  "autumn leaves in rain",
  "volcano eruption",
  "spring cherry blossom",
  "deep ocean jellyfish",
  "starry night sky",
  "golden wheat field",
  "storm over mountains",
];

function relatedLatency() {
  const market = simulateMarket({ seed: 7, works: 10_000, brands: 800 });
  const related = new RelatedWorks(market.dimensions);
  related.addWorks(market.works.map((w) => ({ ...w })));
  for (const [brand, history] of market.histories) for (const w of history) related.addLicense(brand, w);
  const brands = [...market.histories.keys()];
  return { market, related, brands };
}

/**
 * Renders `perStyle` works per style prompt with the generator's art model (PNG, as the node stores
 * them) and embeds each, timing the embedding in process CPU time (all threads: sharp's pool included).
 */
async function realEmbeddings(perStyle: number) {
  const renderer = await openRenderer("art");
  const embedder = await ImageEmbedder.load();
  const pools: Float32Array[][] = [];
  const cpuMs: number[] = [];
  const wallMs: number[] = [];
  for (const [p, prompt] of STYLE_PROMPTS.entries()) {
    const pool: Float32Array[] = [];
    for (let s = 0; s < perStyle; s++) {
      const seed = `0x${(p * 10_000 + s + 1).toString(16).padStart(64, "0")}`;
      const image = await renderer.render({ prompt, seed });
      const png = await sharp(image.data, {
        raw: { width: image.width, height: image.height, channels: image.channels },
      })
        .png({ compressionLevel: 1 })
        .toBuffer();
      const cpu = process.cpuUsage();
      const t = performance.now();
      pool.push(await embedder.embed(png));
      wallMs.push(performance.now() - t);
      const used = process.cpuUsage(cpu);
      cpuMs.push((used.user + used.system) / 1000);
    }
    pools.push(pool);
  }
  await renderer.close();
  return { pools, cpuMs, wallMs, embedder };
}

export async function benchDiscovery(options: { artWorks?: number; log?: (...a: unknown[]) => void } = {}) {
  const log = options.log ?? (() => undefined);
  const out: Record<string, unknown> = {};

  const { market, related, brands } = relatedLatency();
  const forWork = await timeIt(200, (i) =>
    related.forWork(BigInt(1 + ((i * 97) % market.works.length)), { requireRights: RIGHTS.commercial }),
  );
  const forAccount = await timeIt(200, (i) => related.forAccount(brands[i % brands.length]!));
  out.related = {
    p95Ms: percentile([...forWork, ...forAccount], 0.95),
    forWorkP95Ms: percentile(forWork, 0.95),
    forAccountP95Ms: percentile(forAccount, 0.95),
    works: market.works.length,
    embeddings: "simulated 32-d (latency of the ranking; the real 1280-d figures are under relatedReal)",
  };
  log("related", out.related);

  // Real embeddings: a market of `artWorks` works over the style prompts.
  const artWorks = options.artWorks ?? 480;
  const styles = STYLE_PROMPTS.length;
  const perStyle = Math.ceil((artWorks / styles) * 1.5);
  const loadAtStart = loadavg()[0];
  const { pools, cpuMs, wallMs, embedder } = await realEmbeddings(perStyle);
  out.embedding = {
    model: embedder.model,
    dimensions: embedder.dimensions,
    images: cpuMs.length,
    cpuMsPerImage: {
      mean: Number((cpuMs.reduce((a, b) => a + b, 0) / cpuMs.length).toFixed(2)),
      p50: percentile(cpuMs, 0.5),
      p95: percentile(cpuMs, 0.95),
      max: percentile(cpuMs, 1),
    },
    wallMsPerImage: { p50: percentile(wallMs, 0.5), p95: percentile(wallMs, 0.95) },
    input: "512×512 PNG from the generator's art model",
    loadAverage: [loadAtStart, loadavg()[0]],
  };
  log("embedding", out.embedding);

  const realMarket = simulateMarket({
    seed: 7,
    works: artWorks,
    brands: Math.round(artWorks / 4),
    styles,
    creators: Math.round(artWorks / 12),
    dimensions: embedder.dimensions,
    embeddingFor: (style, k) => pools[style]![k % perStyle]!,
  });
  out.recs = evaluateRecommenders(realMarket);
  out.recsMarket = {
    works: realMarket.works.length,
    brands: realMarket.histories.size,
    styles,
    embeddings: `${embedder.model} of one generated image per work (reused when a style has over ${perStyle} works)`,
  };
  log("recs (real embeddings)", out.recs);
  const realRelated = new RelatedWorks(embedder.dimensions);
  realRelated.addWorks(realMarket.works.map((w) => ({ ...w })));
  for (const [brand, history] of realMarket.histories)
    for (const w of history) realRelated.addLicense(brand, w);
  const realBrands = [...realMarket.histories.keys()];
  const realTimes = await timeIt(200, (i) =>
    i % 2
      ? realRelated.forWork(BigInt(1 + ((i * 97) % realMarket.works.length)), {
          requireRights: RIGHTS.commercial,
        })
      : realRelated.forAccount(realBrands[i % realBrands.length]!),
  );
  out.relatedReal = { p95Ms: percentile(realTimes, 0.95), works: realMarket.works.length };
  log("relatedReal", out.relatedReal);

  out.recsSimulated = evaluateRecommenders(simulateMarket({ seed: 7 }));
  log("recs (simulated embeddings)", out.recsSimulated);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { json: { type: "string" }, "art-works": { type: "string" } } });
  const result = await benchDiscovery({
    artWorks: values["art-works"] ? Number(values["art-works"]) : undefined,
    log: (...a) => console.error("[bench]", ...a),
  });
  const text = JSON.stringify(result, null, 2);
  console.log(text);
  if (values.json) await writeFile(values.json, `${text}\n`);
}
