/**
 * Writes packages/watermark/test/fixtures/upscale-art-v2.png (a watermark test fixture): the case that broke the upscale job's producer — the
 * built-in art model v2's work for "golden marble" / seed 0x05, its top-left 96² crop, upscaled ×4 by
 * the built-in ESRGAN model to a smooth 384² image (exactly as test/upscale.test.ts builds it).
 *
 *   npx tsx generator-node/scripts/build-upscale-fixture.ts
 *
 * Dev tool only: it loads the models through the generator node's runtime module (hence here, not in
 * packages/watermark: the generator node depends on the watermark, not the other way).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { BUILTIN_ART_MANIFEST, BUILTIN_UPSCALE_MANIFEST } from "../src/model/builtin.ts";
import { loadManifest } from "../src/model/manifest.ts";
import { ModelRuntime } from "../src/model/runtime.ts";

const out = join(
  dirname(fileURLToPath(import.meta.url)),
  "../../packages/watermark/test/fixtures/upscale-art-v2.png",
);
const art = await ModelRuntime.create(await loadManifest(BUILTIN_ART_MANIFEST), { provider: "cpu" });
const [work] = await art.generate([{ prompt: "golden marble", seed: "0x05" }]);
await art.close();
const side = 96;
const crop = new Uint8Array(side * side * 3);
for (let y = 0; y < side; y++)
  crop.set(work!.data.subarray(y * work!.width * 3, y * work!.width * 3 + side * 3), y * side * 3);
const up = await ModelRuntime.create(await loadManifest(BUILTIN_UPSCALE_MANIFEST), { provider: "cpu" });
const [big] = await up.generate([
  { prompt: "upscale", seed: "0x01", parentImage: { width: side, height: side, channels: 3, data: crop } },
]);
await up.close();
await sharp(Buffer.from(big!.data), { raw: { width: big!.width, height: big!.height, channels: 3 } })
  .png({ compressionLevel: 9 })
  .toFile(out);
console.log(`${big!.width}×${big!.height} written to ${out}`);
