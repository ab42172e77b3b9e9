import { describe, expect, it } from "vitest";
import {
  encodeAbiParameters,
  encodeEventTopics,
  parseEventLogs,
  type AbiEvent,
  type AbiParameter,
  type Hex,
  type Log,
} from "viem";
import { generationMarketAbi } from "@atelier/protocol";
import { isFinal, jobSteps, rejectWords } from "../src/lib/jobs.ts";

const NODE = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const REQUESTER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const HASH = `0x${"ab".repeat(32)}` as Hex;

/** A market event as the chain encodes it (topics + data), for `parseEventLogs` to read back. */
function log(eventName: string, args: Record<string, unknown>, blockNumber: bigint): Log {
  const event = generationMarketAbi.find((e) => e.type === "event" && e.name === eventName) as AbiEvent;
  const data = event.inputs.filter((i) => !i.indexed);
  const full = Object.fromEntries(event.inputs.map((i) => [i.name!, args[i.name!] ?? defaultFor(i)]));
  return {
    address: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    topics: encodeEventTopics({ abi: [event], eventName, args: full } as never) as [Hex, ...Hex[]],
    data: encodeAbiParameters(
      data,
      data.map((i) => full[i.name!]),
    ),
    blockNumber,
    blockHash: HASH,
    logIndex: 0,
    transactionHash: HASH,
    transactionIndex: 0,
    removed: false,
  };
}

/** A zero value of an ABI parameter's type (the fields a test does not care about). */
function defaultFor(p: AbiParameter): unknown {
  const { type } = p;
  if (type.endsWith("[]")) return [];
  if (type === "tuple")
    return Object.fromEntries(
      (p as { components: readonly AbiParameter[] }).components.map((c) => [c.name!, defaultFor(c)]),
    );
  if (type === "address") return REQUESTER;
  if (type === "bool") return false;
  if (type === "string") return "";
  if (type === "bytes") return "0x";
  if (type.startsWith("bytes")) return `0x${"00".repeat(Number(type.slice(5)))}`;
  return 0n;
}

const parse = (logs: Log[]) => parseEventLogs({ abi: generationMarketAbi, logs });

describe("a job's steps from the market's events", () => {
  it("requested → claimed → fulfilled, only for that job, with the work minted", () => {
    const logs = parse([
      log("JobRequested", { jobId: 7n, requester: REQUESTER, modelId: 1 }, 10n),
      log("JobRequested", { jobId: 8n, requester: REQUESTER, modelId: 1 }, 10n),
      log("JobClaimed", { jobId: 7n, node: NODE, contentHash: HASH }, 11n),
      log("JobFulfilled", { jobId: 8n, node: NODE, workId: 41n }, 12n),
      log("JobFulfilled", { jobId: 7n, node: NODE, workId: 42n }, 13n),
    ]);
    const steps = jobSteps(logs as never, 7n);
    expect(steps.map((s) => [s.step, s.block])).toEqual([
      ["requested", 10n],
      ["claimed", 11n],
      ["fulfilled", 13n],
    ]);
    expect(steps[1]!.words).toBe("Claimed by node 0x3C44…93BC: it is generating.");
    expect(steps[2]).toMatchObject({
      workId: "42",
      words: "Fulfilled by node 0x3C44…93BC: work #42 minted to you.",
    });
    expect(isFinal(steps.at(-1)!.step)).toBe(true);
  });

  it("a release reopens the job; a rejection says why and what came back", () => {
    const logs = parse([
      log("JobRequested", { jobId: 3n, requester: REQUESTER, modelId: 2 }, 5n),
      log("JobClaimed", { jobId: 3n, node: NODE, contentHash: HASH }, 6n),
      log("JobReleased", { jobId: 3n, node: NODE, reasonCode: 0 }, 7n),
      log("JobClaimed", { jobId: 3n, node: NODE, contentHash: HASH }, 8n),
      log("JobRejected", { jobId: 3n, node: NODE, reasonCode: 5, refund: 2n * 10n ** 15n }, 9n),
    ]);
    const steps = jobSteps(logs as never, 3n);
    expect(steps.map((s) => s.step)).toEqual(["requested", "claimed", "released", "claimed", "rejected"]);
    expect(isFinal("released")).toBe(false);
    expect(steps.at(-1)!.words).toBe(
      "Rejected by node 0x3C44…93BC: the requester no longer holds the right to a parent work. 0.002 ETH credited back to you.",
    );
    expect(rejectWords(99)).toBe("reason code 99");
  });
});
