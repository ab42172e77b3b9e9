import path from "node:path";
import { fileURLToPath } from "node:url";
import { ART_V2, buildArtModel } from "./art/graph.ts";
import { ART_LATENT_DIM } from "./art/layout.ts";
import { buildCppnModel, DEFAULT_CPPN, type CppnSpec } from "./cppn.ts";
import { weightsHash, type ModelManifest } from "./manifest.ts";

/** Directory holding the committed built-in models (ONNX + manifest). */
export const BUILTIN_MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../models");
/** The built-in art model v2 (`builtin:art`, the default). */
export const BUILTIN_ART_MANIFEST = path.join(BUILTIN_MODELS_DIR, `${ART_V2.name}.json`);
/** The first built-in model, the CPPN v1 (`builtin:cppn`), kept for nodes registered with it. */
export const BUILTIN_CPPN_MANIFEST = path.join(BUILTIN_MODELS_DIR, `${DEFAULT_CPPN.name}.json`);
/** @deprecated the v1 CPPN's manifest; use BUILTIN_ART_MANIFEST or builtinManifestPath */
export const BUILTIN_MANIFEST = BUILTIN_CPPN_MANIFEST;

export type BuiltinName = "art" | "cppn";

/** `builtin:art` / `builtin:cppn` → the committed manifest's path. */
export function builtinManifestPath(ref: string): string {
  const name = ref.slice("builtin:".length);
  if (name === "art") return BUILTIN_ART_MANIFEST;
  if (name === "cppn") return BUILTIN_CPPN_MANIFEST;
  throw new Error(`unknown built-in model "${ref}": use "builtin:art" (art model v2) or "builtin:cppn" (v1)`);
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
    },
    latentRank: 3,
    output: { name: "rgb", layout: "NPC", range: "unit" },
    maxBatch: 2,
    deterministic: true,
  };
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

export function builtinModel(name: BuiltinName = "art"): { onnx: Uint8Array; manifest: ModelManifest } {
  return name === "art" ? builtinArt() : builtinCppn();
}
