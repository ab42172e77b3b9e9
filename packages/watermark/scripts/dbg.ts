import { embed } from "../src/embed.ts";
import { whiten } from "../src/detect.ts";
import { estimateTileMaps } from "../src/sync.ts";
import { luma } from "../src/image.ts";
import { decodeImage } from "../src/node/io.ts";
import { ATTACKS } from "../src/bench/attacks.ts";
import { Prng } from "../src/prng.ts";
const im = await decodeImage(process.argv[2]!);
const mk = embed(im, 0x0123456789abcdefn);
for (const a of process.argv.slice(3)) {
  const att = await ATTACKS[a]!(mk, new Prng(7));
  const w = whiten(luma(att), att.width, att.height);
  const maps = estimateTileMaps(w, att.width, att.height, 3);
  console.log(a, att.width, att.height, maps.map((m) => [m.a, m.b, m.c, m.d].map((v) => v.toFixed(4)).join(",")).join(" | "));
}
