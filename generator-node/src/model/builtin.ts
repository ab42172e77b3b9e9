import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildCppnModel, DEFAULT_CPPN, type CppnSpec } from "./cppn.ts";
import { weightsHash, type ModelManifest } from "./manifest.ts";

/** Directory holding the committed built-in model (ONNX + manifest). */
export const BUILTIN_MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../models");
export const BUILTIN_MANIFEST = path.join(BUILTIN_MODELS_DIR, `${DEFAULT_CPPN.name}.json`);

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

/** The built-in model's ONNX bytes and manifest, exactly as `scripts/build-cppn.ts` writes them. */
export function builtinCppn(): { onnx: Uint8Array; manifest: ModelManifest } {
  const onnx = buildCppnModel(DEFAULT_CPPN);
  return { onnx, manifest: cppnManifest(onnx) };
}
