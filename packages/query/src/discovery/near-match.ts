/**
 * Near matches by perceptual-hash Hamming distance through a usearch HNSW index (metric Hamming over
 * 64 binary dimensions): a query costs O(log n) graph hops, not a scan of every hash.
 */
import usearch from "usearch";

const { Index, MetricKind, ScalarKind } = usearch;
const BITS = 64;

export interface NearMatch {
  workId: bigint;
  distance: number;
}

/** The 64 bits of a perceptual hash, one byte (0/1) per dimension, most significant bit first. */
export function hashBits(hash: bigint, out = new Uint8Array(BITS), offset = 0): Uint8Array {
  for (let i = 0; i < BITS; i++) out[offset + i] = Number((hash >> BigInt(BITS - 1 - i)) & 1n);
  return out;
}

export function hammingDistance(a: bigint, b: bigint): number {
  let x = BigInt.asUintN(64, a ^ b);
  let count = 0;
  while (x) {
    x &= x - 1n;
    count += 1;
  }
  return count;
}

export class NearMatchIndex {
  private readonly index = new Index({
    dimensions: BITS,
    metric: MetricKind.Hamming,
    quantization: ScalarKind.B1,
    connectivity: 16,
    expansion_add: 64,
    expansion_search: 128,
    multi: false,
  });

  get size(): number {
    return Number(this.index.size());
  }

  /** Adds (or replaces) works' hashes; batches are much faster than single adds. */
  add(entries: readonly { workId: bigint; hash: bigint }[]): void {
    if (entries.length === 0) return;
    const keys = BigUint64Array.from(entries.map((e) => e.workId));
    const bits = new Uint8Array(entries.length * BITS);
    entries.forEach((e, i) => hashBits(e.hash, bits, i * BITS));
    for (const key of keys) if (this.index.contains(key)) this.index.remove(key);
    this.index.add(keys, bits);
  }

  /** Works whose hash is within `maxDistance` bits of `hash`, nearest first (at most `limit`). */
  search(hash: bigint, maxDistance = 10, limit = 10): NearMatch[] {
    if (this.size === 0) return [];
    const found = this.index.search(hashBits(hash), Math.min(limit, this.size), 0);
    const out: NearMatch[] = [];
    for (let i = 0; i < found.keys.length; i++) {
      const distance = Math.round(found.distances[i]!);
      if (distance <= maxDistance) out.push({ workId: found.keys[i]!, distance });
    }
    return out;
  }
}
