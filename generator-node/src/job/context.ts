/** What a job run needs from its node, and the small pure helpers its steps share. */
import type { Logger } from "pino";
import { bytesToHex, concat, keccak256, toHex, type Hex } from "viem";
import { randomBytes } from "node:crypto";
import type { JobRecord, Journal } from "../journal.ts";
import type { Market } from "../chain/market.ts";
import type { RevertError } from "../chain/tx.ts";
import type { Metrics } from "../metrics.ts";
import { UnsafeOutputError, type ProducedWork } from "../produce.ts";
import type { RejectReason } from "../safety/policy.ts";
import { InvalidJobError } from "./production.ts";

export type Outcome = "fulfilled" | "rejected" | "released" | "lost" | "skipped" | "failed";
export type Timer = <T>(stage: string, fn: () => Promise<T> | T) => Promise<T>;
export type StageRecorder = (stage: string, ms: number) => void;

/** What a job run needs from its node. */
export interface JobContext {
  market: Market;
  journal: Journal;
  log: Logger;
  metrics: Metrics;
  expectedJobMs: number;
  releaseMarginMs: number;
  /** new secrets drawn for an output flagged unsafe before the job is rejected (`safety.rerolls`) */
  unsafeRerolls: number;
  stopping(): boolean;
  timeLeftMs(deadline: number): number;
  retry<T>(what: string, rec: JobRecord, fn: () => Promise<T>): Promise<T>;
  outcome(rec: JobRecord, outcome: Outcome, stages: Record<string, number>, reason?: string): void;
  produce(rec: JobRecord, time: Timer, record: StageRecorder): Promise<ProducedWork>;
}

/** `next`: re-read the job on chain; `end`: the job has its outcome. */
export type Step = "next" | "end";

/** Most times a node draws a new secret after its claim was front-run with a copy of its output. */
export const MAX_REROLLS = 3;

/**
 * `safety.rerolls`' default: at the false-positive rate measured on the built-in art model
 * (README "Output safety on art": none of 4040 outputs), two more seeds make a job that is rejected for a misfire rare enough
 * never to be seen, and a prompt whose every picture is flagged costs three productions.
 */
export const DEFAULT_UNSAFE_REROLLS = 2;

/** A claim reverted because its content hash is registered or reserved (e.g. copied from the mempool). */
export const contentTaken = (err: RevertError) =>
  /DuplicateContentHash|ContentReserved/.test(err.errorName ?? "");

/** A fresh 32-byte secret for one job's seed. */
export function newSecret(): Hex {
  return bytesToHex(randomBytes(32));
}

/** The content hash a node claims with when it claims only to reject (never the hash of real content). */
export function placeholderOutput(secret: Hex): Hex {
  return keccak256(concat([toHex("atelier/reject-placeholder/"), secret]));
}

/** What the journal keeps of a produced work. */
export function storedFields(work: ProducedWork): Partial<JobRecord> {
  return {
    imageCid: work.imageCid,
    metadataCid: work.metadataCid,
    contentHash: work.contentHash,
    perceptualHash: work.perceptualHash.toString(),
  };
}

/** Whether the journal holds a stored work to fulfil with (hashes and CIDs from `storedFields`). */
export function hasStoredOutput(
  rec: JobRecord,
): rec is JobRecord & Required<Pick<JobRecord, "contentHash" | "metadataCid" | "perceptualHash">> {
  return Boolean(rec.contentHash) && Boolean(rec.metadataCid) && rec.perceptualHash !== undefined;
}

/** Production errors that end in a rejection with a reason (the job goes back to the pool). */
export function rejectionFor(err: unknown): RejectReason | undefined {
  if (err instanceof UnsafeOutputError) return "UnsafeOutput";
  if (err instanceof InvalidJobError) return "InvalidParams";
  return undefined;
}

export const rejectionReason = (rec: JobRecord) => (rec.note ? `${rec.reason}: ${rec.note}` : rec.reason);
