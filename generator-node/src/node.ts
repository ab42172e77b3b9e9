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
import type { Logger } from "pino";
import type { Journal, JobRecord } from "./journal.ts";
import { TERMINAL } from "./journal.ts";
import { jobSeedOf as seedOf } from "@atelier/protocol";
import type { Market, JobRequest, OnChainJob } from "./chain/market.ts";
import { describeError } from "./errors.ts";
import { produceJob } from "./job/production.ts";
import { permanent, sleep } from "./job/retry.ts";
import { DEFAULT_UNSAFE_REROLLS, newSecret, type JobContext } from "./job/context.ts";
import { JobRun } from "./job/run.ts";
import type { Metrics } from "./metrics.ts";
import type { ImageProducer } from "./producer.ts";
import type { PromptPolicy } from "./safety/policy.ts";
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
  /** new secrets drawn for a job whose output was flagged unsafe before it is rejected (default 2) */
  unsafeRerolls?: number;
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

export class GeneratorNode {
  private readonly queue: JobRequest[] = [];
  private readonly active = new Map<string, Promise<void>>();
  private readonly seenAt = new Map<string, number>();
  private checkpoint = 0n;
  /** requests between the queue and `active` (tryClaim awaits the chain and the journal before spawning) */
  private readonly deciding = new Set<JobRequest>();
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
          const [reqs, releases] = await Promise.all([
            market.requests(this.checkpoint + 1n, to),
            market.releases(this.checkpoint + 1n, to),
          ]);
          for (const r of reqs) this.onRequest(r);
          // jobs another node gave back are open again: consider them like new requests
          for (const rel of releases) {
            if (rel.node.toLowerCase() === market.account.toLowerCase()) continue;
            const req = await market.request(rel.jobId);
            if (req) this.onRequest({ ...req, blockNumber: rel.blockNumber });
          }
          this.checkpoint = to;
          // never checkpoint past a request still waiting in the queue, or not yet journaled by
          // tryClaim: a restart must see it again
          const oldestQueued = [...this.queue, ...this.deciding].reduce<bigint | undefined>(
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
    while (
      !this.stopping &&
      this.active.size + this.deciding.size < this.o.concurrency &&
      this.queue.length > 0
    ) {
      const r = this.queue.shift()!;
      this.d.metrics.queue.set(this.queue.length);
      this.deciding.add(r);
      void this.tryClaim(r)
        .catch((err: unknown) =>
          this.d.log.error({ job: r.jobId.toString(), err: describeError(err) }, "claim decision failed"),
        )
        .finally(() => {
          this.deciding.delete(r);
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
    const t0 = performance.now();
    // waiting for a free slot (concurrency) since the request was seen
    const queued = Date.now() - (this.seenAt.get(id) ?? Date.now());
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
    this.spawn(rec, onChain, { queue: queued, decide: performance.now() - t0 });
  }

  /** `known`: the job as just read on chain; `stages`: time spent on it before the run */
  private spawn(rec: JobRecord, known?: OnChainJob, stages?: Record<string, number>): void {
    if (this.active.has(rec.jobId)) return;
    let failed = false;
    const p = this.run(rec, known, stages)
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

  /** Drives one job through its states until a terminal one (see `job/run.ts`). */
  private run(rec: JobRecord, known?: OnChainJob, stages?: Record<string, number>): Promise<void> {
    return new JobRun((this.jobContext ??= this.createJobContext()), rec, stages).run(known);
  }

  private jobContext: JobContext | undefined;

  private createJobContext(): JobContext {
    return {
      market: this.d.market,
      journal: this.d.journal,
      log: this.d.log,
      metrics: this.d.metrics,
      expectedJobMs: this.o.expectedJobMs,
      releaseMarginMs: this.o.releaseMarginMs,
      unsafeRerolls: this.o.unsafeRerolls ?? DEFAULT_UNSAFE_REROLLS,
      stopping: () => this.stopping,
      timeLeftMs: (deadline) => this.timeLeftMs(deadline),
      retry: (what, rec, fn) => this.retry(what, rec, fn),
      outcome: (rec, outcome, stages, reason) => this.outcome(rec, outcome, stages, reason),
      produce: (rec, time, record) =>
        produceJob(rec, { models: this.d.models, market: this.d.market, store: this.d.store }, time, record),
    };
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
