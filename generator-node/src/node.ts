/**
 * The generator node's job pipeline.
 *
 * Follow: from the persisted checkpoint, scan request events in chunks up to the head, then poll.
 * Each request for a served model goes to the open queue; while a slot is free the node claims the
 * next one that it can still finish before its deadline (policy-checked first).
 *
 * Claim with the output: the node draws a secret per job (journaled first), derives the seed from it
 * (`seedOf`, as the market does), produces and stores the work, and only then claims the job with the
 * output's content hash, which the market reserves for the claim (nobody can mint it meanwhile). The
 * fulfil reveals the secret. A claim that fails because the hash got registered first (copied from the
 * pending claim) draws a new secret and produces again. Parent works are fetched through the store.
 *
 * Exactly once: before every transaction the job's intent is written to the journal; after a crash
 * `recover()` first waits for this account's pending transactions to be mined, then reconciles each
 * non-terminal journal entry with the job's on-chain state (fulfilled → done; claimed by us →
 * resume from the last persisted step; open/claimed by another → re-claim or lost) and only then
 * sends anything. Every production step is deterministic and idempotent (same bytes, same CIDs),
 * and the market contract itself refuses a second fulfil of a job.
 */
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { bytesToHex, concat, keccak256, toHex, type Hex } from "viem";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import type { Journal, JobRecord } from "./journal.ts";
import { TERMINAL } from "./journal.ts";
import { jobSeedOf as seedOf } from "@atelier/protocol";
import type { Market, JobRequest, ParentRef } from "./chain/market.ts";
import { RevertError } from "./chain/tx.ts";
import { describeError } from "./errors.ts";
import type { Metrics } from "./metrics.ts";
import type { ImageProducer } from "./producer.ts";
import { metadataDigestOf, produceWork, UnsafeOutputError, type ProducedWork } from "./produce.ts";
import type { PromptPolicy, RejectReason } from "./safety/policy.ts";
import type { ContentStore } from "./storage/ipfs.ts";

export interface ServedModel {
  modelId: bigint;
  producer: ImageProducer;
  /** requests paying less than this are not claimed (default 0) */
  minFeeWei?: bigint;
}

export interface NodeOptions {
  concurrency: number;
  pollIntervalMs: number;
  logChunk: number;
  startBlock: bigint;
  expectedJobMs: number;
  releaseMarginMs: number;
  retries: { max: number; baseDelayMs: number; maxDelayMs: number };
  shutdownGraceMs?: number;
  /** jobs paying less than this are skipped (node-side policy, published at `/policy`) */
  minFeeWei?: bigint;
  /** finished jobs are kept in the journal this long (default 7 days) */
  journalRetentionMs?: number;
}

export interface NodeDeps {
  market: Market;
  journal: Journal;
  store: ContentStore;
  policy: PromptPolicy;
  models: Map<bigint, ServedModel>;
  log: Logger;
  metrics: Metrics;
}

export interface JobEvent {
  jobId: string;
  outcome: "fulfilled" | "rejected" | "released" | "lost" | "skipped" | "failed";
  reason?: string;
  stages: Record<string, number>;
  /** ms from the node seeing the request to the outcome tx mined */
  ms: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), Math.max(0, ms));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Most times a node draws a new secret after its claim was front-run with a copy of its output. */
const MAX_REROLLS = 3;

/** A claim reverted because its content hash is registered or reserved (e.g. copied from the mempool). */
const contentTaken = (err: RevertError) => /DuplicateContentHash|ContentReserved/.test(err.errorName ?? "");

/** Errors that retrying cannot fix (the chain state forbids the call, or the content is bad). */
function permanent(err: unknown): boolean {
  return err instanceof RevertError || err instanceof UnsafeOutputError;
}

/** What the journal keeps of a produced work. */
function storedFields(work: ProducedWork): Partial<JobRecord> {
  return {
    imageCid: work.imageCid,
    metadataCid: work.metadataCid,
    contentHash: work.contentHash,
    perceptualHash: work.perceptualHash.toString(),
  };
}

export class GeneratorNode {
  private readonly queue: JobRequest[] = [];
  private readonly active = new Map<string, Promise<void>>();
  private readonly seenAt = new Map<string, number>();
  private checkpoint = 0n;
  private deciding = 0;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private stopping = false;
  private stopped: Promise<void> | undefined;
  private followLoop: Promise<void> | undefined;
  private chainSkewMs = 0;
  lastPollOk = 0;
  readonly counts = { fulfilled: 0, rejected: 0, released: 0, lost: 0, skipped: 0, failed: 0 };
  onJob?: (e: JobEvent) => void;

  constructor(
    private readonly d: NodeDeps,
    private readonly o: NodeOptions,
  ) {}

  get queueDepth(): number {
    return this.queue.length;
  }
  get inFlight(): number {
    return this.active.size;
  }
  get lastBlock(): bigint {
    return this.checkpoint;
  }

  /** Chain time (ms) estimated from the last head's timestamp. */
  private chainNow(): number {
    return Date.now() + this.chainSkewMs;
  }

  private timeLeftMs(deadline: number): number {
    return deadline * 1000 - this.chainNow();
  }

  async start(): Promise<void> {
    const { journal, market, log } = this.d;
    await this.refreshHead();
    await market.settlePending();
    const cp = await journal.readCheckpoint();
    this.checkpoint = cp ?? this.o.startBlock - 1n;
    const pruned = await journal.prune(this.o.journalRetentionMs ?? 7 * 24 * 3600_000, this.checkpoint);
    if (pruned > 0) log.info({ pruned }, "pruned old finished jobs from the journal");
    const pending = journal.pending();
    if (pending.length > 0) log.info({ jobs: pending.length }, "recovering journaled jobs");
    for (const rec of pending) this.spawn(rec);
    this.followLoop = this.follow();
  }

  private async refreshHead(): Promise<bigint> {
    const head = await this.d.market.head();
    this.chainSkewMs = head.timestamp * 1000 - Date.now();
    if (this.chainSkewMs < 0) this.chainSkewMs = 0; // blocks lag wall time between mines: never assume chain is behind
    return head.number;
  }

  private async follow(): Promise<void> {
    const { market, journal, log, metrics } = this.d;
    while (!this.stopping) {
      try {
        const head = await this.refreshHead();
        while (this.checkpoint < head && !this.stopping) {
          const to =
            this.checkpoint + BigInt(this.o.logChunk) < head
              ? this.checkpoint + BigInt(this.o.logChunk)
              : head;
          const reqs = await market.requests(this.checkpoint + 1n, to);
          for (const r of reqs) this.onRequest(r);
          // jobs another node gave back are open again: consider them like new requests
          for (const rel of await market.releases(this.checkpoint + 1n, to)) {
            if (rel.node.toLowerCase() === market.account.toLowerCase()) continue;
            const req = await market.request(rel.jobId);
            if (req) this.onRequest({ ...req, blockNumber: rel.blockNumber });
          }
          this.checkpoint = to;
          // never checkpoint past a request still waiting in the queue: a restart must see it again
          const oldestQueued = this.queue.reduce<bigint | undefined>(
            (m, q) => (m === undefined || q.blockNumber < m ? q.blockNumber : m),
            undefined,
          );
          await journal.writeCheckpoint(
            oldestQueued !== undefined && oldestQueued - 1n < to ? oldestQueued - 1n : to,
          );
          metrics.lastBlock.set(Number(to));
        }
        this.lastPollOk = Date.now();
        this.pump();
      } catch (err) {
        log.warn({ err: describeError(err) }, "chain poll failed; retrying");
      }
      await sleep(this.o.pollIntervalMs);
    }
  }

  private onRequest(r: JobRequest): void {
    const id = r.jobId.toString();
    if (this.d.journal.get(id) || this.queue.some((q) => q.jobId === r.jobId)) return;
    if (!this.d.models.has(r.modelId)) return; // not a model we serve
    this.seenAt.set(id, Date.now());
    this.queue.push(r);
    this.d.metrics.queue.set(this.queue.length);
  }

  private pump(): void {
    // `deciding` counts requests between the queue and `active` (tryClaim awaits before spawning)
    while (!this.stopping && this.active.size + this.deciding < this.o.concurrency && this.queue.length > 0) {
      const r = this.queue.shift()!;
      this.d.metrics.queue.set(this.queue.length);
      this.deciding++;
      void this.tryClaim(r)
        .catch((err: unknown) =>
          this.d.log.error({ job: r.jobId.toString(), err: describeError(err) }, "claim decision failed"),
        )
        .finally(() => {
          this.deciding--;
          this.pump();
        });
    }
  }

  private outcome(
    rec: JobRecord,
    outcome: JobEvent["outcome"],
    stages: Record<string, number>,
    reason?: string,
  ): void {
    this.counts[outcome]++;
    this.d.metrics.jobs.inc({ outcome });
    // every outcome reaches the log (the journal alone is not where an operator looks)
    const level = outcome === "failed" || outcome === "lost" ? "warn" : "info";
    this.d.log[level]({ job: rec.jobId, outcome, ...(reason ? { reason } : {}) }, `job ${outcome}`);
    const seen = this.seenAt.get(rec.jobId) ?? Date.now();
    this.seenAt.delete(rec.jobId);
    this.onJob?.({ jobId: rec.jobId, outcome, stages, ms: Date.now() - seen, ...(reason ? { reason } : {}) });
  }

  private async tryClaim(r: JobRequest): Promise<void> {
    const { market, journal, log, policy } = this.d;
    const id = r.jobId.toString();
    const left = this.timeLeftMs(r.deadline);
    if (left < this.o.expectedJobMs + this.o.releaseMarginMs) {
      log.info({ job: id, leftMs: left }, "skipping job: cannot finish before its deadline");
      this.outcome({ jobId: id } as JobRecord, "skipped", {}, "deadline");
      return;
    }
    if (r.fee < (this.o.minFeeWei ?? 0n)) {
      log.info({ job: id, fee: r.fee.toString() }, "skipping job: fee below this node's minimum");
      this.outcome({ jobId: id } as JobRecord, "skipped", {}, "fee");
      return;
    }
    let onChain;
    try {
      onChain = await market.job(r.jobId);
    } catch (err) {
      log.warn({ job: id, err: describeError(err) }, "cannot read job; requeueing");
      await sleep(this.o.pollIntervalMs);
      this.queue.unshift(r);
      return;
    }
    if (onChain.status !== "open") {
      this.outcome({ jobId: id } as JobRecord, "skipped", {}, onChain.status);
      return;
    }
    const minFee = this.d.models.get(r.modelId)?.minFeeWei ?? 0n;
    if (r.fee < minFee) {
      this.outcome({ jobId: id } as JobRecord, "skipped", {}, `fee ${r.fee} wei below minFeeWei ${minFee}`);
      return;
    }
    // a request the local policy refuses is left unclaimed: claiming it only to reject it costs two
    // transactions' gas, and another node with another policy may serve it
    const verdict = policy.check(r.prompt, r.params);
    if (!verdict.ok) {
      this.outcome(
        { jobId: id } as JobRecord,
        "skipped",
        {},
        `prompt policy: ${verdict.reason}${verdict.detail ? ` (${verdict.detail})` : ""}`,
      );
      return;
    }
    const secret = newSecret();
    const rec: JobRecord = {
      jobId: id,
      modelId: r.modelId.toString(),
      requester: r.requester,
      prompt: r.prompt,
      params: r.params,
      deadline: r.deadline,
      watermarkId: r.watermarkId.toString(),
      secret,
      seed: seedOf(market.chainId, market.address, r.jobId, market.account, secret),
      parents: r.parents.map((p) => ({ workId: p.workId.toString(), licenseId: p.licenseId.toString() })),
      fee: r.fee.toString(),
      requestBlock: r.blockNumber.toString(),
      state: "claiming",
      attempts: 0,
      updatedAt: "",
    };
    await journal.put(rec);
    this.spawn(rec);
  }

  private spawn(rec: JobRecord): void {
    if (this.active.has(rec.jobId)) return;
    let failed = false;
    const p = this.run(rec)
      .catch((err: unknown) => {
        failed = true;
        this.d.log.error({ job: rec.jobId, err: describeError(err) }, "job step failed; will resume");
      })
      .finally(() => {
        this.active.delete(rec.jobId);
        this.d.metrics.inflight.set(this.active.size);
        // an RPC/IPFS outage outlasted the step's retries: resume the job from its journal state
        // later (reconciling with the chain first), unless shutting down — then a restart resumes it
        const cur = this.d.journal.get(rec.jobId);
        if (failed && cur && !TERMINAL.has(cur.state) && !this.stopping) {
          const t = setTimeout(() => {
            this.retryTimers.delete(t);
            if (!this.stopping) this.spawn(this.d.journal.get(rec.jobId) ?? cur);
          }, this.o.retries.maxDelayMs);
          this.retryTimers.add(t);
        }
        this.pump();
      });
    this.active.set(rec.jobId, p);
    this.d.metrics.inflight.set(this.active.size);
  }

  private async retry<T>(what: string, rec: JobRecord, fn: () => Promise<T>): Promise<T> {
    const { max, baseDelayMs, maxDelayMs } = this.o.retries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        if (permanent(err) || attempt >= max) throw err;
        const delay = Math.min(maxDelayMs, baseDelayMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
        if (this.timeLeftMs(rec.deadline) - delay < this.o.releaseMarginMs) throw err;
        this.d.log.warn(
          { job: rec.jobId, step: what, attempt: attempt + 1, err: describeError(err) },
          "retrying",
        );
        await sleep(delay);
      }
    }
  }

  /** Drives one job through its states until a terminal one. */
  private async run(start: JobRecord): Promise<void> {
    const { market, journal, log } = this.d;
    let rec = start;
    const stages: Record<string, number> = {};
    const record = (stage: string, ms: number) => {
      stages[stage] = (stages[stage] ?? 0) + ms;
      this.d.metrics.stage.observe({ stage }, ms / 1000);
    };
    const time = async <T>(stage: string, fn: () => Promise<T> | T): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        record(stage, performance.now() - t0);
      }
    };
    const jobId = BigInt(rec.jobId);
    let production: Promise<ProducedWork> | undefined;
    const produce = () => {
      production ??= this.produce(rec, time, record);
      return production;
    };
    // Production with retries, abandoned when it would run into the release margin; a failed
    // attempt is forgotten so that the retry produces again.
    const produceInTime = (deadline: number) =>
      withTimeout(
        this.retry("produce", rec, async () => {
          try {
            return await produce();
          } catch (err) {
            production = undefined;
            throw err;
          }
        }),
        this.timeLeftMs(deadline) - this.o.releaseMarginMs,
        `production did not finish ${this.o.releaseMarginMs} ms before the deadline`,
      );
    const set = async (patch: Partial<JobRecord>) => (rec = await journal.update(rec.jobId, patch));

    while (!TERMINAL.has(rec.state)) {
      const chain = await this.retry("read job", rec, () => market.job(jobId));
      const mine = chain.node.toLowerCase() === market.account.toLowerCase();
      if (chain.status === "fulfilled" && mine) {
        if (rec.state !== "fulfilling") log.warn({ job: rec.jobId }, "job already fulfilled on chain");
        await set({ state: "done" });
        this.outcome(rec, "fulfilled", stages);
        log.info(
          {
            job: rec.jobId,
            cid: rec.metadataCid,
            ms: Math.round(Object.values(stages).reduce((a, b) => a + b, 0)),
          },
          "job fulfilled",
        );
        return;
      }
      if (chain.status === "rejected" && mine) {
        // The market ends a job Rejected at fulfil only when the requester lost a parent's right
        // meanwhile (parent flagged, parent or licence changed hands): refund, no slash.
        if (rec.state === "fulfilling" && !rec.reason) {
          await set({ reason: "InvalidParams", note: "the requester lost the right to a parent (code 5)" });
        }
        await set({ state: "rejected" });
        this.outcome(rec, "rejected", stages, rec.note ? `${rec.reason}: ${rec.note}` : rec.reason);
        return;
      }
      if (chain.status !== "claimed" && chain.status !== "open") {
        // fulfilled/rejected by another, cancelled or expired
        await set({
          state: rec.state === "releasing" ? "released" : "lost",
          note: `on-chain status ${chain.status}`,
        });
        this.outcome(rec, rec.state === "released" ? "released" : "lost", stages, chain.status);
        return;
      }
      if (chain.status === "claimed" && !mine) {
        await set({
          state: rec.state === "releasing" ? "released" : "lost",
          note: "claimed by another node",
        });
        this.outcome(rec, rec.state === "released" ? "released" : "lost", stages, "claimed-by-other");
        return;
      }
      if (chain.status === "open") {
        if (rec.state === "releasing") {
          await set({ state: "released" });
          this.outcome(rec, "released", stages, rec.reason);
          return;
        }
        if (rec.state === "rejecting" && rec.rejectTx) {
          // a rejection gives the job back to the pool: done for this node
          await set({ state: "rejected" });
          this.outcome(rec, "rejected", stages, rec.note ? `${rec.reason}: ${rec.note}` : rec.reason);
          return;
        }
        // our claim has not landed (never sent, dropped, or reverted): claim (again) if there is time
        if (rec.claimTx) {
          const st = await market.receiptStatus(rec.claimTx as Hex);
          if (st === undefined) {
            await market.settlePending();
            if ((await market.receiptStatus(rec.claimTx as Hex)) !== undefined) continue;
          }
        }
        if (this.stopping) {
          // no claim sent: keep the intent journaled, the next start reconsiders the job
          await set({ state: "claiming", note: "shutdown before claim" });
          return;
        }
        if (this.timeLeftMs(rec.deadline) < this.o.expectedJobMs + this.o.releaseMarginMs) {
          await set({ state: "lost", note: "too late to claim" });
          this.outcome(rec, "skipped", stages, "deadline");
          return;
        }
        if (rec.state !== "claiming") await set({ state: "claiming" });
        // The claim carries the output, so produce (and store) first. A job the policy refuses is
        // claimed with a placeholder hash derived from the secret, only to reject it with a reason.
        let output: Hex;
        if (rec.reason) {
          output = placeholderOutput(rec.secret as Hex);
        } else {
          try {
            const work = await produceInTime(rec.deadline);
            await set(storedFields(work));
            output = work.contentHash;
          } catch (err) {
            const unsafe = err instanceof UnsafeOutputError;
            log.warn({ job: rec.jobId, err: (err as Error).message }, "production before claim failed");
            if (unsafe) {
              // claim to report it (the job goes back to the pool with the reason)
              await set({ reason: "UnsafeOutput", note: (err as Error).message });
              continue;
            }
            await set({ state: "lost", note: `production failed: ${(err as Error).message}` });
            this.outcome(rec, "failed", stages, "production-failed");
            return;
          }
        }
        try {
          await time("claim", async () => {
            const h = await market.claim(jobId, output);
            await set({ claimTx: h });
            await market.confirm(h);
            return h;
          });
        } catch (err) {
          if (err instanceof RevertError && contentTaken(err) && !rec.reason) {
            // Someone minted a copy of the output from the pending claim: draw a new secret, produce again.
            if (rec.attempts >= MAX_REROLLS) {
              await set({ state: "lost", note: `claim front-run ${rec.attempts + 1} times` });
              this.outcome(rec, "failed", stages, err.errorName);
              return;
            }
            const secret = newSecret();
            log.warn(
              { job: rec.jobId, err: err.errorName },
              "claim front-run with a copy of the output; new secret",
            );
            production = undefined;
            const { claimTx, contentHash, imageCid, metadataCid, perceptualHash, ...rest } = rec;
            void [claimTx, contentHash, imageCid, metadataCid, perceptualHash];
            rec = await journal.put({
              ...rest,
              secret,
              seed: seedOf(market.chainId, market.address, jobId, market.account, secret),
              attempts: rec.attempts + 1,
              state: "claiming",
            });
            continue;
          }
          if (err instanceof RevertError) {
            const again = await this.retry("read job", rec, () => market.job(jobId));
            if (again.status === "open") {
              // refused for a reason of this node (not registered, stake, model not served): never loop
              log.error(
                { job: rec.jobId, err: err.errorName },
                "claim refused while the job is open; check `atelier-node status`",
              );
              await set({ state: "lost", note: `claim refused: ${err.errorName}` });
              this.outcome(rec, "failed", stages, err.errorName);
              return;
            }
            log.info({ job: rec.jobId, err: err.errorName }, "claim refused");
            continue; // re-read state: someone else claimed it, or it ended
          }
          throw err;
        }
        continue;
      }
      // claimed by this node
      if (rec.state === "claiming") await set({ state: "claimed" });
      if (
        this.timeLeftMs(chain.deadline) < this.o.releaseMarginMs &&
        rec.state !== "fulfilling" &&
        rec.state !== "rejecting"
      ) {
        await set({ state: "releasing", reason: rec.reason ?? "deadline" });
      }
      if (this.stopping && rec.state === "claimed" && !production)
        await set({ state: "releasing", reason: "shutdown" });

      if (rec.state === "claimed" && rec.reason) await set({ state: "rejecting" });
      if (rec.state === "claimed") {
        try {
          // reuses the production started speculatively at claim time; a failed one is redone.
          // A production that would run into the release margin is abandoned (the job is released).
          const work = await produceInTime(chain.deadline);
          await set({ state: "stored", ...storedFields(work) });
        } catch (err) {
          if (err instanceof UnsafeOutputError) {
            await set({ state: "rejecting", reason: "UnsafeOutput", note: err.message });
          } else {
            log.error({ job: rec.jobId, err: describeError(err) }, "production failed; releasing the job");
            await set({ state: "releasing", reason: "production-failed", note: describeError(err) });
          }
        }
        continue;
      }
      if (rec.state === "stored") await set({ state: "fulfilling" });
      if (rec.state === "fulfilling") {
        if (rec.fulfilTx) {
          const st = await market.receiptStatus(rec.fulfilTx as Hex);
          if (st === undefined) await market.settlePending();
          if (st === true || (await market.receiptStatus(rec.fulfilTx as Hex)) !== undefined) continue; // re-read state
        }
        if (!rec.contentHash || !rec.metadataCid || rec.perceptualHash === undefined) {
          await set({ state: "claimed" });
          continue;
        }
        // what was stored is what gets fulfilled: the journaled hashes, not a re-run (which could differ
        // if the node restarted on another execution provider)
        const work = {
          contentHash: rec.contentHash as Hex,
          metadataDigest: metadataDigestOf(rec.metadataCid),
          perceptualHash: BigInt(rec.perceptualHash),
        };
        try {
          await time("fulfil", () =>
            this.retry("fulfil", rec, async () => {
              const h = await market.fulfil(jobId, {
                contentHash: work.contentHash,
                secret: rec.secret as Hex,
                metadataDigest: work.metadataDigest,
                perceptualHash: work.perceptualHash,
                watermarkId: BigInt(rec.watermarkId),
              });
              await set({ fulfilTx: h });
              await market.confirm(h);
            }),
          );
        } catch (err) {
          if (err instanceof RevertError) {
            log.warn({ job: rec.jobId, err: err.errorName }, "fulfil refused by the contract");
            if (/Duplicate|Exists|Taken/i.test(err.errorName ?? ""))
              await set({ state: "rejecting", reason: "InvalidParams", note: err.errorName });
            else {
              // state changed under us (expired?) — re-read; if still claimed by us we will not loop forever
              const again = await market.job(jobId);
              if (again.status === "claimed" && again.node.toLowerCase() === market.account.toLowerCase()) {
                await set({ state: "releasing", reason: `fulfil-reverted:${err.errorName}` });
              }
            }
            continue;
          }
          log.error({ job: rec.jobId, err: describeError(err) }, "fulfil failed; releasing");
          await set({ state: "releasing", reason: "fulfil-failed" });
        }
        continue;
      }
      if (rec.state === "rejecting") {
        if (rec.rejectTx && (await market.receiptStatus(rec.rejectTx as Hex)) === undefined)
          await market.settlePending();
        try {
          await time("reject", () =>
            this.retry("reject", rec, async () => {
              const h = await market.reject(jobId, (rec.reason ?? "InvalidParams") as RejectReason);
              await set({ rejectTx: h });
              await market.confirm(h);
            }),
          );
        } catch (err) {
          if (!(err instanceof RevertError)) throw err;
          log.warn({ job: rec.jobId, err: err.errorName }, "reject refused; releasing instead");
          await set({ state: "releasing" });
        }
        continue;
      }
      if (rec.state === "releasing") {
        if (rec.releaseTx && (await market.receiptStatus(rec.releaseTx as Hex)) === undefined)
          await market.settlePending();
        try {
          await this.retry("release", rec, async () => {
            const h = await market.release(jobId);
            await set({ releaseTx: h });
            await market.confirm(h);
          });
        } catch (err) {
          if (!(err instanceof RevertError)) throw err;
          log.warn({ job: rec.jobId, err: err.errorName }, "release refused");
          const again = await market.job(jobId);
          if (again.status === "claimed") {
            await set({ state: "lost", note: `release refused: ${err.errorName}` });
            this.outcome(rec, "failed", stages, err.errorName);
            return;
          }
        }
        continue;
      }
    }
  }

  private async produce(
    rec: JobRecord,
    time: <T>(stage: string, fn: () => Promise<T> | T) => Promise<T>,
    record: (stage: string, ms: number) => void,
  ): Promise<ProducedWork> {
    const model = this.d.models.get(BigInt(rec.modelId));
    if (!model) throw new Error(`model ${rec.modelId} not served`);
    const parents: ParentRef[] = (rec.parents ?? []).map((p) => ({
      workId: BigInt(p.workId),
      licenseId: BigInt(p.licenseId),
    }));
    const parentImages = await time("parents", () =>
      Promise.all(parents.map((p) => this.parentImage(p.workId))),
    );
    return produceWork(
      {
        jobId: BigInt(rec.jobId),
        modelId: BigInt(rec.modelId),
        modelName: model.producer.manifest.name,
        requester: rec.requester,
        node: this.d.market.account,
        prompt: rec.prompt,
        seed: rec.seed as Hex,
        secret: rec.secret as Hex,
        watermarkId: BigInt(rec.watermarkId),
        parents,
        parentImages,
        chainId: this.d.market.chainId,
        market: this.d.market.address,
      },
      {
        producer: model.producer,
        store: this.d.store,
        time,
        record,
      },
    );
  }

  /**
   * A parent work's image, through the store: the work's metadata digest (on chain) gives the metadata
   * JSON's CID (raw, sha2-256), its `image` field the image's CID.
   */
  private async parentImage(workId: bigint): Promise<{ cid: string; bytes: Uint8Array }> {
    const digest = await this.d.market.metadataDigestOf(workId);
    const metadataCid = CID.createV1(0x55, Digest.create(0x12, hexBytes(digest))).toString();
    let metadata: { image?: unknown };
    try {
      metadata = JSON.parse(new TextDecoder().decode(await this.d.store.get(metadataCid))) as {
        image?: unknown;
      };
    } catch (err) {
      throw new Error(`parent work ${workId}: metadata ${metadataCid} not readable from the store`, {
        cause: err,
      });
    }
    const image = typeof metadata.image === "string" ? metadata.image.replace(/^ipfs:\/\//, "") : "";
    if (!image) throw new Error(`parent work ${workId}: metadata ${metadataCid} names no ipfs:// image`);
    return { cid: image, bytes: await this.d.store.get(image) };
  }

  /** Stops following, lets in-flight jobs finish (they release when they cannot), then resolves. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopping = true;
      for (const t of this.retryTimers) clearTimeout(t);
      this.retryTimers.clear();
      await this.followLoop;
      const grace = this.o.shutdownGraceMs ?? 30_000;
      await Promise.race([Promise.allSettled([...this.active.values()]), sleep(grace)]);
    })();
    return this.stopped;
  }
}

/** A fresh 32-byte secret for one job's seed. */
function newSecret(): Hex {
  return bytesToHex(randomBytes(32));
}

/** The content hash a node claims with when it claims only to reject (never the hash of real content). */
function placeholderOutput(secret: Hex): Hex {
  return keccak256(concat([toHex("atelier/reject-placeholder/"), secret]));
}

function hexBytes(hex: Hex): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.slice(2), "hex"));
}
