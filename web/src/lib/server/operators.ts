/** Operators' view: nodes and models from the query layer, plus each node's locked stake from the chain. */
import type { Address } from "viem";
import { generationMarketAbi } from "@atelier/protocol";
import { chain, config, index } from "./index.ts";

export async function operators() {
  const [nodes, models, nodeDetails, modelDetails] = await Promise.all([
    index().nodes(),
    index().models(),
    index().nodeDetails(),
    index().modelDetails(),
  ]);
  const market = config().deployment.contracts.GenerationMarket as Address;
  // The index has no locked stake (it changes with every claim): the chain's nodeInfo has it.
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
      const d = nodeDetails.find((r) => r.id === n.id);
      return {
        ...n,
        endpoint: d?.endpoint ?? null,
        unbonding: d?.unbonding ?? 0n,
        releaseAt: d?.releaseAt ?? 0n,
        locked: locked[i] ?? null,
        models: d?.models ?? [],
        earnedWei: d?.earnedWei ?? 0n,
      };
    }),
    models: models.map((m) => {
      const d = modelDetails.find((r) => r.id === m.id);
      return { ...m, weightsHash: d?.weightsHash ?? "", deterministic: d?.deterministic ?? false };
    }),
  };
}
