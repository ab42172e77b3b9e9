/**
 * @atelier/protocol's client derivations, the JSON ABIs, the merged error ABI and the licence metadata schema, checked
 * against the contracts' own results on a real local chain (Ignition deployment of the shipped artifacts).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BaseError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  keccak256,
  parseEther,
  parseEventLogs,
  toHex,
  type Hex,
} from "viem";
import { deployAtelier, devAccount, startHardhatNode, type RunningChain } from "@atelier/devchain";
import { devClients, type DevClients } from "@atelier/devchain/test-support";
import {
  abis,
  atelierErrorsAbi,
  contentHashOf,
  contractAddress,
  generatedWatermarkId,
  ipfsUriOfDigest,
  jobSeedOf,
  licenseIdOf,
  licensesAbi,
  metadataDigestOf,
  parseLicenseId,
  uploadWatermarkId,
  worksAbi,
  generationMarketAbi,
  type Deployment,
} from "@atelier/protocol";

/** The protocol package's directory: its shipped JSON ABIs and schemas are checked against the chain. */
const ROOT = path.resolve(fileURLToPath(import.meta.resolve("@atelier/protocol")), "../..");
const ZERO = "0x0000000000000000000000000000000000000000" as const;

describe("client derivations against the contracts", () => {
  let chain: RunningChain;
  let deployment: Deployment;
  let client: DevClients["client"];
  let creator: ReturnType<DevClients["wallet"]>;
  let buyer: ReturnType<DevClients["wallet"]>;
  let works: `0x${string}`;
  let licenses: `0x${string}`;
  let market: `0x${string}`;

  beforeAll(async () => {
    chain = await startHardhatNode();
    deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
    const clients = devClients(chain.rpcUrl, chain.chainId);
    client = clients.client;
    creator = clients.wallet(3);
    buyer = clients.wallet(4);
    works = contractAddress(deployment, "Works");
    licenses = contractAddress(deployment, "Licenses");
    market = contractAddress(deployment, "GenerationMarket");
  }, 180_000);

  afterAll(async () => {
    await chain?.stop();
  });

  const mined = async (hash: Hex) => {
    const r = await client.waitForTransactionReceipt({ hash });
    expect(r.status).toBe("success");
    return r;
  };

  it("content hash, metadata CID, upload watermark id and licence id match what the contracts compute", async () => {
    const image = new TextEncoder().encode("pretend these are PNG bytes");
    const metadata = new TextEncoder().encode(JSON.stringify({ name: "a work", image: "ipfs://bafk" }));
    const salt = keccak256(toHex("salt"));
    const account = creator.account!;
    const watermarkId = uploadWatermarkId(account.address, salt);
    expect(
      await client.readContract({
        address: works,
        abi: worksAbi,
        functionName: "uploadWatermarkId",
        args: [account.address, salt],
      }),
    ).toBe(watermarkId);
    const receipt = await mined(
      await creator.writeContract({
        address: works,
        abi: worksAbi,
        functionName: "mintWork",
        args: [
          contentHashOf(image),
          metadataDigestOf(metadata),
          salt,
          0n,
          0,
          [],
          [{ termsId: 2, currency: ZERO, price: parseEther("0.01"), maxSupply: 0 }],
        ],
        account,
        chain: undefined,
      }),
    );
    const [minted] = parseEventLogs({ abi: worksAbi, logs: receipt.logs, eventName: "WorkMinted" });
    const workId = minted!.args.workId;
    expect(minted!.args.watermarkId).toBe(watermarkId);
    const read = <T>(functionName: string, args: unknown[], abi: unknown = worksAbi, address = works) =>
      client.readContract({ address, abi, functionName, args } as never) as Promise<T>;
    expect(await read<bigint>("workByContentHash", [contentHashOf(image)])).toBe(workId);
    expect(await read<bigint>("workByWatermark", [watermarkId])).toBe(workId);
    expect(await read<string>("tokenURI", [workId])).toBe(ipfsUriOfDigest(metadataDigestOf(metadata)));

    const bought = await mined(
      await buyer.writeContract({
        address: licenses,
        abi: licensesAbi,
        functionName: "buyLicense",
        args: [workId, 1n, buyer.account!.address, parseEther("0.01")],
        value: parseEther("0.01"),
        account: buyer.account!,
        chain: undefined,
      }),
    );
    const [purchase] = parseEventLogs({ abi: licensesAbi, logs: bought.logs, eventName: "LicensePurchased" });
    const licenseId = licenseIdOf(workId, 1n, 1n);
    expect(purchase!.args.licenseId).toBe(licenseId);
    expect(await read<bigint>("licenseIdOf", [workId, 1n, 1n], licensesAbi, licenses)).toBe(licenseId);
    expect(parseLicenseId(licenseId)).toEqual({ workId, offerId: 1n, serial: 1n });

    // The licence's tokenURI is metadata JSON that follows the shipped schema.
    const uri = await read<string>("tokenURI", [licenseId], licensesAbi, licenses);
    expect(uri.startsWith("data:application/json;base64,")).toBe(true);
    const json = JSON.parse(Buffer.from(uri.slice(29), "base64").toString("utf8")) as {
      license: Record<string, unknown>;
      external_url: string;
    };
    const schema = JSON.parse(readFileSync(path.join(ROOT, "schemas/license-metadata.schema.json"), "utf8"));
    const validate = new Ajv({ allErrors: true }).compile(schema);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
    expect(json.license).toMatchObject({
      licenseId: licenseId.toString(),
      workId: workId.toString(),
      licensee: buyer.account!.address,
      termsId: 2,
      price: parseEther("0.01").toString(),
      currency: ZERO,
    });
    expect(json.external_url).toMatch(/^ipfs:\/\/bafkrei/);

    // Any revert decodes with the merged error ABI (here Works' error, raised through mintWork).
    try {
      await client.simulateContract({
        address: works,
        abi: worksAbi,
        functionName: "mintWork",
        args: [contentHashOf(image), metadataDigestOf(metadata), `0x${"00".repeat(32)}`, 0n, 0, [], []],
        account: account.address,
      });
      expect.unreachable("a duplicate mint must revert");
    } catch (err) {
      const revert = (err as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
      const data = (revert as ContractFunctionRevertedError).raw as Hex;
      const decoded = decodeErrorResult({ abi: atelierErrorsAbi, data });
      expect(decoded.errorName).toBe("DuplicateContentHash");
      expect(decoded.args).toEqual([contentHashOf(image), workId]);
    }
  });

  it("the job seed and the generated watermark id match the market", async () => {
    const node = devAccount(5).address;
    const secret = keccak256(toHex("node secret"));
    const seed = await client.readContract({
      address: market,
      abi: generationMarketAbi,
      functionName: "seedOf",
      args: [7n, node, secret],
    });
    expect(toHex(seed, { size: 32 })).toBe(jobSeedOf(chain.chainId, market, 7n, node, secret));
    expect(
      BigInt(
        await client.readContract({
          address: market,
          abi: generationMarketAbi,
          functionName: "watermarkIdOf",
          args: [7n],
        }),
      ),
    ).toBe(generatedWatermarkId(7n));
  });
});

describe("JSON ABI files", () => {
  it("equal the typed ABIs, and errors.json holds every contract's errors once", () => {
    for (const [name, abi] of Object.entries(abis)) {
      expect(JSON.parse(readFileSync(path.join(ROOT, "abi", `${name}.json`), "utf8"))).toEqual(abi);
    }
    const errors = JSON.parse(readFileSync(path.join(ROOT, "abi", "errors.json"), "utf8")) as {
      name: string;
    }[];
    expect(errors).toEqual(atelierErrorsAbi);
    const names = new Set(errors.map((e) => e.name));
    for (const abi of Object.values(abis)) {
      for (const item of abi as readonly { type: string; name?: string }[]) {
        if (item.type === "error") expect(names.has(item.name!), item.name).toBe(true);
      }
    }
  });
});
