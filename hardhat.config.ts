import { createRequire } from "node:module";
import { configVariable, defineConfig } from "hardhat/config";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";
import { hardhatNetworks } from "./contracts/networks.ts";

const require = createRequire(import.meta.url);

// The compiler comes from the npm `solc` package (same version) so builds never download a compiler.
const SOLC_VERSION = "0.8.28";

export default defineConfig({
  plugins: [hardhatToolboxViem],
  paths: {
    sources: { solidity: ["contracts/src"] },
    tests: { solidity: "contracts/test", nodejs: "contracts/test" },
    // Ignition journals are local state of one chain run, not source: keep them out of the tree.
    // ATELIER_IGNITION_DIR moves them (`npm run deploy` keeps a journal per deployment there: keep it).
    ignition: process.env.ATELIER_IGNITION_DIR ?? ".atelier/ignition",
  },
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: {
      optimizer: { enabled: true, runs: 10000 },
      viaIR: true,
      evmVersion: "cancun",
    },
  },
  test: {
    solidity: {
      fuzz: { runs: 256 },
      // ~12 s for all invariants on this 2-core machine (EDR); raise locally for deeper campaigns.
      invariant: { runs: 256, depth: 100, failOnRevert: false },
    },
  },
  networks: {
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.ATELIER_RPC_URL ?? "http://127.0.0.1:8545",
    },
    // `npm run deploy -- --network <name>`: public networks and one the environment defines (.env.example).
    ...hardhatNetworks(),
  },
  // Source verification after `npm run deploy`, only where an explorer API key is configured (Etherscan's
  // v2 key covers its explorers on every chain it serves).
  verify: {
    etherscan: { apiKey: configVariable("ETHERSCAN_API_KEY") },
    blockscout: { enabled: false },
    sourcify: { enabled: false },
  },
});
