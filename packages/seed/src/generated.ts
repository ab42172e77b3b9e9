/**
 * The generated half of the demo market: generation jobs that the running generator node claims, makes and
 * fulfils (nothing here makes a picture), a licence sold on one of them, and an AI remix — a variation job
 * naming a generated work as its parent, minted as its derivative. A job already requested by the same
 * account with the same prompt and model is waited for, never requested twice.
 */
import { parseEther, parseEventLogs, stringToHex, type Address } from "viem";
import { abis } from "@atelier/protocol";
import { devAccount } from "@atelier/devchain";
import { contract, type SeedChain } from "./chain.ts";
import { ensureLicence, offerInput, short, type SeededWork, type Tally } from "./market.ts";
import { GENERATED_SALE, JOBS, VARIATION, type PlannedOffer } from "./plan.ts";

const FEE = parseEther("0.01");
const STATUS = ["None", "Open", "Claimed", "Fulfilled", "Rejected", "Cancelled", "Expired"] as const;

interface JobSpec {
  key: string;
  title: string;
  requester: number;
  modelId: number;
  prompt: string;
  offer: PlannedOffer;
  parents: { workId: bigint; licenseId: bigint }[];
  /** Match an earlier job by model and prompt from any requester (there is one AI remix per market). */
  anyRequester?: boolean;
}

/** The job `spec` asks for: an earlier one with the same requester, model and prompt, or a new request. */
async function ensureJob(
  chain: SeedChain,
  spec: JobSpec,
  token: Address,
): Promise<{ jobId: bigint; added: boolean }> {
  const market = contract(chain, "GenerationMarket");
  const requester = devAccount(spec.requester).address;
  const prompt = stringToHex(spec.prompt);
  const earlier = await chain.client.getContractEvents({
    address: market.address,
    abi: abis.GenerationMarket,
    eventName: "JobRequested",
    args: spec.anyRequester ? { modelId: spec.modelId } : { requester, modelId: spec.modelId },
    fromBlock: BigInt(chain.deployment.startBlock),
  });
  const same = earlier.find((e) => e.args.prompt === prompt);
  if (same) return { jobId: same.args.jobId!, added: false };
  const block = await chain.client.getBlock();
  const receipt = await chain.send(
    spec.requester,
    market,
    "requestGeneration",
    [
      spec.modelId,
      prompt,
      "0x",
      Number(block.timestamp) + 600,
      500,
      offerInput(spec.offer, token),
      spec.parents,
    ],
    FEE,
  );
  const [requested] = parseEventLogs({
    abi: abis.GenerationMarket,
    logs: receipt.logs,
    eventName: "JobRequested",
  });
  return { jobId: requested!.args.jobId, added: true };
}

/** Polls the job until the node fulfils it; a rejected, cancelled or expired job is an error naming it. */
async function fulfilled(chain: SeedChain, jobId: bigint, what: string, timeoutMs: number): Promise<bigint> {
  const market = contract(chain, "GenerationMarket");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = Number(
      await chain.client.readContract({ ...market, functionName: "jobStatus", args: [jobId] }),
    );
    if (status === 3)
      return (await chain.client.readContract({
        ...market,
        functionName: "workOfJob",
        args: [jobId],
      })) as bigint;
    if (status >= 4)
      throw new Error(`the seed's job ${jobId} (${what}) ended ${STATUS[status]}; see the node log`);
    if (Date.now() > deadline)
      throw new Error(
        `the seed's job ${jobId} (${what}) was not fulfilled in ${timeoutMs / 1000} s; see the node log`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export async function seedGenerated(options: {
  chain: SeedChain;
  token: Address;
  models: { art: number; variation?: number };
  /** The work the AI remix varies, its title and the dev account that owns it (default: the first job's work). */
  remixOf?: { workId: bigint; owner: number; title: string };
  log(line: string): void;
  timeoutMs?: number;
}): Promise<{ works: SeededWork[]; tally: Tally }> {
  const { chain, token, log } = options;
  const timeoutMs = options.timeoutMs ?? 300_000;
  const tally: Tally = { works: 0, licences: 0, other: 0 };
  const specs: JobSpec[] = JOBS.map((job) => ({
    key: job.key,
    title: job.prompt,
    requester: job.requester,
    modelId: options.models.art,
    prompt: job.prompt,
    offer: job.offer,
    parents: [],
  }));
  // Requested together: the node works on several at once.
  const jobs: { jobId: bigint; added: boolean }[] = [];
  for (const spec of specs) jobs.push(await ensureJob(chain, spec, token));
  const works: SeededWork[] = [];
  const record = async (spec: JobSpec, job: { jobId: bigint; added: boolean }, kind: SeededWork["kind"]) => {
    const workId = await fulfilled(chain, job.jobId, spec.prompt, timeoutMs);
    const work: SeededWork = {
      key: spec.key,
      workId,
      title: spec.title,
      creator: devAccount(spec.requester).address,
      kind,
      added: job.added,
    };
    works.push(work);
    if (job.added) tally.works++;
    if (job.added)
      log(
        `job ${job.jobId} fulfilled by the node as work ${workId} (${kind}: “${spec.prompt}”, for ${short(work.creator)})`,
      );
    return work;
  };
  for (const [i, spec] of specs.entries()) await record(spec, jobs[i]!, "generated");

  const sold = works.find((w) => w.key === GENERATED_SALE.key)!;
  await ensureLicence(chain, sold.workId, GENERATED_SALE.offerId, GENERATED_SALE.buyer, tally);

  if (options.models.variation !== undefined) {
    const parent = options.remixOf ?? {
      workId: works[0]!.workId,
      owner: specs[0]!.requester,
      title: specs[0]!.prompt,
    };
    // The node names a variation by its prompt: say what it varies.
    const prompt = `${parent.title}, a variation`;
    const spec: JobSpec = {
      key: "variation",
      title: prompt,
      requester: parent.owner,
      modelId: options.models.variation,
      prompt,
      offer: VARIATION.offer,
      parents: [{ workId: parent.workId, licenseId: 0n }],
      anyRequester: true,
    };
    await record(spec, await ensureJob(chain, spec, token), "variation");
  }
  return { works, tally };
}
