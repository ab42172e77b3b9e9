import { synthImage } from "../src/bench/synth.ts";
import { embed, detect } from "../src/index.ts";
import type { DetectDiagnostics } from "../src/detect.ts";
for (const [w, h, tex] of [
  [63, 63, 0.6],
  [63, 63, 0.1],
  [80, 80, 0.6],
  [100, 80, 0.6],
] as const) {
  for (let s = 0; s < 3; s++) {
    const im = synthImage(w, h, 99 + s, tex);
    const m = embed(im, 0xfedcba9876543210n);
    const diag = {} as DetectDiagnostics;
    const d = detect(m, diag);
    console.log(
      w,
      h,
      tex,
      !!d,
      diag.rawPayload?.toString(16),
      diag.hypotheses
        .map((x) => `${x.z.toFixed(1)}@${x.px.toFixed(1)}:${x.sx.toFixed(1)},${x.sy.toFixed(1)}`)
        .join(" "),
    );
  }
}
