/**
 * An offline market for judging recommendations: works have a visual style (embedding = style
 * centroid + noise), a creator and offered rights; brands have hidden tastes over styles, needed
 * rights and some loyalty to creators, and license works one after another. Each brand's last licence
 * is held out and the recommenders are scored on finding it (HR@10, NDCG@10).
 */
import { mulberry32 } from "@atelier/procedural";
import { RelatedWorks, RIGHTS, type Weights } from "./related.ts";

export { mulberry32 };

export interface MarketOptions {
  seed?: number;
  works?: number;
  brands?: number;
  styles?: number;
  creators?: number;
  dimensions?: number;
  /** Noise of a work's embedding around its style centroid (higher = visual signal weaker). */
  noise?: number;
  /**
   * Real embeddings instead of centroid + noise: the k-th work of a style gets `embeddingFor(style, k)`
   * (e.g. the k-th image the generator rendered for that style's prompt). `dimensions` must match.
   */
  embeddingFor?: (style: number, k: number) => Float32Array;
}

export interface SimWork {
  workId: bigint;
  style: number;
  creator: string;
  rights: number;
  quality: number;
  embedding: Float32Array;
}

export interface SimMarket {
  works: SimWork[];
  /** Licences per brand, in order. */
  histories: Map<string, bigint[]>;
  dimensions: number;
}

export function simulateMarket(options: MarketOptions = {}): SimMarket {
  const rand = mulberry32(options.seed ?? 7);
  const gauss = () => Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
  const dims = options.dimensions ?? 32;
  const styles = options.styles ?? 16;
  const nWorks = options.works ?? 4000;
  const nBrands = options.brands ?? 500;
  const nCreators = options.creators ?? 300;
  const noise = options.noise ?? 0.9;

  const centroids = Array.from({ length: styles }, () => Float32Array.from({ length: dims }, gauss));
  const creatorStyles = Array.from({ length: nCreators }, () => [
    Math.floor(rand() * styles),
    Math.floor(rand() * styles),
  ]);
  const rightsMenu = [
    RIGHTS.commercial,
    RIGHTS.commercial | RIGHTS.derivatives,
    RIGHTS.aiTraining,
    RIGHTS.commercial | RIGHTS.aiTraining,
    0,
  ];
  const works: SimWork[] = [];
  const perStyle = new Array<number>(styles).fill(0);
  for (let i = 0; i < nWorks; i++) {
    const c = Math.floor(rand() * nCreators);
    const style = creatorStyles[c]![rand() < 0.7 ? 0 : 1]!;
    const embedding = options.embeddingFor
      ? options.embeddingFor(style, perStyle[style]!++)
      : Float32Array.from(centroids[style]!, (x) => x + noise * gauss() * 1.0);
    works.push({
      workId: BigInt(i + 1),
      style,
      creator: `creator-${c}`,
      rights: rightsMenu[Math.floor(rand() * rightsMenu.length)]!,
      quality: Math.exp(0.6 * gauss()),
      embedding,
    });
  }

  const histories = new Map<string, bigint[]>();
  for (let b = 0; b < nBrands; b++) {
    const liked = [Math.floor(rand() * styles), Math.floor(rand() * styles)];
    const needs = rand() < 0.6 ? RIGHTS.commercial : rand() < 0.5 ? RIGHTS.aiTraining : 0;
    const taste = (w: SimWork) => (w.style === liked[0] ? 1 : w.style === liked[1] ? 0.5 : 0.01);
    const licensed: bigint[] = [];
    const favouriteCreators = new Set<string>();
    const count = 6 + Math.floor(rand() * 14);
    for (let k = 0; k < count; k++) {
      let total = 0;
      const weights = works.map((w) => {
        if (licensed.includes(w.workId) || (w.rights & needs) !== needs) return 0;
        const weight = taste(w) * w.quality * (favouriteCreators.has(w.creator) ? 3 : 1);
        total += weight;
        return weight;
      });
      let pick = rand() * total;
      let chosen = works[0]!;
      for (let i = 0; i < works.length; i++) {
        pick -= weights[i]!;
        if (pick <= 0) {
          chosen = works[i]!;
          break;
        }
      }
      licensed.push(chosen.workId);
      favouriteCreators.add(chosen.creator);
    }
    histories.set(`brand-${b}`, licensed);
  }
  return { works, histories, dimensions: dims };
}

export interface RecScores {
  hr10: number;
  ndcg10: number;
}

export type Recommender = "hybrid" | "visual" | "colicensing" | "popular";

const ONLY: Record<Exclude<Recommender, "hybrid" | "popular">, Partial<Weights>> = {
  visual: { visual: 1, colicensing: 0, rights: 0, lineage: 0, popularity: 0 },
  colicensing: { visual: 0, colicensing: 1, rights: 0, lineage: 0, popularity: 0 },
};

/** Leave-last-out evaluation of each recommender on the market. */
export function evaluateRecommenders(market: SimMarket): Record<Recommender, RecScores> {
  const related = new RelatedWorks(market.dimensions);
  related.addWorks(
    market.works.map((w) => ({
      workId: w.workId,
      embedding: w.embedding,
      creator: w.creator,
      rights: w.rights,
    })),
  );
  const heldOut = new Map<string, bigint>();
  for (const [brand, history] of market.histories) {
    heldOut.set(brand, history[history.length - 1]!);
    for (const w of history.slice(0, -1)) related.addLicense(brand, w);
  }
  const totals: Record<Recommender, RecScores> = {
    hybrid: { hr10: 0, ndcg10: 0 },
    visual: { hr10: 0, ndcg10: 0 },
    colicensing: { hr10: 0, ndcg10: 0 },
    popular: { hr10: 0, ndcg10: 0 },
  };
  for (const [brand, target] of heldOut) {
    const seen = related.historyOf(brand);
    const lists: Record<Recommender, bigint[]> = {
      hybrid: related.forAccount(brand).map((s) => s.workId),
      visual: related.forAccount(brand, { weights: ONLY.visual }).map((s) => s.workId),
      colicensing: related.forAccount(brand, { weights: ONLY.colicensing }).map((s) => s.workId),
      popular: related.popular({ exclude: seen }).map((s) => s.workId),
    };
    for (const name of Object.keys(lists) as Recommender[]) {
      const rank = lists[name].indexOf(target);
      if (rank >= 0 && rank < 10) {
        totals[name].hr10 += 1;
        totals[name].ndcg10 += 1 / Math.log2(rank + 2);
      }
    }
  }
  const n = heldOut.size;
  for (const scores of Object.values(totals)) {
    scores.hr10 = Number((scores.hr10 / n).toFixed(4));
    scores.ndcg10 = Number((scores.ndcg10 / n).toFixed(4));
  }
  return totals;
}
