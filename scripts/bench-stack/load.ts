/**
 * Readers under load: autocannon with `connections` concurrent clients against one endpoint of the running
 * stack, bounded in time (`durationS`) and in count (`maxRequests`, after which it is stopped), loopback only.
 * Latency percentiles come from every response's own time (autocannon's summary has no p95).
 */
import autocannon from "autocannon";

export interface Endpoint {
  name: string;
  url: string;
  method?: "GET" | "POST";
  body?: string;
  headers?: Record<string, string>;
}

export interface LoadResult {
  /** Requests answered (latency percentiles are over these; timed-out ones are counted in `timeouts`). */
  requests: number;
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Connection errors (timeouts included) + responses that were not 2xx. */
  errors: number;
  non2xx: number;
  timeouts: number;
  seconds: number;
}

/** What bench:stack's GraphQL readers ask: the newest 24 works, as the dApp's Explore lists them. */
export const READERS_QUERY = `{ works(limit: 24, orderBy: "number", orderDirection: "desc") { items { id number creator owner source metadata licensesSold flagged exclusiveSold } } }`;

/** bench:stack's GraphQL readers' request against the indexer at `graphqlUrl`. */
export const graphqlReaders = (graphqlUrl: string): Endpoint => ({
  name: "graphql",
  url: graphqlUrl,
  method: "POST",
  body: JSON.stringify({ query: READERS_QUERY }),
  headers: { "content-type": "application/json" },
});

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1", "[::1]"].includes(host))
    throw new Error(`the load test runs against loopback only, not ${host} (${url})`);
}

export async function loadEndpoint(
  endpoint: Endpoint,
  options: { connections: number; durationS: number; maxRequests: number },
): Promise<LoadResult> {
  assertLoopback(endpoint.url);
  const latencies: number[] = [];
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: endpoint.url,
        method: endpoint.method ?? "GET",
        ...(endpoint.body === undefined ? {} : { body: endpoint.body }),
        headers: endpoint.headers ?? {},
        connections: options.connections,
        duration: options.durationS,
        timeout: 10,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => {
      // Responses still in flight when the bound is reached are not counted.
      if (latencies.length >= options.maxRequests) return;
      latencies.push(responseTime);
      if (latencies.length === options.maxRequests) instance.stop();
    });
  });
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const round = (x: number) => Number(x.toFixed(1));
  return {
    requests: latencies.length,
    rps: round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    errors: result.errors + result.non2xx,
    non2xx: result.non2xx,
    timeouts: result.timeouts,
    seconds: round(seconds),
  };
}
