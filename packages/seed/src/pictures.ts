/**
 * The seed's pictures, made ready off the main thread: rendering and watermarking ten scenes is ~10 CPU-s
 * of synchronous work, which would stall `npm start`'s event loop (log stream, readiness checks). A worker
 * thread fills the on-disk cache while the stack starts; minting then reads from it.
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import type { Address } from "viem";
import { devAccount } from "@atelier/devchain";
import { UPLOADS } from "./plan.ts";
import { prepareUpload, type PreparedUpload } from "./prepare.ts";

/** Each planned upload's picture, from the cache when it is there. */
export async function preparePictures(cacheDir?: string): Promise<{ made: number; ms: number }> {
  const start = performance.now();
  let made = 0;
  for (const planned of UPLOADS) {
    const picture = await prepareUpload(planned.scene, devAccount(planned.creator).address, { cacheDir });
    if (!picture.fromCache) made++;
  }
  return { made, ms: performance.now() - start };
}

/** Fills `cacheDir` in a worker thread; resolves with how many pictures it made and how long it took. */
export function preparePicturesInWorker(cacheDir: string): {
  done: Promise<{ made: number; ms: number }>;
  stop(): Promise<void>;
} {
  const worker = new Worker(fileURLToPath(import.meta.url), {
    workerData: { atelierSeedPictures: true, cacheDir },
    execArgv: ["--import", "tsx"],
  });
  const done = new Promise<{ made: number; ms: number }>((resolve, reject) => {
    worker.once("message", (m: { made?: number; ms?: number; error?: string }) =>
      m.error ? reject(new Error(m.error)) : resolve({ made: m.made!, ms: m.ms! }),
    );
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the seed's picture worker exited with code ${code}`)));
  });
  done.catch(() => undefined);
  return { done, stop: async () => void (await worker.terminate()) };
}

/** The picture of `key` by `minter` (from the cache the worker filled). */
export function pictureFrom(cacheDir: string | undefined) {
  return (key: string, minter: Address): Promise<PreparedUpload> => {
    const planned = UPLOADS.find((u) => u.scene.key === key);
    if (!planned) throw new Error(`no planned upload ${key}`);
    return prepareUpload(planned.scene, minter, { cacheDir });
  };
}

if (!isMainThread && (workerData as { atelierSeedPictures?: boolean } | null)?.atelierSeedPictures) {
  const { cacheDir } = workerData as { cacheDir: string };
  preparePictures(cacheDir)
    .then((result) => parentPort!.postMessage(result))
    .catch((error: unknown) =>
      parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) }),
    );
}
