/**
 * The upload endpoint against a real Helia store on disk: real images, real blocks, every refusal, and
 * rollback of a failed commit (nothing half-stored).
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ipfsUriOfDigest } from "@atelier/protocol";
import { openUploads, type ImageUploaded, type Uploads } from "../src/index.ts";

const URL_ = "http://localhost/api/uploads";
const sha = (b: Uint8Array) => `0x${createHash("sha256").update(b).digest("hex")}`;

async function countBlocks(dir: string): Promise<number> {
  let n = 0;
  for (const entry of await readdir(path.join(dir, "blocks"), { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith(".data")) n++;
  }
  return n;
}

async function image(format: "png" | "jpeg" | "webp" | "gif", size = 32): Promise<Uint8Array> {
  const raw = randomBytes(size * size * 3);
  return new Uint8Array(
    await sharp(raw, { raw: { width: size, height: size, channels: 3 } })
      .toFormat(format)
      .toBuffer(),
  );
}

const post = (body: NonNullable<RequestInit["body"]>, type?: string, headers: Record<string, string> = {}) =>
  new Request(URL_, {
    method: "POST",
    body,
    headers: { ...(type ? { "content-type": type } : {}), ...headers },
    duplex: "half",
  } as RequestInit);

function metadataFor(img: ImageUploaded, extra: Record<string, unknown> = {}) {
  return {
    name: "Harbour at dusk",
    description: "An upload",
    image: img.uri,
    properties: { width: 32, height: 32, mime: img.mime },
    provenance: {
      source: "upload",
      creator: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
      contentHash: img.contentHash,
      contentHashAlgorithm: "sha2-256",
      perceptualHash: "0x0123456789abcdef",
      watermark: { id: "12345", salt: `0x${"11".repeat(32)}` },
    },
    ...extra,
  };
}

describe("upload endpoint", () => {
  let dir: string;
  let uploads: Uploads;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "atelier-uploads-"));
    uploads = await openUploads({ dir, limits: { maxImageBytes: 4 * 1024 * 1024 } });
  });

  afterAll(async () => {
    await uploads?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function refused(request: Request, status: number, code: string) {
    const before = await countBlocks(dir);
    const response = await uploads.handle(request);
    expect(response.status).toBe(status);
    const body = (await response.json()) as {
      error: { status: number; code: string; reason: string; hint: string };
    };
    expect(body.error.code).toBe(code);
    expect(body.error.status).toBe(status);
    expect(body.error.reason.length).toBeGreaterThan(5);
    expect(body.error.hint.length).toBeGreaterThan(5);
    expect(await countBlocks(dir)).toBe(before);
    return body.error;
  }

  it.each(["png", "jpeg", "webp"] as const)(
    "stores a %s as one raw CIDv1 block and reads it back",
    async (format) => {
      const bytes = await image(format);
      // The type comes from the bytes: a wrong or missing header does not matter.
      const response = await uploads.handle(post(bytes, "application/octet-stream"));
      expect(response.status).toBe(201);
      const body = (await response.json()) as ImageUploaded;
      expect(body.mime).toBe(`image/${format}`);
      expect(body.contentHash).toBe(sha(bytes));
      expect(body.size).toBe(bytes.length);
      expect(body.cid).toMatch(/^bafkrei[a-z2-7]{52}$/); // raw leaf, single block
      expect(body.uri).toBe(ipfsUriOfDigest(sha(bytes) as `0x${string}`));
      expect(Buffer.from(await uploads.store.get(body.cid)).equals(Buffer.from(bytes))).toBe(true);
    },
  );

  it("a multi-block image (dag-pb root over raw leaves), sent as multipart, survives a restart", async () => {
    const bytes = await image("png", 700); // ≈1.5 MB of noise: more than one 1 MiB chunk
    expect(bytes.length).toBeGreaterThan(1024 * 1024);
    const form = new FormData();
    form.set("file", new Blob([bytes], { type: "image/png" }), "big.png");
    const response = await uploads.handle(new Request(URL_, { method: "POST", body: form }));
    expect(response.status).toBe(201);
    const body = (await response.json()) as ImageUploaded;
    expect(body.cid).toMatch(/^bafybei/);
    await uploads.close();
    uploads = await openUploads({ dir, limits: { maxImageBytes: 4 * 1024 * 1024 } });
    expect(sha(await uploads.store.get(body.cid))).toBe(sha(bytes));
    expect(
      await uploads.store.helia.pins.isPinned((await import("multiformats/cid")).CID.parse(body.cid)),
    ).toBe(true);
  });

  it("the same bytes twice give the same CID and write no new blocks", async () => {
    const bytes = await image("png");
    const first = (await (await uploads.handle(post(bytes, "image/png"))).json()) as ImageUploaded;
    const before = await countBlocks(dir);
    const second = (await (await uploads.handle(post(bytes, "image/jpeg"))).json()) as ImageUploaded;
    expect(second.cid).toBe(first.cid);
    expect(second.mime).toBe("image/png");
    expect(await countBlocks(dir)).toBe(before);
  });

  it("refuses other types, empty bodies, oversized bodies (declared or streamed) and wrong methods", async () => {
    const gif = await refused(post(await image("gif"), "image/gif"), 415, "unsupported-image-type");
    expect(gif.reason).toContain("image/gif");
    await refused(
      post(new TextEncoder().encode("hello, not an image"), "image/png"),
      415,
      "unsupported-image-type",
    );
    await refused(post(new Uint8Array(), "image/png"), 400, "empty");
    await refused(post("x", "text/plain"), 415, "unsupported-content-type");
    await refused(post(new Uint8Array(5 * 1024 * 1024), "image/png"), 413, "too-large");
    // A stream without Content-Length is cut off as soon as it passes the limit.
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += 1024 * 1024;
        controller.enqueue(new Uint8Array(1024 * 1024));
        if (sent >= 64 * 1024 * 1024) controller.close();
      },
    });
    const err = await refused(post(stream, "image/png"), 413, "too-large");
    expect(err.hint).toBe("Send an image of at most 4 MiB.");
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    const get = await uploads.handle(new Request(URL_));
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
    const form = new FormData();
    form.set("other", "x");
    await refused(new Request(URL_, { method: "POST", body: form }), 400, "bad-multipart");
  });

  it("stores metadata byte for byte as the raw block tokenURI names", async () => {
    const img = (await (
      await uploads.handle(post(await image("jpeg"), "image/jpeg"))
    ).json()) as ImageUploaded;
    // Odd spacing and key order on purpose: the digest is of these exact bytes, never a re-serialisation.
    const text = JSON.stringify(metadataFor(img), null, 3);
    const bytes = new TextEncoder().encode(text);
    const response = await uploads.handle(post(bytes, "application/json; charset=utf-8"));
    expect(response.status).toBe(201);
    const body = (await response.json()) as {
      cid: string;
      uri: string;
      metadataDigest: string;
      size: number;
    };
    expect(body.metadataDigest).toBe(sha(bytes));
    expect(body.uri).toBe(ipfsUriOfDigest(sha(bytes) as `0x${string}`));
    expect(new TextDecoder().decode(await uploads.store.get(body.cid))).toBe(text);
  });

  it("refuses metadata that is not JSON, breaks the schema, or does not match its image", async () => {
    const img = (await (await uploads.handle(post(await image("png"), "image/png"))).json()) as ImageUploaded;
    const json = (value: unknown) => post(JSON.stringify(value), "application/json");
    await refused(post("{not json", "application/json"), 400, "bad-json");
    await refused(post(new Uint8Array([0x7b, 0xff, 0x7d]), "application/json"), 400, "bad-json");
    const noName = await refused(json({ ...metadataFor(img), name: undefined }), 422, "invalid-metadata");
    expect(noName.reason).toMatch(/name/);
    const badImage = await refused(
      json(metadataFor(img, { image: "https://example.org/x.png" })),
      422,
      "invalid-metadata",
    );
    expect(badImage.reason).toContain("/image");
    const other = await image("png");
    const missing = await refused(
      json(metadataFor({ ...img, uri: ipfsUriOfDigest(sha(other) as `0x${string}`) })),
      422,
      "image-not-stored",
    );
    expect(missing.hint).toMatch(/Upload the image first/);
    await refused(
      json(metadataFor({ ...img, contentHash: `0x${"00".repeat(32)}` })),
      422,
      "content-hash-mismatch",
    );
    await refused(json(metadataFor({ ...img, mime: "image/webp" })), 422, "mime-mismatch");
    const generated = metadataFor(img);
    await refused(
      json({
        ...generated,
        provenance: {
          source: "generated",
          chainId: 31337,
          market: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
          jobId: "1",
          modelId: "1",
          node: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
          requester: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
          seed: `0x${"11".repeat(32)}`,
          secret: `0x${"22".repeat(32)}`,
          prompt: "a harbour",
          parents: [],
          contentHash: img.contentHash,
          watermark: { id: "1" },
        },
      }),
      422,
      "invalid-metadata",
    );
    await refused(post(new Uint8Array(300 * 1024).fill(0x20), "application/json"), 413, "too-large");
  });

  it("a derivative's metadata names its parents; a malformed or repeated parent is refused", async () => {
    const img = (await (await uploads.handle(post(await image("png"), "image/png"))).json()) as ImageUploaded;
    const withParents = (parents: unknown) => {
      const m = metadataFor(img);
      return JSON.stringify({ ...m, provenance: { ...m.provenance, parents } });
    };
    const parents = [
      { workId: "2", licenseId: "340282366920938463463374607431768211457" },
      { workId: "4", licenseId: "0" },
    ];
    const stored = await uploads.handle(post(withParents(parents), "application/json"));
    expect(stored.status).toBe(201);
    const { cid } = (await stored.json()) as { cid: string };
    const back = JSON.parse(new TextDecoder().decode(await uploads.store.get(cid))) as {
      provenance: { parents: unknown };
    };
    expect(back.provenance.parents).toEqual(parents);

    const notAnId = await refused(
      post(withParents([{ workId: "two", licenseId: "0" }]), "application/json"),
      422,
      "invalid-metadata",
    );
    expect(notAnId.reason).toContain("/provenance");
    await refused(post(withParents([{ workId: "2" }]), "application/json"), 422, "invalid-metadata");
    const five = Array.from({ length: 5 }, (_, i) => ({ workId: String(i + 1), licenseId: "0" }));
    await refused(post(withParents(five), "application/json"), 422, "invalid-metadata");
    const twice = await refused(
      post(withParents([parents[1], { workId: "04", licenseId: "0" }]), "application/json"),
      422,
      "invalid-metadata",
    );
    expect(twice.reason).toBe("provenance.parents names work 4 more than once");
  });

  it("hostile text in metadata is stored as data", async () => {
    const img = (await (
      await uploads.handle(post(await image("webp"), "image/webp"))
    ).json()) as ImageUploaded;
    const name = `<script>alert(1)</script>\u202Egnp.exe ${"x".repeat(100_000)}`;
    const response = await uploads.handle(
      post(JSON.stringify(metadataFor(img, { name })), "application/json"),
    );
    expect(response.status).toBe(201);
    const { cid } = (await response.json()) as { cid: string };
    expect(JSON.parse(new TextDecoder().decode(await uploads.store.get(cid))).name).toBe(name);
  });

  it("a commit that fails half way removes the blocks it wrote", async () => {
    const bytes = await image("png", 900); // ≈2.4 MB: three leaves and a root
    const blockstore = uploads.store.helia.blockstore;
    const put = blockstore.put.bind(blockstore);
    let puts = 0;
    blockstore.put = (async (...args: Parameters<typeof put>) => {
      if (++puts === 3) throw new Error("disk full (simulated)");
      return put(...args);
    }) as typeof put;
    try {
      const error = await refused(post(bytes, "image/png"), 500, "storage-failed");
      expect(error.reason).toContain("disk full (simulated)");
      expect(puts).toBe(3);
    } finally {
      blockstore.put = put;
    }
    const response = await uploads.handle(post(bytes, "image/png"));
    expect(response.status).toBe(201);
    const { cid } = (await response.json()) as ImageUploaded;
    expect(sha(await uploads.store.get(cid))).toBe(sha(bytes));
  });
});

describe("upload endpoint writing to a shared blockstore", () => {
  it("puts the blocks where another reader of that fs blockstore (a gateway, the indexer) finds them", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-uploads-"));
    const shared = await mkdtemp(path.join(tmpdir(), "atelier-shared-blocks-"));
    const uploads = await openUploads({ dir, blocksDir: shared });
    try {
      const bytes = await image("png");
      const response = await uploads.handle(post(bytes, "image/png"));
      expect(response.status).toBe(201);
      const { cid } = (await response.json()) as ImageUploaded;
      const { FsBlockstore } = await import("blockstore-fs");
      const { CID } = await import("multiformats/cid");
      const reader = new FsBlockstore(shared);
      await reader.open();
      const chunks: Uint8Array[] = [];
      for await (const chunk of reader.get(CID.parse(cid))) chunks.push(chunk);
      await reader.close();
      expect(sha(Buffer.concat(chunks))).toBe(sha(bytes));
      await expect(readdir(path.join(dir, "blocks"))).rejects.toThrow(); // nothing beside it
    } finally {
      await uploads.close();
      await rm(dir, { recursive: true, force: true });
      await rm(shared, { recursive: true, force: true });
    }
  });
});
