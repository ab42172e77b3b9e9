/** A generation job's history in words, from the market's events for that job (oldest first). */
import { formatEther, type Log } from "viem";
import { shortAddress } from "./format.ts";

export type JobStep =
  "requested" | "claimed" | "released" | "fulfilled" | "rejected" | "cancelled" | "expired";

export interface JobStepEntry {
  step: JobStep;
  block: bigint;
  words: string;
  /** The minted work, on the fulfilled step. */
  workId?: string;
}

/** Why a node rejected a job (the reason codes nodes send with rejectJob). */
const REJECT_WORDS: Record<number, string> = {
  1: "the prompt or the output broke the content rules",
  2: "the request was invalid (empty or too long a prompt, or parameters the model does not take)",
  3: "the output duplicated an existing work",
  4: "the model failed on this request",
  5: "the requester no longer holds the right to a parent work",
};

export const rejectWords = (code: number) => REJECT_WORDS[code] ?? `reason code ${code}`;

type JobLog = Log & { eventName: string; args: Record<string, unknown> };

/** The steps of `jobId` among `logs` (parsed GenerationMarket events). */
export function jobSteps(logs: JobLog[], jobId: bigint): JobStepEntry[] {
  const out: JobStepEntry[] = [];
  for (const log of logs) {
    const a = log.args;
    if (a.jobId !== jobId) continue;
    const block = log.blockNumber ?? 0n;
    const node = typeof a.node === "string" ? shortAddress(a.node) : "";
    switch (log.eventName) {
      case "JobRequested":
        out.push({ step: "requested", block, words: "Requested: the fee is held by the market." });
        break;
      case "JobClaimed":
        out.push({ step: "claimed", block, words: `Claimed by node ${node}: it is generating.` });
        break;
      case "JobReleased":
        out.push({
          step: "released",
          block,
          words: `Released by node ${node}: open again for another node.`,
        });
        break;
      case "JobFulfilled":
        out.push({
          step: "fulfilled",
          block,
          words: `Fulfilled by node ${node}: work #${String(a.workId)} minted to you.`,
          workId: String(a.workId),
        });
        break;
      case "JobRejected":
        out.push({
          step: "rejected",
          block,
          words: `Rejected by node ${node}: ${rejectWords(Number(a.reasonCode))}. ${formatEther(BigInt(String(a.refund ?? 0)))} ETH credited back to you.`,
        });
        break;
      case "JobCancelled":
        out.push({ step: "cancelled", block, words: "Cancelled: the fee is credited back to you." });
        break;
      case "JobExpired":
        out.push({
          step: "expired",
          block,
          words: "Expired past its deadline: the fee is credited back to you.",
        });
        break;
    }
  }
  return out;
}

/** No further step can follow these. */
export const isFinal = (step: JobStep | undefined) =>
  step === "fulfilled" || step === "rejected" || step === "cancelled" || step === "expired";
