/**
 * End to end against a real Hardhat node with the real contracts (Ignition deployment).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import Ajv from "ajv";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256, toHex, type Hex } from "viem";
import { startNodeApp, type NodeApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { builtinArt } from "../src/model/builtin.ts";
import { ModelHashMismatchError } from "../src/model/manifest.ts";
import { loadWatermark } from "../src/watermark.ts";
import { generationMarketAbi, startStack, worksAbi, writeNodeConfig, type Stack } from "./helpers/stack.ts";

// generous: a loaded machine (2 cores shared by many processes) makes each job take several times longer
const until = async (cond: () => Promise<boolean> | boolean, ms = 540_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 50));
  }
};

// GenerationMarket.JobStatus
const OPEN = 1;
const FULFILLED = 3;

describe("generator node on a local chain", () => {
  let stack: Stack;
  let app: NodeApp;
  let ipfsDown = false;
  let firstWork: { workId: bigint; image: string } | undefined;

  beforeAll(async () => {
    stack = await startStack();
    const file = await writeNodeConfig(stack, {
      safety: { maxPromptBytes: 120, bannedTerms: ["forbidden"] },
      models: [{ id: stack.modelId, manifest: "builtin:art", minFeeWei: "5000000000000000" }],
    });
    app = await startNodeApp(loadConfig({ file, env: {} }), {
      wrapStore: (store) => ({
        ...store,
        add: async (bytes) => {
          if (ipfsDown) throw new Error("simulated IPFS outage");
          return store.add(bytes);
        },
        has: (cid) => store.has(cid),
        size: (cid) => store.size(cid),
        cat: (cid, range) => store.cat(cid, range),
        get: (cid) => store.get(cid),
        close: () => store.close(),
      }),
    });
  });
  afterAll(async () => {
    await app?.stop();
    await stack?.stop();
  });

  it("fulfils a request end to end; the stored image's watermark decodes to the work's watermark id", async () => {
    const { jobId } = await stack.request("a blue ocean mandala");
    await until(async () => (await stack.jobStatus(jobId)) === FULFILLED);
    const fulfilled = (await stack.events("JobFulfilled")).find((e) => e.args.jobId === jobId)!;
    const workId = fulfilled.args.workId as bigint;
    expect(fulfilled.args.node).toBe(stack.nodeAddress);

    // the minted work: watermark id 2^55 | jobId, owned by the requester, tokenURI → our metadata
    const watermarkId = (1n << 55n) | jobId;
    expect(
      await stack.publicClient.readContract({
        address: stack.works,
        abi: worksAbi,
        functionName: "workByWatermark",
        args: [watermarkId],
      }),
    ).toBe(workId);
    const uri = await stack.publicClient.readContract({
      address: stack.works,
      abi: worksAbi,
      functionName: "tokenURI",
      args: [workId],
    });
    expect(uri).toMatch(/^ipfs:\/\/bafkrei/);
    const metaRes = await fetch(`${app.url}/ipfs/${uri.slice(7)}`);
    expect(metaRes.headers.get("content-type")).toBe("application/json");
    const meta = (await metaRes.json()) as {
      image: string;
      attributes: { trait_type: string; value: string }[];
      provenance: Record<string, unknown>;
    };
    expect(meta.image).toMatch(/^ipfs:\/\//);
    const attrs = Object.fromEntries(meta.attributes.map((a) => [a.trait_type, a.value]));
    expect(attrs.job).toBe(jobId.toString());
    expect(attrs.prompt).toBe("a blue ocean mandala");
    expect(attrs.node).toBe(stack.nodeAddress);
    expect(attrs.seed).toMatch(/^0x[0-9a-f]{64}$/);
    expect(meta.provenance.watermark).toMatchObject({ id: watermarkId.toString() });
    // the metadata follows the shared schema of @atelier/protocol
    const schemaFile = createRequire(import.meta.url).resolve(
      "@atelier/protocol/schemas/work-metadata.schema.json",
    );
    const validate = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(schemaFile, "utf8")));
    expect(validate(meta), JSON.stringify(validate.errors)).toBe(true);

    const imgRes = await fetch(`${app.url}/ipfs/${meta.image.slice(7)}`);
    expect(imgRes.headers.get("content-type")).toBe("image/png");
    const png = new Uint8Array(await imgRes.arrayBuffer());
    expect(sha256(png)).toBe(fulfilled.args.contentHash);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const wm = await loadWatermark();
    const found = wm.detect({
      width: info.width,
      height: info.height,
      channels: info.channels as 3,
      data: new Uint8Array(data),
    });
    expect(found).not.toBeNull();
    expect(found!.payload & ((1n << 56n) - 1n)).toBe(watermarkId);

    // determinism: the seed the node used is the one the contract derives from the secret it revealed
    const seed = await stack.publicClient.readContract({
      address: stack.market,
      abi: generationMarketAbi,
      functionName: "seedOf",
      args: [jobId, stack.nodeAddress, fulfilled.args.secret as Hex],
    });
    expect(seed).toBe(fulfilled.args.seed);
    expect(attrs.seed).toBe(toHex(seed, { size: 32 }));
    // the claim reserved exactly the content that was fulfilled
    const claim = (await stack.events("JobClaimed")).find((e) => e.args.jobId === jobId)!;
    expect(claim.args.contentHash).toBe(fulfilled.args.contentHash);
    firstWork = { workId, image: meta.image };
  });

  it("serves a parent-bearing job: fetches the parent's image through its store, mints a derivative", async () => {
    expect(firstWork).toBeDefined();
    const parent = firstWork!;
    // the requester owns the first work (generated works are minted to the requester)
    const { jobId } = await stack.request("an upscale of the mandala", {
      parents: [{ workId: parent.workId, licenseId: 0n }],
    });
    await until(async () => (await stack.jobStatus(jobId)) === FULFILLED);
    const fulfilled = (await stack.events("JobFulfilled")).find((e) => e.args.jobId === jobId)!;
    const workId = fulfilled.args.workId as bigint;
    const info = await stack.publicClient.readContract({
      address: stack.works,
      abi: worksAbi,
      functionName: "workInfo",
      args: [workId],
    });
    expect(info.parentIds).toEqual([parent.workId]);
    expect(info.generated).toBe(true);
    const uri = await stack.publicClient.readContract({
      address: stack.works,
      abi: worksAbi,
      functionName: "tokenURI",
      args: [workId],
    });
    const meta = (await (await fetch(`${app.url}/ipfs/${uri.slice(7)}`)).json()) as {
      provenance: { parents: { workId: string; licenseId: string; image: string }[] };
    };
    expect(meta.provenance.parents).toEqual([
      { workId: parent.workId.toString(), licenseId: "0", image: parent.image },
    ]);
  });

  it("leaves banned, over-long, malformed and underpaid requests unclaimed (no gas spent on them)", async () => {
    const banned = await stack.request("a forbidden landscape");
    const long = await stack.request("x".repeat(121));
    const badParams = await stack.request("fine prompt", { params: toHex("not json") });
    const cheap = await stack.request("a cheap sunset", { fee: 4_999_999_999_999_999n });
    const ok = await stack.request("a fair price forest", { fee: 5_000_000_000_000_000n });
    await until(async () => (await stack.jobStatus(ok.jobId)) === FULFILLED);
    await until(() => app.node.counts.skipped >= 4);
    const refused = [banned, long, badParams, cheap].map((j) => j.jobId);
    for (const id of refused) expect(await stack.jobStatus(id)).toBe(OPEN);
    const claims = await stack.events("JobClaimed");
    expect(claims.filter((e) => refused.includes(e.args.jobId as bigint))).toEqual([]);
  });

  it("does not claim a job it cannot finish before the deadline", async () => {
    const late = await stack.request("almost due", { deadlineSec: 3 });
    const ok = await stack.request("plenty of time");
    await until(async () => (await stack.jobStatus(ok.jobId)) === FULFILLED);
    expect(await stack.jobStatus(late.jobId)).toBe(OPEN);
    const claims = await stack.events("JobClaimed");
    expect(claims.some((e) => e.args.jobId === late.jobId)).toBe(false);
  });

  it("never claims a job whose output it cannot store (bounded retries); the job stays open", async () => {
    const failedBefore = app.node.counts.failed;
    ipfsDown = true;
    try {
      const { jobId } = await stack.request("storage outage");
      await until(async () => app.node.counts.failed > failedBefore);
      expect(await stack.jobStatus(jobId)).toBe(OPEN);
      const claims = await stack.events("JobClaimed");
      expect(claims.some((e) => e.args.jobId === jobId)).toBe(false);
    } finally {
      ipfsDown = false;
    }
    // healthy again: new work flows
    const { jobId } = await stack.request("after the outage");
    await until(async () => (await stack.jobStatus(jobId)) === FULFILLED);
  });

  it("fulfils a burst of concurrent jobs, each exactly once, with distinct content", async () => {
    const jobs: { jobId: bigint }[] = [];
    for (let i = 0; i < 6; i++) jobs.push(await stack.request(`burst ${i} sunset`));
    await until(async () =>
      (await Promise.all(jobs.map((j) => stack.jobStatus(j.jobId)))).every((s) => s === FULFILLED),
    );
    const fulfilled = await stack.events("JobFulfilled");
    for (const j of jobs) expect(fulfilled.filter((e) => e.args.jobId === j.jobId)).toHaveLength(1);
    expect(new Set(fulfilled.map((e) => e.args.contentHash)).size).toBe(fulfilled.length);
  });

  it("serves /healthz, /readyz, /policy and Prometheus metrics (jobs by outcome, stages, provider)", async () => {
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${app.url}/policy`)).json()).toMatchObject({
      node: stack.nodeAddress,
      maxPromptBytes: 120,
      minFeeWei: "0",
      models: [
        {
          id: String(stack.modelId),
          name: "atelier-art-v2",
          resolution: { width: 512, height: 512 },
          minFeeWei: "5000000000000000", // the model's own minimum (config models[].minFeeWei)
        },
      ],
    });
    const ready = await fetch(`${app.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, provider: "cpu" });
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/atelier_node_jobs_total\{outcome="fulfilled"\} [1-9]/);
    expect(metrics).toMatch(/atelier_node_jobs_total\{outcome="skipped"\} [1-9]/);
    expect(metrics).toMatch(/atelier_node_stage_seconds_count\{stage="generate"\}/);
    expect(metrics).toMatch(/atelier_node_stage_seconds_count\{stage="fulfil"\}/);
    expect(metrics).toMatch(/atelier_node_execution_provider\{provider="cpu",model="atelier-art-v2"\} 1/);
    // memory per model: the ONNX file's size, and the resident growth while it loaded and warmed up
    const weights = builtinArt().onnx.length;
    expect(metrics).toContain(
      `atelier_node_model_memory_bytes{model="atelier-art-v2",kind="weights"} ${weights}`,
    );
    expect(metrics).toMatch(
      /atelier_node_model_memory_bytes\{model="atelier-art-v2",kind="resident"\} [1-9]/,
    );
    expect(metrics).toMatch(/atelier_node_queue_depth 0/);
  });

  it("graceful shutdown finishes or releases in-flight jobs: none is left claimed", async () => {
    const jobs: bigint[] = [];
    for (let i = 0; i < 4; i++) jobs.push((await stack.request(`shutdown ${i}`)).jobId);
    await until(async () =>
      (await stack.events("JobClaimed")).some((e) => jobs.includes(e.args.jobId as bigint)),
    );
    await app.stop();
    const statuses = await Promise.all(jobs.map((j) => stack.jobStatus(j)));
    for (const s of statuses) expect([OPEN, FULFILLED]).toContain(s);
  });

  it("refuses to start a model whose file does not match the on-chain weights hash", async () => {
    const wrongId = await stack.registerModel(("0x" + "ab".repeat(32)) as Hex, "tampered-cppn");
    const file = await writeNodeConfig(stack, { models: [{ id: wrongId, manifest: "builtin:art" }] });
    await expect(startNodeApp(loadConfig({ file, env: {} }))).rejects.toBeInstanceOf(ModelHashMismatchError);
  });
});
