import { embed } from "../src/embed.ts";
import { detect, type DetectDiagnostics } from "../src/detect.ts";
import { decodeImage } from "../src/node/io.ts";
import { psnr } from "../src/metrics.ts";
const im = await decodeImage(process.argv[2]!);
for (const ps of [42.2, 40, 38, 36]) {
  const p = 0x0123456789abcdefn;
  const mk = embed(im, p, { psnr: ps });
  const diag = {} as DetectDiagnostics;
  const d = detect(mk, diag);
  let x = (diag.rawPayload ?? 0n) ^ p, n = 0;
  while (x) { x &= x - 1n; n++; }
  console.log(ps, psnr(im, mk).toFixed(2), d ? "found" : "miss", "raw bit errors", n, diag.hypotheses.slice(0, 3).map((h) => `${h.z.toFixed(1)}@${h.sx.toFixed(1)},${h.sy.toFixed(1)} a${h.map.a.toFixed(3)} d${h.map.d.toFixed(3)}`).join(" "));
}
