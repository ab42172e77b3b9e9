/**
 * Setup shared by the generation-market hardening tests (`contracts/test/hardening/`): a deployment with a
 * model and two staked nodes, a stand-in model, a job fee, and mempool tools (automine off for one block,
 * an attacker's copy of a pending transaction's content hash).
 */
import { decodeFunctionData, encodeAbiParameters, keccak256, parseEther, parseGwei, type Hex } from "viem";
import { GENERATION_FEE_BPS, ZERO_HASH, type createFixture, metadataDigest } from "./fixture.ts";

/** The fixture's default job fee (`f.request`). */
export const FEE = parseEther("0.001");
export const protocolFee = (FEE * GENERATION_FEE_BPS) / 10_000n;
/** GenerationMarket.JobStatus values. */
export const Status = {
  None: 0,
  Open: 1,
  Claimed: 2,
  Fulfilled: 3,
  Rejected: 4,
  Cancelled: 5,
  Expired: 6,
} as const;

/** A deterministic stand-in model: the output's content hash is a function of the seed only. */
export const render = (seed: bigint): Hex => keccak256(encodeAbiParameters([{ type: "uint256" }], [seed]));

type Fixture = Awaited<ReturnType<typeof createFixture>>;
export type Deployed = Awaited<ReturnType<Fixture["load"]>>;

export function jobTools(f: Fixture) {
  const { node, node2, outsider, publicClient } = f;

  /** The deployment with a model registered and `node`, `node2` staked and serving it. */
  async function ready(): Promise<Deployed> {
    const d = await f.load();
    await f.registerModel(d);
    await f.registerNode(d, node);
    await f.registerNode(d, node2);
    return d;
  }

  /** Turns automine off, runs `body`, mines one block with everything pending, turns automine back on. */
  async function inOneBlock<T>(body: () => Promise<T>): Promise<T> {
    const provider = f.connection.provider;
    await provider.request({ method: "evm_setAutomine", params: [false] });
    try {
      const result = await body();
      await provider.request({ method: "evm_mine", params: [] });
      return result;
    } finally {
      await provider.request({ method: "evm_setAutomine", params: [true] });
    }
  }

  const receiptOf = (hash: Hex) => publicClient.waitForTransactionReceipt({ hash });

  /** An attacker's copy of the content hash in `hash`'s calldata, minted with a higher tip. */
  async function frontRunMint(d: Deployed, hash: Hex, attacker = outsider): Promise<Hex> {
    const pending = await publicClient.getTransaction({ hash });
    const { args } = decodeFunctionData({ abi: d.market.abi, data: pending.input });
    const copied = args[1] as Hex; // claimJob(jobId, contentHash) and fulfilJob(jobId, contentHash, …)
    return d.works.write.mintWork([copied, metadataDigest(), ZERO_HASH, 0n, 0, [], []], {
      account: attacker.account,
      gas: 600_000n,
      maxFeePerGas: parseGwei("300"),
      maxPriorityFeePerGas: parseGwei("200"),
    });
  }

  return { ready, inOneBlock, receiptOf, frontRunMint };
}
