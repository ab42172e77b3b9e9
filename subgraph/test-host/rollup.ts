/**
 * graph-node's `@aggregation(intervals: ["day"])` over a timeseries, for tests: graph-node computes
 * aggregations itself (the mappings only write data points), so the tests roll the host's points up
 * the same way — per UTC day of the µs timestamp and per dimension — to compare with other witnesses.
 */
const DAY_US = 86_400_000_000n;

export interface DailyRow {
  /** Start of the UTC day, seconds. */
  day: number;
  dimension: string;
  count: number;
  /** Sum of the summed field (0n when none is summed). */
  sum: bigint;
}

export function dailyRollup(
  points: Record<string, Record<string, unknown>>,
  dimension: string,
  summed?: string,
): DailyRow[] {
  const rows = new Map<string, DailyRow>();
  for (const p of Object.values(points)) {
    const day = Number((BigInt(String(p.timestamp)) / DAY_US) * 86_400n);
    const key = `${day}|${String(p[dimension])}`;
    const row = rows.get(key) ?? { day, dimension: String(p[dimension]), count: 0, sum: 0n };
    row.count += 1;
    if (summed) row.sum += BigInt(String(p[summed]));
    rows.set(key, row);
  }
  return [...rows.values()].sort((a, b) => a.day - b.day || a.dimension.localeCompare(b.dimension));
}
