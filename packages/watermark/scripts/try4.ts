import { readdirSync } from "node:fs";
import { decodeImage } from "../src/node/io.ts";
import { psnr } from "../src/index.ts";
import { baselineEmbed, baselineDecode } from "../src/baselines/invisible.ts";
import { jpeg } from "../src/bench/attacks.ts";
const dir = "/work/shared/datasets/photos";
for (const method of ["dwtDct", "dwtDctSvd"] as const) {
  for (const f of readdirSync(dir)) {
    const img = await decodeImage(`${dir}/${f}`);
    const t0 = performance.now();
    const m = baselineEmbed(img, 0x0123456789abcdefn, method);
    const t1 = performance.now();
    const d = baselineDecode(m, method);
    const t2 = performance.now();
    const j = baselineDecode(await jpeg(m, 50), method);
    console.log(
      method,
      f,
      psnr(img, m).toFixed(2),
      (t1 - t0).toFixed(0),
      (t2 - t1).toFixed(0),
      d.toString(16),
      j.toString(16),
    );
  }
}
