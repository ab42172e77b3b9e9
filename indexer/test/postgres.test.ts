import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dailyRollup } from "@atelier/subgraph/host";
import {
  comparedTypes,
  contractWitness,
  ponderDailyRollups,
  type Tables,
} from "../test-support/conformance.ts";
import type { RunningPonder } from "../test-support/ponder.ts";
import { postgresAvailable, startPostgres, type RunningPostgres } from "../test-support/postgres.ts";
import { indexScenario, startScenarioStack, type ScenarioStack } from "../test-support/stack.ts";

if (!postgresAvailable())
  console.warn("Postgres conformance skipped: no initdb/pg_ctl (apt-get install postgresql)");

describe.runIf(postgresAvailable())(
  "conformance on Postgres: Ponder with DATABASE_URL agrees with the subgraph",
  () => {
    let stack: ScenarioStack;
    let postgres: RunningPostgres;
    let ponder: RunningPonder;
    let rows: Tables;

    beforeAll(async () => {
      postgres = await startPostgres();
      stack = await startScenarioStack();
      ({ ponder, rows } = await indexScenario(stack, { databaseUrl: postgres.url }));
    });

    afterAll(async () => {
      await ponder?.stop();
      await stack?.chain.stop();
      await postgres?.stop();
    });

    it("holds the same entities as the subgraph, and the contracts' views agree", async () => {
      for (const { name } of comparedTypes(stack.types))
        expect(rows[name], name).toEqual(stack.subgraph[name]);
      expect(await contractWitness(stack.chain.rpcUrl, stack.deployment, rows)).toEqual([]);
      const daily = await ponderDailyRollups(ponder);
      expect(daily.sales).toEqual(dailyRollup(stack.host.entities("LicenseSale"), "currency", "price"));
      expect(daily.jobs).toEqual(dailyRollup(stack.host.entities("JobStatusPoint"), "status"));
    });
  },
);
