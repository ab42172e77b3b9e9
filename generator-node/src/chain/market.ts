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
  seed: Hex;
  parents: bigint[];
  blockNumber: bigint;
}

export interface FulfilArgs {
  contentHash: Hex;
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
  claim(jobId: bigint): Promise<Hex>;
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
