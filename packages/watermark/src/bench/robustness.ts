/** Exact payload recovery of one method per attack, with the worst image and the failing ones. */
import type { RawImage } from "../image.ts";
import { Prng } from "../prng.ts";
import { ATTACKS, RANDOM_ATTACKS } from "./attacks.ts";
import type { Method } from "./methods.ts";
import type { AttackResult } from "./results.ts";
import { bitAgreement, mean, r3 } from "./stats.ts";

export async function attackResults(
  m: Method,
  names: string[],
  marked: RawImage[],
  payloads: bigint[],
  attackNames: string[],
  repeats: number,
): Promise<Record<string, AttackResult>> {
  const attacks: Record<string, AttackResult> = {};
  for (const [ai, name] of attackNames.entries()) {
    const atk = ATTACKS[name];
    if (!atk) throw new Error(`unknown attack ${name} (known: ${Object.keys(ATTACKS).join(", ")})`);
    const reps = RANDOM_ATTACKS.has(name) ? repeats : 1;
    const perImage: { exact: number; acc: number }[] = [];
    for (let i = 0; i < marked.length; i++) {
      let exact = 0;
      let acc = 0;
      for (let rep = 0; rep < reps; rep++) {
        const rng = new Prng(7919 * (i + 1) + 104729 * (ai + 1) + 15485863 * rep);
        const attacked = await atk(marked[i]!, rng);
        const { found, raw } = m.decode(attacked);
        acc += raw === null ? 0.5 : bitAgreement(raw, payloads[i]!);
        if (found === payloads[i]) exact++;
      }
      perImage.push({ exact: exact / reps, acc: acc / reps });
    }
    const worstIdx = perImage.reduce(
      (bi, v, i) =>
        v.exact < perImage[bi]!.exact || (v.exact === perImage[bi]!.exact && v.acc < perImage[bi]!.acc)
          ? i
          : bi,
      0,
    );
    const failed = perImage.map((v, i) => (v.exact < 1 ? names[i]! : null)).filter((v) => v !== null);
    attacks[name] = {
      bitAccuracy: r3(mean(perImage.map((v) => v.acc))),
      exactRecovery: r3(mean(perImage.map((v) => v.exact))),
      worst: {
        image: names[worstIdx]!,
        exactRecovery: r3(perImage[worstIdx]!.exact),
        bitAccuracy: r3(perImage[worstIdx]!.acc),
      },
      failed: failed.slice(0, 12),
      failedCount: failed.length,
    };
  }
  return attacks;
}
