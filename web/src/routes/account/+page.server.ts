import { error } from "@sveltejs/kit";
import { isAddress } from "viem";
import { cards } from "#lib/server/explore.ts";
import { currencyInfo } from "#lib/server/currencies.ts";
import { chain, index } from "#lib/server/index.ts";
import type { PageServerLoad } from "./$types";

/** My account, for the address in the URL (the page puts the connected wallet's address there). */
export const load: PageServerLoad = async ({ url }) => {
  const address = (url.searchParams.get("address") ?? "").trim();
  if (!address) return { address: null, account: null };
  if (!isAddress(address, { strict: false }))
    error(400, {
      message: `"${address.slice(0, 60)}" is not an address`,
      hint: "An address is 0x followed by 40 hex digits.",
    });
  const account = await index().account(address);
  const licenceWorks = await Promise.all(
    [...new Set(account.licenses.map((l) => String(l.work)))].map((id) => index().work(id)),
  );
  const known = licenceWorks.filter((w) => w !== null);
  const [metadata, terms, currencies, jobs, created, block] = await Promise.all([
    index().metadataOf(known.map((w) => w.metadataCid)),
    index().termsById(account.licenses.map((l) => String(l.terms))),
    currencyInfo([
      ...account.licenses.map((l) => String(l.currency)),
      ...account.credits.map((c) => String(c.currency)),
    ]),
    Promise.all(account.jobs.map((j) => index().job(String(j.id)))),
    cards(account.worksCreated),
    chain().getBlock(),
  ]);
  const titleOf = (id: string) => {
    const w = known.find((k) => k.id === id);
    return w ? (metadata.get(w.metadataCid)?.name ?? null) : null;
  };
  const cur = (a: unknown) => currencies.get(String(a).toLowerCase()) ?? { symbol: "ETH", decimals: 18 };
  return {
    address: address.toLowerCase(),
    now: block.timestamp,
    account: {
      licences: account.licenses.map((l) => ({
        id: String(l.id),
        work: String(l.work),
        workName: titleOf(String(l.work)),
        termsId: String(l.terms),
        terms: terms.get(String(l.terms)) ?? null,
        price: BigInt(String(l.price)),
        currency: String(l.currency),
        ...cur(l.currency),
        expiry: BigInt(String(l.expiry)),
        isPrivate: Boolean(l.isPrivate),
      })),
      created,
      credits: account.credits.map((c) => ({
        id: String(c.id),
        contract: String(c.contract) as "Licenses" | "GenerationMarket",
        currency: String(c.currency),
        ...cur(c.currency),
        credited: BigInt(String(c.credited)),
        withdrawn: BigInt(String(c.withdrawn)),
        balance: BigInt(String(c.balance)),
      })),
      jobs: jobs.filter((j) => j !== null),
      // The query layer returns the first 50 of each list: say where a list goes on.
      more: account.more,
    },
  };
};
