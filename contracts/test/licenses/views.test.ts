import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getAddress, type Address } from "viem";
import { PRESET, PRICE, ZERO, createFixture } from "../../test-support/fixture.ts";

const f = await createFixture();
const { creator, buyer, buyer2 } = f;

describe("Licenses: views for the dApp", () => {
  it("isLicensedFor checks every required right and says why not", async () => {
    const d = await f.load();
    const { licenses } = d;
    const id = await f.mintRoot(d, creator, [
      { termsId: PRESET.commercial, currency: ZERO, price: PRICE, maxSupply: 0 },
      { termsId: PRESET.commercialRemix, currency: ZERO, price: PRICE, maxSupply: 0 },
    ]);
    const COMMERCIAL = 1;
    const DERIVATIVES = 2;
    const AI = 8;
    const check = (account: Address, flags: number) => licenses.read.isLicensedFor([id, account, flags]);
    assert.deepEqual(await check(buyer.account.address, COMMERCIAL), [false, 0n, 1]); // none held
    const commercialOnly = await f.buy(d, id, 1n, buyer);
    assert.deepEqual(await check(buyer.account.address, COMMERCIAL), [true, commercialOnly, 0]);
    assert.deepEqual(await check(buyer.account.address, COMMERCIAL | DERIVATIVES), [false, 0n, 3]);
    const remix = await f.buy(d, id, 2n, buyer);
    assert.deepEqual(await check(buyer.account.address, COMMERCIAL | DERIVATIVES), [true, remix, 0]);
    assert.deepEqual(await check(buyer.account.address, AI), [false, 0n, 3]);
    await f.networkHelpers.time.increase(366 * 24 * 3600);
    assert.deepEqual(await check(buyer.account.address, COMMERCIAL), [false, 0n, 2]); // all expired
    assert.deepEqual(await check(ZERO, 0), [false, 0n, 1]);
  });

  it("tokenURI is metadata JSON naming the work, terms, licensee, expiry and legal text", async () => {
    const d = await f.load();
    const { licenses, terms } = d;
    const id = await f.mintRoot(d);
    const licenseId = await f.buy(d, id, 1n, buyer2);
    const uri = await licenses.read.tokenURI([licenseId]);
    assert.ok(uri.startsWith("data:application/json;base64,"));
    const json = JSON.parse(Buffer.from(uri.slice(29), "base64").toString("utf8"));
    const info = await licenses.read.licenseInfo([licenseId]);
    assert.equal(json.name, `Atelier licence ${licenseId} of work ${id}`);
    assert.equal(json.external_url, (await terms.read.getTerms([PRESET.commercialRemix])).legalTextUri);
    assert.deepEqual(json.license, {
      licenseId: licenseId.toString(),
      workId: id.toString(),
      works: getAddress(d.works.address),
      offerId: 1,
      licensee: getAddress(buyer2.account.address),
      termsId: PRESET.commercialRemix,
      termsFlags: info.termsFlags,
      start: info.start,
      expiry: info.expiry,
      price: PRICE.toString(),
      currency: ZERO,
      legalTextUri: json.external_url,
    });
    assert.ok(
      json.attributes.some(
        (a: { trait_type: string; value: string }) => a.trait_type === "derivatives" && a.value === "yes",
      ),
    );
  });
});
