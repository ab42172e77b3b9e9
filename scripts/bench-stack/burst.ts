/**
 * A burst of generation requests against the running stack's node: `jobs` requestGeneration transactions
 * sent as fast as `senders` dev accounts can (each account in order, the accounts side by side), then
 * waited for until every job is fulfilled or rejected. Checked twice: on chain (each job's status, and
 * exactly one JobFulfilled per fulfilled job) and in the index (each job fulfilled there, with exactly one
 * generated work naming it).
 */
import { createPublicClient, createWalletClient, http, parseEther } from "viem";
import { hardhat } from "viem/chains";
import { contractAddress, generationMarketAbi, type Deployment } from "@atelier/protocol";
import { devAccount } from "@atelier/devchain";
import { burstPrompt } from "@atelier/generator-node/prompts";
import { requestJob } from "../lib/demo-work.ts";
import { postGraphql } from "../lib/indexer.ts";

export interface BurstResult {
  jobs: number;
  fulfilled: number;
  rejected: number;
  /** Jobs neither fulfilled nor rejected (refunded) by the end, on chain or in the index. */
  lost: number;
  /** Jobs fulfilled more than once on chain, or with more than one work in the index. */
  doubles: number;
  submitS: number;
  /** First request sent → last job settled on chain. */
  drainS: number;
  jobsPerMin: number;
  /** Last job settled on chain → the index showing every job settled. */
  indexLagS: number;
}

/** Dev accounts 10.. send the burst: none of them is used by `npm start` or the browser test. */
const FIRST_SENDER = 10;

export async function generationBurst(options: {
  rpcUrl: string;
  graphqlUrl: string;
  deployment: Deployment;
  modelId: number;
  jobs: number;
  senders: number;
  timeoutMs: number;
  /**
   * Stop waiting once no job has settled for this long: a job the node leaves open (its output classified
   * unsafe before the claim: it is neither claimed nor rejected) would otherwise hold the bench until
   * `timeoutMs`. Such jobs count as lost, and the index is then checked for the settled ones.
   */
  stallMs: number;
  log: (line: string) => void;
}): Promise<BurstResult> {
  const chain = { ...hardhat, id: options.deployment.chainId };
  const client = createPublicClient({ chain, transport: http(options.rpcUrl), cacheTime: 0 });
  const market = contractAddress(options.deployment, "GenerationMarket");
  const fromBlock = await client.getBlockNumber();
  const deadline = Number((await client.getBlock()).timestamp) + 3 * 3600;

  const started = performance.now();
  const jobIds: bigint[] = [];
  await Promise.all(
    Array.from({ length: options.senders }, async (_, s) => {
      const wallet = createWalletClient({
        chain,
        transport: http(options.rpcUrl),
        account: devAccount(FIRST_SENDER + s),
      });
      for (let i = s; i < options.jobs; i += options.senders) {
        const { jobId } = await requestJob(wallet, client, market, {
          modelId: options.modelId,
          prompt: burstPrompt(i),
          deadline,
          fee: parseEther("0.001"),
        });
        jobIds.push(jobId);
      }
    }),
  );
  const submitS = (performance.now() - started) / 1000;
  options.log(`burst: ${jobIds.length} jobs requested in ${submitS.toFixed(1)} s`);

  const wanted = new Set(jobIds.map(String));
  const settledOnChain = async () => {
    const [fulfilled, rejected] = await Promise.all(
      (["JobFulfilled", "JobRejected"] as const).map((eventName) =>
        client.getContractEvents({ address: market, abi: generationMarketAbi, eventName, fromBlock }),
      ),
    );
    const count = (logs: { args: { jobId?: bigint } }[]) => {
      const per = new Map<string, number>();
      for (const log of logs) {
        const id = String(log.args.jobId);
        if (wanted.has(id)) per.set(id, (per.get(id) ?? 0) + 1);
      }
      return per;
    };
    return { fulfilled: count(fulfilled!), rejected: count(rejected!) };
  };

  let settled = await settledOnChain();
  let lastReport = 0;
  let lastDone = -1;
  let lastProgressAt = performance.now();
  for (;;) {
    const done = settled.fulfilled.size + settled.rejected.size;
    if (done !== lastDone) [lastDone, lastProgressAt] = [done, performance.now()];
    if (done >= jobIds.length) break;
    if (performance.now() - started > options.timeoutMs) break;
    if (performance.now() - lastProgressAt > options.stallMs) {
      const open = jobIds.filter(
        (id) => !settled.fulfilled.has(String(id)) && !settled.rejected.has(String(id)),
      );
      options.log(
        `burst: nothing settled for ${options.stallMs / 1000} s; left open: jobs ${open.join(", ")} (see the node's log)`,
      );
      break;
    }
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      options.log(
        `burst: ${done}/${jobIds.length} settled after ${((performance.now() - started) / 1000).toFixed(0)} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    settled = await settledOnChain();
  }
  // Up to the last job seen settled (a stall's wait is not draining).
  const drainS = (lastProgressAt - started) / 1000;

  // Each job's status as the contract holds it (3 fulfilled, 4 rejected): nothing else may remain.
  let unsettledOnChain = 0;
  for (const jobId of jobIds) {
    const job = await client.readContract({
      address: market,
      abi: generationMarketAbi,
      functionName: "getJob",
      args: [jobId],
    });
    if (job.status !== 3 && job.status !== 4) unsettledOnChain++;
  }
  const chainDoubles = [...settled.fulfilled.values()].filter((n) => n > 1).length;

  const settledIds = jobIds.filter(
    (id) => settled.fulfilled.has(String(id)) || settled.rejected.has(String(id)),
  );
  const index = await waitForIndex(options.graphqlUrl, settledIds, options.rpcUrl, 120_000);
  const indexLagS = (performance.now() - started) / 1000 - drainS;
  return {
    jobs: jobIds.length,
    fulfilled: settled.fulfilled.size,
    rejected: settled.rejected.size,
    lost: Math.max(unsettledOnChain, jobIds.length - settledIds.length + index.unsettled),
    doubles: Math.max(chainDoubles, index.doubles),
    submitS: Number(submitS.toFixed(1)),
    drainS: Number(drainS.toFixed(1)),
    jobsPerMin: Number(((60 * settled.fulfilled.size) / drainS).toFixed(1)),
    indexLagS: Number(indexLagS.toFixed(1)),
  };
}

interface IndexedJob {
  id: string;
  status: string;
  work: string | null;
}

/** Polls the index (mining a block each time, as the indexer writes on blocks) until every job is settled there. */
async function waitForIndex(
  url: string,
  jobIds: bigint[],
  rpcUrl: string,
  timeoutMs: number,
): Promise<{ unsettled: number; doubles: number }> {
  const ids = jobIds.map(String);
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const jobs: IndexedJob[] = [];
    for (let at = 0; at < ids.length; at += 500) {
      const batch = JSON.stringify(ids.slice(at, at + 500));
      const { jobs: page } = await postGraphql<{ jobs: { items: IndexedJob[] } }>(
        url,
        `{ jobs(where: { id_in: ${batch} }, limit: 1000) { items { id status work } } }`,
      );
      jobs.push(...page.items);
    }
    const settled = jobs.filter((j) => j.status === "fulfilled" || j.status === "rejected");
    if (settled.length === ids.length || performance.now() > deadline) {
      const works = await worksOfJobs(url, new Set(ids));
      const doubles = [...works.values()].filter((n) => n > 1).length;
      const missingWork = jobs.filter((j) => j.status === "fulfilled" && !works.has(j.id)).length;
      return { unsettled: ids.length - settled.length + missingWork, doubles };
    }
    await fetch(rpcUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }),
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

/** How many generated works the index holds per job id (of the given ones). */
async function worksOfJobs(url: string, ids: Set<string>): Promise<Map<string, number>> {
  const per = new Map<string, number>();
  let after: string | null = null;
  for (;;) {
    const cursor: string = after ? `, after: "${after}"` : "";
    const { works } = await postGraphql<{
      works: {
        items: { job: string | null }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    }>(
      url,
      `{ works(where: { source: "generated" }, limit: 1000${cursor}) { items { job } pageInfo { hasNextPage endCursor } } }`,
    );
    for (const w of works.items) if (w.job && ids.has(w.job)) per.set(w.job, (per.get(w.job) ?? 0) + 1);
    if (!works.pageInfo.hasNextPage) return per;
    after = works.pageInfo.endCursor;
  }
}
