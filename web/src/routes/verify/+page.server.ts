import { isAddress, type Address } from "viem";
import { RIGHTS, rightsMask, type Right } from "#lib/explore.ts";
import { gatewayUrl } from "#lib/config.ts";
import { config, index } from "#lib/server/index.ts";
import { licenceCheck, nearMatches, NEAR_MAX_DISTANCE } from "#lib/server/verify.ts";
import type { PageServerLoad } from "./$types";

/**
 * The result half of Verify: the browser reads the image and puts what it found in the URL
 * (`watermark` = decimal id or `none`, `content` = SHA-256, `phash` = 16 hex digits), plus the
 * `account` and `rights` to check. Anyone can also type these in without JavaScript.
 */
export const load: PageServerLoad = async ({ url }) => {
  const p = url.searchParams;
  const watermark = p.get("watermark");
  const content = p.get("content");
  const phash = p.get("phash");
  const accountText = (p.get("account") ?? "").trim();
  const rights = p.getAll("rights").filter((r): r is Right => r in RIGHTS);
  const problems: string[] = [];
  if (watermark && watermark !== "none" && !/^\d{1,17}$/.test(watermark))
    problems.push("the watermark id is not a number");
  if (content && !/^0x[0-9a-fA-F]{64}$/.test(content))
    problems.push("the content hash is not 0x + 64 hex digits");
  if (phash && !/^[0-9a-fA-F]{16}$/.test(phash)) problems.push("the perceptual hash is not 16 hex digits");
  if (accountText && !isAddress(accountText, { strict: false }))
    problems.push("the account is not an address");
  const asked = Boolean(watermark || content || phash);
  if (!asked || problems.length) return { asked, problems, rights, account: accountText, result: null };

  const q = index();
  const [byWatermark, byContent, near] = await Promise.all([
    watermark && watermark !== "none" ? q.workByWatermark(BigInt(watermark)) : null,
    content ? q.workByContentHash(content) : null,
    phash ? nearMatches(BigInt(`0x${phash}`)) : [],
  ]);
  const work = byWatermark ?? byContent ?? null;
  const how = byWatermark ? "watermark" : byContent ? "content" : null;
  const metadata = await index().metadataOf(
    [work?.metadataCid, ...near.map((n) => n.work.metadataCid)].filter((c): c is string => !!c),
  );
  const offers = work ? await index().offersOf(work.id) : [];
  const terms = await index().termsById(offers.map((o) => o.termsId));
  const account =
    accountText && work ? await licenceCheck(work.id, accountText as Address, rightsMask(rights)) : null;
  const gateway = config().gateway;
  return {
    asked,
    problems,
    rights,
    account: accountText,
    result: {
      watermark,
      watermarkUnknown: Boolean(watermark && watermark !== "none" && !byWatermark),
      how,
      work: work
        ? {
            ...work,
            name: metadata.get(work.metadataCid)?.name ?? null,
            image: gatewayUrl(metadata.get(work.metadataCid)?.image, gateway),
          }
        : null,
      offers: offers.map((o) => ({ ...o, terms: terms.get(o.termsId) ?? null })),
      licence: account,
      near: near
        .filter((n) => n.work.id !== work?.id)
        .map((n) => ({
          id: n.work.id,
          distance: n.distance,
          name: metadata.get(n.work.metadataCid)?.name ?? null,
          image: gatewayUrl(metadata.get(n.work.metadataCid)?.image, gateway),
        })),
      nearMax: NEAR_MAX_DISTANCE,
    },
  };
};
