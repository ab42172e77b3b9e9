/** Operators' view: nodes (from the query layer, plus endpoint, served models, locked stake, earnings) and models. */
import type { Address } from "viem";
import { generationMarketAbi } from "@atelier/protocol";
import { chain, config, index, indexDialect } from "./index.ts";

export async function operators() {
  const d = indexDialect();
  const [nodes, models, nodeRows, served, modelRows, credits] = await Promise.all([
    index().nodes(),
    index().models(),
    d.list("Node", ["id", "endpoint", "unbonding", "releaseAt"], { first: 1000 }),
    d.list("NodeModel", ["id", "node", "model", "served"], { where: { served: true }, first: 1000 }),
    d.list("Model", ["id", "weightsHash", "deterministic"], { first: 1000 }),
    d.list("Credit", ["id", "account", "currency", "credited", "balance"], {
      where: { contract: "GenerationMarket" },
      first: 1000,
    }),
  ]);
  const market = config().deployment.contracts.GenerationMarket as Address;
  const locked = await Promise.all(
    nodes.map((n) =>
      chain()
        .readContract({
          address: market,
          abi: generationMarketAbi,
          functionName: "nodeInfo",
          args: [n.id as Address],
        })
        .then((info) => info.locked)
        .catch(() => null),
    ),
  );
  return {
    nodes: nodes.map((n, i) => {
      const row = nodeRows.find((r) => String(r.id) === n.id);
      const earned = credits
        .filter((c) => String(c.account) === n.id && /^0x0{40}$/.test(String(c.currency)))
        .reduce((sum, c) => sum + BigInt(String(c.credited)), 0n);
      return {
        ...n,
        endpoint: row?.endpoint === null || row?.endpoint === undefined ? null : String(row.endpoint),
        unbonding: BigInt(String(row?.unbonding ?? 0)),
        releaseAt: BigInt(String(row?.releaseAt ?? 0)),
        locked: locked[i] ?? null,
        models: served.filter((s) => String(s.node) === n.id).map((s) => String(s.model)),
        earnedWei: earned,
      };
    }),
    models: models.map((m) => {
      const row = modelRows.find((r) => String(r.id) === m.id);
      return {
        ...m,
        weightsHash: String(row?.weightsHash ?? ""),
        deterministic: Boolean(row?.deterministic),
      };
    }),
  };
}
