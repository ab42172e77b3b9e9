/**
 * The newcomer's path, `npm ci && npm start`, on a clean checkout with nothing built (no contracts compiled,
 * no web/build): the stack comes up on free ports; the demo work's image is served with the content hash
 * the chain holds; the indexer has it and the dApp's server-rendered Explore and work pages show it; then,
 * on the same stack, the whole path in a real browser (support/browser-journey.ts: generate → fulfilled by
 * the node → in Explore through the indexer → a licence bought → Verify of a recompressed, resized copy); a
 * service killed under the stack is reported, not restarted; Ctrl-C leaves no process (chain, node, Ponder,
 * dApp server) and no port behind. Prints `startToReadyS` (the benchmark) as a JSON line.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPublicClient, http, type Hex } from "viem";
import { contractAddress, worksAbi } from "@atelier/protocol";
import { readDeployment } from "@atelier/protocol/node";
import { assertPortFree } from "@atelier/devchain";
import { cleanCheckout, type CleanCheckout } from "./support/clean-checkout.ts";
import { npmStart, type StartedStack } from "./support/npm-start.ts";
import { processesUnder } from "./support/processes.ts";
import { browserJourney } from "./support/browser-journey.ts";

const exec = promisify(execFile);
const IMAGE_LINE = /^demo\s*\| +image +(\S+)$/m;
const WORK_LINE = /fulfilled as work (\d+)/;
const DEMO_PROMPT = "a tide pool at dusk, mother-of-pearl and teal";

describe("npm start on a clean checkout", () => {
  let checkout: CleanCheckout;
  let stack: StartedStack;

  beforeAll(async () => {
    checkout = await cleanCheckout();
    expect(existsSync(path.join(checkout.dir, "artifacts")), "nothing compiled beforehand").toBe(false);
    stack = await npmStart(checkout.dir);
    console.log(JSON.stringify({ startToReadyS: Number(stack.readySeconds.toFixed(1)) }));
  });

  afterAll(async () => {
    await stack?.interrupt(5_000).catch(() => undefined);
    await checkout?.remove();
  });

  it("reaches ready without compiling, builds the dApp with a progress line, and says what runs where", () => {
    const output = stack.output();
    expect(output).toContain("building the dApp (no web/build yet");
    expect(existsSync(path.join(checkout.dir, "web/build/.atelier-source-digest")), "build stamped").toBe(
      true,
    );
    expect(output).toContain(`chain    | http://127.0.0.1:${stack.chainPort} `);
    // The banner: the dApp first, then the other services, then where the start time went.
    const banner = output.slice(output.lastIndexOf("Atelier is running"));
    const order = [
      `dApp           http://127.0.0.1:${stack.webPort}`,
      `GraphQL        http://127.0.0.1:${stack.indexerPort}/graphql`,
      `IPFS gateway   http://127.0.0.1:${stack.gatewayPort}/ipfs/`,
      `chain RPC      http://127.0.0.1:${stack.chainPort}`,
    ].map((line) => banner.indexOf(line));
    expect(
      order.every((at) => at > 0),
      banner,
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const service of ["chain", "node", "indexer", "web", "demo"])
      expect(banner).toMatch(new RegExp(`share ${service} +\\d+\\.\\d s +\\d+ %`));
    expect(output).not.toMatch(/Compil(ing|ed) \d+ Solidity/);
    // Hardhat may create an empty artifacts/build-info folder; a compile would fill it.
    const compiled = existsSync(path.join(checkout.dir, "artifacts"))
      ? readdirSync(path.join(checkout.dir, "artifacts"), { recursive: true }).filter((f) =>
          String(f).endsWith(".json"),
        )
      : [];
    expect(compiled, "no compiler output").toEqual([]);
  });

  it("serves the demo work's image with the content hash registered on chain", async () => {
    const output = stack.output();
    const workId = BigInt(WORK_LINE.exec(output)?.[1] ?? "0");
    const imageUrl = IMAGE_LINE.exec(output)?.[1];
    expect(workId).toBeGreaterThan(0n);
    expect(imageUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${stack.gatewayPort}/ipfs/b`));

    const response = await fetch(imageUrl!);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await response.arrayBuffer());
    const contentHash = `0x${createHash("sha256").update(bytes).digest("hex")}` as Hex;

    const deployment = await readDeployment(
      path.join(checkout.dir, "packages/protocol/deployments/31337.json"),
    );
    const client = createPublicClient({ transport: http(`http://127.0.0.1:${stack.chainPort}`) });
    const registered = await client.readContract({
      address: contractAddress(deployment, "Works"),
      abi: worksAbi,
      functionName: "workByContentHash",
      args: [contentHash],
    });
    expect(registered).toBe(workId);
  });

  it("atelier-watermark detect --rpc names the demo work from a re-encoded copy of its image", async () => {
    const imageUrl = IMAGE_LINE.exec(stack.output())![1]!;
    const workId = WORK_LINE.exec(stack.output())![1]!;
    const copy = path.join(checkout.dir, "found-copy.jpg");
    await sharp(Buffer.from(await (await fetch(imageUrl)).arrayBuffer()))
      .jpeg({ quality: 80 })
      .toFile(copy);
    const args = ["exec", "--no", "--", "atelier-watermark", "detect", "--in", copy];
    const chain = ["--rpc", `http://127.0.0.1:${stack.chainPort}`];
    const { stdout: json } = await exec("npm", [...args, ...chain, "--json"], { cwd: checkout.dir });
    const found = JSON.parse(json) as { found: boolean; lookup: { work: { id: string; creator: string } } };
    expect(found.found).toBe(true);
    expect(found.lookup.work.id).toBe(workId);
    expect(found.lookup.work.creator).toMatch(/^0x[0-9a-fA-F]{40}$/);
    const { stdout: text } = await exec("npm", [...args, ...chain], { cwd: checkout.dir });
    expect(text).toContain(`work ${workId} on chain 31337`);
    const { stdout: offline } = await exec("npm", args, { cwd: checkout.dir });
    expect(offline).toContain("--rpc <json-rpc url>");
  });

  it("the indexer's GraphQL has the demo work with its metadata", async () => {
    const workId = WORK_LINE.exec(stack.output())![1]!;
    const response = await fetch(`http://127.0.0.1:${stack.indexerPort}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `{ work(id: "${workId}") { id source } workMetadatas { items { status name } } }`,
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      data: {
        work: { id: string; source: string };
        workMetadatas: { items: { status: string; name: string }[] };
      };
    };
    expect(body.data.work).toMatchObject({ id: workId, source: "generated" });
    expect(body.data.workMetadatas.items).toContainEqual({
      status: "ok",
      name: expect.stringContaining(DEMO_PROMPT),
    });
  });

  it("the dApp's server-rendered Explore lists the demo work and its work page renders", async () => {
    const workId = WORK_LINE.exec(stack.output())![1]!;
    const web = `http://127.0.0.1:${stack.webPort}`;
    const explore = await fetch(`${web}/`);
    expect(explore.status).toBe(200);
    const html = await explore.text();
    expect(html).toContain(`href="/works/${workId}"`);
    expect(html).toContain(DEMO_PROMPT);
    const page = await fetch(`${web}/works/${workId}`);
    expect(page.status).toBe(200);
    const workHtml = await page.text();
    expect(workHtml).toContain(DEMO_PROMPT);
    // Its image comes from the node's gateway, the same content the chain registered.
    const imageCid = IMAGE_LINE.exec(stack.output())![1]!.split("/ipfs/")[1]!;
    expect(workHtml).toContain(imageCid);
  });

  // One start for both: the browser path runs on this stack before the node is killed below.
  browserJourney(() => ({ stack, checkoutDir: checkout.dir }));

  it("reports a service that dies under it (name, signal, log file) and does not restart it", async () => {
    const [node] = (await processesUnder(checkout.dir)).filter((p) =>
      p.command.includes("generator-node/src/cli/main.ts"),
    );
    expect(node, "the generator node runs as a child").toBeDefined();
    process.kill(node!.pid, "SIGKILL");
    let output = stack.output();
    for (let i = 0; i < 40 && !output.includes("status: DEGRADED"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      output = stack.output();
    }
    expect(output).toMatch(/✖ node exited by signal SIGKILL; its log: \S+node\.log\. Not restarted\./);
    expect(output).toContain("status: DEGRADED — node down");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const again = (await processesUnder(checkout.dir)).filter((p) =>
      p.command.includes("generator-node/src/cli/main.ts"),
    );
    expect(again, "nothing restarted it").toEqual([]);
  });

  it("stops on Ctrl-C, leaving no process and no port", async () => {
    const before = (await processesUnder(checkout.dir)).map((p) => p.command).join("\n");
    // What must be stopped: the chain, Ponder and the dApp server (the node was killed above).
    expect(before).toContain("hardhat");
    expect(before).toContain("ponder");
    expect(before).toContain("web/build/index.js");
    const exit = await stack.interrupt();
    // npm itself dies by the SIGINT it relays, as in a terminal; never SIGKILL, never an error code.
    expect(exit.code === 0 || exit.signal === "SIGINT", JSON.stringify(exit)).toBe(true);
    expect(stack.output()).toContain("stopping");
    // npm dies by the SIGINT at once; `npm start` then stops each service in turn (Ponder and the node shut
    // down gracefully, up to 10 s each before a SIGKILL): allow for that on a loaded machine.
    let left = await processesUnder(checkout.dir);
    for (let i = 0; i < 80 && left.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await processesUnder(checkout.dir);
    }
    expect(left).toEqual([]);
    for (const port of stack.ports) await assertPortFree(port);
  });
});
