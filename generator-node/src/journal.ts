/**
 * The persisted job journal: one JSON file per job under `<dataDir>/journal/`, written atomically
 * (temp file, fsync, rename, fsync of the directory) before and after every externally visible
 * step, plus the follow checkpoint. After a crash the node reloads every non-terminal entry and
 * reconciles it with the job's on-chain state before doing anything else.
 */
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";

export type JobState =
  /** claim intent recorded (output produced first); the claim tx may or may not have been sent */
  | "claiming"
  /** claim mined (job is Claimed by this node) */
  | "claimed"
  /** image + metadata stored; fulfil not yet sent */
  | "stored"
  /** fulfil intent recorded / sent */
  | "fulfilling"
  | "rejecting"
  | "releasing"
  /** terminal states */
  | "done"
  | "rejected"
  | "released"
  | "lost";

export const TERMINAL: ReadonlySet<JobState> = new Set(["done", "rejected", "released", "lost"]);

export interface JobRecord {
  jobId: string;
  modelId: string;
  requester: string;
  prompt: string;
  params: string;
  /** unix seconds */
  deadline: number;
  watermarkId: string;
  /** the node's secret for this job (drawn before anything is sent) and the seed derived from it */
  secret: string;
  seed: string;
  /** parent works and the licences that authorise them (decimal strings) */
  parents?: { workId: string; licenseId: string }[];
  fee: string;
  requestBlock: string;
  state: JobState;
  claimTx?: string;
  fulfilTx?: string;
  rejectTx?: string;
  releaseTx?: string;
  reason?: string;
  rejectCode?: number;
  imageCid?: string;
  metadataCid?: string;
  contentHash?: string;
  perceptualHash?: string;
  /** claims front-run with a copy of the output (each drew a new secret) */
  attempts: number;
  /** outputs flagged unsafe before the claim (each drew a new secret; `safety.rerolls` at most) */
  unsafeRerolls?: number;
  note?: string;
  updatedAt: string;
}

async function writeAtomic(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  const fh = await open(tmp, "w");
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  const dir = await open(path.dirname(file), "r");
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}

export class Journal {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly writes = new Map<string, Promise<void>>();

  private constructor(
    private readonly dir: string,
    private readonly onWrite: () => void,
  ) {}

  /** `onWrite`: called for every durable write (for `/metrics`) */
  static async open(dataDir: string, onWrite: () => void = () => undefined): Promise<Journal> {
    const dir = path.join(dataDir, "journal");
    await mkdir(dir, { recursive: true });
    const j = new Journal(dir, onWrite);
    for (const name of await readdir(dir)) {
      // a temp file is a write that a crash interrupted before its rename: the previous version stands
      if (name.endsWith(".tmp")) {
        await rm(path.join(dir, name), { force: true });
        continue;
      }
      if (!/^job-\d+\.json$/.test(name)) continue;
      const rec = JSON.parse(await readFile(path.join(dir, name), "utf8")) as JobRecord;
      j.jobs.set(rec.jobId, rec);
    }
    return j;
  }

  get(jobId: bigint | string): JobRecord | undefined {
    return this.jobs.get(String(jobId));
  }

  all(): JobRecord[] {
    return [...this.jobs.values()];
  }

  pending(): JobRecord[] {
    return this.all().filter((r) => !TERMINAL.has(r.state));
  }

  /** Persists the record (serialised per job: later writes wait for earlier ones). */
  async put(rec: JobRecord): Promise<JobRecord> {
    rec.updatedAt = new Date().toISOString();
    this.jobs.set(rec.jobId, rec);
    const data = JSON.stringify(rec, null, 1);
    const prev = this.writes.get(rec.jobId) ?? Promise.resolve();
    const next = prev.then(() => {
      this.onWrite();
      return writeAtomic(path.join(this.dir, `job-${rec.jobId}.json`), data);
    });
    this.writes.set(rec.jobId, next);
    await next;
    return rec;
  }

  async update(jobId: string, patch: Partial<JobRecord>): Promise<JobRecord> {
    const cur = this.jobs.get(jobId);
    if (!cur) throw new Error(`journal has no job ${jobId}`);
    return this.put({ ...cur, ...patch });
  }

  /**
   * Deletes terminal entries last updated more than `maxAgeMs` ago whose request lies at or before the
   * checkpoint (a rescan can never see them again), so the journal stays small on long-running nodes.
   */
  async prune(maxAgeMs: number, checkpoint: bigint): Promise<number> {
    const cutoff = Date.now() - maxAgeMs;
    let n = 0;
    for (const rec of this.all()) {
      if (
        !TERMINAL.has(rec.state) ||
        Date.parse(rec.updatedAt) > cutoff ||
        BigInt(rec.requestBlock) > checkpoint
      )
        continue;
      await rm(path.join(this.dir, `job-${rec.jobId}.json`), { force: true });
      this.jobs.delete(rec.jobId);
      n++;
    }
    return n;
  }

  async readCheckpoint(): Promise<bigint | undefined> {
    try {
      const v = JSON.parse(await readFile(path.join(this.dir, "checkpoint.json"), "utf8")) as {
        block: string;
      };
      return BigInt(v.block);
    } catch {
      return undefined;
    }
  }

  async writeCheckpoint(block: bigint): Promise<void> {
    this.onWrite();
    await writeAtomic(path.join(this.dir, "checkpoint.json"), JSON.stringify({ block: block.toString() }));
  }
}
