import { readdirSync } from "node:fs";
import { decodeImage } from "../src/node/io.ts";
import { embed, detect, psnr } from "../src/index.ts";
import type { DetectDiagnostics } from "../src/detect.ts";

const dir = "/work/shared/datasets/photos";
for (const f of readdirSync(dir)) {
  const img = await decodeImage(`${dir}/${f}`);
  const t0 = performance.now();
  const m = embed(img, 0x0123456789abcdefn);
  const t1 = performance.now();
  const diag = {} as DetectDiagnostics;
  const d = detect(m, diag);
  const t2 = performance.now();
  const d0 = detect(img);
  console.log(
    f,
    psnr(img, m).toFixed(2),
    (t1 - t0).toFixed(0),
    (t2 - t1).toFixed(0),
    d ? d.payload.toString(16) : null,
    d?.confidence.toFixed(3),
    d?.bitErrors,
    JSON.stringify(
      diag.hypotheses
        .slice(0, 3)
        .map((h) => [h.px.toFixed(2), h.py.toFixed(2), h.z.toFixed(1), h.sx.toFixed(2), h.sy.toFixed(2)]),
    ),
    "unmarked:",
    d0,
  );
}
