/**
 * The seed's pictures: a real render and watermark of one scene (the mark reads back blind from the PNG
 * bytes, the id is the one the contract derives), the cache (a second call renders nothing and gives the
 * same bytes; a damaged file is made again), and the committed Test USD artifact against a fresh compile.
 */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { sha256 } from "viem";
import { uploadWatermarkId } from "@atelier/protocol";
import { devAccount } from "@atelier/devchain";
import { decodePayload, detect } from "@atelier/watermark";
import { prepareUpload, SCENES } from "../src/index.ts";
import { compileToken, TOKEN_ARTIFACT } from "../scripts/build-token.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("seed pictures", () => {
  const minter = devAccount(3).address;

  it("renders and watermarks a scene with the contract's upload id, and caches it", async () => {
    const cache = await mkdtemp(path.join(tmpdir(), "atelier-seed-cache-"));
    dirs.push(cache);
    const scene = SCENES[1]!;
    const made = await prepareUpload(scene, minter, { cacheDir: cache });
    expect(made.fromCache).toBe(false);
    expect(made.watermarkId).toBe(uploadWatermarkId(minter, made.salt));
    expect(made.contentHash).toBe(sha256(made.png));
    const { data, info } = await sharp(Buffer.from(made.png)).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([768, 512]);
    const found = detect({ width: info.width, height: info.height, channels: 3, data });
    expect(found && decodePayload(found.payload).id).toBe(made.watermarkId);

    const again = await prepareUpload(scene, minter, { cacheDir: cache });
    expect(again.fromCache).toBe(true);
    expect(Buffer.from(again.png).equals(Buffer.from(made.png))).toBe(true);
    expect(again.perceptualHash).toBe(made.perceptualHash);

    // A damaged cached picture is made again, never handed out.
    const png = (await readdir(cache)).find((f) => f.endsWith(".png"))!;
    await writeFile(path.join(cache, png), Buffer.from("not a png"));
    const remade = await prepareUpload(scene, minter, { cacheDir: cache });
    expect(remade.fromCache).toBe(false);
    expect(remade.contentHash).toBe(made.contentHash);
  });

  it("ships the Test USD artifact of a fresh compile", async () => {
    expect(await readFile(TOKEN_ARTIFACT, "utf8")).toBe(await compileToken());
  });
});
