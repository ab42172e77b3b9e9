/**
 * The dApp's and third parties' typed view of the provenance index, over either dialect. Every list
 * is ordered and paged the same way on both (by number, cursor = last number seen), so the two
 * adapters return the same results for the same index. Each concept's reads live in their own module
 * (listing, provenance, accounts, operators, search); this class puts them behind one object.
 */
import type { IndexHead } from "./dialect.ts";
import { account } from "./accounts.ts";
import { FigureQueries } from "./figures.ts";
import { listWorks, MAX_PAGE, type Page, type WorkFilter } from "./listing.ts";
import { modelNames, models, nodes, type ModelStats, type NodeStats } from "./operators.ts";
import { provenance } from "./provenance.ts";
import { search } from "./search.ts";
import { WORK_FIELDS, toWork, type WorkSummary } from "./works.ts";

export type { WorkSummary, WorkFilter, Page, NodeStats, ModelStats };
export type { TimelineEntry } from "./provenance.ts";

export class ProvenanceQueries extends FigureQueries {
  get kind() {
    return this.dialect.kind;
  }

  /** Works matching `filter`, by work number, `first` per page (≤ 999); see listing.ts. */
  listWorks(
    filter: WorkFilter = {},
    page: { first?: number; after?: string } = {},
  ): Promise<Page<WorkSummary>> {
    return listWorks(this.dialect, filter, page);
  }

  async work(id: string | bigint): Promise<WorkSummary | null> {
    const rows = await this.dialect.list("Work", WORK_FIELDS, { where: { id: id.toString() }, first: 1 });
    return rows[0] ? toWork(rows[0]) : null;
  }

  /** Several works by id in one request, as a map (ids the index lacks are absent). */
  async works(ids: readonly (string | bigint)[]): Promise<Map<string, WorkSummary>> {
    const unique = [...new Set(ids.map(String))];
    if (unique.length === 0) return new Map();
    const out = new Map<string, WorkSummary>();
    for (let i = 0; i < unique.length; i += MAX_PAGE) {
      const chunk = unique.slice(i, i + MAX_PAGE);
      const rows = await this.dialect.list("Work", WORK_FIELDS, {
        where: { id_in: chunk },
        first: chunk.length,
      });
      for (const row of rows) out.set(String(row.id), toWork(row));
    }
    return out;
  }

  /** Where the index stands (see IndexHead): answers read at one head stay the same until it moves. */
  head(): Promise<IndexHead> {
    return this.dialect.head();
  }

  async workByContentHash(contentHash: string): Promise<WorkSummary | null> {
    const rows = await this.dialect.list("Work", WORK_FIELDS, {
      where: { contentHash: contentHash.toLowerCase() },
      first: 1,
    });
    return rows[0] ? toWork(rows[0]) : null;
  }

  async workByWatermark(watermarkId: bigint): Promise<WorkSummary | null> {
    const rows = await this.dialect.list("Work", WORK_FIELDS, {
      where: { watermarkId: watermarkId.toString() },
      first: 1,
    });
    return rows[0] ? toWork(rows[0]) : null;
  }

  /** A work's provenance in chain order: mint, transfers, licences, flags and its job's history. */
  provenance(id: string | bigint) {
    return provenance(this.dialect, id);
  }

  /** What an account holds and did (the first `first`, default 50, of each list); see accounts.ts. */
  account(address: string, options: { first?: number } = {}) {
    return account(this.dialect, address, options);
  }

  nodes(): Promise<NodeStats[]> {
    return nodes(this.dialect);
  }

  /** The registered models' names (what a filter menu needs; `models()` also counts their jobs). */
  modelNames(): Promise<{ id: string; name: string; active: boolean }[]> {
    return modelNames(this.dialect);
  }

  models(): Promise<ModelStats[]> {
    return models(this.dialect);
  }

  /** Full-text search over titles, descriptions and prompts, ranked; see search.ts. */
  search(text: string, first = 20): Promise<WorkSummary[]> {
    return search(this.dialect, text, first);
  }
}
