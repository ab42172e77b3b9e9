/**
 * viem binding of {@link Market} to the deployed Atelier `GenerationMarket` (ABI from
 * `@atelier/protocol`, generated from the build). Also the operator calls (register, unstake, status).
 */
import { generationMarketAbi, worksAbi, contractAddress, type Deployment } from "@atelier/protocol";
import {
  formatEther,
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
import { RevertError, TxSender, revertName } from "./tx.ts";

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

/** The node's standing on the market, as `atelier-node status` shows it (amounts in wei). */
export interface NodeStanding {
  registered: boolean;
  balance: bigint;
  stake: bigint;
  locked: bigint;
  unbonding: bigint;
  /** unix seconds; 0 when nothing is unbonding */
  unbondingReleaseAt: number;
  /** market credit (fees earned, refunds) withdrawable with `withdraw` */
  credit: bigint;
  minStake: bigint;
  claimLock: bigint;
}

/** An operator action refused before any transaction was sent (funds, amounts). */
export class OperatorError extends Error {
  override name = "OperatorError";
}

/** Upper bound of the gas a registration (register + setModelsServed) costs, for the funds check. */
const REGISTER_GAS = 400_000n;
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000" as Address;

export interface AtelierMarket extends Market {
  readonly deployment: Deployment;
  readonly sender: TxSender;
  register(modelIds: bigint[], stakeWei: bigint): Promise<Hex>;
  /** `amountWei` undefined: withdraw unbonded stake once its cooldown is over */
  unstake(amountWei: bigint | "all" | undefined): Promise<string>;
  /** withdraws the node's ETH market credit to its account */
  withdrawCredit(): Promise<{ amount: bigint; tx?: Hex }>;
  nodeStatus(): Promise<NodeStanding>;
  /** hash of block 0: tells a restarted local chain from the one the node's state was made on */
  genesisHash(): Promise<Hex>;
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

  let lastHead: { number: bigint; timestamp: number } | undefined;
  const market: AtelierMarket = {
    address,
    chainId: deployment.chainId,
    account: wallet.account.address,
    deployment,
    sender,

    async genesisHash() {
      const b = await publicClient.getBlock({ blockNumber: 0n });
      return b.hash;
    },

    async head() {
      // polled often: the block number is a cheap call, the block itself is read only when it moved
      const number = await publicClient.getBlockNumber({ cacheTime: 0 });
      if (lastHead?.number !== number) {
        const block = await publicClient.getBlock({ blockNumber: number });
        lastHead = { number, timestamp: Number(block.timestamp) };
      }
      return lastHead;
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
      let v: { status: number; node: Address; deadline: number };
      try {
        v = await read("getJob", [jobId]);
      } catch (err) {
        if (revertName(err) === "UnknownJob") return { status: "none", node: ZERO_ADDRESS, deadline: 0 };
        throw err;
      }
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
      const [balance, fees, minStake] = await Promise.all([
        publicClient.getBalance({ address: wallet.account.address }),
        publicClient.estimateFeesPerGas(),
        read<bigint>("minStake", []),
      ]);
      if (!info.registered && stakeWei < minStake)
        throw new OperatorError(
          `stake ${formatEther(stakeWei)} ETH is below the market's minimum stake ${formatEther(minStake)} ETH: pass --stake ${formatEther(minStake)} or more`,
        );
      const needed = stakeWei + REGISTER_GAS * fees.maxFeePerGas;
      if (balance < needed)
        throw new OperatorError(
          `account ${wallet.account.address} has ${formatEther(balance)} ETH, needs ≥ ${formatEther(needed)} ETH ` +
            `(stake ${formatEther(stakeWei)} + gas): fund it, or lower --stake`,
        );
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
      const releaseAt = new Date(Number(info.unbondingReleaseAt) * 1000).toISOString();
      if (amountWei === undefined) {
        if (info.unbonding === 0n)
          throw new OperatorError(
            "nothing is unbonding: pass --amount <eth> to move part of the stake into the cooldown, or --all for all unlocked stake",
          );
        if (block.timestamp < BigInt(info.unbondingReleaseAt))
          return `${formatEther(info.unbonding)} ETH unbonding until ${releaseAt}; run \`unstake\` again then to withdraw it`;
        const h = await send("withdrawStake", []);
        await market.confirm(h);
        return `withdrew ${formatEther(info.unbonding)} ETH of unbonded stake (tx ${h})`;
      }
      const free = info.stake - info.locked;
      const amount = amountWei === "all" ? free : amountWei;
      if (amount === 0n) throw new OperatorError("nothing to unstake: no unlocked stake");
      if (amount > free)
        throw new OperatorError(
          `cannot unstake ${formatEther(amount)} ETH: only ${formatEther(free)} ETH of the stake is unlocked`,
        );
      const h = await send("requestUnstake", [amount]);
      await market.confirm(h);
      const left = info.stake - amount;
      const [minStake, claimLock] = await Promise.all([
        read<bigint>("minStake", []),
        read<bigint>("claimLockAmount", []),
      ]);
      return (
        `requested unstake of ${formatEther(amount)} ETH (tx ${h}); ${formatEther(left)} ETH stays staked; ` +
        `withdraw with \`atelier-node unstake\` after the cooldown` +
        (left < minStake || left < claimLock ? " — the node can no longer claim jobs" : "")
      );
    },

    async withdrawCredit() {
      const amount = await read<bigint>("creditOf", [wallet.account.address, ZERO_ADDRESS]);
      if (amount === 0n) return { amount };
      const tx = await send("withdraw", [ZERO_ADDRESS]);
      await market.confirm(tx);
      return { amount, tx };
    },

    async nodeStatus() {
      const me = wallet.account.address;
      const [info, balance, credit, minStake, claimLock] = await Promise.all([
        read<{
          registered: boolean;
          stake: bigint;
          locked: bigint;
          unbonding: bigint;
          unbondingReleaseAt: number;
        }>("nodeInfo", [me]),
        publicClient.getBalance({ address: me }),
        read<bigint>("creditOf", [me, ZERO_ADDRESS]),
        read<bigint>("minStake", []),
        read<bigint>("claimLockAmount", []),
      ]);
      return {
        registered: info.registered,
        balance,
        stake: info.stake,
        locked: info.locked,
        unbonding: info.unbonding,
        unbondingReleaseAt: Number(info.unbondingReleaseAt),
        credit,
        minStake,
        claimLock,
      };
    },
  };
  return market;
}
