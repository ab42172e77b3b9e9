/**
 * viem binding of {@link Market} to the deployed Atelier `GenerationMarket` (ABI from
 * `@atelier/protocol`, generated from the build). Also the operator calls (register, unstake, status).
 */
import { generationMarketAbi, worksAbi, contractAddress, type Deployment } from "@atelier/protocol";
import {
  type Account,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import type { RejectReason } from "../safety/policy.ts";
import type { FulfilArgs, JobRequest, JobStatusName, Market, OnChainJob } from "./market.ts";
import { RevertError, TxSender } from "./tx.ts";

/** GenerationMarket.JobStatus, in declaration order. */
export const JOB_STATUS: readonly JobStatusName[] = [
  "none",
  "open",
  "claimed",
  "fulfilled",
  "rejected",
  "cancelled",
  "expired",
];

/**
 * `rejectJob` reason codes (contracts/README: 1 unsafe prompt, 2 invalid params, 3 duplicate content,
 * 4 model unavailable). Unsafe output is reported as 1 too; all malformed-request reasons as 2. A
 * rejection gives the job back to the open pool (other nodes may serve it; the requester may cancel).
 */
export const REJECT_CODES: Record<RejectReason, number> = {
  BannedContent: 1,
  UnsafeOutput: 1,
  PromptTooLong: 2,
  PromptEmpty: 2,
  InvalidParams: 2,
  DuplicateContent: 3,
  ModelFailure: 4,
};

type RequestLog = {
  args: {
    jobId?: bigint;
    requester?: Address;
    modelId?: number;
    prompt?: Hex;
    params?: Hex;
    fee?: bigint;
    deadline?: number;
    watermarkId?: bigint;
    parents?: readonly { workId: bigint; licenseId: bigint }[];
  };
  blockNumber: bigint | null;
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Decodes a prompt; invalid UTF-8 becomes a string the policy rejects as invalid params. */
export function decodePrompt(bytes: Hex): string {
  try {
    return utf8.decode(Buffer.from(bytes.slice(2), "hex"));
  } catch {
    return "\u0000invalid utf-8";
  }
}

function toRequest(log: RequestLog): JobRequest {
  const a = log.args;
  return {
    jobId: a.jobId!,
    requester: a.requester!,
    modelId: BigInt(a.modelId!),
    prompt: decodePrompt(a.prompt ?? "0x"),
    params: a.params ?? "0x",
    fee: a.fee ?? 0n,
    deadline: Number(a.deadline ?? 0),
    watermarkId: a.watermarkId ?? 0n,
    parents: (a.parents ?? []).map((p) => ({ workId: p.workId, licenseId: p.licenseId })),
    blockNumber: log.blockNumber ?? 0n,
  };
}

export interface AtelierMarket extends Market {
  readonly deployment: Deployment;
  readonly sender: TxSender;
  register(modelIds: bigint[], stakeWei: bigint): Promise<Hex>;
  unstake(amountWei?: bigint): Promise<string>;
  nodeStatus(): Promise<Record<string, unknown>>;
}

export function createAtelierMarket(opts: {
  publicClient: PublicClient;
  wallet: WalletClient<Transport, Chain, Account>;
  deployment: Deployment;
  pollingIntervalMs?: number;
}): AtelierMarket {
  const { publicClient, wallet, deployment } = opts;
  const address = contractAddress(deployment, "GenerationMarket");
  const sender = new TxSender(publicClient, wallet, { pollingIntervalMs: 25 });
  const abi = generationMarketAbi;
  const send = (functionName: string, args: readonly unknown[], value?: bigint) =>
    sender.send({ address, abi, functionName, args, ...(value !== undefined ? { value } : {}) });
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    publicClient.readContract({ address, abi, functionName, args } as never) as Promise<T>;

  const market: AtelierMarket = {
    address,
    chainId: deployment.chainId,
    account: wallet.account.address,
    deployment,
    sender,

    async head() {
      const block = await publicClient.getBlock({ blockTag: "latest" });
      return { number: block.number, timestamp: Number(block.timestamp) };
    },

    async requests(fromBlock, toBlock) {
      const logs = await publicClient.getContractEvents({
        address,
        abi,
        eventName: "JobRequested",
        fromBlock,
        toBlock,
      });
      return (logs as unknown as RequestLog[]).map(toRequest);
    },

    async releases(fromBlock, toBlock) {
      const logs = await publicClient.getContractEvents({
        address,
        abi,
        eventName: "JobReleased",
        fromBlock,
        toBlock,
      });
      return (
        logs as unknown as { args: { jobId?: bigint; node?: Address }; blockNumber: bigint | null }[]
      ).map((l) => ({
        jobId: l.args.jobId!,
        node: l.args.node!,
        blockNumber: l.blockNumber ?? 0n,
      }));
    },

    async request(jobId) {
      const logs = await publicClient.getContractEvents({
        address,
        abi,
        eventName: "JobRequested",
        args: { jobId },
        fromBlock: BigInt(deployment.startBlock),
        toBlock: "latest",
      });
      const first = (logs as unknown as RequestLog[])[0];
      return first ? toRequest(first) : undefined;
    },

    async job(jobId): Promise<OnChainJob> {
      const status = await read<number>("jobStatus", [jobId]);
      if (status === 0)
        return { status: "none", node: "0x0000000000000000000000000000000000000000", deadline: 0 };
      const v = await read<{ status: number; node: Address; deadline: number }>("getJob", [jobId]);
      return { status: JOB_STATUS[v.status] ?? "none", node: v.node, deadline: Number(v.deadline) };
    },

    async modelWeightsHash(modelId) {
      try {
        const m = await read<{ weightsHash: Hex }>("modelInfo", [Number(modelId)]);
        return m.weightsHash;
      } catch (err) {
        throw new Error(
          `model ${modelId} is not registered on the market at ${address}: ${(err as Error).message.split("\n")[0]}`,
          {
            cause: err,
          },
        );
      }
    },

    claim: (jobId, contentHash) => send("claimJob", [jobId, contentHash]),
    fulfil: (jobId, a: FulfilArgs) =>
      send("fulfilJob", [jobId, a.contentHash, a.secret, a.metadataDigest, a.perceptualHash]),

    metadataDigestOf: (workId) =>
      publicClient.readContract({
        address: contractAddress(deployment, "Works"),
        abi: worksAbi,
        functionName: "metadataDigestOf",
        args: [workId],
      }) as Promise<Hex>,
    reject: (jobId, reason) => send("rejectJob", [jobId, REJECT_CODES[reason]]),
    release: (jobId) => send("releaseJob", [jobId]),

    async confirm(hash) {
      const r = await sender.wait(hash);
      if (r.status !== "success") throw new RevertError(`transaction ${hash} reverted`, "reverted");
      return true;
    },

    async receiptStatus(hash) {
      const r = await sender.receipt(hash);
      return r === undefined ? undefined : r.status === "success";
    },

    settlePending: () => sender.settlePending(),

    async register(modelIds, stakeWei) {
      const info = await read<{ registered: boolean }>("nodeInfo", [wallet.account.address]);
      const ids = modelIds.map(Number);
      let last: Hex;
      if (!info.registered) {
        last = await send("registerNode", [ids], stakeWei);
        await market.confirm(last);
      } else {
        if (stakeWei > 0n) {
          last = await send("addStake", [], stakeWei);
          await market.confirm(last);
        }
        last = await send("setModelsServed", [ids, true]);
        await market.confirm(last);
      }
      return last!;
    },

    async unstake(amountWei) {
      const info = await read<{
        stake: bigint;
        locked: bigint;
        unbonding: bigint;
        unbondingReleaseAt: number;
      }>("nodeInfo", [wallet.account.address]);
      const block = await publicClient.getBlock({ blockTag: "latest" });
      if (
        info.unbonding > 0n &&
        block.timestamp >= BigInt(info.unbondingReleaseAt) &&
        amountWei === undefined
      ) {
        const h = await send("withdrawStake", []);
        await market.confirm(h);
        return `withdrew ${info.unbonding} wei of unbonded stake (tx ${h})`;
      }
      const amount = amountWei ?? info.stake - info.locked;
      if (amount === 0n) {
        return info.unbonding > 0n
          ? `nothing to unstake; ${info.unbonding} wei unbonding until ${new Date(Number(info.unbondingReleaseAt) * 1000).toISOString()}`
          : "nothing to unstake";
      }
      const h = await send("requestUnstake", [amount]);
      await market.confirm(h);
      return `requested unstake of ${amount} wei (tx ${h}); withdraw with \`atelier-node unstake\` after the cooldown`;
    },

    async nodeStatus() {
      const info = await read<Record<string, unknown>>("nodeInfo", [wallet.account.address]);
      const balance = await publicClient.getBalance({ address: wallet.account.address });
      return { balanceWei: balance, ...info };
    },
  };
  return market;
}
