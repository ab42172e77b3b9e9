/**
 * One transaction as a person sees it: waiting for the wallet → pending (hash) → confirmed or failed,
 * with the reason in words. A rejection in the wallet is its own, calm outcome; a replaced
 * (sped-up / repriced) transaction is followed to its replacement; a cancelled one is reported.
 */
import { waitForTransactionReceipt } from "@wagmi/core";
import type { Hash, TransactionReceipt } from "viem";
import { explainReplacement } from "@atelier/explain/words";
import { describeFailure } from "./errors.ts";
import { wallet } from "./wallet.svelte.ts";

export type TxPhase = "idle" | "wallet" | "pending" | "confirmed" | "failed" | "rejected";

export class Tx {
  phase: TxPhase = $state("idle");
  hash: Hash | undefined = $state();
  message = $state("");
  hint: string | undefined = $state();
  blockNumber: bigint | undefined = $state();

  constructor(readonly label: string) {}

  get busy(): boolean {
    return this.phase === "wallet" || this.phase === "pending";
  }

  /** Runs `send` (which asks the wallet and returns the hash) and follows the transaction to its end. */
  async run(send: () => Promise<Hash>): Promise<TransactionReceipt | undefined> {
    this.phase = "wallet";
    this.hash = undefined;
    this.hint = undefined;
    this.message = "Confirm in your wallet…";
    try {
      const hash = await send();
      this.hash = hash;
      this.phase = "pending";
      this.message = "Sent. Waiting for the chain to include it…";
      const receipt = await waitForTransactionReceipt(wallet.config!, {
        hash,
        onReplaced: (r) => {
          // Sped up (repriced): the same transaction under a new hash. Cancelled or replaced: explained.
          this.hash = r.transaction.hash;
          const words = explainReplacement(r);
          this.message = `${words.title}. ${words.hint}`;
        },
      });
      this.blockNumber = receipt.blockNumber;
      if (receipt.status === "success") {
        this.phase = "confirmed";
        this.message = `Confirmed in block ${receipt.blockNumber}.`;
      } else {
        this.phase = "failed";
        this.message = "The transaction was included but reverted: nothing changed and no payment was kept.";
      }
      return receipt;
    } catch (error) {
      const failure = describeFailure(error);
      this.phase = failure.kind === "rejected" ? "rejected" : "failed";
      this.message = failure.message;
      this.hint = failure.kind === "rejected" ? undefined : failure.hint;
      return undefined;
    }
  }

  reset(): void {
    this.phase = "idle";
    this.message = "";
    this.hash = undefined;
    this.hint = undefined;
  }
}
