/**
 * Full-text search over work metadata: one definition of the document for the GIN index
 * (ponder.schema.ts) and for the query (`/search` in src/api) — Postgres uses the index only when the
 * two expressions are the same. Title weighs most (A), then description (B), then prompt (C); english
 * stemming, as graph-node's `@fulltext(language: en)`.
 */
import { sql, type AnyPgColumn } from "ponder";

export interface SearchColumns {
  name: AnyPgColumn;
  description: AnyPgColumn;
  prompt: AnyPgColumn;
}

export function searchDocument(t: SearchColumns) {
  return sql`(setweight(to_tsvector('english', coalesce(${t.name}, '')), 'A') || setweight(to_tsvector('english', coalesce(${t.description}, '')), 'B') || setweight(to_tsvector('english', coalesce(${t.prompt}, '')), 'C'))`;
}

/**
 * The only tsquery text `/search` takes: words of letters and digits joined by ` & ` (what the query
 * layer's `toTsQuery` builds), so no request can be a tsquery syntax error or an operator injection.
 */
export const TSQUERY_SHAPE = /^[\p{L}\p{N}]+( & [\p{L}\p{N}]+){0,31}$/u;
