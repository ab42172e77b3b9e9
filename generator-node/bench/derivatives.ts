/**
 * Derivatives of marked works (`npx tsx generator-node/bench/derivatives.ts [--works 4] [--json FILE]`):
 * a parent rendered by the art model and marked as the node marks it, then
 *   - an upscale ×2 (sharp Lanczos, what any requester's tool does) and ×4 (the node's ESRGAN model),
 *     each marked with the child's payload with `existing: "ignore"` (the library's default) and
 *     `existing: "replace"` (what the node does for models that read a parent's pixels),
 *   - a variation (the art model from the parent's prompt and seed: no parent pixels in it).
 * Per child: the embed verdict, and which payload blind detect reads from the child as it is and
 * after the reference attack (0.5× + JPEG q75) and scaled back to the parent's size: `child`,
 * `parent`, `other` or `none`.
 */
import { parseArgs } from "node:util";
import { writeFile } from "node:fs/promises";
import sharp from "sharp";
import { detect, referenceAttack } from "@atelier/watermark";
import { openRenderer, type RawImage } from "../src/render.ts";
import { payloadFor, watermarkEngine as wm } from "../src/watermark.ts";
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

/** the reference attack's grey image, as the node's RGB type (detect reads luma only) */
const attacked = (im: RawImage): RawImage => {
  const a = referenceAttack(im);
  return {
    width: a.width,
    height: a.height,
    channels: a.channels,
    data: new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength),
  };
};

const art = await openRenderer("art");
const variation = await openRenderer("art-variation");
const esrgan = await openRenderer("upscale-x4");
const rows: Record<string, unknown>[] = [];
for (let i = 0; i < works; i++) {
  const prompt = SHEET_PROMPTS[(i * 5) % SHEET_PROMPTS.length]!;
  const seed = "0x" + (0x51 + i).toString(16).repeat(32).slice(0, 64);
  const parentPayload = payloadFor(wm, 2n ** 40n + BigInt(i));
  const childPayload = payloadFor(wm, 2n ** 41n + BigInt(i));
  const parent = wm.embedVerified(await art.render({ prompt, seed }), parentPayload);
  const children: [string, RawImage][] = [
    ["upscale×2", await resized(parent.image, parent.image.width * 2)],
    ["upscale×4", await esrgan.render({ prompt: "", seed, parentImage: parent.image })],
  ];
  for (const [kind, child] of children) {
    const carried = read(child, parentPayload, childPayload);
    for (const existing of ["ignore", "replace"] as const) {
      const t = process.cpuUsage();
      const m = wm.embedVerified(child, childPayload, { existing });
      const u = process.cpuUsage(t);
      rows.push({
        work: i,
        prompt,
        kind,
        existing,
        size: child.width,
        parentMarkInChild: carried,
        verdict: m.verdict,
        read: read(m.image, parentPayload, childPayload),
        readAttacked: read(attacked(m.image), parentPayload, childPayload),
        readAtParentScale: read(await resized(m.image, parent.image.width), parentPayload, childPayload),
        markCpuMs: Math.round((u.user + u.system) / 1000),
      });
      console.error(JSON.stringify(rows.at(-1)));
    }
  }
  const v = await variation.render({ prompt, seed: "0x" + "e3".repeat(32), variationOf: { prompt, seed } });
  const vm = wm.embedVerified(v, childPayload);
  rows.push({
    work: i,
    prompt,
    kind: "variation",
    existing: "ignore",
    size: v.width,
    parentMarkInChild: read(v, parentPayload, childPayload),
    verdict: vm.verdict,
    read: read(vm.image, parentPayload, childPayload),
    readAttacked: read(attacked(vm.image), parentPayload, childPayload),
  });
  console.error(JSON.stringify(rows.at(-1)));
}
await Promise.all([art.close(), variation.close(), esrgan.close()]);
const out = JSON.stringify({ works, rows }, null, 2);
if (values.json) await writeFile(values.json, out + "\n");
else console.log(out);
