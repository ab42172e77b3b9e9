import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keccak256, toHex } from "viem";
import { createFixture } from "../../test-support/fixture.ts";
import { assertRoleGuarded } from "../../test-support/admin.ts";

const f = await createFixture();
const { viem, outsider, admin } = f;

describe("GenerationMarket: models", () => {
  it("registers models (model admin only) and retires them", async () => {
    const d = await f.load();
    const { market } = d;
    const w = keccak256(toHex("w"));
    await viem.assertions.emitWithArgs(
      market.write.registerModel([w, keccak256(toHex("c")), 0x70n, false, "sd-turbo"], {
        account: admin.account,
      }),
      market,
      "ModelRegistered",
      [1, w, keccak256(toHex("c")), 0x70n, false, "sd-turbo"],
    );
    const m = await market.read.modelInfo([1]);
    assert.equal(m.weightsHash, w);
    assert.equal(m.deterministic, false);
    assert.equal(m.active, true);
    assert.equal(m.weightsCidCodec, 0x70n);
    await viem.assertions.revertWithCustomError(
      market.write.registerModel([w, w, 0x55n, true, "x"], { account: outsider.account }),
      market,
      "AccessControlUnauthorizedAccount",
    );
    await viem.assertions.revertWithCustomError(
      market.write.registerModel([`0x${"00".repeat(32)}`, w, 0x55n, true, "x"], { account: admin.account }),
      market,
      "InvalidWeightsHash",
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.read.modelInfo([2]),
      market,
      "UnknownModel",
      [2],
    );
    await viem.assertions.revertWithCustomErrorWithArgs(
      market.write.setModelActive([2, false], { account: admin.account }),
      market,
      "UnknownModel",
      [2],
    );
    await assertRoleGuarded(f, market, (account) => market.write.setModelActive([1, false], { account }), {
      emits: { event: "ModelActiveSet", args: [1, false] },
    });
    await viem.assertions.revertWithCustomErrorWithArgs(f.request(d), market, "ModelInactive", [1]);
    await viem.assertions.revertWithCustomErrorWithArgs(
      f.request(d, { modelId: 5 }),
      market,
      "UnknownModel",
      [5],
    );
  });
});
