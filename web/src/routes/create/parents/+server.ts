/**
 * `GET /create/parents?address=0x…`: the works an upload by this account may name as parents — works it
 * owns, and works it holds an unexpired licence of whose terms allow derivatives — with the revenue
 * share each would take (from the index; `mintWork` checks the same rights on chain).
 */
import { error, json } from "@sveltejs/kit";
import { isAddress } from "viem";
import type { ParentChoice } from "#lib/parents.ts";
import { chain, index } from "#lib/server/index.ts";
import type { RequestHandler } from "./$types";

export const GET: RequestHandler = async ({ url }) => {
  const address = (url.searchParams.get("address") ?? "").trim();
  if (!isAddress(address, { strict: false }))
    error(400, { message: "address is not an address", hint: "Pass ?address=0x followed by 40 hex digits." });
  const [account, block] = await Promise.all([index().account(address), chain().getBlock()]);
  const terms = await index().termsById(account.licenses.map((l) => String(l.terms)));
  const licensed = account.licenses.filter((l) => {
    const t = terms.get(String(l.terms));
    const expiry = BigInt(String(l.expiry));
    return t?.derivativesAllowed && (expiry === 0n || expiry > block.timestamp);
  });
  const licensedWorks = await Promise.all(
    [...new Set(licensed.map((l) => String(l.work)))].map((id) => index().work(id)),
  );
  const owned = account.worksOwned;
  const metadata = await index().metadataOf(
    [...owned, ...licensedWorks.filter((w) => w !== null)].map((w) => w.metadataCid),
  );
  const titleOf = (id: string) => {
    const w = [...owned, ...licensedWorks].find((k) => k?.id === id);
    return w ? (metadata.get(w.metadataCid)?.name ?? null) : null;
  };
  const choices: ParentChoice[] = [
    ...owned.map((w) => ({ workId: w.id, licenseId: "0", title: titleOf(w.id), shareBps: 0 })),
    ...licensed
      .filter((l) => !owned.some((w) => w.id === String(l.work)))
      .map((l) => ({
        workId: String(l.work),
        licenseId: String(l.id),
        title: titleOf(String(l.work)),
        shareBps: terms.get(String(l.terms))!.derivativeShareBps,
      })),
  ];
  return json({ choices, more: account.more.worksOwned || account.more.licenses });
};
