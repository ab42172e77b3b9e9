/** Renders every catalogue scene (unmarked) to PNGs in a folder, to look at them: `tsx scripts/preview.ts DIR`. */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { DERIVATIVE_SCENE, SCENES } from "../src/scenes/catalogue.ts";
import { renderScene } from "../src/scenes/render.ts";

const dir = process.argv[2] ?? "seed-preview";
await mkdir(dir, { recursive: true });
for (const entry of [...SCENES, DERIVATIVE_SCENE]) {
  const t = process.cpuUsage();
  const image = renderScene(entry.scene);
  const cpu = process.cpuUsage(t);
  await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 3 } })
    .png()
    .toFile(path.join(dir, `${entry.key}.png`));
  console.log(`${entry.key}: ${((cpu.user + cpu.system) / 1000).toFixed(0)} CPU-ms`);
}
