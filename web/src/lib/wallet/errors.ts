/**
 * What went wrong with a wallet request or a transaction, in words: a user's "no" is not an error,
 * a revert is decoded with the merged error ABI of every Atelier contract.
 */
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Hex } from "viem";
import { atelierErrorsAbi } from "@atelier/protocol";

export type Failure =
  | { kind: "rejected"; message: string }
  | { kind: "reverted"; message: string; errorName: string; hint?: string }
  | { kind: "failed"; message: string; hint?: string };

/** A custom error's name in words: `OfferNotActive` → "Offer not active". */
export function humanizeErrorName(name: string): string {
  const words = name
    .replace(/^Atelier/, "")
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function isRejection(error: unknown): boolean {
  const code = (e: unknown) => (e as { code?: number } | null)?.code;
  if (error instanceof BaseError) {
    return Boolean(error.walk((e) => code(e) === 4001 || (e as Error).name === "UserRejectedRequestError"));
  }
  return code(error) === 4001;
}

function revertData(error: BaseError): Hex | undefined {
  const found = error.walk((e) => typeof (e as { data?: unknown }).data === "string") as {
    data?: Hex;
  } | null;
  if (found?.data && /^0x[0-9a-fA-F]{8,}$/.test(found.data)) return found.data;
  const raw = error.walk((e) => {
    const d = (e as { data?: { data?: unknown } }).data;
    return typeof d === "object" && d !== null && typeof d.data === "string";
  }) as { data?: { data?: Hex } } | null;
  return raw?.data?.data;
}

/** Turns anything a wallet, viem or wagmi throws into one of three outcomes a person can read. */
export function describeFailure(
  error: unknown,
  explain?: (name: string, args: readonly unknown[]) => { message: string; hint?: string },
): Failure {
  if (isRejection(error))
    return { kind: "rejected", message: "You declined the request in your wallet. Nothing was sent." };
  if (error instanceof BaseError) {
    const reverted = error.walk(
      (e) => e instanceof ContractFunctionRevertedError,
    ) as ContractFunctionRevertedError | null;
    let name = reverted?.data?.errorName;
    let args: readonly unknown[] = reverted?.data?.args ?? [];
    if (!name) {
      const data = revertData(error);
      if (data) {
        try {
          const decoded = decodeErrorResult({ abi: atelierErrorsAbi, data });
          name = decoded.errorName;
          args = decoded.args ?? [];
        } catch {
          // not an Atelier error: fall through to the generic message
        }
      }
    }
    if (name && name !== "Error" && name !== "Panic") {
      const words = explain?.(name, args) ?? { message: humanizeErrorName(name) };
      return { kind: "reverted", errorName: name, ...words };
    }
    if (reverted?.reason) return { kind: "reverted", errorName: "Error", message: reverted.reason };
    return { kind: "failed", message: error.shortMessage, hint: error.details || undefined };
  }
  return { kind: "failed", message: error instanceof Error ? error.message : String(error) };
}
