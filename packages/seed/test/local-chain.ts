/** The seed tests' starting point: a real Hardhat node with the real deployment, a scratch dir, and one stop. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Deployment } from "@atelier/protocol";
import { deployAtelier, startHardhatNode } from "@atelier/devchain";
import { seedChain, type SeedChain } from "../src/index.ts";

export interface LocalChain {
  rpcUrl: string;
  deployment: Deployment;
  chain: SeedChain;
  /** A fresh temporary directory, removed by `stop`. */
  dir: string;
  /** Something to close before the chain stops (a store, a generator node). */
  onStop(close: () => Promise<void>): void;
  stop(): Promise<void>;
}

export async function startLocalChain(): Promise<LocalChain> {
  const node = await startHardhatNode();
  const closers: (() => Promise<void>)[] = [];
  try {
    const deployment = await deployAtelier({ rpcUrl: node.rpcUrl });
    const dir = await mkdtemp(path.join(tmpdir(), "atelier-seed-"));
    return {
      rpcUrl: node.rpcUrl,
      deployment,
      chain: seedChain(node.rpcUrl, deployment),
      dir,
      onStop: (close) => closers.unshift(close),
      async stop() {
        for (const close of closers) await close();
        await node.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await node.stop();
    throw error;
  }
}
