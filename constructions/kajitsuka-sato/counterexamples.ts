/**
 * Reproducible counterexamples to steps of Kajitsuka & Sato as literally stated (COUNTEREXAMPLES.md).
 *
 * 1. Lemma B.2's shift. With h(x) = ⌈N²|A|√π·v_{g(x)}⌉ for a Lemma G.1 direction v, the paper sets
 *    f = h + ⌊2N²|A|√π⌋ and claims the sums Σ_x m(x)f(x) stay separated for distinct restricted count
 *    vectors m. But Σ m f = Σ m h + ⌊2N²|A|√π⌋·Σ m, and Σ m (the number of the sequence's tokens that lie
 *    in A) differs between sequences whenever some tokens are outside A, so the shift can cancel the
 *    h-separation exactly. `searchLemmaB2Counterexample(seed)` searches |A| = 2, N = 2 sequences,
 *    m = (q, 0), m' = (0, p) (each sequence padded with tokens outside A) for a unit v satisfying G.1
 *    on Δ = m − m' with q·f₁ = p·f₂, i.e. equal sums.
 *
 * @example
 *   const cx = searchLemmaB2Counterexample(1); // { N: 2, n: …, v: […], m: […], mPrime: […], sum: … }
 */
import { lemmaB2h, lemmaB2Shift, weightedSum } from "./sequence-id.ts";
import { mulberry32 } from "../../src/random.ts";

export interface LemmaB2Counterexample {
  N: number;
  /** Sequence length: the two sequences are a₁^q·z^{n−q} and a₂^p·z^{n−p} with z ∉ A. */
  n: number;
  /** The Lemma G.1 direction (a float pair, used exactly as given). */
  v: number[];
  h: bigint[];
  fLiteral: bigint[];
  m: number[];
  mPrime: number[];
  /** Both literal sums (equal). */
  sum: bigint;
  /** |vᵀΔ| and the G.1 lower bound (1/N²)·√(8/(π|A|))·‖Δ‖ it exceeds (floats, the premise check). */
  g1: { value: number; lowerBound: number };
  seed: number;
}

/** Searches (seeded) for the smallest n ≤ maxN with a literal Lemma B.2 collision; null if none found. */
export function searchLemmaB2Counterexample(seed: number, maxLen = 12, tries = 20000): LemmaB2Counterexample | null {
  const N = 2;
  const rand = mulberry32(seed);
  for (let n = 2; n <= maxLen; n++) {
    for (let t = 0; t < tries; t++) {
      const theta = rand() * 2 * Math.PI;
      const v = [Math.cos(theta), Math.sin(theta)];
      const h = lemmaB2h(v, N);
      const shift = lemmaB2Shift(N, 2);
      const f = h.map((x) => x + shift);
      for (let q = 1; q <= n; q++) {
        for (let p = 1; p <= n; p++) {
          if (p === q) continue;
          const m = [q, 0];
          const mp = [0, p];
          if (weightedSum(m, f) !== weightedSum(mp, f)) continue;
          const norm = Math.hypot(q, p);
          const value = Math.abs(v[0]! * q - v[1]! * p);
          const lowerBound = (1 / (N * N)) * Math.sqrt(8 / (Math.PI * 2)) * norm;
          if (value < lowerBound * 1.001 || value > norm) continue;
          return { N, n, v, h, fLiteral: f, m, mPrime: mp, sum: weightedSum(m, f), g1: { value, lowerBound }, seed };
        }
      }
    }
  }
  return null;
}
