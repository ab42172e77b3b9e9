/**
 * Writes the built-in art model v2 (models/atelier-art-v2.onnx), its manifest, the variation model's
 * manifest (same ONNX), and the prompt
 * lexicon as JSON for the dApp (models/atelier-art-v2.lexicon.json), all from code.
 * Usage: npx tsx scripts/build-art.ts [--out DIR]
 * The output is byte-for-byte reproducible (test/art-model.test.ts checks the committed files).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import * as prettier from "prettier";
import { lexiconData } from "../src/model/art/lexicon.ts";
import { artVariationManifest, BUILTIN_MODELS_DIR, builtinArt } from "../src/model/builtin.ts";

const outIdx = process.argv.indexOf("--out");
const outDir =
  outIdx > 0 && process.argv[outIdx + 1] ? path.resolve(process.argv[outIdx + 1]!) : BUILTIN_MODELS_DIR;
const { onnx, manifest } = builtinArt();
await mkdir(outDir, { recursive: true });
await writeFile(path.join(outDir, manifest.file), onnx);
await writeFile(path.join(outDir, `${manifest.name}.json`), JSON.stringify(manifest, null, 2) + "\n");
const variation = artVariationManifest(manifest);
await writeFile(path.join(outDir, `${variation.name}.json`), JSON.stringify(variation, null, 2) + "\n");
// formatted like the rest of the repo, so `npm run lint` passes on the committed file
const lexiconFile = path.join(outDir, `${manifest.name}.lexicon.json`);
const config = (await prettier.resolveConfig(lexiconFile)) ?? {};
await writeFile(
  lexiconFile,
  await prettier.format(JSON.stringify(lexiconData()), { ...config, parser: "json" }),
);
console.log(
  `wrote ${manifest.file} (${onnx.length} bytes, weightsHash ${manifest.weightsHash}) and the lexicon to ${outDir}`,
);
