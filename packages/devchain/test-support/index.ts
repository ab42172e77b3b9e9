/**
 * viem clients for tests on a local chain (`startHardhatNode`): the chain object, one public client and a
 * wallet client per dev account — the setup every chain test wrote out for itself.
 */
import {
  createPublicClient,
  createWalletClient,
  http,
  type Account,
  type Chain,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { hardhat } from "viem/chains";
import { devAccount } from "../src/index.ts";

export interface DevClients {
  /** Hardhat's chain with this node's id and RPC URL. */
  chain: Chain;
  /** Reads without viem's block-number cache: each read sees the block just mined. */
  client: PublicClient<Transport, Chain>;
  /** A wallet client of dev account `account` (an index into Hardhat's test accounts) or of `account` itself. */
  wallet(account: number | Account): WalletClient<Transport, Chain, Account>;
}

export function devClients(rpcUrl: string, chainId: number = hardhat.id): DevClients {
  if (!/^https?:\/\//.test(rpcUrl))
    throw new Error(`devClients: "${rpcUrl}" is not an http(s) RPC URL (pass the running chain's rpcUrl)`);
  const chain: Chain = { ...hardhat, id: chainId, rpcUrls: { default: { http: [rpcUrl] } } };
  const transport = http(rpcUrl);
  return {
    chain,
    client: createPublicClient({ chain, transport, cacheTime: 0 }),
    wallet: (account) =>
      createWalletClient({
        chain,
        transport,
        account: typeof account === "number" ? devAccount(account) : account,
      }),
  };
}
