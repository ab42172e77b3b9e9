/**
 * Puts the subgraph's entities (from the WASM host) and the Ponder app's (from its GraphQL) in one
 * normal form, and checks both against the contracts' own views (the third witness).
 */
import type { Address, Hex } from "viem";
import { devClients } from "@atelier/devchain/test-support";
import { abis, type Deployment } from "@atelier/protocol";
import type { EntityType } from "@atelier/subgraph/host";
import type { RunningPonder } from "./ponder.ts";

export type Row = Record<string, string | number | boolean | null>;
export type Tables = Record<string, Record<string, Row>>;

const lowerFirst = (name: string) => name[0]!.toLowerCase() + name.slice(1);

function normalValue(value: unknown): string | number | boolean | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "string") return /^0x[0-9a-fA-F]*$/.test(value) ? value.toLowerCase() : value;
  if (typeof value === "number" || typeof value === "boolean") return value;
  return JSON.stringify(value);
}

export function normalRow(type: EntityType, record: Record<string, unknown>): Row {
  return Object.fromEntries(type.fields.map((f) => [f, normalValue(record[f])]));
}

/**
 * Entity types both indexers store row for row. Timeseries data points are left out: graph-node
 * numbers them and rolls them up itself; the Ponder app keeps the daily rollups (compared apart).
 */
export const comparedTypes = (types: Map<string, EntityType>) =>
  [...types.values()].filter((t) => !t.timeseries);

/** The subgraph's rows per entity type, from the host's store. */
export function subgraphTables(
  types: Map<string, EntityType>,
  entities: (type: string) => Record<string, Record<string, unknown>>,
): Tables {
  const out: Tables = {};
  for (const type of comparedTypes(types)) {
    out[type.name] = Object.fromEntries(
      Object.entries(entities(type.name)).map(([id, r]) => [normalValue(id) as string, normalRow(type, r)]),
    );
  }
  return out;
}

/** The Ponder app's rows per entity type, read through its GraphQL API. Pending metadata is left out. */
export async function ponderTables(types: Map<string, EntityType>, ponder: RunningPonder): Promise<Tables> {
  const out: Tables = {};
  for (const type of comparedTypes(types)) {
    const field = `${lowerFirst(type.name)}s`;
    const extra = type.name === "WorkMetadata" || type.name === "LegalText" ? " status" : "";
    const data = await ponder.graphql<Record<string, { items: Record<string, unknown>[] }>>(
      `{ ${field}(limit: 1000) { items { ${type.fields.join(" ")}${extra} } } }`,
    );
    const items = data[field]!.items.filter((r) => r.status !== "pending");
    out[type.name] = Object.fromEntries(items.map((r) => [normalValue(r.id) as string, normalRow(type, r)]));
  }
  return out;
}

/**
 * The Ponder app's daily rollups (daily_sales, daily_jobs) in the test host's rollup form, to compare
 * with `dailyRollup` of the subgraph's timeseries points.
 */
export async function ponderDailyRollups(ponder: RunningPonder) {
  const data = await ponder.graphql<{
    dailySaless: { items: { day: string; currency: string; count: number; volume: string }[] };
    dailyJobss: { items: { day: string; status: string; count: number }[] };
  }>(
    `{ dailySaless(limit: 1000) { items { day currency count volume } }
       dailyJobss(limit: 1000) { items { day status count } } }`,
  );
  const order = (a: { day: number; dimension: string }, b: { day: number; dimension: string }) =>
    a.day - b.day || a.dimension.localeCompare(b.dimension);
  return {
    sales: data.dailySaless.items
      .map((r) => ({ day: Number(r.day), dimension: r.currency, count: r.count, sum: BigInt(r.volume) }))
      .sort(order),
    jobs: data.dailyJobss.items
      .map((r) => ({ day: Number(r.day), dimension: r.status, count: r.count, sum: 0n }))
      .sort(order),
  };
}

const JOB_STATUS = ["none", "requested", "claimed", "fulfilled", "rejected", "cancelled", "expired"];

/** Differences between indexed rows and what the contracts' views say now (empty when they agree). */
export async function contractWitness(
  rpcUrl: string,
  deployment: Deployment,
  tables: Tables,
): Promise<string[]> {
  const { client } = devClients(rpcUrl, deployment.chainId);
  const c = deployment.contracts as Record<keyof typeof abis, Address>;
  const read = <T>(contract: keyof typeof abis, functionName: string, args: unknown[]) =>
    client.readContract({
      address: c[contract],
      abi: abis[contract],
      functionName,
      args,
    } as never) as Promise<T>;
  const problems: string[] = [];
  const expect = (what: string, indexed: unknown, chain: unknown) => {
    if (String(normalValue(indexed)) !== String(normalValue(chain)))
      problems.push(`${what}: indexed ${String(indexed)}, chain ${String(chain)}`);
  };

  for (const [id, w] of Object.entries(tables.Work ?? {})) {
    const info = await read<Record<string, unknown>>("Works", "workInfo", [BigInt(id)]);
    for (const f of [
      "creator",
      "owner",
      "flagged",
      "salesPaused",
      "exclusiveSold",
      "depth",
      "royaltyBps",
      "metadataDigest",
    ]) {
      expect(`work ${id} ${f}`, w[f], info[f]);
    }
    expect(`work ${id} watermarkId`, w.watermarkId, BigInt(info.watermarkId as bigint));
    expect(`work ${id} source`, w.source, info.generated ? "generated" : "upload");
    expect(`work ${id} job`, w.job ?? "0", (info.jobId as bigint).toString());
  }
  for (const [id, o] of Object.entries(tables.Offer ?? {})) {
    const [workId, offerId] = id.split("-").map(BigInt) as [bigint, bigint];
    const info = await read<Record<string, unknown>>("Works", "offerInfo", [workId, offerId]);
    for (const f of ["sold", "active", "price", "maxSupply", "duration", "termsFlags"])
      expect(`offer ${id} ${f}`, o[f], info[f]);
  }
  for (const [id, l] of Object.entries(tables.License ?? {})) {
    const info = await read<Record<string, unknown>>("Licenses", "licenseInfo", [BigInt(id)]);
    for (const f of ["expiry", "price", "currency", "start"]) expect(`license ${id} ${f}`, l[f], info[f]);
    expect(`license ${id} holder`, l.holder, await read<Hex>("Licenses", "ownerOf", [BigInt(id)]));
  }
  for (const [id, credit] of Object.entries(tables.Credit ?? {})) {
    const contract = credit.contract as "Licenses" | "GenerationMarket";
    const onChain = await read<bigint>(contract, "creditOf", [credit.account, credit.currency]);
    expect(`credit ${id}`, credit.balance, onChain);
  }
  for (const [id, n] of Object.entries(tables.Node ?? {})) {
    const info = await read<Record<string, unknown>>("GenerationMarket", "nodeInfo", [id]);
    expect(`node ${id} stake`, n.stake, info.stake);
    expect(`node ${id} unbonding`, n.unbonding, info.unbonding);
  }
  for (const [id, j] of Object.entries(tables.Job ?? {})) {
    const info = await read<Record<string, unknown>>("GenerationMarket", "getJob", [BigInt(id)]);
    expect(`job ${id} status`, j.status, JOB_STATUS[Number(info.status)]);
    expect(`job ${id} work`, j.work ?? "0", (info.workId as bigint).toString());
  }
  for (const [id, config] of Object.entries(tables.ProtocolConfig ?? {})) {
    const contract = config.contract as keyof typeof abis;
    if (contract === "Works") {
      expect(`config ${id} paused`, config.paused, await read<boolean>("Works", "paused", []));
      continue;
    }
    expect(`config ${id} feeBps`, config.feeBps, await read<number>(contract, "protocolFeeBps", []));
    expect(`config ${id} treasury`, config.treasury, await read<Hex>(contract, "treasury", []));
  }
  return problems;
}
