import { createRequire } from "node:module";
import { defineConfig } from "hardhat/config";
import hardhatToolboxViem from "@nomicfoundation/hardhat-toolbox-viem";

const require = createRequire(import.meta.url);

// The compiler comes from the npm `solc` package (same version) so builds never download a compiler.
const SOLC_VERSION = "0.8.28";

export default defineConfig({
  plugins: [hardhatToolboxViem],
  paths: {
    sources: { solidity: ["contracts/src"] },
    tests: { solidity: "contracts/test", nodejs: "contracts/test" },
    // Ignition journals are local state of one chain run, not source: keep them out of the tree.
    ignition: ".atelier/ignition",
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
  },
});
