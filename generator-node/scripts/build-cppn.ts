/**
 * Writes the built-in CPPN model (models/atelier-cppn-v1.onnx) and its manifest from code.
 * Usage: npx tsx scripts/build-cppn.ts [--out DIR]
 * The output is byte-for-byte reproducible (test/model.test.ts checks the committed file).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { BUILTIN_MODELS_DIR, builtinCppn } from "../src/model/builtin.ts";

const outIdx = process.argv.indexOf("--out");
const outDir =
  outIdx > 0 && process.argv[outIdx + 1] ? path.resolve(process.argv[outIdx + 1]!) : BUILTIN_MODELS_DIR;
const { onnx, manifest } = builtinCppn();
await mkdir(outDir, { recursive: true });
await writeFile(path.join(outDir, manifest.file), onnx);
await writeFile(path.join(outDir, `${manifest.name}.json`), JSON.stringify(manifest, null, 2) + "\n");
console.log(
  `wrote ${manifest.file} (${onnx.length} bytes, weightsHash ${manifest.weightsHash}) to ${outDir}`,
);
