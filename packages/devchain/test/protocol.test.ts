import { describe, expect, it } from "vitest";
import { abis, contractAddress, parseDeployment } from "@atelier/protocol";
import { readContractArtifacts } from "../src/index.ts";

describe("@atelier/protocol ABIs", () => {
  it("exports exactly the ABIs of the compiled contracts", async () => {
    const artifacts = new Map((await readContractArtifacts()).map((a) => [a.contractName, a]));
    expect(artifacts.size).toBeGreaterThan(0);
    expect(Object.keys(abis).sort()).toEqual([...artifacts.keys()].sort());
    for (const [name, artifact] of artifacts) {
      expect(abis[name as keyof typeof abis], name).toEqual(artifact.abi);
    }
  });
});

describe("deployment records", () => {
  const deployment = {
    chainId: 31337,
    startBlock: 1,
    deployedAt: "2026-01-01T00:00:00.000Z",
    contracts: { AtelierWorks: "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const },
  };

  it("accepts a well-formed record", () => {
    expect(parseDeployment(deployment)).toEqual(deployment);
    expect(contractAddress(deployment, "AtelierWorks")).toBe(deployment.contracts.AtelierWorks);
  });

  it("names what is wrong in a bad record", () => {
    expect(() => parseDeployment({ ...deployment, contracts: { A: "0x12" } })).toThrow(
      "contracts.A is not an address",
    );
    expect(() => parseDeployment({ chainId: -1 })).toThrow('"chainId" must be a non-negative integer');
    expect(() => parseDeployment("nope")).toThrow("is not a JSON object");
    expect(() => contractAddress(deployment, "Nope")).toThrow("known contracts: AtelierWorks");
  });
});
