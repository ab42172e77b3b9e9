import { exploreSearch, hasFilters, parseExplore } from "#lib/explore.ts";
import { explore } from "#lib/server/explore.ts";
import { toTsQuery } from "@atelier/query";
import { index } from "#lib/server/index.ts";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ url, locals }) => {
  const { query, problems } = parseExplore(url.searchParams);
  // Full-text search needs a word of letters or digits; punctuation alone is not a search.
  const wordless = query.q !== "" && toTsQuery(query.q) === "";
  if (wordless) problems.push(`the search "${query.q.slice(0, 40)}" has no words (letters or digits)`);
  try {
    // Both as promises: a configuration error thrown while building the second must not leave the
    // first one's rejection unhandled (Node then stops the whole server).
    const [page, models] = await Promise.all([
      explore(wordless ? { ...query, q: "" } : query),
      (async () => index().modelNames())(),
    ]);
    return {
      query,
      problems,
      filtered: hasFilters(query),
      cards: page.cards,
      truncated: page.truncated,
      nextHref: page.next ? `/${exploreSearch(query, { after: page.next })}` : null,
      firstHref: query.after ? `/${exploreSearch(query, { after: "" })}` : null,
      models: models.map((m) => ({ id: m.id, name: m.name })),
      error: null,
    };
  } catch (error) {
    locals.noStore = true;
    const message = error instanceof Error ? error.message : String(error);
    return {
      query,
      problems,
      filtered: hasFilters(query),
      cards: [],
      truncated: false,
      nextHref: null,
      firstHref: null,
      models: [],
      error: message,
    };
  }
};
