/**
 * The seed's view of the chain: one public client, a wallet per dev account, and `send`, which simulates
 * first (a revert surfaces as the contract's own error, named) and waits for the receipt.
 */
import {
  createPublicClient,
  createWalletClient,
  http,
  type Abi,
  type Address,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
} from "viem";
import { hardhat } from "viem/chains";
import { abis, atelierErrorsAbi, type Deployment } from "@atelier/protocol";
import { devAccount } from "@atelier/devchain";

export interface SeedChain {
  client: PublicClient;
  deployment: Deployment;
  address(name: keyof typeof abis): Address;
  wallet(account: number): WalletClient;
  /** Sends `functionName(args)` on `target` from dev account `from`; resolves with the mined receipt. */
  send(
    from: number,
    target: { address: Address; abi: Abi },
    functionName: string,
    args: readonly unknown[],
    value?: bigint,
  ): Promise<TransactionReceipt>;
}

export function seedChain(rpcUrl: string, deployment: Deployment): SeedChain {
  const chain = { ...hardhat, id: deployment.chainId };
  const client = createPublicClient({ chain, transport: http(rpcUrl), cacheTime: 0 }) as PublicClient;
  const wallets = new Map<number, WalletClient>();
  const wallet = (account: number) => {
    if (!wallets.has(account))
      wallets.set(
        account,
        createWalletClient({ chain, transport: http(rpcUrl), account: devAccount(account) }),
      );
    return wallets.get(account)!;
  };
  const address = (name: keyof typeof abis) => {
    const found = (deployment.contracts as Record<string, Address | undefined>)[name];
    if (!found) throw new Error(`the deployment file has no ${name} address: deploy the contracts first`);
    return found;
  };
  return {
    client,
    deployment,
    address,
    wallet,
    async send(from, target, functionName, args, value = 0n) {
      const account = devAccount(from);
      // Every Atelier error in the ABI: a revert is named (ExclusiveOfferMix(4)), not "unrecognized".
      const { request } = await client.simulateContract({
        account,
        address: target.address,
        abi: [...target.abi, ...atelierErrorsAbi],
        functionName,
        args,
        value,
      } as never);
      const hash = await wallet(from).writeContract(request as never);
      const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
      if (receipt.status !== "success") throw new Error(`${functionName} reverted (tx ${hash})`);
      return receipt;
    },
  };
}

export const contract = (chain: SeedChain, name: keyof typeof abis) => ({
  address: chain.address(name),
  abi: abis[name] as Abi,
});
