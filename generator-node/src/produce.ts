/**
 * Producing one work from a job: generate (batched), watermark, verify the watermark reads back,
 * output safety check, encode PNG, content hash, perceptual hash, store image + metadata.
 * Every step is deterministic given the job, so re-running it after a crash yields the same CIDs.
 */
import sharp from "sharp";
import { createHash } from "node:crypto";
import { bytesToHex, type Hex } from "viem";
import { CID } from "multiformats/cid";
import type { GenerateRequest, RawImage } from "./model/runtime.ts";
import type { ImageModel } from "./model/worker.ts";
import type { ImageClassifier } from "./safety/nsfw.ts";
import type { ContentStore } from "./storage/ipfs.ts";
import { payloadFor, type WatermarkEngine } from "./watermark.ts";

export interface WorkInput {
  jobId: bigint;
  modelId: bigint;
  modelName: string;
  requester: string;
  node: string;
  prompt: string;
  seed: Hex;
  watermarkId: bigint;
  parents: bigint[];
  chainId: number;
  market: string;
}

export interface ProducedWork {
  png: Uint8Array;
  contentHash: Hex;
  perceptualHash: bigint;
  imageCid: string;
  metadataCid: string;
  /** sha-256 digest of the metadata CID's multihash, as the contracts store it */
  metadataDigest: Hex;
  metadata: Record<string, unknown>;
}

export class UnsafeOutputError extends Error {
  override name = "UnsafeOutputError";
  constructor(readonly score: number) {
    super(`output classified unsafe (score ${score.toFixed(3)})`);
  }
}

export class WatermarkVerifyError extends Error {
  override name = "WatermarkVerifyError";
}

export type StageTimer = <T>(stage: string, fn: () => Promise<T> | T) => Promise<T>;

const plainTimer: StageTimer = async (_stage, fn) => fn();

/** Batches concurrent generate calls into one model run (up to the model's maxBatch). */
export class GenerationBatcher {
  private queue: {
    req: GenerateRequest;
    resolve: (img: RawImage) => void;
    reject: (err: unknown) => void;
  }[] = [];
  private running = false;

  constructor(
    private readonly runtime: ImageModel,
    private readonly windowMs = 0,
  ) {}

  generate(req: GenerateRequest): Promise<RawImage> {
    return new Promise((resolve, reject) => {
      this.queue.push({ req, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      if (this.windowMs > 0) await new Promise((r) => setTimeout(r, this.windowMs));
      else await new Promise((r) => setImmediate(r));
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.runtime.manifest.maxBatch);
        try {
          const images = await this.runtime.generate(batch.map((b) => b.req));
          batch.forEach((b, i) => b.resolve(images[i]!));
        } catch (err) {
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.running = false;
    }
  }
}

/** The work's content hash: sha2-256 of the stored image file's bytes (as `Works.workByContentHash` keys it). */
export function contentHashOf(file: Uint8Array): Hex {
  return bytesToHex(createHash("sha256").update(file).digest());
}

/** raw multicodec */
const RAW = 0x55;
/** sha2-256 multihash code */
const SHA2_256 = 0x12;

/**
 * The bytes32 the contracts store for a metadata CID: the sha2-256 digest of a CIDv1 raw block
 * (contracts rebuild `ipfs://bafkrei…` from it, see contracts/src/libraries/CidV1.sol).
 */
export function metadataDigestOf(cid: string): Hex {
  const parsed = CID.parse(cid);
  if (parsed.version !== 1 || parsed.code !== RAW || parsed.multihash.code !== SHA2_256) {
    throw new Error(
      `metadata CID ${cid} is not a CIDv1 raw sha2-256 block; the contracts could not rebuild it`,
    );
  }
  return bytesToHex(parsed.multihash.digest);
}

export async function produceWork(
  input: WorkInput,
  deps: {
    generate: (req: GenerateRequest) => Promise<RawImage>;
    watermark: WatermarkEngine;
    classifier: ImageClassifier;
    store: ContentStore;
    time?: StageTimer;
  },
): Promise<ProducedWork> {
  const time = deps.time ?? plainTimer;
  const raw = await time("generate", () => deps.generate({ prompt: input.prompt, seed: input.seed }));
  const verdict = await time("safety", () => deps.classifier.check(raw));
  if (verdict.unsafe) throw new UnsafeOutputError(verdict.score);
  const payload = payloadFor(deps.watermark, input.watermarkId);
  const marked = await time("watermark", () => {
    const out = deps.watermark.embed(raw, payload);
    const found = deps.watermark.detect(out);
    if (!found || found.payload !== payload) {
      throw new WatermarkVerifyError(
        `watermark read-back failed for job ${input.jobId}: ${found ? `got ${found.payload.toString(16)}` : "not detected"}`,
      );
    }
    return out;
  });
  const png = await time("encode", async () => {
    const buf = await sharp(marked.data, {
      raw: { width: marked.width, height: marked.height, channels: marked.channels },
    })
      .png({ compressionLevel: 3, adaptiveFiltering: true })
      .toBuffer();
    return new Uint8Array(buf);
  });
  const contentHash = contentHashOf(png);
  const perceptualHash = deps.watermark.perceptualHash(marked);
  return time("store", async () => {
    const imageCid = await deps.store.add(png);
    const metadata = {
      name: `Atelier #${input.watermarkId} — ${truncate(input.prompt, 60)}`,
      description: `Generated by model ${input.modelName} (id ${input.modelId}) on node ${input.node} for job ${input.jobId}. Prompt: ${input.prompt}`,
      image: `ipfs://${imageCid}`,
      attributes: [
        { trait_type: "model", value: input.modelName },
        { trait_type: "modelId", value: input.modelId.toString() },
        { trait_type: "node", value: input.node },
        { trait_type: "job", value: input.jobId.toString() },
        { trait_type: "seed", value: input.seed },
        { trait_type: "prompt", value: input.prompt },
        { trait_type: "parents", value: input.parents.map(String).join(",") },
      ],
      properties: { width: marked.width, height: marked.height, mime: "image/png" },
      provenance: {
        source: "generated",
        chainId: input.chainId,
        market: input.market,
        jobId: input.jobId.toString(),
        modelId: input.modelId.toString(),
        model: input.modelName,
        node: input.node,
        requester: input.requester,
        seed: input.seed,
        prompt: input.prompt,
        parents: input.parents.map(String),
        contentHash,
        contentHashAlgorithm: "sha2-256 of the image file bytes",
        perceptualHash: "0x" + perceptualHash.toString(16).padStart(16, "0"),
        watermark: {
          id: input.watermarkId.toString(),
          payload: "0x" + payload.toString(16).padStart(16, "0"),
        },
      },
    };
    const metadataCid = await deps.store.add(new TextEncoder().encode(JSON.stringify(metadata)));
    return {
      png,
      contentHash,
      perceptualHash,
      imageCid,
      metadataCid,
      metadataDigest: metadataDigestOf(metadataCid),
      metadata,
    };
  });
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + "…";
}
