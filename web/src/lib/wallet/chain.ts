import { defineChain, type Chain } from "viem";
import type { PublicConfig } from "../config.ts";

/** The one chain this deployment lives on, as viem/wagmi and wallets (wallet_addEthereumChain) see it. */
export function atelierChain(config: PublicConfig): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
    testnet: config.chainId === 31337 || config.chainId === 1337,
  });
}
