import { error } from "@sveltejs/kit";
import { gatewayUrl } from "#lib/config.ts";
import { chain, config, index } from "#lib/server/index.ts";
import { currencyInfo } from "#lib/server/currencies.ts";
import { moreLikeThis } from "#lib/server/related.ts";
import { RIGHTS, rightsMask, type Right } from "#lib/explore.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ params, url, locals }) => {
  if (!/^\d{1,78}$/.test(params.id)) error(404, { message: `"${params.id}" is not a work number` });
  const provenance = await index().provenance(params.id);
  if (!provenance)
    error(404, { message: `There is no work #${params.id}`, hint: "It may not be indexed yet." });
  const { work, parents, timeline } = provenance;
  // "More like this" filtered by the rights the viewer needs (?rights=commercial&rights=ai, as on Explore).
  const needs = url.searchParams
    .getAll("rights")
    .filter((r): r is Right => r in RIGHTS)
    .filter((r, i, all) => all.indexOf(r) === i);
  const [offers, derivatives, job, similar] = await Promise.all([
    index().offersOf(work.id),
    index().derivativesOf(work.id),
    work.job ? index().job(work.job) : null,
    // Suggestions are an extra: the page still shows the work when they cannot be built.
    moreLikeThis(work.id, rightsMask(needs)).catch((e: Error) => {
      console.error(`more like this for work ${work.id}: ${e.message}`);
      locals.noStore = true;
      return null;
    }),
  ]);
  const parentIds = parents.map((p) => String(p.parent));
  const related = await index().works([...parentIds, ...derivatives.map((d) => d.child)]);
  const relatedWorks = [...related.values()];
  const [metadata, terms] = await Promise.all([
    index().metadataOf([work.metadataCid, ...relatedWorks.map((w) => w.metadataCid)]),
    index().termsById(offers.map((o) => o.termsId)),
  ]);
  const currencies = await currencyInfo(offers.map((o) => o.currency));
  const gateway = config().gateway;
  const titleOf = (id: string) => {
    const w = relatedWorks.find((r) => r.id === id);
    return w ? (metadata.get(w.metadataCid)?.name ?? null) : null;
  };
  const m = metadata.get(work.metadataCid);
  return {
    work,
    metadata: m ?? null,
    image: gatewayUrl(m?.image, gateway),
    parents: parents.map((p) => ({
      id: String(p.parent),
      shareBps: Number(p.shareBps),
      name: titleOf(String(p.parent)),
    })),
    derivatives: derivatives.map((d) => ({ id: d.child, shareBps: d.shareBps, name: titleOf(d.child) })),
    timeline: timeline.map((t) => ({ kind: t.kind, blockNumber: t.blockNumber, detail: t.detail })),
    offers: offers.map((o) => ({
      ...o,
      terms: terms.get(o.termsId) ?? null,
      symbol: currencies.get(o.currency.toLowerCase())?.symbol ?? "ETH",
      decimals: currencies.get(o.currency.toLowerCase())?.decimals ?? 18,
    })),
    job,
    similar,
    needs,
    chainId: config().deployment.chainId,
    market: config().deployment.contracts.GenerationMarket ?? null,
    // The index head's time when the page cache read it (the page is built at that head), else the chain's.
    now: locals.indexHead?.timestamp ?? (await chain().getBlock()).timestamp,
  };
};
