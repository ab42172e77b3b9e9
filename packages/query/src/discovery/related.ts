/**
 * "More like this", licence-aware: ranks works by a hybrid of visual similarity (image embeddings in a
 * usearch cosine HNSW index; the 64-bit perceptual hash, in a second index, stands in while a work's
 * embedding is still being computed), co-licensing (accounts that licensed these also licensed …), shared
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
  /** The work's 64-bit perceptual hash: its visual signal until the embedding exists. */
  perceptualHash?: bigint;
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

const HASH_BITS = 64;

/** A perceptual hash as a ±1 vector: cosine of two = 1 − 2·Hamming/64. */
function hashVector(hash: bigint): Float32Array {
  return Float32Array.from({ length: HASH_BITS }, (_, bit) => ((hash >> BigInt(bit)) & 1n ? 1 : -1));
}

function cosineIndex(dimensions: number): InstanceType<typeof Index> {
  return new Index({
    dimensions,
    metric: MetricKind.Cos,
    quantization: ScalarKind.F32,
    connectivity: 16,
    expansion_add: 64,
    expansion_search: 256,
    multi: false,
  });
}

/** One usearch index plus what each key holds, so that re-adding an unchanged vector costs nothing. */
class VectorIndex<V> {
  readonly index: InstanceType<typeof Index>;
  private readonly held = new Map<bigint, V>();

  constructor(
    private readonly dimensions: number,
    private readonly toVector: (workId: bigint, value: V) => Float32Array,
  ) {
    this.index = cosineIndex(dimensions);
  }

  /** Adds or replaces vectors; values identical (===) to the held ones are skipped. */
  put(entries: readonly (readonly [bigint, V])[]): void {
    const fresh = entries.filter(([id, value]) => this.held.get(id) !== value);
    if (fresh.length === 0) return;
    const changed = fresh.filter(([id]) => this.held.has(id)).map(([id]) => id);
    if (changed.length) this.index.remove(BigUint64Array.from(changed));
    const dims = this.dimensions;
    const vectors = new Float32Array(fresh.length * dims);
    fresh.forEach(([id, value], i) => vectors.set(this.toVector(id, value), i * dims));
    this.index.add(BigUint64Array.from(fresh.map(([id]) => id)), vectors);
    for (const [id, value] of fresh) this.held.set(id, value);
  }

  /** Removes every key not in `keep`. */
  retain(keep: (id: bigint) => boolean): void {
    const gone = [...this.held.keys()].filter((id) => !keep(id));
    if (gone.length === 0) return;
    this.index.remove(BigUint64Array.from(gone));
    for (const id of gone) this.held.delete(id);
  }

  search(query: Float32Array, count: number): { keys: BigUint64Array; distances: Float32Array } {
    const size = this.held.size;
    if (size === 0) return { keys: new BigUint64Array(), distances: new Float32Array() };
    return this.index.search(query, Math.min(count, size), 0);
  }
}

export class RelatedWorks {
  private readonly embeddings: VectorIndex<Float32Array>;
  private readonly hashes = new VectorIndex<bigint>(HASH_BITS, (_, hash) => hashVector(hash));
  private readonly works = new Map<bigint, WorkFeatures>();
  private readonly licensees = new Map<bigint, Set<string>>();
  private readonly history = new Map<string, bigint[]>();
  private readonly byCreator = new Map<string, bigint[]>();
  private maxPopularity = 1;

  constructor(readonly dimensions: number) {
    this.embeddings = new VectorIndex(dimensions, (id, v) => this.checked(id, v));
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
    this.embeddings.put(works.flatMap((w) => (w.embedding ? [[w.workId, w.embedding] as const] : [])));
    this.hashes.put(
      works.flatMap((w) => (w.perceptualHash !== undefined ? [[w.workId, w.perceptualHash] as const] : [])),
    );
  }

  /**
   * Replaces every work and licence with these (a fresh read of the index). Vectors already indexed
   * for a work (the same Float32Array, the same hash) are kept, so repeating this every few seconds
   * costs the new and changed works only.
   */
  sync(works: readonly WorkFeatures[], licenses: readonly { account: string; workId: bigint }[]): void {
    const next = new Map(works.map((w) => [w.workId, w]));
    this.embeddings.retain((id) => next.get(id)?.embedding !== undefined);
    this.hashes.retain((id) => next.get(id)?.perceptualHash !== undefined);
    this.works.clear();
    this.byCreator.clear();
    this.licensees.clear();
    this.history.clear();
    this.maxPopularity = 1;
    this.addWorks(works);
    for (const l of licenses) this.addLicense(l.account, l.workId);
  }

  /** Adds or replaces a known work's embedding (e.g. when its background job finishes). */
  setEmbedding(workId: bigint, embedding: Float32Array): void {
    const work = this.works.get(workId);
    if (!work) throw new Error(`work ${workId} is not in the related-works index: addWorks it first`);
    this.embeddings.put([[workId, embedding]]);
    this.works.set(workId, { ...work, embedding });
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
    const scores = new Map<bigint, { parts: Record<Signal, number>; reasons: string[]; byHash: boolean }>();
    const entry = (id: bigint) => {
      let e = scores.get(id);
      if (!e) {
        e = {
          parts: { visual: 0, colicensing: 0, rights: 0, lineage: 0, popularity: 0 },
          reasons: [],
          byHash: false,
        };
        scores.set(id, e);
      }
      return e;
    };

    if (weights.visual > 0) {
      // Recent licences weigh more: tastes drift, and the last ones say most about the next.
      const weightOf = (i: number) => 1 + i / seedWorks.length;
      const embedded = seedWorks.some((w) => w.embedding);
      if (embedded) {
        const profile = new Float32Array(this.dimensions);
        seedWorks.forEach((w, i) => {
          if (w.embedding) normalise(w.embedding).forEach((x, d) => (profile[d]! += weightOf(i) * x));
        });
        const found = this.embeddings.search(normalise(profile), VISUAL_CANDIDATES);
        for (let i = 0; i < found.keys.length; i++)
          entry(found.keys[i]!).parts.visual = 1 - found.distances[i]!;
      }
      if (seedWorks.some((w) => w.perceptualHash !== undefined)) {
        const profile = new Float32Array(HASH_BITS);
        seedWorks.forEach((w, i) => {
          if (w.perceptualHash !== undefined)
            hashVector(w.perceptualHash).forEach((x, d) => (profile[d]! += weightOf(i) * x));
        });
        const found = this.hashes.search(normalise(profile), VISUAL_CANDIDATES);
        for (let i = 0; i < found.keys.length; i++) {
          const id = found.keys[i]!;
          // The hash stands in only where embeddings cannot be compared: the seeds' or this work's is pending.
          if (embedded && this.works.get(id)?.embedding) continue;
          const e = entry(id);
          e.parts.visual = 1 - found.distances[i]!;
          e.byHash = true;
        }
      }
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
      out.push({ workId: id, score, reasons: this.reasons(e.parts, e.byHash, work, creators, usualRights) });
    }
    return out.sort((a, b) => b.score - a.score || (a.workId < b.workId ? -1 : 1)).slice(0, limit);
  }

  private reasons(
    parts: Record<Signal, number>,
    byHash: boolean,
    work: WorkFeatures,
    creators: Set<string>,
    usualRights: number,
  ): string[] {
    const reasons: string[] = [];
    if (parts.visual > 0.5)
      reasons.push(`looks similar (${parts.visual.toFixed(2)}${byHash ? ", perceptual hash" : ""})`);
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
