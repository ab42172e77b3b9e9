import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { getAddress, keccak256, parseEther, toHex } from "viem";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import atelier, { TERMS_PRESETS, TERMS_PRESET_IDS } from "../ignition/modules/Atelier.ts";
import { cidV1RawSha256 } from "../test-support/fixture.ts";

const TERMS_FILES: Record<keyof typeof TERMS_PRESET_IDS, string> = {
  personal: "personal/v1.md",
  commercial: "commercial/v1.md",
  commercialRemix: "commercial-remix/v1.md",
  exclusiveBuyout: "exclusive-buyout/v1.md",
  aiTraining: "ai-training/v1.md",
};

describe("Ignition module", () => {
  it("deploys the wired protocol with defaults, presets and every role for the deployer", async () => {
    const { ignition, viem } = await network.create();
    const [deployer] = await viem.getWalletClients();
    assert.ok(deployer);
    const me = getAddress(deployer.account.address);
    const result = await ignition.deploy(atelier);
    assert.deepEqual(Object.keys(result).sort(), ["licenses", "market", "renderer", "terms", "works"]);
    const { terms, works, licenses, market, renderer } = result;
    assert.equal(await licenses.read.metadataRenderer(), getAddress(renderer.address));
    assert.equal(await works.read.licenses(), getAddress(licenses.address));
    assert.equal(await works.read.market(), getAddress(market.address));
    assert.equal(await licenses.read.works(), getAddress(works.address));
    assert.equal(await market.read.works(), getAddress(works.address));
    assert.equal(await market.read.termsRegistry(), getAddress(terms.address));
    assert.equal(await licenses.read.treasury(), me);
    assert.equal(await market.read.treasury(), me);
    assert.equal(await licenses.read.protocolFeeBps(), 250);
    assert.equal(await market.read.protocolFeeBps(), 250);
    assert.equal(await market.read.minStake(), parseEther("0.1"));
    assert.equal(await market.read.claimLockAmount(), parseEther("0.01"));
    assert.equal(await market.read.unstakeCooldown(), 86_400);
    for (const [name, id] of Object.entries(TERMS_PRESET_IDS)) {
      const preset = TERMS_PRESETS[name as keyof typeof TERMS_PRESETS];
      assert.deepEqual(await terms.read.getTerms([id]), preset, name);
      // The legal text URI is the raw-leaf CIDv1 of the text file, recomputed here independently.
      const file = readFileSync(
        path.join(import.meta.dirname, "../terms", TERMS_FILES[name as keyof typeof TERMS_FILES]),
      );
      const digest = `0x${createHash("sha256").update(file).digest("hex")}` as const;
      assert.equal((await terms.read.getTerms([id])).legalTextUri, `ipfs://${cidV1RawSha256(digest)}`, name);
      assert.match(new TextDecoder().decode(file), /## In plain language[\s\S]+## Grant/);
    }
    const role = (name: string) => keccak256(toHex(name));
    const zero = `0x${"00".repeat(32)}` as const;
    for (const c of [works, licenses, market]) {
      assert.equal(await c.read.hasRole([zero, me]), true);
      assert.equal(await c.read.hasRole([role("PAUSER_ROLE"), me]), true);
    }
    assert.equal(await works.read.hasRole([role("ARBITER_ROLE"), me]), true);
    assert.equal(await market.read.hasRole([role("MODEL_ADMIN_ROLE"), me]), true);
  });
});
