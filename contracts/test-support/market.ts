/**
 * Setup shared by the generation-market tests (`contracts/test/market/`): a deployment with a model and one
 * staked node, and the market's solvency rule.
 */
import assert from "node:assert/strict";
import type { Address } from "viem";
import { ZERO, type createFixture } from "./fixture.ts";
import { Status } from "./jobs.ts";

type Fixture = Awaited<ReturnType<typeof createFixture>>;
export type Deployed = Awaited<ReturnType<Fixture["load"]>>;

export function marketTools(f: Fixture) {
  /** The deployment with the default model registered and `node` staked and serving it. */
  async function ready(): Promise<Deployed> {
    const d = await f.load();
    await f.registerModel(d);
    await f.registerNode(d, f.node);
    return d;
  }

  /** ETH held by the market == open escrow + credits + stakes (staked and unbonding). */
  async function assertSolvent(d: Deployed, jobIds: bigint[], accounts: Address[]) {
    let escrow = 0n;
    for (const jobId of jobIds) {
      const job = await d.market.read.getJob([jobId]);
      if (job.status === Status.Open || job.status === Status.Claimed) escrow += job.fee;
    }
    let credits = 0n;
    let stakes = 0n;
    for (const a of accounts) {
      credits += await d.market.read.creditOf([a, ZERO]);
      const n = await d.market.read.nodeInfo([a]);
      stakes += n.stake + n.unbonding;
    }
    assert.equal(await f.publicClient.getBalance({ address: d.market.address }), escrow + credits + stakes);
  }

  return { ready, assertSolvent };
}
