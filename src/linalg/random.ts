/**
 * Random choices of the linear-algebra routines that sample (generators: src/random.ts).
 *
 * @example
 *   randomSubset(new Mulberry32(7), 10, 3) // three increasing indices in [0, 10), the same for the same seed
 */
import type { Rng } from "../random.ts";

/** k distinct indices from [0, n), increasing (Floyd's algorithm). */
export function randomSubset(rng: Rng, n: number, k: number): number[] {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((x, y) => x - y);
}
