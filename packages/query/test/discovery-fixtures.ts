import { NearMatchIndex } from "../src/discovery/near-match.ts";
import { mulberry32 } from "../src/discovery/simulation.ts";

export { NearMatchIndex, hammingDistance } from "../src/discovery/near-match.ts";
export { RelatedWorks, RIGHTS } from "../src/discovery/related.ts";
export { evaluateRecommenders, simulateMarket } from "../src/discovery/simulation.ts";

/** n random 64-bit hashes in an index, and queries that flip 1..8 bits of a known one. */
export function nearDuplicateCheck(n: number, queries: number, seed = 99) {
  const rand = mulberry32(seed);
  const word = () => BigInt(Math.floor(rand() * 2 ** 32));
  const hashes = Array.from({ length: n }, () => (word() << 32n) | word());
  const index = new NearMatchIndex();
  index.add(hashes.map((hash, i) => ({ workId: BigInt(i + 1), hash })));
  const out = Array.from({ length: queries }, (_, q) => {
    const target = Math.floor(rand() * n);
    const flipped = 1 + (q % 8);
    let hash = hashes[target]!;
    const bits = new Set<number>();
    while (bits.size < flipped) bits.add(Math.floor(rand() * 64));
    for (const b of bits) hash ^= 1n << BigInt(b);
    return { hash, target: BigInt(target + 1), flipped };
  });
  return { index, queries: out };
}
