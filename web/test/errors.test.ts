import { describe, expect, it } from "vitest";
import { BaseError, encodeErrorResult, RawContractError, UserRejectedRequestError } from "viem";
import { atelierErrorsAbi } from "@atelier/protocol";
import { describeFailure } from "../src/lib/wallet/errors.ts";

type AbiError = Extract<(typeof atelierErrorsAbi)[number], { type: "error" }>;
const errors = atelierErrorsAbi.filter((e): e is AbiError => e.type === "error");

function sampleArg(type: string): unknown {
  if (type === "address") return "0x0000000000000000000000000000000000000001";
  if (type.startsWith("uint") || type.startsWith("int")) return 1n;
  if (type === "bool") return true;
  if (type === "string") return "x";
  if (type.startsWith("bytes") && type !== "bytes") return `0x${"11".repeat(Number(type.slice(5)))}`;
  return "0x";
}

describe("wallet and transaction failures in words", () => {
  it("a user's rejection is its own outcome, not an error", () => {
    const rejected = new UserRejectedRequestError(new Error("User rejected the request."));
    const failure = describeFailure(rejected);
    expect(failure.kind).toBe("rejected");
    expect(failure.message).toMatch(/Nothing was sent/);
    expect(describeFailure({ code: 4001, message: "no" }).kind).toBe("rejected");
  });

  it("decodes every custom error of the merged ABI from raw revert data", () => {
    expect(errors.length).toBeGreaterThan(20);
    for (const error of errors) {
      const args = error.inputs.map((i: { type: string }) => sampleArg(i.type));
      const data = encodeErrorResult({ abi: [error], errorName: error.name, args } as never);
      const failure = describeFailure(
        new BaseError("execution reverted", { cause: new RawContractError({ data }) }),
      );
      expect(failure.kind, error.name).toBe("reverted");
      expect(failure.kind === "reverted" && failure.errorName).toBe(error.name);
      expect(failure.message.length).toBeGreaterThan(3);
    }
  });

  it("keeps other failures readable", () => {
    const failure = describeFailure(new Error("boom"));
    expect(failure.kind).toBe("failed");
    expect(failure.kind === "failed" && failure.hint).toBe("boom");
  });
});
