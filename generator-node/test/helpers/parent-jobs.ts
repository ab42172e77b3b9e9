/**
 * The setup of the parent-bearing chain tests (`upscale-chain`, `variation-chain`): a local stack whose
 * node serves `builtin:art` and one parent-bearing built-in model (registered as its own model), plus
 * reads of what a fulfilled job minted (work id, metadata JSON, stored files) through the node's gateway.
 */
import type { Hex } from "viem";
import { startNodeApp, type NodeApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { builtinModel, type BuiltinName } from "../../src/model/builtin.ts";
import { startStack, until, worksAbi, writeNodeConfig, type Stack } from "./stack.ts";

const FULFILLED = 3; // JobStatus: None, Open, Claimed, Fulfilled, …

export interface ParentJobStack {
  stack: Stack;
  app: NodeApp;
  /** model id of the parent-bearing model */
  modelId: number;
  /** requests a job, waits until it is fulfilled, returns the minted work */
  fulfilled(prompt: string, opts?: Parameters<Stack["request"]>[1]): Promise<bigint>;
  /** a work's metadata JSON, read through the node's gateway */
  metadataOf<T = Record<string, unknown>>(workId: bigint): Promise<T>;
  /** the bytes of an `ipfs://` URI (e.g. a metadata `image`), read through the node's gateway */
  file(uri: string): Promise<Uint8Array>;
  stop(): Promise<void>;
}

export async function startParentJobStack(
  model: Exclude<BuiltinName, "art" | "cppn">,
): Promise<ParentJobStack> {
  const stack = await startStack();
  try {
    const { manifest } = builtinModel(model);
    const modelId = await stack.serveModel(manifest.weightsHash as Hex, manifest.name);
    const configFile = await writeNodeConfig(stack, {
      models: [
        { id: stack.modelId, manifest: "builtin:art" },
        { id: modelId, manifest: `builtin:${model}` },
      ],
      claim: { expectedJobMs: 60_000, releaseMarginMs: 10_000 },
      safety: { enabled: false },
      log: { level: "error", pretty: false },
    });
    const node = await startNodeApp(loadConfig({ file: configFile, env: {} }));
    const file = async (uri: string) =>
      new Uint8Array(await (await fetch(`${node.url}/ipfs/${uri.replace(/^ipfs:\/\//, "")}`)).arrayBuffer());
    return {
      stack,
      app: node,
      modelId,
      async fulfilled(prompt, opts) {
        const { jobId } = await stack.request(prompt, opts);
        await until(async () => (await stack.jobStatus(jobId)) === FULFILLED);
        return stack.workOfJob(jobId);
      },
      async metadataOf<T>(workId: bigint) {
        const uri = await stack.publicClient.readContract({
          address: stack.works,
          abi: worksAbi,
          functionName: "tokenURI",
          args: [workId],
        });
        return JSON.parse(new TextDecoder().decode(await file(uri))) as T;
      },
      file,
      async stop() {
        await node.stop();
        await stack.stop();
      },
    };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
