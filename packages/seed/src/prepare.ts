/**
 * One seeded upload made ready to mint, the way the dApp's Create page makes one: render the scene →
 * watermark it with the id the contract derives from (minter, salt), read back before it is accepted →
 * PNG → content hash (sha2-256 of the PNG) and perceptual hash. Nothing here needs a chain, so it can run
 * while the stack starts. Rendering and marking cost ~1 CPU-s per picture: results are cached on disk,
 * keyed by everything they are made from (scene, minter, salt, the renderer and watermark sources).
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { keccak256, sha256, stringToHex, type Address, type Hex } from "viem";
import { uploadWatermarkId } from "@atelier/protocol";
import { embedVerified, encodePayload, PAYLOAD_VERSION, perceptualHash } from "@atelier/watermark";
import type { CatalogueScene } from "./scenes/catalogue.ts";
import { renderScene } from "./scenes/render.ts";

export interface PreparedUpload {
  key: string;
  title: string;
  description: string;
  minter: Address;
  png: Uint8Array;
  width: number;
  height: number;
  salt: Hex;
  watermarkId: bigint;
  payloadHex: Hex;
  contentHash: Hex;
  perceptualHash: bigint;
  verdict: "ok" | "weak";
  /** Read from the cache (nothing rendered). */
  fromCache: boolean;
}

/** The salt of a seeded upload: fixed per scene, so a re-run mints nothing new (same content hash). */
export function saltOf(key: string, minter: Address): { salt: Hex; watermarkId: bigint } {
  for (let attempt = 0; ; attempt++) {
    const salt = keccak256(stringToHex(`atelier-seed:${key}:${attempt}`));
    const watermarkId = uploadWatermarkId(minter, salt);
    if (watermarkId !== 0n) return { salt, watermarkId };
  }
}

let sourcesDigest: Promise<string> | undefined;
/** The renderer's and the watermark's own source files: a change to either invalidates the cache. */
function codeDigest(): Promise<string> {
  sourcesDigest ??= (async () => {
    const dirs = [
      path.join(import.meta.dirname, "scenes"),
      path.dirname(fileURLToPath(import.meta.resolve("@atelier/watermark"))),
    ];
    const hash = createHash("sha256");
    for (const dir of dirs) {
      const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile() && e.name.endsWith(".ts"))
        .map((e) => path.join(e.parentPath, e.name))
        .sort();
      for (const file of files) hash.update(file.slice(dir.length)).update(await readFile(file));
    }
    return hash.digest("hex");
  })();
  return sourcesDigest;
}

interface CacheEntry {
  watermarkId: string;
  perceptualHash: string;
  contentHash: Hex;
  verdict: "ok" | "weak";
  width: number;
  height: number;
}

export async function prepareUpload(
  entry: CatalogueScene,
  minter: Address,
  options: { cacheDir?: string } = {},
): Promise<PreparedUpload> {
  const { salt, watermarkId } = saltOf(entry.key, minter);
  const payload = encodePayload({ version: PAYLOAD_VERSION, id: watermarkId });
  const payloadHex = `0x${payload.toString(16).padStart(16, "0")}` as Hex;
  const base = { key: entry.key, title: entry.title, description: entry.description, minter, salt };
  const cacheKey = createHash("sha256")
    .update(JSON.stringify({ scene: entry.scene, minter, salt }))
    .update(await codeDigest())
    .digest("hex")
    .slice(0, 24);
  const file = options.cacheDir ? path.join(options.cacheDir, `${entry.key}-${cacheKey}`) : undefined;

  if (file && existsSync(`${file}.json`) && existsSync(`${file}.png`)) {
    const cached = JSON.parse(await readFile(`${file}.json`, "utf8")) as CacheEntry;
    const png = new Uint8Array(await readFile(`${file}.png`));
    // A damaged cache file is re-made, never minted.
    if (sha256(png) === cached.contentHash && BigInt(cached.watermarkId) === watermarkId)
      return {
        ...base,
        png,
        width: cached.width,
        height: cached.height,
        watermarkId,
        payloadHex,
        contentHash: cached.contentHash,
        perceptualHash: BigInt(cached.perceptualHash),
        verdict: cached.verdict,
        fromCache: true,
      };
  }

  const image = renderScene(entry.scene);
  const marked = embedVerified(image, payload);
  if (marked.verdict === "failed")
    throw new Error(`seed picture "${entry.key}": the watermark does not read back (${marked.reason})`);
  const png = new Uint8Array(
    await sharp(Buffer.from(marked.image.data), {
      raw: { width: image.width, height: image.height, channels: 3 },
    })
      .png()
      .toBuffer(),
  );
  const prepared: PreparedUpload = {
    ...base,
    png,
    width: image.width,
    height: image.height,
    watermarkId,
    payloadHex,
    contentHash: sha256(png),
    perceptualHash: perceptualHash(marked.image),
    verdict: marked.verdict,
    fromCache: false,
  };
  if (file) {
    await mkdir(path.dirname(file), { recursive: true });
    const entryJson: CacheEntry = {
      watermarkId: watermarkId.toString(),
      perceptualHash: prepared.perceptualHash.toString(),
      contentHash: prepared.contentHash,
      verdict: prepared.verdict,
      width: prepared.width,
      height: prepared.height,
    };
    // Written aside and renamed: a start stopped half way leaves no torn entry.
    await writeFile(`${file}.png.tmp`, png);
    await rename(`${file}.png.tmp`, `${file}.png`);
    await writeFile(`${file}.json.tmp`, JSON.stringify(entryJson));
    await rename(`${file}.json.tmp`, `${file}.json`);
  }
  return prepared;
}

/** The work metadata the dApp's Create page writes for an upload (schema: work-metadata.schema.json). */
export function uploadMetadata(
  prepared: PreparedUpload,
  imageUri: string,
  parents: { workId: bigint; licenseId: bigint; image?: string }[] = [],
): Record<string, unknown> {
  return {
    name: prepared.title,
    description: prepared.description,
    image: imageUri,
    properties: { width: prepared.width, height: prepared.height, mime: "image/png" },
    provenance: {
      source: "upload",
      creator: prepared.minter,
      contentHash: prepared.contentHash,
      contentHashAlgorithm: "sha2-256",
      perceptualHash: `0x${prepared.perceptualHash.toString(16).padStart(16, "0")}`,
      watermark: { id: prepared.watermarkId.toString(), payload: prepared.payloadHex, salt: prepared.salt },
      ...(parents.length > 0
        ? {
            parents: parents.map((p) => ({
              workId: p.workId.toString(),
              licenseId: p.licenseId.toString(),
              ...(p.image ? { image: p.image } : {}),
            })),
          }
        : {}),
    },
  };
}
