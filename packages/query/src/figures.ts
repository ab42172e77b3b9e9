/**
 * Licence texts and the market's daily figures: the legal text each terms names (title and
 * plain-language summary, from IPFS through the indexers' file data sources), licence sales per day
 * and currency, job status changes per day and status.
 */
import type { Row } from "./dialect.ts";
import { DetailQueries, fetchState, unique } from "./details.ts";
import { str } from "./works.ts";

export interface LegalText {
  cid: string;
  /** Ponder: pending | ok | rejected. The subgraph has only fetched texts ("ok"). */
  status: string;
  reason: string | null;
  title: string | null;
  /** The plain-language bullets, one a line. */
  summary: string | null;
  size: number | null;
}

export interface DailySales {
  /** Start of the UTC day, seconds. */
  day: number;
  currency: string;
  count: number;
  /** Sum of the prices paid (the currency's smallest unit). */
  volume: bigint;
}

export interface DailyJobs {
  day: number;
  status: string;
  count: number;
}

/** Days as UTC-day starts in seconds; either end open. */
export interface DayRange {
  fromDay?: number;
  toDay?: number;
}

const byDay =
  <T extends { day: number }>(key: (r: T) => string) =>
  (a: T, b: T) =>
    a.day - b.day || key(a).localeCompare(key(b));

export class FigureQueries extends DetailQueries {
  /** Legal texts by CID (the `legalText` of Terms), as far as the index has fetched them. */
  async legalTexts(cids: string[]): Promise<Map<string, LegalText>> {
    const fields =
      this.dialect.kind === "ponder"
        ? ["id", "status", "reason", "title", "summary", "size"]
        : ["id", "title", "summary", "size"];
    const rows = await this.inChunks("LegalText", fields, unique(cids));
    return new Map(rows.map((r) => [String(r.id), toLegalText(r)]));
  }

  /** Licence sales per UTC day and currency, oldest first. */
  async dailySales(range: DayRange = {}): Promise<DailySales[]> {
    const rows = await this.dialect.daily("DailySales", range);
    return rows
      .map((r) => ({
        day: Number(r.day),
        currency: String(r.currency).toLowerCase(),
        count: Number(r.count),
        volume: BigInt(String(r.volume)),
      }))
      .sort(byDay((r) => r.currency));
  }

  /** Job status changes (requested, claimed, fulfilled, …) per UTC day and status, oldest first. */
  async dailyJobs(range: DayRange = {}): Promise<DailyJobs[]> {
    const rows = await this.dialect.daily("DailyJobs", range);
    return rows
      .map((r) => ({ day: Number(r.day), status: String(r.status), count: Number(r.count) }))
      .sort(byDay((r) => r.status));
  }
}

function toLegalText(r: Row): LegalText {
  return {
    ...fetchState(r),
    title: str(r.title),
    summary: str(r.summary),
    size: r.size === null || r.size === undefined ? null : Number(r.size),
  };
}
