/**
 * What the node needs from the generation market, independent of transport. The viem binding to
 * the deployed contracts is in `./atelier.ts`.
 */
import type { Address, Hex } from "viem";
import type { RejectReason } from "../safety/policy.ts";

export type JobStatusName = "none" | "open" | "claimed" | "fulfilled" | "rejected" | "cancelled" | "expired";

export interface OnChainJob {
  status: JobStatusName;
  /** claiming node, zero address when none */
  node: Address;
  /** unix seconds */
  deadline: number;
}

/** A parent work of a job (remix, upscale, variation) and the licence that authorises it (0 = owned). */
export interface ParentRef {
  workId: bigint;
  licenseId: bigint;
}

export interface JobRequest {
  jobId: bigint;
  requester: Address;
  modelId: bigint;
  prompt: string;
  params: Hex;
  fee: bigint;
  /** unix seconds */
  deadline: number;
  watermarkId: bigint;
  parents: ParentRef[];
  blockNumber: bigint;
}

export interface FulfilArgs {
  contentHash: Hex;
  /** the node's secret: the job's seed is `seedOf(chainId, market, jobId, node, secret)` */
  secret: Hex;
  metadataDigest: Hex;
  perceptualHash: bigint;
  watermarkId: bigint;
}

export interface Market {
  readonly address: Address;
  readonly chainId: number;
  readonly account: Address;
  /** latest block number and its timestamp (unix seconds) */
  head(): Promise<{ number: bigint; timestamp: number }>;
  requests(fromBlock: bigint, toBlock: bigint): Promise<JobRequest[]>;
  /** jobs given back to the open pool (JobReleased) in the range */
  releases(
    fromBlock: bigint,
    toBlock: bigint,
  ): Promise<{ jobId: bigint; node: Address; blockNumber: bigint }[]>;
  job(jobId: bigint): Promise<OnChainJob>;
  /** the request data of one job (for jobs found claimed by this node but missing from the journal) */
  request(jobId: bigint): Promise<JobRequest | undefined>;
  modelWeightsHash(modelId: bigint): Promise<Hex>;
  /** claims with the output's content hash (reserved for this claim; reverts if already registered) */
  claim(jobId: bigint, contentHash: Hex): Promise<Hex>;
  /** sha2-256 digest of a work's metadata JSON (raw CIDv1), to fetch a parent through the store */
  metadataDigestOf(workId: bigint): Promise<Hex>;
  fulfil(jobId: bigint, args: FulfilArgs): Promise<Hex>;
  reject(jobId: bigint, reason: RejectReason): Promise<Hex>;
  release(jobId: bigint): Promise<Hex>;
  /** waits for the receipt; true = success, false = reverted */
  confirm(hash: Hex): Promise<boolean>;
  /** receipt status if mined: true/false; undefined if unknown or pending */
  receiptStatus(hash: Hex): Promise<boolean | undefined>;
  /** waits until this account's already-sent transactions are mined */
  settlePending(): Promise<void>;
}
