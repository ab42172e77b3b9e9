/**
 * `npm run deploy -- --network <name>` as an operator runs it: a network defined only by the environment
 * (ATELIER_DEPLOY_NETWORK / ATELIER_DEPLOY_RPC_URL) pointing at a real local Hardhat node, a deployer key
 * that is not the node's default account, the deployment file checked against the chain and fed to the
 * subgraph manifest command; and the clear errors for a missing RPC URL, key or network.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createPublicClient, http, keccak256, toHex, type Address } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { abis, parseDeployment, type Deployment } from "@atelier/protocol";
import { readDeployment } from "@atelier/protocol/node";
import { devAccount, devPrivateKey, startHardhatNode, type RunningChain } from "@atelier/devchain";
import { REPO_ROOT } from "./support/clean-checkout.ts";

const exec = promisify(execFile);
const NETWORK = "envnet";
const DEPLOYER = 3; // not account 0: the key from the environment is what deploys
const KEY = devPrivateKey(DEPLOYER);

let chain: RunningChain;
let dir: string;

beforeAll(async () => {
  chain = await startHardhatNode();
  dir = await mkdtemp(path.join(tmpdir(), "atelier-deploy-"));
});

afterAll(async () => {
  await chain?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The settings of .env.example for the env-defined network; `unset` removes some. */
function env(unset: string[] = [], extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    ATELIER_DEPLOY_NETWORK: NETWORK,
    ATELIER_DEPLOY_RPC_URL: chain.rpcUrl,
    ATELIER_DEPLOY_CHAIN_ID: String(chain.chainId),
    ATELIER_DEPLOYER_KEY: KEY,
    ATELIER_DEPLOYMENTS_DIR: path.join(dir, "deployments"),
    ATELIER_IGNITION_DIR: path.join(dir, "ignition"),
    ETHERSCAN_API_KEY: "",
    ...extra,
  };
  for (const name of unset) delete base[name];
  return base;
}

async function deploy(args: string[], environment: NodeJS.ProcessEnv) {
  try {
    const { stdout, stderr } = await exec("npm", ["run", "deploy", "--", ...args], {
      cwd: REPO_ROOT,
      env: environment,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, output: (e.stdout ?? "") + (e.stderr ?? "") };
  }
}

function expectNoKey(output: string) {
  expect(output).not.toContain(KEY.slice(2));
}

describe("npm run deploy -- --network <name>", () => {
  let first: Deployment;

  it("deploys to the env-defined network and writes the deployment file the other packages read", async () => {
    const { code, output } = await deploy(["--network", NETWORK], env());
    expectNoKey(output);
    expect(code, output).toBe(0);
    expect(output).toContain("verification skipped: no explorer API key");

    const file = path.join(dir, "deployments", `${chain.chainId}.json`);
    first = await readDeployment(file); // what the generator node and the indexer call
    expect(parseDeployment(JSON.parse(await readFile(file, "utf8")))).toEqual(first);
    expect(first.chainId).toBe(chain.chainId);
    expect(Object.keys(first.contracts).sort()).toEqual(
      ["GenerationMarket", "LicenseRenderer", "LicenseTerms", "Licenses", "Works"].sort(),
    );

    const client = createPublicClient({ transport: http(chain.rpcUrl) });
    for (const address of Object.values(first.contracts)) {
      expect(await client.getCode({ address }), address).toMatch(/^0x[0-9a-f]{100,}/);
    }
    const at = (name: string): Address => first.contracts[name] as Address;
    expect(
      await client.readContract({ address: at("Works"), abi: abis.Works, functionName: "licenses" }),
    ).toBe(at("Licenses"));
    expect(
      await client.readContract({
        address: at("GenerationMarket"),
        abi: abis.GenerationMarket,
        functionName: "works",
      }),
    ).toBe(at("Works"));
    const admin = await client.readContract({
      address: at("Works"),
      abi: abis.Works,
      functionName: "DEFAULT_ADMIN_ROLE",
    });
    const deployer = devAccount(DEPLOYER).address;
    expect(
      await client.readContract({
        address: at("Works"),
        abi: abis.Works,
        functionName: "hasRole",
        args: [admin, deployer],
      }),
    ).toBe(true);
    expect(
      await client.readContract({
        address: at("LicenseTerms"),
        abi: abis.LicenseTerms,
        functionName: "termsCount",
      }),
    ).toBe(5);
    // Indexers start at startBlock: the first contract exists there, none one block before.
    const start = BigInt(first.startBlock);
    const codeAt = (blockNumber: bigint) =>
      Promise.all(Object.values(first.contracts).map((address) => client.getCode({ address, blockNumber })));
    expect((await codeAt(start - 1n)).every((code) => code === undefined)).toBe(true);
    expect((await codeAt(start)).some((code) => code !== undefined)).toBe(true);
  });

  it("a second run resumes from Ignition's journal: same addresses, same start block", async () => {
    const { code, output } = await deploy(["--network", NETWORK], env());
    expect(code, output).toBe(0);
    const again = await readDeployment(path.join(dir, "deployments", `${chain.chainId}.json`));
    expect(again.contracts).toEqual(first.contracts);
    expect(again.startBlock).toBe(first.startBlock);
  });

  it("the subgraph manifest command takes the deployment file", async () => {
    const out = path.join(dir, "subgraph.yaml");
    await exec(
      "npm",
      [
        "run",
        "-w",
        "@atelier/subgraph",
        "manifest",
        "--",
        "--deployment",
        path.join(dir, "deployments", `${chain.chainId}.json`),
        "--network",
        NETWORK,
        "--out",
        out,
      ],
      { cwd: REPO_ROOT },
    );
    const manifest = await readFile(out, "utf8");
    expect(manifest).toContain(`network: ${NETWORK}`);
    for (const name of ["Works", "Licenses", "LicenseTerms", "GenerationMarket"]) {
      expect(manifest.toLowerCase()).toContain((first.contracts[name] as string).toLowerCase());
    }
    expect(manifest).toContain(`startBlock: ${first.startBlock}`);
  });

  it("a missing RPC URL is named, with how to set it", async () => {
    const { code, output } = await deploy(["--network", NETWORK], env(["ATELIER_DEPLOY_RPC_URL"]));
    expect(code).not.toBe(0);
    expect(output).toContain("ATELIER_DEPLOY_RPC_URL");
    expect(output).toMatch(/Hint: export ATELIER_DEPLOY_RPC_URL=/);
  });

  it("a missing deployer key is named, with the keystore as the fix, and nothing is deployed", async () => {
    const fresh = path.join(dir, "no-key");
    const { code, output } = await deploy(
      ["--network", NETWORK],
      env(["ATELIER_DEPLOYER_KEY"], { ATELIER_DEPLOYMENTS_DIR: fresh }),
    );
    expect(code).not.toBe(0);
    expect(output).toContain("ATELIER_DEPLOYER_KEY");
    expect(output).toContain("npx hardhat keystore set ATELIER_DEPLOYER_KEY");
    await expect(readFile(path.join(fresh, `${chain.chainId}.json`))).rejects.toThrow();
  });

  it("a deployer key that is not a key is refused without echoing it", async () => {
    const bad = keccak256(toHex("not a key")).slice(0, 40);
    const { code, output } = await deploy(["--network", NETWORK], env([], { ATELIER_DEPLOYER_KEY: bad }));
    expect(code).not.toBe(0);
    expect(output).not.toContain(bad.slice(2));
  });

  it("no --network, or an unknown one, says how to name one", async () => {
    const none = await deploy([], env());
    expect(none.code).not.toBe(0);
    expect(none.output).toContain("usage: npm run deploy -- --network <name>");
    const unknown = await deploy(["--network", "nowhere"], env());
    expect(unknown.code).not.toBe(0);
    expect(unknown.output).toMatch(/nowhere|not a network/);
  });
});
