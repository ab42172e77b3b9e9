/**
 * Derivatives of marked works (`npx tsx generator-node/bench/derivatives.ts [--works 4] [--json FILE]`):
 * a parent rendered by the art model (512², and its top-left 256² crop) and marked as the node marks
 * it, then
 *   - an upscale ×2 (sharp Lanczos, what any requester's tool does) and ×4 (the node's ESRGAN model),
 *     marked with the child's payload three ways: `existing: "ignore"` (the library's default) over
 *     the carried mark, `existing: "replace"` (detect in the child and subtract), and `stripped`: the
 *     parent's mark removed at the parent's scale before the upscale (`removeMark`), the child marked
 *     with "ignore" (what the node does for models that read a parent's pixels),
 *   - a variation of the 512² parent (the art model from its prompt and seed: no parent pixels in it).
 * Per child: the embed verdict, and which payload blind detect reads from the child as it is and
 * after the reference attack (0.5× + JPEG q75) and scaled back to the parent's size: `child`,
 * `parent`, `other` or `none`.
 */
import { parseArgs } from "node:util";
import { writeFile } from "node:fs/promises";
import sharp from "sharp";
import { detect } from "@atelier/watermark";
import { openRenderer, type RawImage } from "../src/render.ts";
import { payloadFor, watermarkEngine as wm } from "../src/watermark.ts";
import { attacked, cropTopLeft } from "../test/helpers/images.ts";
import { SHEET_PROMPTS } from "./quality.ts";

const { values } = parseArgs({
  options: { works: { type: "string", default: "4" }, json: { type: "string" } },
});
const works = Number(values.works);

async function resized(im: RawImage, width: number): Promise<RawImage> {
  const { data, info } = await sharp(Buffer.from(im.data), {
    raw: { width: im.width, height: im.height, channels: 3 },
  })
    .resize(width, Math.round((im.height * width) / im.width), { kernel: "lanczos3" })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

const read = (im: RawImage, parent: bigint, child: bigint) => {
  const p = detect(im)?.payload;
  return p === undefined ? "none" : p === child ? "child" : p === parent ? "parent" : "other";
};

const art = await openRenderer("art");
const variation = await openRenderer("art-variation");
const esrgan = await openRenderer("upscale-x4");
const upscales: [string, (im: RawImage) => Promise<RawImage>][] = [
  ["upscale×2", (im) => resized(im, im.width * 2)],
  ["upscale×4", (im) => esrgan.render({ prompt: "", seed: "0x01", parentImage: im })],
];
const rows: Record<string, unknown>[] = [];
const log = (row: Record<string, unknown>) => {
  rows.push(row);
  console.error(JSON.stringify(row));
};
for (let i = 0; i < works; i++) {
  const prompt = SHEET_PROMPTS[(i * 5) % SHEET_PROMPTS.length]!;
  const seed = "0x" + (0x51 + i).toString(16).repeat(32).slice(0, 64);
  const parentPayload = payloadFor(wm, 2n ** 40n + BigInt(i));
  const childPayload = payloadFor(wm, 2n ** 41n + BigInt(i));
  const whole = await art.render({ prompt, seed });
  for (const side of [whole.width, 256]) {
    const parent = wm.embedVerified(side === whole.width ? whole : cropTopLeft(whole, side), parentPayload);
    const stripped = wm.removeMark(parent.image).image;
    for (const [kind, upscale] of upscales) {
      const child = await upscale(parent.image);
      const carried = read(child, parentPayload, childPayload);
      const ways = [
        { existing: "ignore", stripped: false, image: child },
        { existing: "replace", stripped: false, image: child },
        { existing: "ignore", stripped: true, image: await upscale(stripped) },
      ] as const;
      for (const way of ways) {
        const t = process.cpuUsage();
        const m = wm.embedVerified(way.image, childPayload, { existing: way.existing });
        const u = process.cpuUsage(t);
        log({
          work: i,
          prompt,
          parentSize: side,
          kind,
          existing: way.existing,
          stripped: way.stripped,
          size: child.width,
          parentMarkInChild: way.stripped ? read(way.image, parentPayload, childPayload) : carried,
          verdict: m.verdict,
          read: read(m.image, parentPayload, childPayload),
          readAttacked: read(attacked(m.image), parentPayload, childPayload),
          readAtParentScale: read(await resized(m.image, side), parentPayload, childPayload),
          markCpuMs: Math.round((u.user + u.system) / 1000),
        });
      }
    }
  }
  const v = await variation.render({ prompt, seed: "0x" + "e3".repeat(32), variationOf: { prompt, seed } });
  const vm = wm.embedVerified(v, childPayload);
  log({
    work: i,
    prompt,
    parentSize: whole.width,
    kind: "variation",
    existing: "ignore",
    stripped: false,
    size: v.width,
    parentMarkInChild: read(v, parentPayload, childPayload),
    verdict: vm.verdict,
    read: read(vm.image, parentPayload, childPayload),
    readAttacked: read(attacked(vm.image), parentPayload, childPayload),
  });
}
await Promise.all([art.close(), variation.close(), esrgan.close()]);
const out = JSON.stringify({ works, rows }, null, 2);
if (values.json) await writeFile(values.json, out + "\n");
else console.log(out);
