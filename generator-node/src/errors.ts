/**
 * One readable line for an error that reaches the operator (CLI output, log lines): viem's errors
 * carry the request (including signed raw transactions) in their full message, so only their short
 * message and details are shown, with a hint where the cause is known.
 */
import { BaseError, HttpRequestError, InsufficientFundsError, TimeoutError } from "viem";

export function describeError(err: unknown): string {
  if (err instanceof BaseError) {
    if (err.walk((e) => e instanceof InsufficientFundsError))
      return "the node account cannot pay for this transaction (stake + gas): fund it and try again";
    const http = err.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError);
    if (http instanceof HttpRequestError)
      return `cannot reach the JSON-RPC endpoint ${http.url}: ${http.details || http.shortMessage} (check rpcUrl / ATELIER_NODE_RPC_URL)`;
    if (http) return `the JSON-RPC endpoint timed out (check rpcUrl / ATELIER_NODE_RPC_URL)`;
    const details = err.details && !err.shortMessage.includes(err.details) ? ` (${err.details})` : "";
    return firstLine(err.shortMessage) + details;
  }
  if (err instanceof Error) {
    const cause = err.cause instanceof BaseError ? ` (${firstLine(err.cause.shortMessage)})` : "";
    return firstLine(err.message) + cause;
  }
  return String(err);
}

function firstLine(s: string): string {
  return s.split("\n")[0]!.trim();
}
