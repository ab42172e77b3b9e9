/** Timing helpers shared by the node's job steps: a bounded retry and a promise deadline. */
import { RevertError } from "../chain/tx.ts";
import { UnsafeOutputError } from "../produce.ts";
import { InvalidJobError } from "./production.ts";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), Math.max(0, ms));
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Errors that retrying cannot fix (the chain state forbids the call, or the content is bad). */
export function permanent(err: unknown): boolean {
  return err instanceof RevertError || err instanceof UnsafeOutputError || err instanceof InvalidJobError;
}
