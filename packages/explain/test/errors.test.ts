/**
 * Error decoding: words for every custom error of the merged ABI (round-tripped through real revert data),
 * the wallet and transport failures, and real reverts from a local Hardhat node with the deployed contracts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ChainMismatchError,
  ContractFunctionExecutionError,
  defineChain,
  encodeErrorResult,
  HttpRequestError,
  InsufficientFundsError,
  parseAbi,
  toHex,
  UserRejectedRequestError,
  zeroAddress,
  zeroHash,
  type Hex,
} from "viem";
import { atelierErrorsAbi, contractAddress, licensesAbi, worksAbi, type Deployment } from "@atelier/protocol";
import { deployAtelier, devAccount, startHardhatNode, type RunningChain } from "@atelier/devchain";
import { devClients, type DevClients } from "@atelier/devchain/test-support";
import { decodeRevertData, ERROR_WORDS, explainError, explainReplacement } from "../src/index.ts";

type AbiInput = { type: string; name: string };

function sample(type: string, i: number): unknown {
  if (type === "address") return `0x${(i + 1).toString(16).padStart(40, "0")}`;
  if (type === "bool") return true;
  if (type === "string") return "text";
  if (type.startsWith("bytes")) return `0x${"ab".repeat(Number(type.slice(5)) || 4)}`;
  if (type.startsWith("uint") || type.startsWith("int")) {
    const bits = Number(type.replace(/^u?int/, "")) || 256;
    // Small types get small values (uint8 job status 2 = "claimed"); wide ones a plausible unix time.
    return bits <= 48 ? i + 2 : BigInt(1_764_590_400 + i);
  }
  throw new Error(`no sample for ${type}`);
}

describe("every custom error of the merged ABI", () => {
  const errors = atelierErrorsAbi.filter((e) => e.type === "error");

  it("has words (and the ABI has no error the words lack, nor words for errors it lacks)", () => {
    expect(errors.length).toBeGreaterThan(90);
    expect(Object.keys(ERROR_WORDS).sort()).toEqual(errors.map((e) => e.name).sort());
  });

  it.each(errors.map((e) => [e.name, e] as const))("%s decodes from revert data into words", (name, item) => {
    const inputs = item.inputs as readonly AbiInput[];
    const args = inputs.map((input, i) => sample(input.type, i));
    const data = encodeErrorResult({ abi: atelierErrorsAbi, errorName: name, args } as never);
    const problem = decodeRevertData(data);
    expect(problem.kind).toBe("reverted");
    expect(problem.errorName).toBe(name);
    expect(problem.isError).toBe(true);
    expect(Object.keys(problem.args ?? {})).toEqual(inputs.map((input, i) => input.name || String(i)));
    for (const text of [problem.title, problem.hint]) {
      expect(text.length).toBeGreaterThan(8);
      expect(text).not.toMatch(/undefined|NaN|\[object/);
      // Words for people, not the identifier.
      expect(text).not.toContain(name);
    }
  });
});

describe("wallet and transport failures", () => {
  it("a user's rejection is not an error", () => {
    const p = explainError(new UserRejectedRequestError(new Error("User denied")));
    expect(p).toMatchObject({ kind: "rejected", isError: false });
    expect(explainError({ code: 4001, message: "rejected" })).toMatchObject({
      kind: "rejected",
      isError: false,
    });
  });

  it("funds, wrong network, network", () => {
    expect(explainError(new InsufficientFundsError()).kind).toBe("funds");
    expect(
      explainError(
        new ChainMismatchError({
          chain: defineChain({
            id: 1,
            name: "Mainnet",
            nativeCurrency: { name: "E", symbol: "ETH", decimals: 18 },
            rpcUrls: { default: { http: [] } },
          }),
          currentChainId: 5,
        }),
      ).kind,
    ).toBe("wrong-network");
    expect(explainError(new HttpRequestError({ url: "http://127.0.0.1:1" })).kind).toBe("network");
    expect(explainError(new Error("boom"))).toMatchObject({ kind: "unknown", hint: "boom" });
  });

  it("replacements", () => {
    const receipt = (status: "success" | "reverted") => ({
      reason: "repriced" as const,
      transactionReceipt: { status } as never,
    });
    expect(explainReplacement(receipt("success"))).toMatchObject({
      kind: "replaced",
      isError: false,
      title: "The transaction was sped up",
    });
    expect(explainReplacement(receipt("reverted")).isError).toBe(true);
    expect(
      explainReplacement({ reason: "cancelled", transactionReceipt: { status: "success" } as never }).isError,
    ).toBe(false);
    expect(
      explainReplacement({ reason: "replaced", transactionReceipt: { status: "success" } as never }).isError,
    ).toBe(true);
  });

  it("unknown selectors and empty revert data", () => {
    expect(decodeRevertData("0xdeadbeef").title).toMatch(/unknown error 0xdeadbeef/);
    expect(decodeRevertData("0x").title).toMatch(/without saying why/);
  });
});

describe("real reverts from a local chain", () => {
  let chain: RunningChain;
  let deployment: Deployment;
  let client: DevClients["client"];
  let wallet: ReturnType<DevClients["wallet"]>;

  beforeAll(async () => {
    chain = await startHardhatNode();
    deployment = await deployAtelier({ rpcUrl: chain.rpcUrl });
    const clients = devClients(chain.rpcUrl, chain.chainId);
    client = clients.client;
    wallet = clients.wallet(5);
  }, 240_000);

  afterAll(async () => {
    await chain?.stop();
  });

  const caught = async (run: () => Promise<unknown>) => {
    try {
      await run();
    } catch (error) {
      return error;
    }
    throw new Error("expected the call to revert");
  };

  it("simulate buyLicense of a work that does not exist → UnknownWork", async () => {
    const error = await caught(() =>
      client.simulateContract({
        address: contractAddress(deployment, "Licenses"),
        abi: licensesAbi,
        functionName: "buyLicense",
        args: [999n, 1n, devAccount(5).address, 0n],
        account: devAccount(5),
      }),
    );
    expect(error).toBeInstanceOf(ContractFunctionExecutionError);
    const p = explainError(error);
    expect(p).toMatchObject({ kind: "reverted", errorName: "UnknownWork", title: "There is no work #999" });
  });

  it("write (gas estimation) withdraw with no credit → NothingToWithdraw, with an ABI that lacks the error", async () => {
    // A minimal ABI without errors: viem cannot decode, the merged error ABI does.
    const abi = parseAbi(["function withdraw(address currency)"]);
    const error = await caught(() =>
      wallet.writeContract({
        address: contractAddress(deployment, "Licenses"),
        abi,
        functionName: "withdraw",
        args: [zeroAddress],
        account: devAccount(5),
        chain: undefined,
      }),
    );
    const p = explainError(error);
    expect(p.kind).toBe("reverted");
    expect(p.errorName).toBe("NothingToWithdraw");
    expect(p.title).toBe(`There is nothing to withdraw for 0x9965…A4dc`);
  });

  it("mintWork twice with the same content → DuplicateContentHash naming the existing work", async () => {
    const contentHash = toHex(new Uint8Array(32).fill(7)) as Hex;
    const metadataDigest = toHex(new Uint8Array(32).fill(9)) as Hex;
    const works = contractAddress(deployment, "Works");
    const args = [contentHash, metadataDigest, zeroHash, 0n, 0, [], []] as const;
    const hash = await wallet.writeContract({
      address: works,
      abi: worksAbi,
      functionName: "mintWork",
      args,
      account: devAccount(5),
      chain: undefined,
    });
    expect((await client.waitForTransactionReceipt({ hash })).status).toBe("success");
    const error = await caught(() =>
      client.simulateContract({
        address: works,
        abi: worksAbi,
        functionName: "mintWork",
        args,
        account: devAccount(5),
      }),
    );
    const p = explainError(error);
    expect(p.errorName).toBe("DuplicateContentHash");
    expect(p.title).toMatch(/^This exact file is already minted as work #\d+$/);
    expect(p.args?.contentHash).toBe(contentHash);
  });

  it("mintWork without a content hash → InvalidContentHash", async () => {
    const error = await caught(() =>
      client.simulateContract({
        address: contractAddress(deployment, "Works"),
        abi: worksAbi,
        functionName: "mintWork",
        args: [zeroHash, zeroHash, zeroHash, 0n, 0, [], []],
        account: devAccount(5),
      }),
    );
    expect(explainError(error)).toMatchObject({
      errorName: "InvalidContentHash",
      hint: "The page computes it from the file; choose the file again.",
    });
  });
});
