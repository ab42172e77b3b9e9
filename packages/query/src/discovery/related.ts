/**
 * "More like this", licence-aware: ranks works by a hybrid of visual similarity (embeddings in a
 * usearch cosine HNSW index), co-licensing (accounts that licensed these also licensed …), shared
 * rights, lineage/creator/model, and a small popularity prior; filters by the rights the viewer
 * needs; says why each work is suggested.
 */
import usearch from "usearch";

const { Index, MetricKind, ScalarKind } = usearch;

/** Terms flags as the contracts emit them. */
export const RIGHTS = {
  commercial: 1,
  derivatives: 2,
  attribution: 4,
  aiTraining: 8,
  exclusive: 16,
  transferable: 32,
} as const;

export interface WorkFeatures {
  workId: bigint;
  /**
   * Image embedding (any fixed dimension; cosine similarity is used). Absent while it is still being
   * computed: the work is then ranked by the other signals until `setEmbedding` adds it.
   */
  embedding?: Float32Array;
  creator: string;
  model?: string | null;
  parents?: bigint[];
  /** Union of the terms flags of the work's open offers (what a buyer can still get). */
  rights: number;
  available?: boolean;
}

export interface Suggestion {
  workId: bigint;
  score: number;
  reasons: string[];
}

export interface RankOptions {
  limit?: number;
  /** Only works that offer all these rights (terms flags). */
  requireRights?: number;
  /** Works to leave out (e.g. already licensed). */
  exclude?: Iterable<bigint>;
  weights?: Partial<Weights>;
}

export interface Weights {
  visual: number;
  colicensing: number;
  rights: number;
  lineage: number;
  popularity: number;
}

export const DEFAULT_WEIGHTS: Weights = {
  visual: 1,
  colicensing: 1.2,
  rights: 0.3,
  lineage: 0.25,
  popularity: 0.15,
};
export type Signal = keyof Weights;

const VISUAL_CANDIDATES = 200;
/** Latest works per seed creator considered on lineage alone. */
const LINEAGE_CANDIDATES = 50;

function normalise(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  return v.map((x) => x / norm);
}

function popcount(x: number): number {
  let c = 0;
  for (let v = x; v; v &= v - 1) c += 1;
  return c;
}

export class RelatedWorks {
  private readonly index: InstanceType<typeof Index>;
  private readonly works = new Map<bigint, WorkFeatures>();
  private readonly licensees = new Map<bigint, Set<string>>();
  private readonly history = new Map<string, bigint[]>();
  private readonly byCreator = new Map<string, bigint[]>();
  private maxPopularity = 1;

  constructor(private readonly dimensions: number) {
    this.index = new Index({
      dimensions,
      metric: MetricKind.Cos,
      quantization: ScalarKind.F32,
      connectivity: 16,
      expansion_add: 64,
      expansion_search: 256,
      multi: false,
    });
  }

  addWorks(works: readonly WorkFeatures[]): void {
    for (const w of works) {
      if (!this.works.has(w.workId)) {
        const list = this.byCreator.get(w.creator) ?? [];
        list.push(w.workId);
        this.byCreator.set(w.creator, list);
      }
      this.works.set(w.workId, w);
    }
    const embedded = works.filter((w) => w.embedding !== undefined);
    if (embedded.length === 0) return;
    const vectors = new Float32Array(embedded.length * this.dimensions);
    embedded.forEach((w, i) => vectors.set(this.checked(w.workId, w.embedding!), i * this.dimensions));
    this.index.add(BigUint64Array.from(embedded.map((w) => w.workId)), vectors);
  }

  /** Adds or replaces a known work's embedding (e.g. when its background job finishes). */
  setEmbedding(workId: bigint, embedding: Float32Array): void {
    const work = this.works.get(workId);
    if (!work) throw new Error(`work ${workId} is not in the related-works index: addWorks it first`);
    const vector = this.checked(workId, embedding);
    if (work.embedding) this.index.remove(workId);
    this.works.set(workId, { ...work, embedding });
    this.index.add(workId, vector);
  }

  private checked(workId: bigint, embedding: Float32Array): Float32Array {
    if (embedding.length !== this.dimensions)
      throw new Error(
        `work ${workId}: embedding has ${embedding.length} dimensions, the index ${this.dimensions}`,
      );
    return normalise(embedding);
  }

  addLicense(account: string, workId: bigint): void {
    const set = this.licensees.get(workId) ?? new Set<string>();
    set.add(account);
    this.licensees.set(workId, set);
    this.maxPopularity = Math.max(this.maxPopularity, set.size);
    const list = this.history.get(account) ?? [];
    list.push(workId);
    this.history.set(account, list);
  }

  historyOf(account: string): readonly bigint[] {
    return this.history.get(account) ?? [];
  }

  /** Related works of one work. */
  forWork(workId: bigint, options: RankOptions = {}): Suggestion[] {
    return this.rank([workId], { ...options, exclude: [workId, ...(options.exclude ?? [])] });
  }

  /** Suggestions from an account's licensing history (its works are excluded). */
  forAccount(account: string, options: RankOptions = {}): Suggestion[] {
    const seeds = this.historyOf(account);
    return this.rank(seeds, { ...options, exclude: [...seeds, ...(options.exclude ?? [])] }, account);
  }

  /** Ranking from a set of seed works, by the weighted signals (set a weight to 0 to drop a signal). */
  rank(seeds: readonly bigint[], options: RankOptions = {}, account?: string): Suggestion[] {
    const weights = { ...DEFAULT_WEIGHTS, ...options.weights };
    const limit = options.limit ?? 10;
    const exclude = new Set(options.exclude ?? []);
    const seedWorks = seeds.map((id) => this.works.get(id)).filter((w): w is WorkFeatures => w !== undefined);
    const scores = new Map<bigint, { parts: Record<Signal, number>; reasons: string[] }>();
    const entry = (id: bigint) => {
      let e = scores.get(id);
      if (!e) {
        e = { parts: { visual: 0, colicensing: 0, rights: 0, lineage: 0, popularity: 0 }, reasons: [] };
        scores.set(id, e);
      }
      return e;
    };

    if (weights.visual > 0 && seedWorks.some((w) => w.embedding) && this.index.size() > 0) {
      const profile = new Float32Array(this.dimensions);
      // Recent licences weigh more: tastes drift, and the last ones say most about the next.
      seedWorks.forEach((w, i) => {
        const weight = 1 + i / seedWorks.length;
        if (w.embedding) normalise(w.embedding).forEach((x, d) => (profile[d]! += weight * x));
      });
      const found = this.index.search(normalise(profile), Math.min(VISUAL_CANDIDATES, this.index.size()), 0);
      for (let i = 0; i < found.keys.length; i++)
        entry(found.keys[i]!).parts.visual = 1 - found.distances[i]!;
    }

    if (weights.colicensing > 0) {
      const others = new Set<string>();
      for (const s of seeds) for (const a of this.licensees.get(s) ?? []) if (a !== account) others.add(a);
      for (const other of others) {
        const theirs = this.history.get(other) ?? [];
        const shared = theirs.filter((w) => seeds.includes(w)).length;
        for (const w of theirs) entry(w).parts.colicensing += shared / Math.sqrt(theirs.length);
      }
      let max = 0;
      for (const e of scores.values()) max = Math.max(max, e.parts.colicensing);
      if (max > 0) for (const e of scores.values()) e.parts.colicensing /= max;
    }

    // Rights the seeds share: what this viewer evidently licenses.
    const usualRights = seedWorks.reduce((acc, w) => acc & w.rights, seedWorks.length ? 0xff : 0);
    const creators = new Set(seedWorks.map((w) => w.creator));
    const models = new Set(seedWorks.map((w) => w.model).filter(Boolean));
    const lineage = new Set(seedWorks.flatMap((w) => [w.workId, ...(w.parents ?? [])]));
    // Lineage candidates even without a visual or co-licensing hit (e.g. a work whose embedding is pending).
    if (weights.lineage > 0) {
      for (const id of lineage) if (this.works.has(id)) entry(id);
      for (const c of creators)
        for (const id of (this.byCreator.get(c) ?? []).slice(-LINEAGE_CANDIDATES)) entry(id);
    }

    const out: Suggestion[] = [];
    for (const [id, e] of scores) {
      if (exclude.has(id)) continue;
      const work = this.works.get(id);
      if (!work || work.available === false) continue;
      if (options.requireRights && (work.rights & options.requireRights) !== options.requireRights) continue;
      if (usualRights) e.parts.rights = popcount(work.rights & usualRights) / popcount(usualRights);
      const related =
        creators.has(work.creator) ||
        (work.model && models.has(work.model)) ||
        (work.parents ?? []).some((p) => lineage.has(p)) ||
        lineage.has(id);
      e.parts.lineage = related ? 1 : 0;
      e.parts.popularity = Math.log1p(this.licensees.get(id)?.size ?? 0) / Math.log1p(this.maxPopularity);
      const score = (Object.keys(weights) as Signal[]).reduce((sum, k) => sum + weights[k] * e.parts[k], 0);
      if (score <= 0) continue;
      out.push({ workId: id, score, reasons: this.reasons(e.parts, work, creators, usualRights) });
    }
    return out.sort((a, b) => b.score - a.score || (a.workId < b.workId ? -1 : 1)).slice(0, limit);
  }

  private reasons(
    parts: Record<Signal, number>,
    work: WorkFeatures,
    creators: Set<string>,
    usualRights: number,
  ): string[] {
    const reasons: string[] = [];
    if (parts.visual > 0.5) reasons.push(`looks similar (${parts.visual.toFixed(2)})`);
    if (parts.colicensing > 0) reasons.push("licensed by accounts that licensed the same works");
    if (creators.has(work.creator)) reasons.push("same creator");
    else if (parts.lineage > 0) reasons.push("same lineage or model");
    if (usualRights && (work.rights & usualRights) === usualRights)
      reasons.push("offers the rights you usually license");
    return reasons;
  }

  /** Most-licensed works (the popularity baseline). */
  popular(options: RankOptions = {}): Suggestion[] {
    const exclude = new Set(options.exclude ?? []);
    return [...this.licensees]
      .filter(([id]) => !exclude.has(id))
      .map(([workId, set]) => ({ workId, score: set.size, reasons: [`licensed by ${set.size} accounts`] }))
      .sort((a, b) => b.score - a.score || (a.workId < b.workId ? -1 : 1))
      .slice(0, options.limit ?? 10);
  }
}
