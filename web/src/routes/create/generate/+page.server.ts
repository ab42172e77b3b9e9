/**
 * What a generation request needs: the active models (index), each model's prompt lexicon (bundled from
 * generator-node/models at build time), and the minimum fee of the nodes that serve it, read from the
 * `/policy` of every endpoint nodes published on chain (`NodeEndpointSet`), and the currencies the
 * result's offer may be priced in.
 */
import { zeroAddress } from "viem";
import { generationMarketAbi } from "@atelier/protocol";
import { allowedCurrencies } from "#lib/server/currencies.ts";
import { chain, config, index } from "#lib/server/index.ts";
import type { PageServerLoad } from "./$types";

interface LexiconEntry {
  words: string[];
  hint: string;
}
interface Lexicon {
  model: string;
  categories: Record<string, LexiconEntry[]>;
}

const LEXICONS = Object.values(
  import.meta.glob<Lexicon>("../../../../../generator-node/models/*.lexicon.json", {
    eager: true,
    import: "default",
  }),
);

interface PolicyModel {
  id: string;
  name: string;
  minFeeWei: string;
}

async function policies(): Promise<{ endpoint: string; node: string; models: PolicyModel[] }[]> {
  const c = config();
  const market = c.deployment.contracts.GenerationMarket;
  if (!market) return [];
  const logs = await chain().getContractEvents({
    address: market,
    abi: generationMarketAbi,
    eventName: "NodeEndpointSet",
    fromBlock: BigInt(c.deployment.startBlock),
    toBlock: "latest",
  });
  const latest = new Map<string, string>();
  for (const log of logs)
    if (log.args.node && log.args.endpoint !== undefined) latest.set(log.args.node, log.args.endpoint);
  const answers = await Promise.all(
    [...latest].map(async ([node, endpoint]) => {
      if (!/^https?:\/\//.test(endpoint)) return null;
      try {
        const res = await fetch(`${endpoint.replace(/\/+$/, "")}/policy`, {
          signal: AbortSignal.timeout(2000),
        });
        if (!res.ok) return null;
        const policy = (await res.json()) as { models?: PolicyModel[] };
        const models = (policy.models ?? []).filter(
          (m) => /^\d+$/.test(String(m.id)) && /^\d+$/.test(String(m.minFeeWei)),
        );
        return { endpoint, node, models };
      } catch {
        return null; // an unreachable node simply offers nothing
      }
    }),
  );
  return answers.filter((a) => a !== null);
}

export const load: PageServerLoad = async () => {
  let models: { id: string; name: string }[] = [];
  let error: string | null = null;
  try {
    models = (await index().models()).filter((m) => m.active).map((m) => ({ id: m.id, name: m.name }));
  } catch (e) {
    error = `The model list could not be read from the index: ${e instanceof Error ? e.message : String(e)}`;
  }
  const [served, currencies] = await Promise.all([
    policies().catch(() => []),
    allowedCurrencies().catch(() => [{ address: zeroAddress, symbol: "ETH", decimals: 18 }]),
  ]);
  return {
    error,
    currencies,
    models: models.map((m) => {
      const fees = served.flatMap((p) =>
        p.models.filter((pm) => pm.id === m.id).map((pm) => BigInt(pm.minFeeWei)),
      );
      const lexicon = LEXICONS.find((l) => l.model === m.name);
      return {
        ...m,
        nodes: fees.length,
        minFeeWei: fees.length ? fees.reduce((a, b) => (a < b ? a : b)).toString() : null,
        hints: lexicon
          ? Object.entries(lexicon.categories).map(([category, entries]) => ({
              category,
              entries: entries.map((e) => ({ words: e.words.slice(0, 8), hint: e.hint })),
            }))
          : [],
      };
    }),
  };
};
