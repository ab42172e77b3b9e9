/**
 * The newcomer's path, `npm ci && npm start`, on a clean checkout with nothing built: the stack comes up on
 * free ports, the demo work's image is served with the content hash the chain holds, and Ctrl-C leaves no
 * process and no port behind. Prints `startToReadyS` (the benchmark) as a JSON line.
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

const exec = promisify(execFile);

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

  it("reaches ready without compiling, and says what runs where", () => {
    const output = stack.output();
    expect(output).toContain(`chain      http://127.0.0.1:${stack.chainPort}`);
    expect(output).toContain(`IPFS gateway             http://127.0.0.1:${stack.gatewayPort}/ipfs/`);
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
    const workId = BigInt(/fulfilled as work (\d+)/.exec(output)?.[1] ?? "0");
    const imageUrl = /^ {2}image +(\S+)$/m.exec(output)?.[1];
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
    const imageUrl = /^ {2}image +(\S+)$/m.exec(stack.output())![1]!;
    const workId = /fulfilled as work (\d+)/.exec(stack.output())![1]!;
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

  it("stops on Ctrl-C, leaving no process and no port", async () => {
    const exit = await stack.interrupt();
    // npm itself dies by the SIGINT it relays, as in a terminal; never SIGKILL, never an error code.
    expect(exit.code === 0 || exit.signal === "SIGINT", JSON.stringify(exit)).toBe(true);
    expect(stack.output()).toContain("stopping");
    // Children may take a moment to be reaped after the parent exits.
    let left = await processesUnder(checkout.dir);
    for (let i = 0; i < 20 && left.length > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await processesUnder(checkout.dir);
    }
    expect(left).toEqual([]);
    await assertPortFree(stack.chainPort);
    await assertPortFree(stack.gatewayPort);
  });
});
