/** What one account holds and did, from the index. */
import type { Dialect, Row } from "./dialect.ts";
import { QueryError } from "./dialect.ts";
import { MAX_PAGE } from "./listing.ts";
import { WORK_FIELDS, toWork } from "./works.ts";

/**
 * What an account holds and did: licences, works created and owned, credits, jobs requested — the
 * first `first` (default 50, ≤ 999) of each, oldest first; `more` says which lists go on (page works
 * with `listWorks({ creator | owner })`).
 */
export async function account(dialect: Dialect, address: string, options: { first?: number } = {}) {
  const a = address.toLowerCase();
  const first = Math.min(options.first ?? 50, MAX_PAGE - 1);
  if (first < 1) throw new QueryError(`page size ${first} is not positive`, "ask for 1..999 items");
  const list = (entity: string, fields: readonly string[], where: Row, orderBy: string) => ({
    entity,
    fields,
    options: { where, first: first + 1, orderBy, orderDirection: "asc" as const },
  });
  // One round trip for the five lists.
  const [licenses, created, owned, credits, jobs] = (await dialect.listMany([
    list(
      "License",
      ["id", "work", "terms", "price", "currency", "expiry", "isPrivate"],
      { licensee: a },
      "blockNumber",
    ),
    list("Work", WORK_FIELDS, { creator: a }, "number"),
    list("Work", WORK_FIELDS, { owner: a }, "number"),
    list("Credit", ["id", "contract", "currency", "credited", "withdrawn", "balance"], { account: a }, "id"),
    list("Job", ["id", "status", "model", "fee", "work"], { requester: a }, "requestedBlock"),
  ])) as [Row[], Row[], Row[], Row[], Row[]];
  const more = {
    licenses: licenses.length > first,
    worksCreated: created.length > first,
    worksOwned: owned.length > first,
    credits: credits.length > first,
    jobs: jobs.length > first,
  };
  return {
    licenses: licenses.slice(0, first),
    worksCreated: created.slice(0, first).map(toWork),
    worksOwned: owned.slice(0, first).map(toWork),
    credits: credits.slice(0, first),
    jobs: jobs.slice(0, first),
    more,
  };
}
