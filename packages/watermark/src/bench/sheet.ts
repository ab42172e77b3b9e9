/**
 * Visual-diff contact sheet: one row per image — original | marked | ×10 difference (mid grey = no
 * change) — at 1:1 for the 256×256 region where the mark changed the image most. PNG pages of 8 rows.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import type { RawImage } from "../image.ts";

const SIDE = 256;
const ROWS = 8;
const GAP = 4;

/** Top-left corner of the SIDE² window with the largest sum of |Δ| (integral image, 16 px steps). */
function mostChanged(a: RawImage, b: RawImage): { x: number; y: number; w: number; h: number } {
  const w = Math.min(SIDE, a.width);
  const h = Math.min(SIDE, a.height);
  const W = a.width;
  const H = a.height;
  const integ = new Float64Array((W + 1) * (H + 1));
  for (let y = 0; y < H; y++) {
    let row = 0;
    for (let x = 0; x < W; x++) {
      const p = (y * W + x) * a.channels;
      row +=
        Math.abs(a.data[p]! - b.data[p]!) +
        Math.abs(a.data[p + 1]! - b.data[p + 1]!) +
        Math.abs(a.data[p + 2]! - b.data[p + 2]!);
      integ[(y + 1) * (W + 1) + x + 1] = integ[y * (W + 1) + x + 1]! + row;
    }
  }
  let best = { x: 0, y: 0, v: -1 };
  for (let y = 0; y + h <= H; y += 16)
    for (let x = 0; x + w <= W; x += 16) {
      const v =
        integ[(y + h) * (W + 1) + x + w]! -
        integ[y * (W + 1) + x + w]! -
        integ[(y + h) * (W + 1) + x]! +
        integ[y * (W + 1) + x]!;
      if (v > best.v) best = { x, y, v };
    }
  return { x: best.x, y: best.y, w, h };
}

export async function writeContactSheet(
  dir: string,
  rows: { name: string; original: RawImage; marked: RawImage }[],
): Promise<number> {
  mkdirSync(dir, { recursive: true });
  const pageW = 3 * SIDE + 2 * GAP;
  let pages = 0;
  for (let start = 0; start < rows.length; start += ROWS) {
    const chunk = rows.slice(start, start + ROWS);
    const pageH = chunk.length * (SIDE + GAP);
    const page = new Uint8Array(pageW * pageH * 3).fill(40);
    chunk.forEach(({ original: a, marked: b }, r) => {
      const win = mostChanged(a, b);
      for (let y = 0; y < win.h; y++) {
        for (let x = 0; x < win.w; x++) {
          const p = ((win.y + y) * a.width + win.x + x) * a.channels;
          const oy = r * (SIDE + GAP) + y;
          for (let k = 0; k < 3; k++) {
            const va = a.data[p + k]!;
            const vb = b.data[p + k]!;
            const d = Math.max(0, Math.min(255, 128 + 10 * (vb - va)));
            page[(oy * pageW + x) * 3 + k] = va;
            page[(oy * pageW + SIDE + GAP + x) * 3 + k] = vb;
            page[(oy * pageW + 2 * (SIDE + GAP) + x) * 3 + k] = d;
          }
        }
      }
    });
    pages++;
    await sharp(Buffer.from(page.buffer), { raw: { width: pageW, height: pageH, channels: 3 } })
      .png()
      .toFile(join(dir, `page-${String(pages).padStart(2, "0")}.png`));
    // an index of which image is on which row
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      join(dir, `page-${String(pages).padStart(2, "0")}.txt`),
      chunk.map((c, i) => `${i + 1}: ${c.name}`).join("\n") + "\n",
    );
  }
  return pages;
}
