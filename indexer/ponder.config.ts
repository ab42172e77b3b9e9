import { createConfig } from "ponder";
import { abis } from "@atelier/protocol";
import { loadSettings } from "./lib/settings.ts";

const settings = await loadSettings();
const { contracts, startBlock, chainId } = settings.deployment;
const chain = "atelier" as const;
const on = <A>(abi: A, address: `0x${string}` | undefined, name: string) => {
  if (!address) throw new Error(`the deployment has no ${name}: redeploy with the current contracts`);
  return { chain, abi, address, startBlock };
};

export default createConfig({
  database: settings.database,
  ordering: "omnichain",
  chains: {
    atelier: { id: chainId, rpc: settings.rpcUrl, pollingInterval: 100, disableCache: settings.disableCache },
  },
  contracts: {
    LicenseTerms: on(abis.LicenseTerms, contracts.LicenseTerms, "LicenseTerms"),
    Works: on(abis.Works, contracts.Works, "Works"),
    Licenses: on(abis.Licenses, contracts.Licenses, "Licenses"),
    GenerationMarket: on(abis.GenerationMarket, contracts.GenerationMarket, "GenerationMarket"),
  },
  blocks: {
    // Resolves metadata fetched in the background; event handlers never wait for IPFS.
    MetadataRetry: { chain, startBlock, interval: 1 },
  },
});
