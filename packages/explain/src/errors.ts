/**
 * Any error a wallet, viem or the chain throws during a simulate / write / wait, turned into what a person
 * reads: a kind (so the page knows whether it is an error at all), a title and a hint. Custom errors are
 * decoded with the merged error ABI of every Atelier contract, whichever contract (or ABI) the call used.
 */
import {
  BaseError,
  ChainMismatchError,
  ContractFunctionRevertedError,
  decodeErrorResult,
  FeeCapTooLowError,
  HttpRequestError,
  InsufficientFundsError,
  IntrinsicGasTooLowError,
  NonceTooHighError,
  NonceTooLowError,
  TimeoutError,
  UserRejectedRequestError,
  WaitForTransactionReceiptTimeoutError,
  WebSocketRequestError,
  type Hex,
  type ReplacementReturnType,
} from "viem";
import { atelierErrorsAbi } from "@atelier/protocol";
import { wordsForError, type ErrorArgs } from "./error-messages.ts";

export type TxErrorKind =
  | "rejected"
  | "reverted"
  | "replaced"
  | "funds"
  | "network"
  | "wrong-network"
  | "nonce"
  | "gas"
  | "timeout"
  | "unknown";

export interface TxProblem {
  kind: TxErrorKind;
  title: string;
  hint: string;
  /** False for a user's own rejection and a repriced transaction: show it quietly, not as a failure. */
  isError: boolean;
  /** The custom error's name and named arguments, when the chain reverted with one. */
  errorName?: string;
  args?: ErrorArgs;
}

const PANIC: Record<number, string> = {
  0x01: "an internal check failed",
  0x11: "a number overflowed",
  0x12: "a division by zero",
  0x21: "an invalid enum value",
  0x32: "an index out of bounds",
  0x41: "out of memory",
};

function namedArgs(name: string, args: readonly unknown[] | undefined): ErrorArgs {
  const item = atelierErrorsAbi.find((e) => e.type === "error" && e.name === name);
  const out: Record<string, unknown> = {};
  (args ?? []).forEach((value, i) => {
    const key = (item?.inputs as readonly { name: string }[] | undefined)?.[i]?.name ?? String(i);
    out[key] = value;
  });
  return out;
}

/** Revert data (the 4-byte selector and arguments) decoded with the merged error ABI. */
export function decodeRevertData(data: Hex): TxProblem {
  if (data === "0x") {
    return {
      kind: "reverted",
      title: "The contract refused the transaction without saying why",
      hint: "Check the inputs (and that the contracts are deployed on this network), then try again.",
      isError: true,
    };
  }
  try {
    const decoded = decodeErrorResult({ abi: atelierErrorsAbi, data });
    return revertProblem(decoded.errorName, decoded.args as readonly unknown[] | undefined);
  } catch {
    return {
      kind: "reverted",
      title: `The contract refused the transaction (unknown error ${data.slice(0, 10)})`,
      hint: "This error is not in the Atelier contracts' ABI: the address may not be an Atelier contract.",
      isError: true,
    };
  }
}

function revertProblem(name: string, args: readonly unknown[] | undefined): TxProblem {
  if (name === "Error") {
    const reason = String(args?.[0] ?? "");
    return {
      kind: "reverted",
      title: `The contract refused: ${reason}`,
      hint: "Check the inputs and try again.",
      isError: true,
    };
  }
  if (name === "Panic") {
    const code = Number(args?.[0] ?? 0);
    return {
      kind: "reverted",
      title: `The contract stopped: ${PANIC[code] ?? `panic code ${code}`}`,
      hint: "This should not happen with valid inputs; please report it with the transaction.",
      isError: true,
    };
  }
  const named = namedArgs(name, args);
  return { kind: "reverted", ...wordsForError(name, named), errorName: name, args: named, isError: true };
}

function findRevertData(error: BaseError): Hex | undefined {
  let found: Hex | undefined;
  error.walk((e) => {
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && /^0x[0-9a-fA-F]*$/.test(data) && data.length >= 10) {
      found = data as Hex;
      return true;
    }
    if (typeof data === "object" && data !== null && typeof (data as { data?: unknown }).data === "string") {
      found = (data as { data: Hex }).data;
      return true;
    }
    return false;
  });
  return found;
}

/** The person-readable problem behind any error thrown by a simulate, write, send or wait. */
export function explainError(error: unknown): TxProblem {
  if (!(error instanceof BaseError)) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 4001 || code === "ACTION_REJECTED") return rejected();
    const message = error instanceof Error ? error.message : String(error);
    return { kind: "unknown", title: "Something went wrong", hint: firstLine(message), isError: true };
  }
  const is = <T extends new (...args: never[]) => Error>(type: T) =>
    error.walk((e) => e instanceof type) !== null;

  if (is(UserRejectedRequestError) || error.walk((e) => (e as { code?: unknown }).code === 4001) !== null) {
    return rejected();
  }
  const reverted = error.walk(
    (e) => e instanceof ContractFunctionRevertedError,
  ) as ContractFunctionRevertedError | null;
  if (reverted) {
    if (reverted.data?.errorName) return revertProblem(reverted.data.errorName, reverted.data.args);
    if (reverted.raw) return decodeRevertData(reverted.raw);
    if (reverted.reason) return revertProblem("Error", [reverted.reason]);
  }
  if (is(InsufficientFundsError)) {
    return {
      kind: "funds",
      title: "Not enough ETH in this account",
      hint: "The account must hold the price plus the network fee (gas). Add ETH or use another account.",
      isError: true,
    };
  }
  if (is(ChainMismatchError)) {
    return {
      kind: "wrong-network",
      title: "Your wallet is on another network",
      hint: "Switch the wallet to the network this site uses, then try again.",
      isError: true,
    };
  }
  if (is(NonceTooLowError) || is(NonceTooHighError)) {
    return {
      kind: "nonce",
      title: "The wallet's transaction count is out of step with the chain",
      hint: "Wait for pending transactions to finish, or reset the account's activity in the wallet, then retry.",
      isError: true,
    };
  }
  if (is(FeeCapTooLowError) || is(IntrinsicGasTooLowError)) {
    return {
      kind: "gas",
      title: "The network fee set for this transaction is too low",
      hint: "Let the wallet choose the fee, or raise it, and send again.",
      isError: true,
    };
  }
  if (error.name === "TransactionReceiptRevertedError") {
    return {
      kind: "reverted",
      title: "The transaction was mined but failed",
      hint: "Nothing changed except the network fee paid; reload the page to see the current state and retry.",
      isError: true,
    };
  }
  if (is(WaitForTransactionReceiptTimeoutError) || is(TimeoutError)) {
    return {
      kind: "timeout",
      title: "No confirmation yet",
      hint: "The transaction may still be mined: check your wallet's activity before sending it again.",
      isError: true,
    };
  }
  if (is(HttpRequestError) || is(WebSocketRequestError)) {
    return {
      kind: "network",
      title: "Could not reach the network",
      hint: "Check your connection (or the chain's RPC URL) and try again.",
      isError: true,
    };
  }
  const data = findRevertData(error);
  if (data) return decodeRevertData(data);
  return {
    kind: "unknown",
    title: "The transaction could not be sent",
    hint: firstLine(error.shortMessage),
    isError: true,
  };
}

/** What `waitForTransactionReceipt`'s `onReplaced` reports, in words. */
export function explainReplacement(
  replacement: Pick<ReplacementReturnType, "reason" | "transactionReceipt">,
): TxProblem {
  const failed = replacement.transactionReceipt.status === "reverted";
  if (replacement.reason === "repriced") {
    return {
      kind: "replaced",
      title: failed ? "The sped-up transaction failed" : "The transaction was sped up",
      hint: failed
        ? "Nothing changed except the network fee paid; reload and retry."
        : "The wallet re-sent it with another fee; it is the same transaction.",
      isError: failed,
    };
  }
  if (replacement.reason === "cancelled") {
    return {
      kind: "replaced",
      title: "The transaction was cancelled in the wallet",
      hint: "Nothing happened; send it again if you still want to.",
      isError: false,
    };
  }
  return {
    kind: "replaced",
    title: "Another transaction replaced this one",
    hint: "The wallet sent a different transaction with the same number; this one will never be mined. Check the wallet's activity.",
    isError: true,
  };
}

function rejected(): TxProblem {
  return {
    kind: "rejected",
    title: "You cancelled the request in your wallet",
    hint: "Nothing was sent. Try again whenever you are ready.",
    isError: false,
  };
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").slice(0, 200) || "Try again; if it keeps failing, reload the page.";
}
