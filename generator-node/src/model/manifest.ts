/**
 * Model manifest: how the node loads and drives an ONNX image model.
 *
 * ```json
 * {
 *   "name": "atelier-cppn-v1",
 *   "file": "atelier-cppn-v1.onnx",
 *   "weightsHash": "0x…",            // sha2-256 of the ONNX file; must equal the on-chain registry's
 *   "kind": "cppn",                   // "cppn" (coords + latent + palette) or "latent" (latent → image)
 *   "resolution": { "width": 512, "height": 512 },
 *   "latentDim": 8,
 *   "inputs": { "coords": "coords", "latent": "latent", "palette": "palette" },
 *   "latentRank": 3,                  // latent tensor [B,1,Z] (3) or [B,Z] (2)
 *   "output": { "name": "rgb", "layout": "NPC", "range": "unit" },
 *   "maxBatch": 4
 * }
 * ```
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { sha256, type Hex } from "viem";
import { z } from "zod";

export const manifestSchema = z.object({
  name: z.string().min(1),
  file: z.string().min(1),
  weightsHash: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be the 0x-prefixed sha2-256 (32 bytes hex) of the ONNX file"),
  /** cppn: coords + latent + palette [B,3,3]; art: the art model v2's five inputs; latent: latent only */
  kind: z.enum(["cppn", "latent", "art", "upscale"]),
  resolution: z.object({
    width: z.number().int().min(8).max(4096),
    height: z.number().int().min(8).max(4096),
  }),
  /** not used by kind "upscale" */
  latentDim: z.number().int().min(1).max(4096).default(1),
  inputs: z.object({
    coords: z.string().optional(),
    /** required except for kind "upscale" */
    latent: z.string().optional(),
    /** kind "upscale": the NCHW image input (0–255) */
    image: z.string().optional(),
    palette: z.string().optional(),
    field: z.string().optional(),
    transform: z.string().optional(),
    /** kind "art": the motif layers' sites [B, 6, 24] */
    sites: z.string().optional(),
  }),
  latentRank: z.union([z.literal(2), z.literal(3)]).default(3),
  output: z.object({
    name: z.string(),
    /** NPC = [batch, pixels, channels] (row-major pixels); NHWC; NCHW */
    layout: z.enum(["NPC", "NHWC", "NCHW"]),
    /** unit = [0,1], signed = [-1,1], byte = [0,255] */
    range: z.enum(["unit", "signed", "byte"]),
  }),
  maxBatch: z.number().int().min(1).max(64).default(1),
  /** kind "upscale": output size / input size */
  scale: z.number().int().min(1).max(8).optional(),
  /** kind "upscale": tile side and context (input px); bounded memory for any input size */
  tile: z
    .object({ size: z.number().int().min(0).max(4096), overlap: z.number().int().min(0).max(256) })
    .optional(),
  deterministic: z.boolean().default(true),
  /**
   * kind "art": this model makes variations of works of the named art model (same weights): a job
   * names one such parent, whose prompt and seed fix the composition; the job's seed redraws the detail
   */
  variationOf: z.string().min(1).optional(),
});

export type ModelManifest = z.infer<typeof manifestSchema>;

export class ModelHashMismatchError extends Error {
  constructor(
    readonly model: string,
    readonly expected: string,
    readonly actual: string,
    readonly source: string,
  ) {
    super(
      `model ${model}: weights hash mismatch (${source} says ${expected}, the ONNX file hashes to ${actual}); refusing to load`,
    );
    this.name = "ModelHashMismatchError";
  }
}

/** sha2-256 of the ONNX file: what the on-chain model registry stores as `weightsHash`. */
export function weightsHash(bytes: Uint8Array): Hex {
  return sha256(bytes);
}

export interface LoadedManifest {
  manifest: ModelManifest;
  onnx: Uint8Array;
  hash: Hex;
  dir: string;
}

/**
 * Reads a manifest and its ONNX file and checks the file's sha2-256 against the manifest and,
 * when given, against the on-chain registry's weights hash. Any mismatch throws.
 */
export async function loadManifest(manifestPath: string, onChainHash?: string): Promise<LoadedManifest> {
  const raw: unknown = JSON.parse(await readFile(manifestPath, "utf8"));
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new Error(`invalid model manifest ${manifestPath}: ${issues}`);
  }
  const manifest = parsed.data;
  if (manifest.kind === "cppn" && !manifest.inputs.coords) {
    throw new Error(`invalid model manifest ${manifestPath}: inputs.coords is required for kind "cppn"`);
  }
  if (manifest.kind === "upscale" && (!manifest.inputs.image || !manifest.scale)) {
    throw new Error(`invalid model manifest ${manifestPath}: kind "upscale" needs inputs.image and scale`);
  }
  if (manifest.kind !== "upscale" && !manifest.inputs.latent) {
    throw new Error(
      `invalid model manifest ${manifestPath}: inputs.latent is required for kind "${manifest.kind}"`,
    );
  }
  if (manifest.kind === "art") {
    const missing = (["coords", "field", "transform", "palette", "sites"] as const).filter(
      (k) => !manifest.inputs[k],
    );
    if (missing.length > 0)
      throw new Error(
        `invalid model manifest ${manifestPath}: kind "art" needs inputs.${missing.join(", inputs.")}`,
      );
  }
  if (manifest.variationOf && manifest.kind !== "art") {
    throw new Error(
      `invalid model manifest ${manifestPath}: variationOf needs kind "art" (got "${manifest.kind}")`,
    );
  }
  const dir = path.dirname(path.resolve(manifestPath));
  const onnx = new Uint8Array(await readFile(path.resolve(dir, manifest.file)));
  const hash = weightsHash(onnx);
  if (hash.toLowerCase() !== manifest.weightsHash.toLowerCase()) {
    throw new ModelHashMismatchError(manifest.name, manifest.weightsHash, hash, "manifest");
  }
  if (onChainHash !== undefined && hash.toLowerCase() !== onChainHash.toLowerCase()) {
    throw new ModelHashMismatchError(manifest.name, onChainHash, hash, "on-chain model registry");
  }
  return { manifest, onnx, hash, dir };
}
