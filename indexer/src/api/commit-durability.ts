/**
 * On embedded PGlite, commits do not wait for their WAL to be written (`synchronous_commit = off`).
 *
 * Ponder commits one transaction per block, and a local chain makes a block per transaction: in a burst
 * of generation jobs that is hundreds of commits, each of which wrote and flushed its WAL page through
 * Node's fs (`XLogFlush`: 12% of the indexer's samples in a `bench:stack` burst). The index is derived data
 * and Ponder writes its checkpoint in the same transaction as the block's rows, so a crash can lose only
 * the last few blocks, never mix them: Postgres keeps the WAL ahead of the data pages either way, and
 * Ponder indexes the lost blocks again from its checkpoint. Postgres (`DATABASE_URL`) is left as
 * configured by its operator.
 */
interface PgliteGlobals {
  PONDER_DATABASE?: {
    driver: { dialect: string; instance?: { query(sql: string): Promise<{ rows: unknown[] }> } };
  };
}

/** Sets it on Ponder's PGlite session (the only one); resolves with the setting now in force, or undefined on Postgres. */
export async function relaxCommitDurability(): Promise<string | undefined> {
  const driver = (globalThis as PgliteGlobals).PONDER_DATABASE?.driver;
  if (driver?.dialect !== "pglite" || !driver.instance) return undefined;
  await driver.instance.query("SET synchronous_commit TO off");
  const { rows } = await driver.instance.query("SHOW synchronous_commit");
  return (rows[0] as { synchronous_commit?: string } | undefined)?.synchronous_commit;
}
