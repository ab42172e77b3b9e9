/** An in-memory generation market with the contract's state machine, for pipeline unit tests. */
import { keccak256, toHex, type Address, type Hex } from "viem";
import type { FulfilArgs, JobRequest, Market, OnChainJob } from "../../src/chain/market.ts";
import { RevertError } from "../../src/chain/tx.ts";

const ZERO = "0x0000000000000000000000000000000000000000" as Address;

export class FakeMarket implements Market {
  readonly address = "0x00000000000000000000000000000000000000aa" as Address;
  readonly chainId = 31337;
  block = 1n;
  readonly jobs = new Map<
    bigint,
    OnChainJob & {
      req: JobRequest;
      fulfilCount: number;
      args?: FulfilArgs;
      rejectReason?: string;
      /** content hash reserved by the current claim */
      reserved?: Hex;
    }
  >();
  readonly calls: string[] = [];
  nextId = 1n;
  /** the next N job reads fail (an RPC outage) */
  failReads = 0;
  /** most jobs claimed at the same time */
  maxClaimed = 0;

  constructor(readonly account: Address) {}

  submit(prompt: string, opts: { modelId?: bigint; deadlineSec?: number } = {}): bigint {
    const jobId = this.nextId++;
    this.block++;
    const req: JobRequest = {
      jobId,
      requester: "0x00000000000000000000000000000000000000b0",
      modelId: opts.modelId ?? 1n,
      prompt,
      params: "0x",
      fee: 10n ** 15n,
      deadline: Math.floor(Date.now() / 1000) + (opts.deadlineSec ?? 600),
      watermarkId: (1n << 55n) | jobId,
      parents: [],
      blockNumber: this.block,
    };
    this.jobs.set(jobId, { status: "open", node: ZERO, deadline: req.deadline, req, fulfilCount: 0 });
    return jobId;
  }

  async head() {
    return { number: this.block, timestamp: Math.floor(Date.now() / 1000) };
  }
  async requests(from: bigint, to: bigint) {
    return [...this.jobs.values()]
      .map((j) => j.req)
      .filter((r) => r.blockNumber >= from && r.blockNumber <= to);
  }
  readonly released: { jobId: bigint; node: Address; blockNumber: bigint }[] = [];

  /** another node claims `jobId` and gives it back */
  otherNodeClaimsAndReleases(jobId: bigint): void {
    const j = this.jobs.get(jobId)!;
    j.status = "open";
    j.node = ZERO;
    this.block++;
    this.released.push({
      jobId,
      node: "0x00000000000000000000000000000000000000d0",
      blockNumber: this.block,
    });
  }

  async releases(from: bigint, to: bigint) {
    return this.released.filter((r) => r.blockNumber >= from && r.blockNumber <= to);
  }

  async job(jobId: bigint): Promise<OnChainJob> {
    if (this.failReads > 0) {
      this.failReads--;
      throw new Error("simulated RPC outage");
    }
    const j = this.jobs.get(jobId);
    if (!j) return { status: "none", node: ZERO, deadline: 0 };
    return { status: j.status, node: j.node, deadline: j.deadline };
  }
  async request(jobId: bigint) {
    return this.jobs.get(jobId)?.req;
  }
  async modelWeightsHash(): Promise<Hex> {
    return "0x";
  }
  private tx(name: string, jobId: bigint): Hex {
    this.block++;
    this.calls.push(`${name}:${jobId}`);
    return keccak256(toHex(`${name}-${jobId}-${this.calls.length}`));
  }
  private claimed(jobId: bigint) {
    const j = this.jobs.get(jobId)!;
    if (j.status !== "claimed" || j.node !== this.account)
      throw new RevertError("not claimed by caller", "NotClaimant");
    return j;
  }
  /** someone mints a copy of the next claim's content hash just before it lands (a front-run mintWork) */
  frontRunNextClaim = false;
  /** content hashes of claims that were front-run */
  readonly frontRun: Hex[] = [];
  /** metadata digests of works minted by fulfilments, by work id (work id = job id here) */
  readonly digests = new Map<bigint, Hex>();

  /** As GenerationMarket.claimJob: reserves `contentHash` (tests may omit it to fake an earlier claim). */
  async claim(jobId: bigint, contentHash?: Hex) {
    const j = this.jobs.get(jobId)!;
    if (j.status !== "open") throw new RevertError("not open", "JobNotOpen");
    if (contentHash !== undefined && this.frontRunNextClaim) {
      this.frontRunNextClaim = false;
      this.frontRun.push(contentHash);
      this.registeredContent.add(contentHash);
    }
    if (contentHash !== undefined && this.registeredContent.has(contentHash))
      throw new RevertError("content registered", "DuplicateContentHash");
    if (contentHash !== undefined) j.reserved = contentHash;
    j.status = "claimed";
    j.node = this.account;
    this.maxClaimed = Math.max(
      this.maxClaimed,
      [...this.jobs.values()].filter((x) => x.status === "claimed").length,
    );
    return this.tx("claim", jobId);
  }
  /** content hashes already registered as works (e.g. by someone who front-ran the node) */
  readonly registeredContent = new Set<Hex>();

  async metadataDigestOf(workId: bigint): Promise<Hex> {
    return this.digests.get(workId) ?? "0x0000000000000000000000000000000000000000000000000000000000000000";
  }

  /** As GenerationMarket.fulfilJob: only the content hash the claim reserved can be fulfilled. */
  async fulfil(jobId: bigint, args: FulfilArgs) {
    const j = this.claimed(jobId);
    if (j.reserved !== undefined && j.reserved !== args.contentHash)
      throw new RevertError("not the reserved content", "ContentReserved");
    this.registeredContent.add(args.contentHash);
    this.digests.set(jobId, args.metadataDigest);
    j.status = "fulfilled";
    j.fulfilCount++;
    j.args = args;
    return this.tx("fulfil", jobId);
  }
  /** As GenerationMarket.rejectJob: the job goes back to the open pool with the reason. */
  async reject(jobId: bigint, reason: string) {
    const j = this.claimed(jobId);
    j.status = "open";
    j.node = ZERO;
    j.reserved = undefined;
    j.rejectReason = reason;
    const hash = this.tx("reject", jobId);
    this.released.push({ jobId, node: this.account, blockNumber: this.block });
    return hash;
  }
  async release(jobId: bigint) {
    const j = this.claimed(jobId);
    j.status = "open";
    j.node = ZERO;
    j.reserved = undefined;
    const hash = this.tx("release", jobId);
    this.released.push({ jobId, node: this.account, blockNumber: this.block });
    return hash;
  }
  async confirm() {
    return true;
  }
  async receiptStatus() {
    return true;
  }
  async settlePending() {}
}
