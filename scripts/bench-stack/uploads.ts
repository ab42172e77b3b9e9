/**
 * The dApp's upload endpoint under concurrent uploads: good images (PNG, JPEG, WebP) side by side with
 * oversized ones (declared length, and streamed with no length), files of the wrong type, a body that is
 * not an upload at all and invalid metadata. Each refusal must carry its code, reason and hint; the
 * blockstore afterwards must hold exactly one new block per accepted image (each under one block's size)
 * and nothing of a refused one, and every accepted CID must be served by the stack's gateway byte for byte.
 */
import { createHash } from "node:crypto";
import { readdir } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import path from "node:path";
import sharp from "sharp";

type Kind = "png" | "jpeg" | "webp" | "oversized" | "oversized-streamed" | "gif" | "text" | "bad-metadata";

/** Twenty uploads at once: 8 that must be stored, 12 that must be refused, each for its own reason. */
const MIX: Kind[] = [
  ...Array<Kind>(3).fill("png"),
  ...Array<Kind>(3).fill("jpeg"),
  ...Array<Kind>(2).fill("webp"),
  ...Array<Kind>(3).fill("oversized"),
  ...Array<Kind>(2).fill("oversized-streamed"),
  ...Array<Kind>(2).fill("gif"),
  ...Array<Kind>(3).fill("text"),
  ...Array<Kind>(2).fill("bad-metadata"),
];
const EXPECTED: Record<Kind, { status: number; code?: string }> = {
  png: { status: 201 },
  jpeg: { status: 201 },
  webp: { status: 201 },
  oversized: { status: 413, code: "too-large" },
  "oversized-streamed": { status: 413, code: "too-large" },
  gif: { status: 415, code: "unsupported-image-type" },
  text: { status: 415, code: "unsupported-content-type" },
  "bad-metadata": { status: 422, code: "invalid-metadata" },
};
/** Just over the endpoint's 20 MiB default, and under adapter-node's 21M body limit `npm start` sets. */
const OVERSIZED_BYTES = 20 * 1024 * 1024 + 512 * 1024;

export interface UploadsResult {
  uploads: number;
  accepted: number;
  refused: number;
  /** Refusals with the expected status and code and a non-empty reason and hint. */
  refusedWithReason: number;
  /** Uploads whose answer was not the one expected for their kind (listed in `unexpected`). */
  wrongAnswers: number;
  /** Uploads that got no HTTP answer at all (a connection reset or a closed socket). */
  resets: number;
  unexpected: string[];
  blocksAdded: number;
  /** New blocks beyond the accepted images' own: something half-stored. */
  halfStored: number;
  /** Accepted CIDs the gateway did not serve with the same bytes. */
  notServed: number;
  p95Ms: number;
  byCode: Record<string, number>;
}

/** A distinct small picture per upload (noise, so no two are the same file), under 256 KiB. */
async function picture(seed: number, format: "png" | "jpeg" | "webp" | "gif"): Promise<Buffer> {
  const size = 96;
  const data = Buffer.alloc(size * size * 3);
  let s = seed * 2654435761;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  const image = sharp(data, { raw: { width: size, height: size, channels: 3 } });
  return format === "png"
    ? image.png().toBuffer()
    : format === "jpeg"
      ? image.jpeg({ quality: 85 }).toBuffer()
      : format === "webp"
        ? image.webp({ quality: 85 }).toBuffer()
        : image.gif().toBuffer();
}

async function request(
  kind: Kind,
  seed: number,
): Promise<{ body: Buffer | string; headers: Record<string, string> }> {
  switch (kind) {
    case "png":
    case "jpeg":
    case "webp":
      return { body: await picture(seed, kind), headers: { "content-type": `image/${kind}` } };
    case "gif":
      // Declared as PNG: the endpoint sniffs the bytes and must not believe the header.
      return { body: await picture(seed, "gif"), headers: { "content-type": "image/png" } };
    case "oversized": {
      const big = Buffer.alloc(OVERSIZED_BYTES, 7);
      (await picture(seed, "png")).copy(big); // a real PNG start: only the size is wrong
      return { body: big, headers: { "content-type": "image/png" } };
    }
    case "oversized-streamed":
      // Sent by streamUpload (no content-length): the limit must hold while reading, not only on the
      // declared length.
      return { body: Buffer.alloc(0), headers: { "content-type": "application/octet-stream" } };
    case "text":
      return { body: `not an image ${seed}\n`, headers: { "content-type": "text/plain" } };
    case "bad-metadata":
      return {
        body: JSON.stringify({ name: `no image ${seed}` }),
        headers: { "content-type": "application/json" },
      };
  }
}

/** Every block file under `dir` (blockstore-fs keeps one `.data` file per block in shard folders). */
async function blockFiles(dir: string): Promise<Set<string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return new Set(
    entries
      .filter((e) => e.isFile() && e.name.endsWith(".data"))
      .map((e) => path.join(e.parentPath, e.name))
      .filter((file) => file.includes(`${path.sep}blocks${path.sep}`)),
  );
}

export async function uploadStorm(options: {
  webUrl: string;
  gatewayUrl: string;
  /** Where the stack keeps its blockstores (npm start: `.atelier` of the checkout). */
  stateDir: string;
}): Promise<UploadsResult> {
  const before = await blockFiles(options.stateDir);
  const prepared = await Promise.all(MIX.map((kind, i) => request(kind, 1000 + i)));
  const answers = await Promise.all(
    MIX.map(async (kind, i) => {
      const started = performance.now();
      // As a browser on the dApp's page sends it: SvelteKit refuses form-type POSTs (text/plain,
      // multipart) whose Origin is not its own with a 403 before the endpoint runs.
      const headers = { ...prepared[i]!.headers, origin: options.webUrl };
      const response =
        kind === "oversized-streamed"
          ? await streamUpload(`${options.webUrl}/api/uploads`, headers, OVERSIZED_BYTES)
          : await fetch(`${options.webUrl}/api/uploads`, {
              method: "POST",
              body: prepared[i]!.body,
              headers,
            }).then(
              async (r) => ({ status: r.status, text: await r.text() }),
              (error: Error) => ({ status: 0, text: JSON.stringify({ error: error.message }) }),
            );
      let body: { cid?: string; error?: { code?: string; reason?: string; hint?: string } } = {};
      try {
        body = JSON.parse(response.text) as typeof body;
      } catch {
        body = { error: { reason: response.text.slice(0, 200) } };
      }
      return { kind, status: response.status, body, ms: performance.now() - started };
    }),
  );
  const after = await blockFiles(options.stateDir);
  const added = [...after].filter((file) => !before.has(file));

  const unexpected: string[] = [];
  let refusedWithReason = 0;
  const byCode: Record<string, number> = {};
  const accepted: { cid: string; bytes: Buffer }[] = [];
  answers.forEach((answer, i) => {
    const want = EXPECTED[answer.kind];
    const code = answer.body.error?.code ?? (answer.status === 201 ? "stored" : `http-${answer.status}`);
    byCode[code] = (byCode[code] ?? 0) + 1;
    if (answer.status !== want.status || (want.code && code !== want.code)) {
      unexpected.push(`${answer.kind}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
      return;
    }
    if (want.status === 201) accepted.push({ cid: answer.body.cid!, bytes: prepared[i]!.body as Buffer });
    else if (answer.body.error?.reason && answer.body.error.hint) refusedWithReason++;
    else unexpected.push(`${answer.kind}: refused without a reason or hint`);
  });

  let notServed = 0;
  for (const { cid, bytes } of accepted) {
    const served = await fetch(`${options.gatewayUrl}/ipfs/${cid}`);
    const digest = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
    if (!served.ok || digest(new Uint8Array(await served.arrayBuffer())) !== digest(bytes)) notServed++;
  }
  const sorted = answers.map((a) => a.ms).sort((a, b) => a - b);
  return {
    uploads: MIX.length,
    accepted: accepted.length,
    refused: answers.filter((a) => a.status >= 400).length,
    refusedWithReason,
    wrongAnswers: unexpected.length,
    resets: answers.filter((a) => a.status === 0).length,
    unexpected,
    blocksAdded: added.length,
    halfStored: Math.max(0, added.length - accepted.length),
    notServed,
    p95Ms: Number(sorted[Math.floor(0.95 * (sorted.length - 1))]!.toFixed(1)),
    byCode,
  };
}

/**
 * POSTs `bytes` bytes in 1 MiB chunks with no content-length (chunked), stopping as soon as the server
 * answers: a server that refuses mid-body answers and closes, which fetch reports only as a failed write.
 */
function streamUpload(
  url: string,
  headers: Record<string, string>,
  bytes: number,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const chunk = Buffer.alloc(1024 * 1024, 9);
    let answered = false;
    const req = httpRequest(url, { method: "POST", headers }, (res) => {
      answered = true;
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", (error) => {
      if (!answered) resolve({ status: 0, text: JSON.stringify({ error: error.message }) });
    });
    let sent = 0;
    const pump = () => {
      while (!answered && sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}
