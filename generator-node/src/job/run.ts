/**
 * One job driven through its journal states until a terminal one, one step per state.
 *
 * Each pass reads the job on chain and hands it to the step for what it sees: fulfilled or rejected
 * for this node (done), ended otherwise or claimed by another (lost / released), open (produce, then
 * claim with the output), or claimed by this node — then the journal state picks the step:
 * claimed → produce → stored → fulfilling → done, or rejecting / releasing. A step returns `next`
 * to re-read the chain, or `end` when the job has reached its outcome.
 */
import type { Hex } from "viem";
import { jobSeedOf as seedOf } from "@atelier/protocol";
import type { JobRecord } from "../journal.ts";
import { TERMINAL } from "../journal.ts";
import type { OnChainJob } from "../chain/market.ts";
import { RevertError } from "../chain/tx.ts";
import { describeError } from "../errors.ts";
import { metadataDigestOf, UnsafeOutputError, type ProducedWork } from "../produce.ts";
import type { RejectReason } from "../safety/policy.ts";
import {
  contentTaken,
  hasStoredOutput,
  MAX_REROLLS,
  newSecret,
  placeholderOutput,
  rejectionFor,
  rejectionReason,
  storedFields,
  type JobContext,
  type Outcome,
  type StageRecorder,
  type Step,
  type Timer,
} from "./context.ts";
import { withTimeout } from "./retry.ts";

export class JobRun {
  private readonly stages: Record<string, number>;
  private production: Promise<ProducedWork> | undefined;
  private readonly jobId: bigint;

  /** `stages`: time already spent on the job before the run (the claim decision) */
  constructor(
    private readonly c: JobContext,
    private rec: JobRecord,
    stages: Record<string, number> = {},
  ) {
    this.jobId = BigInt(rec.jobId);
    this.stages = { ...stages };
  }

  /** `known`: the job's on-chain state as the caller has just read it (spares the first read) */
  async run(known?: OnChainJob): Promise<void> {
    const { market } = this.c;
    let chain = known;
    while (!TERMINAL.has(this.rec.state)) {
      chain ??= await this.time("read", () =>
        this.c.retry("read job", this.rec, () => market.job(this.jobId)),
      );
      if ((await this.step(chain)) === "end") return;
      chain = undefined;
    }
  }

  /** The step for what the chain says about the job. */
  private step(chain: OnChainJob): Promise<Step> {
    const mine = chain.node.toLowerCase() === this.c.market.account.toLowerCase();
    if (chain.status === "fulfilled" && mine) return this.fulfilledOnChain();
    if (chain.status === "rejected" && mine) return this.rejectedOnChain();
    if (chain.status !== "claimed" && chain.status !== "open") return this.endedElsewhere(chain.status);
    if (chain.status === "claimed" && !mine) return this.endedElsewhere("claimed-by-other");
    if (chain.status === "open") return this.open();
    return this.claimedByUs(chain.deadline);
  }

  // ——— helpers ———

  private record: StageRecorder = (stage, ms) => {
    this.stages[stage] = (this.stages[stage] ?? 0) + ms;
    this.c.metrics.stage.observe({ stage }, ms / 1000);
  };

  private time: Timer = async (stage, fn) => {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      this.record(stage, performance.now() - t0);
    }
  };

  private async set(patch: Partial<JobRecord>): Promise<void> {
    const t0 = performance.now();
    this.rec = await this.c.journal.update(this.rec.jobId, patch);
    this.record("journal", performance.now() - t0);
  }

  private end(outcome: Outcome, reason?: string): Step {
    this.c.outcome(this.rec, outcome, this.stages, reason);
    return "end";
  }

  /** Production with retries, abandoned when it would run into the release margin; a failed
   * attempt is forgotten so that the retry produces again. A speculative production is reused. */
  private produceInTime(deadline: number): Promise<ProducedWork> {
    return withTimeout(
      this.c.retry("produce", this.rec, async () => {
        try {
          return await (this.production ??= this.c.produce(this.rec, this.time, this.record));
        } catch (err) {
          this.production = undefined;
          throw err;
        }
      }),
      this.c.timeLeftMs(deadline) - this.c.releaseMarginMs,
      `production did not finish ${this.c.releaseMarginMs} ms before the deadline`,
    );
  }

  /**
   * Journals a sent transaction while waiting for its receipt: the record is for recovery and need
   * not be on disk before the receipt is read, only before the next step (so both are awaited).
   */
  private async confirmJournaled(tx: Hex, patch: Partial<JobRecord>): Promise<void> {
    const journaled = this.set(patch);
    try {
      await this.c.market.confirm(tx);
    } finally {
      await journaled;
    }
  }

  /** Whether a sent transaction is known after this account's pending ones were settled. */
  private async minedAfterSettling(tx: Hex): Promise<boolean> {
    const { market } = this.c;
    if ((await market.receiptStatus(tx)) !== undefined) return false;
    await market.settlePending();
    return (await market.receiptStatus(tx)) !== undefined;
  }

  // ——— the chain ended the job ———

  private async fulfilledOnChain(): Promise<Step> {
    const { log } = this.c;
    if (this.rec.state !== "fulfilling") log.warn({ job: this.rec.jobId }, "job already fulfilled on chain");
    await this.set({ state: "done" });
    this.end("fulfilled");
    log.info(
      {
        job: this.rec.jobId,
        cid: this.rec.metadataCid,
        ms: Math.round(Object.values(this.stages).reduce((a, b) => a + b, 0)),
      },
      "job fulfilled",
    );
    return "end";
  }

  private async rejectedOnChain(): Promise<Step> {
    // The market ends a job Rejected at fulfil only when the requester lost a parent's right
    // meanwhile (parent flagged, parent or licence changed hands): refund, no slash.
    if (this.rec.state === "fulfilling" && !this.rec.reason) {
      await this.set({ reason: "InvalidParams", note: "the requester lost the right to a parent (code 5)" });
    }
    await this.set({ state: "rejected" });
    return this.end("rejected", rejectionReason(this.rec));
  }

  /** Fulfilled/rejected by another, cancelled, expired, or claimed by another node. */
  private async endedElsewhere(status: string): Promise<Step> {
    const released = this.rec.state === "releasing";
    await this.set({
      state: released ? "released" : "lost",
      note: status === "claimed-by-other" ? "claimed by another node" : `on-chain status ${status}`,
    });
    return this.end(released ? "released" : "lost", status);
  }

  // ——— open: produce, then claim with the output ———

  private async open(): Promise<Step> {
    const { rec } = this;
    if (rec.state === "releasing") {
      await this.set({ state: "released" });
      return this.end("released", rec.reason);
    }
    if (rec.state === "rejecting" && rec.rejectTx) {
      // a rejection gives the job back to the pool: done for this node
      await this.set({ state: "rejected" });
      return this.end("rejected", rejectionReason(rec));
    }
    // our claim has not landed (never sent, dropped, or reverted): claim (again) if there is time
    if (rec.claimTx && (await this.minedAfterSettling(rec.claimTx as Hex))) return "next";
    if (this.c.stopping()) {
      // no claim sent: keep the intent journaled, the next start reconsiders the job
      await this.set({ state: "claiming", note: "shutdown before claim" });
      return "end";
    }
    if (this.c.timeLeftMs(rec.deadline) < this.c.expectedJobMs + this.c.releaseMarginMs) {
      await this.set({ state: "lost", note: "too late to claim" });
      return this.end("skipped", "deadline");
    }
    if (rec.state !== "claiming") await this.set({ state: "claiming" });
    const output = await this.outputToClaim();
    if (output === "next" || output === "end") return output;
    return this.claim(output);
  }

  /** The claim carries the output, so produce (and store) first. A job the node found it must
   * reject is claimed with a placeholder hash derived from the secret, only to reject it. */
  private async outputToClaim(): Promise<Hex | Step> {
    if (this.rec.reason) return placeholderOutput(this.rec.secret as Hex);
    try {
      const work = await this.produceInTime(this.rec.deadline);
      await this.set(storedFields(work));
      return work.contentHash;
    } catch (err) {
      if (err instanceof UnsafeOutputError && (this.rec.unsafeRerolls ?? 0) < this.c.unsafeRerolls)
        return this.rerollUnsafe(err);
      this.c.log.warn({ job: this.rec.jobId, err: (err as Error).message }, "production before claim failed");
      const reason = rejectionFor(err);
      if (reason) {
        // claim to report it (the job goes back to the pool with the reason)
        const rerolled = this.rec.unsafeRerolls ? ` after ${this.rec.unsafeRerolls} new secrets` : "";
        await this.set({ reason, note: (err as Error).message + rerolled });
        return "next";
      }
      await this.set({ state: "lost", note: `production failed: ${(err as Error).message}` });
      return this.end("failed", "production-failed");
    }
  }

  private async claim(output: Hex): Promise<Step> {
    const { market, log } = this.c;
    try {
      await this.time("claim", async () => {
        const h = await market.claim(this.jobId, output);
        await this.confirmJournaled(h, { claimTx: h });
      });
    } catch (err) {
      if (!(err instanceof RevertError)) throw err;
      if (contentTaken(err) && !this.rec.reason) return this.reroll(err);
      const again = await this.c.retry("read job", this.rec, () => market.job(this.jobId));
      if (again.status === "open") {
        // refused for a reason of this node (not registered, stake, model not served): never loop
        log.error(
          { job: this.rec.jobId, err: err.errorName },
          "claim refused while the job is open; check `atelier-node status`",
        );
        await this.set({ state: "lost", note: `claim refused: ${err.errorName}` });
        return this.end("failed", err.errorName);
      }
      log.info({ job: this.rec.jobId, err: err.errorName }, "claim refused");
      return "next"; // re-read state: someone else claimed it, or it ended
    }
    // the claim's receipt says the job is this node's now: no need to read it back
    return this.claimedByUs(this.rec.deadline);
  }

  /** Someone minted a copy of the output from the pending claim: draw a new secret, produce again. */
  private async reroll(err: RevertError): Promise<Step> {
    if (this.rec.attempts >= MAX_REROLLS) {
      await this.set({ state: "lost", note: `claim front-run ${this.rec.attempts + 1} times` });
      return this.end("failed", err.errorName);
    }
    this.c.log.warn(
      { job: this.rec.jobId, err: err.errorName },
      "claim front-run with a copy of the output; new secret",
    );
    return this.withNewSecret({ attempts: this.rec.attempts + 1 });
  }

  /**
   * The output was flagged unsafe for a prompt the policy passed: the classifiers misfire on abstract
   * art, so it is most likely this seed's picture, not the request. Nothing was sent yet (the claim
   * carries the output's hash): draw a new secret and produce again, `safety.rerolls` times at most.
   */
  private async rerollUnsafe(err: UnsafeOutputError): Promise<Step> {
    const n = (this.rec.unsafeRerolls ?? 0) + 1;
    this.c.log.warn(
      { job: this.rec.jobId, score: Number(err.score.toFixed(3)), reroll: n, of: this.c.unsafeRerolls },
      "output flagged unsafe before the claim; new secret",
    );
    const step = await this.withNewSecret({ unsafeRerolls: n });
    this.c.metrics.unsafeRerolls.inc(); // once the new secret is on disk
    return step;
  }

  /** Journals a new secret (and its seed) before anything else, forgetting the old output. */
  private async withNewSecret(patch: Pick<Partial<JobRecord>, "attempts" | "unsafeRerolls">): Promise<Step> {
    const { market, journal } = this.c;
    const secret = newSecret();
    this.production = undefined;
    const { claimTx, contentHash, imageCid, metadataCid, perceptualHash, ...rest } = this.rec;
    void [claimTx, contentHash, imageCid, metadataCid, perceptualHash];
    this.rec = await journal.put({
      ...rest,
      ...patch,
      secret,
      seed: seedOf(market.chainId, market.address, this.jobId, market.account, secret),
      state: "claiming",
    });
    return "next";
  }

  // ——— claimed by this node: the journal state picks the step ———

  private async claimedByUs(deadline: number): Promise<Step> {
    const { rec } = this;
    if (rec.state === "claiming") {
      // the output was produced and stored before the claim: on to the fulfil in one journal write
      const fulfilNow =
        hasStoredOutput(rec) && !rec.reason && this.c.timeLeftMs(deadline) >= this.c.releaseMarginMs;
      await this.set({ state: fulfilNow ? "fulfilling" : "claimed" });
    }
    if (
      this.c.timeLeftMs(deadline) < this.c.releaseMarginMs &&
      this.rec.state !== "fulfilling" &&
      this.rec.state !== "rejecting"
    ) {
      await this.set({ state: "releasing", reason: this.rec.reason ?? "deadline" });
    }
    if (this.c.stopping() && this.rec.state === "claimed" && !this.production)
      await this.set({ state: "releasing", reason: "shutdown" });
    if (this.rec.state === "claimed" && this.rec.reason) await this.set({ state: "rejecting" });
    if (this.rec.state === "claimed") return this.produceClaimed(deadline);
    if (this.rec.state === "stored") await this.set({ state: "fulfilling" });
    if (this.rec.state === "fulfilling") return this.fulfil();
    if (this.rec.state === "rejecting") return this.reject();
    if (this.rec.state === "releasing") return this.release();
    return "next";
  }

  private async produceClaimed(deadline: number): Promise<Step> {
    try {
      // reuses the production started speculatively at claim time; a failed one is redone.
      // A production that would run into the release margin is abandoned (the job is released).
      const work = await this.produceInTime(deadline);
      await this.set({ state: "stored", ...storedFields(work) });
    } catch (err) {
      const reason = rejectionFor(err);
      if (reason) {
        await this.set({ state: "rejecting", reason, note: (err as Error).message });
      } else {
        this.c.log.error(
          { job: this.rec.jobId, err: describeError(err) },
          "production failed; releasing the job",
        );
        await this.set({ state: "releasing", reason: "production-failed", note: describeError(err) });
      }
    }
    return "next";
  }

  private async fulfil(): Promise<Step> {
    const { market, log } = this.c;
    const { rec } = this;
    if (rec.fulfilTx) {
      const st = await market.receiptStatus(rec.fulfilTx as Hex);
      if (st === undefined) await market.settlePending();
      if (st === true || (await market.receiptStatus(rec.fulfilTx as Hex)) !== undefined) return "next"; // re-read state
    }
    if (!hasStoredOutput(rec)) {
      await this.set({ state: "claimed" });
      return "next";
    }
    // what was stored is what gets fulfilled: the journaled hashes, not a re-run (which could differ
    // if the node restarted on another execution provider)
    const args = {
      contentHash: rec.contentHash as Hex,
      secret: rec.secret as Hex,
      metadataDigest: metadataDigestOf(rec.metadataCid),
      perceptualHash: BigInt(rec.perceptualHash),
      watermarkId: BigInt(rec.watermarkId),
    };
    try {
      await this.time("fulfil", () =>
        this.c.retry("fulfil", rec, async () => {
          const h = await market.fulfil(this.jobId, args);
          await this.confirmJournaled(h, { fulfilTx: h });
        }),
      );
      // the receipt says the job is fulfilled: no need to read it back
      return this.fulfilledOnChain();
    } catch (err) {
      if (!(err instanceof RevertError)) {
        log.error({ job: rec.jobId, err: describeError(err) }, "fulfil failed; releasing");
        await this.set({ state: "releasing", reason: "fulfil-failed" });
        return "next";
      }
      log.warn({ job: rec.jobId, err: err.errorName }, "fulfil refused by the contract");
      if (/Duplicate|Exists|Taken/i.test(err.errorName ?? "")) {
        await this.set({ state: "rejecting", reason: "InvalidParams", note: err.errorName });
      } else {
        // state changed under us (expired?) — re-read; if still claimed by us we will not loop forever
        const again = await market.job(this.jobId);
        if (again.status === "claimed" && again.node.toLowerCase() === market.account.toLowerCase()) {
          await this.set({ state: "releasing", reason: `fulfil-reverted:${err.errorName}` });
        }
      }
    }
    return "next";
  }

  private async reject(): Promise<Step> {
    const { market, log } = this.c;
    if (this.rec.rejectTx && (await market.receiptStatus(this.rec.rejectTx as Hex)) === undefined)
      await market.settlePending();
    try {
      await this.time("reject", () =>
        this.c.retry("reject", this.rec, async () => {
          const h = await market.reject(this.jobId, (this.rec.reason ?? "InvalidParams") as RejectReason);
          await this.set({ rejectTx: h });
          await market.confirm(h);
        }),
      );
    } catch (err) {
      if (!(err instanceof RevertError)) throw err;
      log.warn({ job: this.rec.jobId, err: err.errorName }, "reject refused; releasing instead");
      await this.set({ state: "releasing" });
    }
    return "next";
  }

  private async release(): Promise<Step> {
    const { market, log } = this.c;
    if (this.rec.releaseTx && (await market.receiptStatus(this.rec.releaseTx as Hex)) === undefined)
      await market.settlePending();
    try {
      await this.c.retry("release", this.rec, async () => {
        const h = await market.release(this.jobId);
        await this.set({ releaseTx: h });
        await market.confirm(h);
      });
    } catch (err) {
      if (!(err instanceof RevertError)) throw err;
      log.warn({ job: this.rec.jobId, err: err.errorName }, "release refused");
      const again = await market.job(this.jobId);
      if (again.status === "claimed") {
        await this.set({ state: "lost", note: `release refused: ${err.errorName}` });
        return this.end("failed", err.errorName);
      }
    }
    return "next";
  }
}
