/** Ponder's PGlite session stops waiting for the WAL at commit; a Postgres deployment is left alone. */
import { PGlite } from "@electric-sql/pglite";
import { afterEach, describe, expect, it } from "vitest";
import { relaxCommitDurability } from "../src/api/commit-durability.ts";

const globals = globalThis as { PONDER_DATABASE?: unknown };

describe("relaxCommitDurability", () => {
  afterEach(() => {
    delete globals.PONDER_DATABASE;
  });

  it("sets synchronous_commit = off on the PGlite instance Ponder indexes with", async () => {
    const db = new PGlite();
    try {
      globals.PONDER_DATABASE = { driver: { dialect: "pglite", instance: db } };
      expect((await db.query<{ synchronous_commit: string }>("SHOW synchronous_commit")).rows[0]).toEqual({
        synchronous_commit: "on",
      });
      expect(await relaxCommitDurability()).toBe("off");
      // the session keeps it for the transactions that follow
      await db.transaction(async (tx) => {
        const { rows } = await tx.query<{ synchronous_commit: string }>("SHOW synchronous_commit");
        expect(rows[0]!.synchronous_commit).toBe("off");
      });
    } finally {
      await db.close();
    }
  });

  it("does nothing on Postgres or outside Ponder", async () => {
    const queries: string[] = [];
    globals.PONDER_DATABASE = {
      driver: { dialect: "postgres", instance: { query: async (sql: string) => void queries.push(sql) } },
    };
    expect(await relaxCommitDurability()).toBeUndefined();
    delete globals.PONDER_DATABASE;
    expect(await relaxCommitDurability()).toBeUndefined();
    expect(queries).toEqual([]);
  });
});
