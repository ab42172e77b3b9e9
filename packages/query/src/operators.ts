/** The generation market's nodes and models with their job counts, for the operators' page and filters. */
import type { Dialect } from "./dialect.ts";
import { MAX_PAGE } from "./listing.ts";

export interface NodeStats {
  id: string;
  stake: bigint;
  slashed: bigint;
  jobsClaimed: number;
  jobsFulfilled: number;
  jobsRejected: number;
  jobsExpired: number;
  /** fulfilled / (fulfilled + rejected + expired); null before any job ended. */
  successRate: number | null;
}

export interface ModelStats {
  id: string;
  name: string;
  active: boolean;
  jobs: number;
  fulfilled: number;
  successRate: number | null;
}

export async function nodes(dialect: Dialect): Promise<NodeStats[]> {
  const rows = await dialect.list(
    "Node",
    ["id", "stake", "slashed", "jobsClaimed", "jobsFulfilled", "jobsRejected", "jobsExpired"],
    { first: MAX_PAGE, orderBy: "id", orderDirection: "asc" },
  );
  return rows.map((r) => {
    const ended = Number(r.jobsFulfilled) + Number(r.jobsRejected) + Number(r.jobsExpired);
    return {
      id: String(r.id),
      stake: BigInt(r.stake as string),
      slashed: BigInt(r.slashed as string),
      jobsClaimed: Number(r.jobsClaimed),
      jobsFulfilled: Number(r.jobsFulfilled),
      jobsRejected: Number(r.jobsRejected),
      jobsExpired: Number(r.jobsExpired),
      successRate: ended === 0 ? null : Number(r.jobsFulfilled) / ended,
    };
  });
}

/** The registered models' names (what a filter menu needs; `models()` also counts their jobs). */
export async function modelNames(dialect: Dialect): Promise<{ id: string; name: string; active: boolean }[]> {
  const rows = await dialect.list("Model", ["id", "name", "active"], {
    first: MAX_PAGE,
    orderBy: "id",
    orderDirection: "asc",
  });
  return rows.map((m) => ({ id: String(m.id), name: String(m.name), active: Boolean(m.active) }));
}

export async function models(dialect: Dialect): Promise<ModelStats[]> {
  const [models, jobs] = await Promise.all([
    dialect.list("Model", ["id", "name", "active"], {
      first: MAX_PAGE,
      orderBy: "id",
      orderDirection: "asc",
    }),
    dialect.list("Job", ["id", "model", "status"], {
      first: MAX_PAGE,
      orderBy: "id",
      orderDirection: "asc",
    }),
  ]);
  return models.map((m) => {
    const mine = jobs.filter((j) => String(j.model) === String(m.id));
    const fulfilled = mine.filter((j) => j.status === "fulfilled").length;
    const ended = mine.filter((j) => ["fulfilled", "rejected", "expired"].includes(String(j.status))).length;
    return {
      id: String(m.id),
      name: String(m.name),
      active: Boolean(m.active),
      jobs: mine.length,
      fulfilled,
      successRate: ended === 0 ? null : fulfilled / ended,
    };
  });
}
