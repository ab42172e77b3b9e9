/**
 * Test USD, the demo market's ERC-20: deployed as the first transaction of its own dev account, so its
 * address is known before it exists (a re-run finds it there), allowed as a price currency on Works, and
 * minted to the buyers.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { getContractAddress, parseUnits, type Abi, type Address, type Hex } from "viem";
import { devAccount } from "@atelier/devchain";
import { contract, type SeedChain } from "./chain.ts";

const ARTIFACT = path.join(import.meta.dirname, "../artifacts/TestUSD.json");
export const TOKEN_DECIMALS = 6;
export const tusd = (amount: string) => parseUnits(amount, TOKEN_DECIMALS);

export async function tokenArtifact(): Promise<{ abi: Abi; bytecode: Hex }> {
  return JSON.parse(await readFile(ARTIFACT, "utf8")) as { abi: Abi; bytecode: Hex };
}

/** Deploys (once), allows and funds Test USD; returns its address and whether anything was sent. */
export async function ensureToken(
  chain: SeedChain,
  roles: { deployer: number; admin: number; holders: number[] },
): Promise<{ token: Address; added: number }> {
  const deployer = devAccount(roles.deployer).address;
  const token = getContractAddress({ from: deployer, nonce: 0n });
  const { abi, bytecode } = await tokenArtifact();
  let added = 0;
  if ((await chain.client.getCode({ address: token })) === undefined) {
    const nonce = await chain.client.getTransactionCount({ address: deployer });
    if (nonce !== 0)
      throw new Error(
        `dev account ${roles.deployer} (${deployer}) has sent transactions but Test USD is not at ${token}: ` +
          "the seed deploys it as that account's first transaction. Start from a fresh chain (npm start -- --fresh).",
      );
    const hash = await chain.wallet(roles.deployer).deployContract({
      abi,
      bytecode,
      account: devAccount(roles.deployer),
      chain: chain.client.chain,
    });
    await chain.client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    added++;
  }
  const works = contract(chain, "Works");
  const allowed = await chain.client.readContract({
    ...works,
    functionName: "isCurrencyAllowed",
    args: [token],
  });
  if (!allowed) {
    await chain.send(roles.admin, works, "setCurrencyAllowed", [token, true]);
    added++;
  }
  for (const holder of roles.holders) {
    const owner = devAccount(holder).address;
    const balance = (await chain.client.readContract({
      address: token,
      abi,
      functionName: "balanceOf",
      args: [owner],
    })) as bigint;
    if (balance === 0n) {
      await chain.send(roles.deployer, { address: token, abi }, "mint", [owner, tusd("10000")]);
      added++;
    }
  }
  return { token, added };
}
