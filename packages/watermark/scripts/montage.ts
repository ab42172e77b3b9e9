/** Dev: a 6-column montage of a folder's images at 128 px, to look at a set. */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
const [dir, outFile] = process.argv.slice(2);
const files = readdirSync(dir!)
  .filter((f) => f.endsWith(".png"))
  .sort();
const S = 128;
const cols = 6;
const rows = Math.ceil(files.length / cols);
const tiles = await Promise.all(
  files.map((f) => sharp(join(dir!, f)).resize(S, S, { fit: "cover" }).png().toBuffer()),
);
await sharp({ create: { width: cols * S, height: rows * S, channels: 3, background: "#222" } })
  .composite(tiles.map((input, i) => ({ input, left: (i % cols) * S, top: Math.floor(i / cols) * S })))
  .png()
  .toFile(outFile!);
