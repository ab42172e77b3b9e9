/**
 * What went wrong with a wallet request or a transaction, in words (@atelier/explain decodes every
 * custom error of the merged ABI): a user's "no" is its own, calm outcome, not an error.
 */
import { explainError } from "@atelier/explain/words";

export type Failure =
  | { kind: "rejected"; message: string }
  | { kind: "reverted"; message: string; errorName: string; hint?: string }
  | { kind: "failed"; message: string; hint?: string };

export function describeFailure(error: unknown): Failure {
  const problem = explainError(error);
  if (problem.kind === "rejected") return { kind: "rejected", message: `${problem.title}. ${problem.hint}` };
  if (problem.kind === "reverted")
    return {
      kind: "reverted",
      errorName: problem.errorName ?? "",
      message: problem.title,
      hint: problem.hint,
    };
  return { kind: "failed", message: problem.title, hint: problem.hint };
}
