/**
 * `npm run seed`: the demo market on a running local stack (e.g. `npm start -- --no-seed`).
 *
 *   npm run seed -- [--rpc http://127.0.0.1:8545] [--deployment FILE] [--uploads http://127.0.0.1:5173/api/uploads]
 *
 * Pictures and metadata go through the running dApp's upload endpoint; generation jobs go to whichever
 * node serves the built-in art model (found on chain by name). Running it twice adds nothing.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { createPublicClient, http } from "viem";
import { generationMarketAbi } from "@atelier/protocol";
import { readDeployment } from "@atelier/protocol/node";
import { httpSink } from "./content.ts";
import { seedDemoMarket } from "./index.ts";

const USAGE =
  "usage: npm run seed -- [--rpc URL] [--deployment FILE] [--uploads URL] [--cache DIR] [--no-jobs]";

async function modelIds(
  rpcUrl: string,
  market: `0x${string}`,
): Promise<{ art: number; variation?: number } | undefined> {
  const client = createPublicClient({ transport: http(rpcUrl) });
  const count = Number(
    await client.readContract({ address: market, abi: generationMarketAbi, functionName: "modelCount" }),
  );
  const byName = new Map<string, number>();
  for (let id = 1; id <= count; id++) {
    const info = await client.readContract({
      address: market,
      abi: generationMarketAbi,
      functionName: "modelInfo",
      args: [id],
    });
    if (info.active && !byName.has(info.name)) byName.set(info.name, id);
  }
  const art = byName.get("atelier-art-v2");
  return art === undefined ? undefined : { art, variation: byName.get("atelier-art-v2-variation") };
}

async function main(): Promise<void> {
  let values;
  try {
    values = parseArgs({
      options: {
        rpc: { type: "string", default: process.env.ATELIER_RPC_URL ?? "http://127.0.0.1:8545" },
        deployment: { type: "string" },
        uploads: { type: "string", default: "http://127.0.0.1:5173/api/uploads" },
        cache: { type: "string", default: path.resolve(import.meta.dirname, "../../../.atelier/cache/seed") },
        "no-jobs": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }).values;
  } catch (error) {
    console.error(`npm run seed: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) return console.log(USAGE);
  const rpcUrl = values.rpc!;
  const chainId = await createPublicClient({ transport: http(rpcUrl) })
    .getChainId()
    .catch(() => {
      throw new Error(
        `no chain answers at ${rpcUrl}: start the stack first (npm start -- --no-seed), or pass --rpc`,
      );
    });
  const deployment = await readDeployment(values.deployment ?? chainId);
  const models = values["no-jobs"]
    ? undefined
    : await modelIds(rpcUrl, deployment.contracts.GenerationMarket!);
  if (!values["no-jobs"] && !models)
    console.log("seed | no active built-in art model on this chain: generation jobs are left out");
  const started = performance.now();
  const summary = await seedDemoMarket({
    rpcUrl,
    deployment,
    content: httpSink(values.uploads!),
    cacheDir: values.cache,
    models,
    log: (line) => console.log(`seed | ${line}`),
  });
  console.log(
    `seed | ${summary.works.length} demo works on chain ${chainId}; this run added: works ${summary.added.works}, ` +
      `licences ${summary.added.licences}, other transactions ${summary.added.other} (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );
}

main().catch((error: unknown) => {
  console.error(`npm run seed failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
