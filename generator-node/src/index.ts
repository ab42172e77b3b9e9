/**
 * Library entry of @atelier/generator-node, for the rest of the monorepo (e.g. `npm start`, which
 * registers the built-in model and runs a node next to the dApp).
 */
export { startNodeApp, connectMarket, type NodeApp, type StartOptions } from "./app.ts";
export { loadConfig, ConfigError, Secret, type NodeConfig } from "./config.ts";
export {
  BUILTIN_MANIFEST,
  BUILTIN_ART_MANIFEST,
  BUILTIN_CPPN_MANIFEST,
  builtinArt,
  builtinCppn,
  builtinModel,
} from "./model/builtin.ts";
export { lexiconData } from "./model/art/lexicon.ts";
export { weightsHash } from "./model/manifest.ts";
export { contentHashOf, metadataDigestOf } from "./produce.ts";
export { REJECT_CODES } from "./chain/atelier.ts";

import { builtinModel, type BuiltinName } from "./model/builtin.ts";

/**
 * Arguments for `GenerationMarket.registerModel` that register a built-in model (default: the art
 * model v2, served as `builtin:art`; `"cppn"` for the v1 CPPN, `builtin:cppn`):
 * weights hash = sha2-256 of the ONNX file; the file is one raw IPFS block (< 256 KiB), so its CIDv1
 * (raw, sha2-256) digest is the same value and the codec 0x55.
 */
export function builtinModelRegistration(which: BuiltinName = "art"): {
  weightsHash: `0x${string}`;
  weightsCidDigest: `0x${string}`;
  weightsCidCodec: bigint;
  deterministic: boolean;
  name: string;
} {
  const { manifest } = builtinModel(which);
  const hash = manifest.weightsHash as `0x${string}`;
  return {
    weightsHash: hash,
    weightsCidDigest: hash,
    weightsCidCodec: 0x55n,
    deterministic: true,
    name: manifest.name,
  };
}
