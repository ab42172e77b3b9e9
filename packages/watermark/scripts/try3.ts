import { decodeImage } from "../src/node/io.ts";
import { embed, detect } from "../src/index.ts";
import type { DetectDiagnostics } from "../src/detect.ts";
import { resize } from "../src/bench/attacks.ts";
import type { RawImage } from "../src/image.ts";

function box2(im: RawImage): RawImage {
  const w = im.width >> 1,
    h = im.height >> 1,
    c = im.channels;
  const out = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < c; k++) {
        const p = (yy: number, xx: number) => im.data[(yy * im.width + xx) * c + k]!;
        out[(y * w + x) * c + k] = Math.round(
          (p(2 * y, 2 * x) + p(2 * y, 2 * x + 1) + p(2 * y + 1, 2 * x) + p(2 * y + 1, 2 * x + 1)) / 4,
        );
      }
  return { width: w, height: h, channels: im.channels, data: out };
}
for (const f of ["Aqua.png", "Dune.png", "Storm.png"]) {
  const img = await decodeImage(`/work/shared/datasets/photos/${f}`);
  const m = embed(img, 0x0123456789abcdefn);
  for (const [name, a] of [
    ["sharp", await resize(m, 0.5)],
    ["box", box2(m)],
    ["sharp0.6", await resize(m, 0.6)],
    ["sharp0.4", await resize(m, 0.4)],
  ] as const) {
    const diag = {} as DetectDiagnostics;
    const d = detect(a, diag);
    console.log(
      f,
      name,
      a.width,
      a.height,
      d?.bitErrors,
      diag.hypotheses.map((h) => `${h.z.toFixed(1)}@${h.px.toFixed(2)},${h.py.toFixed(2)}`).join(" "),
    );
  }
}
