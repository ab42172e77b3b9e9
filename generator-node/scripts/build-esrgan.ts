/**
 * Converts the ESRGAN-slim ×4 generator (TF.js weights from @upscalerjs/esrgan-slim 1.0.0, MIT,
 * vendored unchanged under models/esrgan-slim-x4/) to models/esrgan-slim-x4.onnx + its manifest.
 * Usage: npx tsx scripts/build-esrgan.ts [--out DIR]
 * Byte-for-byte reproducible; test/upscale.test.ts checks the committed files and that ONNX Runtime
 * agrees with TF.js on the same weights.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { BUILTIN_MODELS_DIR, builtinUpscale } from "../src/model/builtin.ts";

const outIdx = process.argv.indexOf("--out");
const outDir =
  outIdx > 0 && process.argv[outIdx + 1] ? path.resolve(process.argv[outIdx + 1]!) : BUILTIN_MODELS_DIR;
const { onnx, manifest } = builtinUpscale();
await mkdir(outDir, { recursive: true });
await writeFile(path.join(outDir, manifest.file), onnx);
await writeFile(path.join(outDir, `${manifest.name}.json`), JSON.stringify(manifest, null, 2) + "\n");
console.log(
  `wrote ${manifest.file} (${onnx.length} bytes, weightsHash ${manifest.weightsHash}) to ${outDir}`,
);
