/**
 * A small seeded PRNG (mulberry32) for the linear-algebra routines that sample: every random
 * choice in memcap takes a seed, never Math.random.
 *
 * @example
 *   const rng = seededRandom(7);
 *   rng.int(10) // an integer in [0, 10), the same for the same seed
 */
import { mulberry32 } from "../random.ts";

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
}

export function seededRandom(seed: number): Rng {
  const next = mulberry32(seed);
  return { next, int: (n) => Math.floor(next() * n) };
}

/** k distinct indices from [0, n), increasing (Floyd's algorithm). */
export function randomSubset(rng: Rng, n: number, k: number): number[] {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = rng.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((x, y) => x - y);
}
