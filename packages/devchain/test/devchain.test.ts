import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hex } from "viem";
import { abis, type Deployment } from "@atelier/protocol";
import { readDeployment, writeDeployment } from "@atelier/protocol/node";
import {
  assertPortFree,
  deployAtelier,
  readContractArtifacts,
  startHardhatNode,
  type ContractArtifact,
  type RunningChain,
} from "../src/index.ts";
import { devClients } from "../test-support/index.ts";

/** Code with the immutable slots zeroed, so deployed code compares with the artifact's template. */
function maskImmutables(code: string, artifact: ContractArtifact): string {
  const hex = code.slice(2).split("");
  for (const ranges of Object.values(artifact.immutableReferences ?? {})) {
    for (const { start, length } of ranges) hex.fill("0", start * 2, (start + length) * 2);
  }
  return hex.join("");
}

describe("local dev chain", () => {
  let chain: RunningChain;
  let deployment: Deployment;

  beforeAll(async () => {
    chain = await startHardhatNode();
    deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
  }, 180_000);

  afterAll(async () => {
    await chain?.stop();
  });

  it("answers JSON-RPC as the Hardhat chain", () => {
    expect(chain.chainId).toBe(31337);
    expect(chain.rpcUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(deployment.chainId).toBe(31337);
    expect(deployment.startBlock).toBeGreaterThanOrEqual(1);
  });

  it("deploys contracts whose on-chain code is the compiled artifacts', each with an ABI in @atelier/protocol", async () => {
    const { client } = devClients(chain.rpcUrl);
    const artifacts = await readContractArtifacts();
    const names = Object.keys(deployment.contracts);
    expect(names.length).toBeGreaterThan(0);
    for (const [name, address] of Object.entries(deployment.contracts)) {
      expect(Object.keys(abis), `${name} in @atelier/protocol`).toContain(name);
      const artifact = artifacts.find((a) => a.contractName === name);
      expect(artifact, `artifact for ${name}`).toBeDefined();
      const code = (await client.getCode({ address })) as Hex;
      expect(maskImmutables(code, artifact!), name).toBe(
        maskImmutables(artifact!.deployedBytecode, artifact!),
      );
    }
  });

  it("writes a deployment file that reads back identically, and rejects a broken one", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-deployment-"));
    const file = await writeDeployment(deployment, path.join(dir, "31337.json"));
    expect(await readDeployment(file)).toEqual(deployment);
    await writeFile(path.join(dir, "broken.json"), "{ not json");
    await expect(readDeployment(path.join(dir, "broken.json"))).rejects.toThrow("is not valid JSON");
    await expect(readDeployment(path.join(dir, "absent.json"))).rejects.toThrow("npm start");
  });

  it("refuses a port that is taken, naming it", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    try {
      await expect(startHardhatNode({ port })).rejects.toThrow(`port ${port} on 127.0.0.1 is already in use`);
    } finally {
      server.close();
    }
  });

  it("releases its port when stopped", async () => {
    const other = await startHardhatNode();
    await other.stop();
    await expect(assertPortFree(other.port)).resolves.toBeUndefined();
  }, 60_000);
});
