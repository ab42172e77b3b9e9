import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ART_V2, buildArtModel } from "./art/graph.ts";
import { ART_LATENT_DIM } from "./art/layout.ts";
import { buildCppnModel, DEFAULT_CPPN, type CppnSpec } from "./cppn.ts";
import { convertToOnnx, type TfjsLayersModel } from "./esrgan/convert.ts";
import { weightsHash, type ModelManifest } from "./manifest.ts";

/** Directory holding the committed built-in models (ONNX + manifest). */
export const BUILTIN_MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../models");
/** The built-in art model v2 (`builtin:art`, the default). */
export const BUILTIN_ART_MANIFEST = path.join(BUILTIN_MODELS_DIR, `${ART_V2.name}.json`);
/** Variations of art-v2 works (`builtin:art-variation`), same weights as `builtin:art`. */
export const BUILTIN_ART_VARIATION_MANIFEST = path.join(BUILTIN_MODELS_DIR, `${ART_V2.name}-variation.json`);
/** The first built-in model, the CPPN v1 (`builtin:cppn`), kept for nodes registered with it. */
export const BUILTIN_CPPN_MANIFEST = path.join(BUILTIN_MODELS_DIR, `${DEFAULT_CPPN.name}.json`);
/** ESRGAN-slim ×4 (`builtin:upscale-x4`), converted from @upscalerjs/esrgan-slim 1.0.0's weights. */
export const UPSCALE_X4 = { name: "esrgan-slim-x4", source: "esrgan-slim-x4" } as const;
export const BUILTIN_UPSCALE_MANIFEST = path.join(BUILTIN_MODELS_DIR, `${UPSCALE_X4.name}.json`);
/** @deprecated the v1 CPPN's manifest; use BUILTIN_ART_MANIFEST or builtinManifestPath */
export const BUILTIN_MANIFEST = BUILTIN_CPPN_MANIFEST;

export type BuiltinName = "art" | "art-variation" | "cppn" | "upscale-x4";

/** `builtin:art` / `builtin:cppn` → the committed manifest's path. */
export function builtinManifestPath(ref: string): string {
  const name = ref.slice("builtin:".length);
  if (name === "art") return BUILTIN_ART_MANIFEST;
  if (name === "art-variation") return BUILTIN_ART_VARIATION_MANIFEST;
  if (name === "cppn") return BUILTIN_CPPN_MANIFEST;
  if (name === "upscale-x4") return BUILTIN_UPSCALE_MANIFEST;
  throw new Error(
    `unknown built-in model "${ref}": use "builtin:art" (art model v2), "builtin:art-variation" (variations of art-v2 works), "builtin:cppn" (v1) or "builtin:upscale-x4"`,
  );
}

export function cppnManifest(
  onnx: Uint8Array,
  spec: CppnSpec = DEFAULT_CPPN,
  resolution = { width: 512, height: 512 },
): ModelManifest {
  return {
    name: spec.name,
    file: `${spec.name}.onnx`,
    weightsHash: weightsHash(onnx),
    kind: "cppn",
    resolution,
    latentDim: spec.latentDim,
    inputs: { coords: "coords", latent: "latent", palette: "palette" },
    latentRank: 3,
    output: { name: "rgb", layout: "NPC", range: "unit" },
    maxBatch: 4,
    deterministic: true,
  };
}

export function artManifest(onnx: Uint8Array, resolution = { width: 512, height: 512 }): ModelManifest {
  return {
    name: ART_V2.name,
    file: `${ART_V2.name}.onnx`,
    weightsHash: weightsHash(onnx),
    kind: "art",
    resolution,
    latentDim: ART_LATENT_DIM,
    inputs: {
      coords: "coords",
      field: "field",
      transform: "transform",
      latent: "latent",
      palette: "palette",
      sites: "sites",
    },
    latentRank: 3,
    output: { name: "rgb", layout: "NPC", range: "unit" },
    maxBatch: 2,
    deterministic: true,
  };
}

/**
 * Variations of art-v2 works (`builtin:art-variation`): the same ONNX file and weights hash, another
 * conditioning — the job's one parent gives prompt and seed (composition, palette), its seed the detail.
 */
export function artVariationManifest(art: ModelManifest): ModelManifest {
  return { ...art, name: `${art.name}-variation`, variationOf: art.name };
}

/** The v1 CPPN's ONNX bytes and manifest, exactly as `scripts/build-cppn.ts` writes them. */
export function builtinCppn(): { onnx: Uint8Array; manifest: ModelManifest } {
  const onnx = buildCppnModel(DEFAULT_CPPN);
  return { onnx, manifest: cppnManifest(onnx) };
}

/** The art model v2's ONNX bytes and manifest, exactly as `scripts/build-art.ts` writes them. */
export function builtinArt(): { onnx: Uint8Array; manifest: ModelManifest } {
  const onnx = buildArtModel();
  return { onnx, manifest: artManifest(onnx) };
}

/**
 * ESRGAN-slim ×4 as ONNX, converted by code from the TF.js weights vendored (unchanged, MIT) from the
 * npm package under models/esrgan-slim-x4/; exactly what `scripts/build-esrgan.ts` writes.
 */
export function builtinUpscale(): { onnx: Uint8Array; manifest: ModelManifest } {
  const dir = path.join(BUILTIN_MODELS_DIR, UPSCALE_X4.source);
  const model = JSON.parse(readFileSync(path.join(dir, "model.json"), "utf8")) as TfjsLayersModel;
  const shards = model.weightsManifest
    .flatMap((g) => g.paths)
    .map((p) => new Uint8Array(readFileSync(path.join(dir, p))));
  const { onnx, scale } = convertToOnnx(model, shards, UPSCALE_X4.name);
  const manifest: ModelManifest = {
    name: UPSCALE_X4.name,
    file: `${UPSCALE_X4.name}.onnx`,
    weightsHash: weightsHash(onnx),
    kind: "upscale",
    // the largest parent it accepts (tiling bounds memory; this bounds time)
    resolution: { width: 2048, height: 2048 },
    latentDim: 1,
    inputs: { image: "input" },
    latentRank: 3,
    output: { name: "output", layout: "NCHW", range: "byte" },
    maxBatch: 1,
    deterministic: true,
    scale,
    tile: { size: 128, overlap: 12 },
  };
  return { onnx, manifest };
}

export function builtinModel(name: BuiltinName = "art"): { onnx: Uint8Array; manifest: ModelManifest } {
  if (name === "art-variation") {
    const { onnx, manifest } = builtinArt();
    return { onnx, manifest: artVariationManifest(manifest) };
  }
  return name === "art" ? builtinArt() : name === "cppn" ? builtinCppn() : builtinUpscale();
}
