/**
 * The sequence-id part of Kajitsuka & Sato's Theorem 4.1 (Appendix B, digest §(a)):
 *
 *  - Lemma C.2, token id: a projection F(x) = c·vᵀx + shift taking every vocabulary token to an integer
 *    ≥ 2, distinct tokens ≥ 2 apart, 0 ≤ F ≤ 10·r·(nN)²·δ⁻¹·√(πd) (the paper: F = σ(c·vᵀx + c·r), width 1,
 *    depth 2; the ReLU is the identity on its range, so the rows are merged into E_in as the digest says).
 *    Realization: a seeded random integer direction v, then the exact affine map that sends the
 *    projections to 2 + 2·(P − P_min)/G (G = gcd of the projection differences after clearing denominators).
 *  - Lemma B.1, greedy distinguishing tokens: A ⊆ vocabulary, |A| ≤ N − 1, such that distinct multisets
 *    have distinct count vectors restricted to A.
 *  - Lemma G.1 (Park et al. 2021): a unit vector v with (1/N²)·√(8/(π|A|))·‖Δ‖ ≤ |vᵀΔ| ≤ ‖Δ‖ for the
 *    pairwise differences; sampled with a seeded Gaussian and *checked* (exactly on the integers it yields).
 *  - Lemma B.2, sequence-id token weights: h(x) = ⌈N²·|A|·√π·v_{g(x)}⌉; the paper then takes
 *    f = h + ⌊2N²|A|√π⌋ and claims Σ m(x)f(x) stays separated. That claim FAILS when two multisets hold
 *    different numbers of tokens from A (the shift adds ⌊2N²|A|√π⌋ per such token): COUNTEREXAMPLES.md.
 *    Repaired: f = h + K' with K' = 2·n·max|h| + 1, so Σ m f = K'·|seq ∩ A| + Σ m h with |Σ m h| < K'/2,
 *    injective in (|seq ∩ A|, Σ m h).
 *  - Lemma B.3, ϕ̃: the Lemma C.1 network on the token ids with label f(x) on A and 0 on the others.
 *
 * @example
 *   const A = greedyDistinguishingTokens([[0, 1, 1], [1, 0, 0]]); // [0]
 */
import { Rational, gcd } from "../../src/numbers/rational.ts";
import { isqrt, randInt } from "../../src/data/sequences.ts";
import { gaussian, mulberry32 } from "../../src/random.ts";

/** π to 60 digits as a rational enclosure [PI_LO, PI_HI]. */
const PI_DIGITS = "3141592653589793238462643383279502884197169399375105820974944";
const PI_LO = Rational.of(BigInt(PI_DIGITS), 10n ** BigInt(PI_DIGITS.length - 1));
const PI_HI = Rational.of(BigInt(PI_DIGITS) + 1n, 10n ** BigInt(PI_DIGITS.length - 1));

/** ⌊k·√π⌋ exactly for a non-negative integer k (√π enclosed by 60-digit π). @example floorSqrtPiTimes(2n) // 3n */
export function floorSqrtPiTimes(k: bigint): bigint {
  const lo = Rational.fromBigInt(k * k).mul(PI_LO);
  const hi = Rational.fromBigInt(k * k).mul(PI_HI);
  const a = isqrt(lo.floor());
  const b = isqrt(hi.floor());
  if (a !== b) throw new Error("floorSqrtPiTimes: π enclosure too coarse");
  return a;
}

/** ⌈k·√π⌉ for a positive integer k (√π is irrational, so it is ⌊k√π⌋ + 1). */
export function ceilSqrtPiTimes(k: bigint): bigint {
  return k === 0n ? 0n : floorSqrtPiTimes(k) + 1n;
}

export interface TokenId {
  /** Integer direction v (length d) and the exact affine map t(x) = scale·vᵀx + shift. */
  direction: bigint[];
  scale: Rational;
  shift: Rational;
  /** t(x) for every vocabulary token: integers ≥ 2, pairwise gaps ≥ 2. */
  values: bigint[];
  /** The affine row (scale·v) and bias as E_in uses them. */
  row: Rational[];
  bias: Rational;
}

/**
 * Lemma C.2 (token id), realized as an exact integer-valued projection. Throws when the vocabulary has
 * duplicate vectors. @example tokenIdProjection([[q(1), q(0)], [q(0), q(1)]], 1).values // e.g. [2n, 4n]
 */
export function tokenIdProjection(tokens: Rational[][], seed: number): TokenId {
  const d = tokens[0]!.length;
  const rand = mulberry32(seed ^ 0x7011);
  for (let attempt = 0; attempt < 200; attempt++) {
    const B = 2 + attempt * 4;
    const v = Array.from({ length: d }, () => BigInt(randInt(rand, -B, B)));
    const p = tokens.map((x) => x.reduce((s, xi, i) => s.add(xi.mul(Rational.fromBigInt(v[i]!))), Rational.ZERO));
    let D = 1n;
    for (const r of p) D = (D / gcd(D, r.den)) * r.den;
    const P = p.map((r) => (r.num * D) / r.den);
    const sorted = [...P].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let G = 0n;
    let distinct = true;
    for (let i = 1; i < sorted.length; i++) {
      const diff = sorted[i]! - sorted[i - 1]!;
      if (diff === 0n) {
        distinct = false;
        break;
      }
      G = gcd(G, diff);
    }
    if (!distinct) continue;
    if (G === 0n) G = 1n;
    const Pmin = sorted[0]!;
    const values = P.map((x) => 2n + (2n * (x - Pmin)) / G);
    const scale = Rational.of(2n * D, G);
    const shift = Rational.of(2n * G - 2n * Pmin, G);
    return { direction: v, scale, shift, values, row: v.map((vi) => scale.mul(Rational.fromBigInt(vi))), bias: shift };
  }
  throw new RangeError("Lemma C.2: no direction separates the vocabulary (duplicate token vectors?)");
}

/** Count vector of a sequence restricted to the token list A. */
export function restrictedCounts(seq: number[], A: number[]): number[] {
  const pos = new Map(A.map((a, i) => [a, i]));
  const m = new Array<number>(A.length).fill(0);
  for (const t of seq) {
    const i = pos.get(t);
    if (i !== undefined) m[i]!++;
  }
  return m;
}

/**
 * Lemma B.1 (greedy): tokens A such that distinct multisets (given as sequences) have distinct count
 * vectors restricted to A; at most one token is added per multiset, so |A| ≤ (#distinct multisets) − 1.
 * @example greedyDistinguishingTokens([[0, 1, 1], [1, 0, 0], [2, 2, 2]]) // [0, 1]
 */
export function greedyDistinguishingTokens(sequences: number[][]): number[] {
  const multisets: Map<number, number>[] = [];
  const seen = new Set<string>();
  for (const s of sequences) {
    const key = [...s].sort((a, b) => a - b).join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    const m = new Map<number, number>();
    for (const t of s) m.set(t, (m.get(t) ?? 0) + 1);
    multisets.push(m);
  }
  const A: number[] = [];
  const keys: string[] = [];
  const byKey = new Map<string, number>();
  for (let i = 0; i < multisets.length; i++) {
    const mi = multisets[i]!;
    let key = A.map((a) => mi.get(a) ?? 0).join(",");
    const j = byKey.get(key);
    if (j !== undefined) {
      // M_i and M_j agree on A: add the smallest token where they differ
      const mj = multisets[j]!;
      const cand = [...new Set([...mi.keys(), ...mj.keys()])].sort((a, b) => a - b);
      const t = cand.find((c) => (mi.get(c) ?? 0) !== (mj.get(c) ?? 0))!;
      A.push(t);
      byKey.clear();
      for (let k = 0; k < i; k++) {
        const c = multisets[k]!.get(t) ?? 0;
        keys[k] = A.length === 1 ? `${c}` : `${keys[k]},${c}`;
        byKey.set(keys[k]!, k);
      }
      key = A.map((a) => mi.get(a) ?? 0).join(",");
    }
    keys[i] = key;
    byKey.set(key, i);
  }
  return A;
}

export interface LemmaB2Weights {
  /** The Lemma G.1 direction (floats; only the integers h derived from it matter and are checked). */
  v: number[];
  h: bigint[];
  /** The paper's f = h + ⌊2N²|A|√π⌋. */
  fLiteral: bigint[];
  /** Repaired f = h + (2·n·max|h| + 1). */
  fRepaired: bigint[];
  attempts: number;
}

/** Σ m·w over a count vector. */
export function weightedSum(m: number[], w: bigint[]): bigint {
  let s = 0n;
  for (let i = 0; i < m.length; i++) if (m[i]) s += BigInt(m[i]!) * w[i]!;
  return s;
}

/** The paper's h from a direction: h_i = ⌈N²·|A|·√π·v_i⌉ (the product with √π taken in float64; h is what gets checked). */
export function lemmaB2h(v: number[], N: number): bigint[] {
  const s = N * N * v.length * Math.sqrt(Math.PI);
  return v.map((vi) => BigInt(Math.ceil(s * vi)));
}

/** The paper's shift ⌊2N²|A|√π⌋ (exact). */
export function lemmaB2Shift(N: number, sizeA: number): bigint {
  return floorSqrtPiTimes(2n * BigInt(N) * BigInt(N) * BigInt(sizeA));
}

/**
 * Lemma B.2 with a Lemma G.1 direction: samples v (seeded) until the h-sums of the given distinct
 * count vectors are pairwise distinct (checked exactly), then returns the paper's f and the repaired f.
 * `N` is the number of sequences, `n` the sequence length.
 */
export function lemmaB2Weights(counts: number[][], N: number, n: number, seed: number): LemmaB2Weights {
  const k = counts[0]?.length ?? 0;
  const rand = mulberry32(seed ^ 0xb2b2);
  for (let attempt = 1; attempt <= 1000; attempt++) {
    const g = Array.from({ length: k }, () => gaussian(rand));
    const norm = Math.hypot(...g) || 1;
    const v = g.map((x) => x / norm);
    const h = lemmaB2h(v, N);
    const sums = counts.map((m) => weightedSum(m, h)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (sums.some((s, i) => i > 0 && s === sums[i - 1])) continue;
    const maxAbs = h.reduce((a, b) => (a > (b < 0n ? -b : b) ? a : b < 0n ? -b : b), 0n);
    const shift = lemmaB2Shift(N, k);
    const K = 2n * BigInt(n) * maxAbs + 1n;
    return { v, h, fLiteral: h.map((x) => x + shift), fRepaired: h.map((x) => x + K), attempts: attempt };
  }
  throw new Error("Lemma B.2: no direction with distinct sums in 1000 tries");
}

export interface LemmaB2PaperWeights {
  /** The paper's f = h + ⌊2N²|S|√π⌋ (p. 18) for the direction that worked. */
  f: bigint[];
  h: bigint[];
  shift: bigint;
  /** The top of the lemma's range [⌈4N²|S|√π⌉]; every f lies in [1, range]. */
  range: bigint;
  /** Directions tried, and how many of them separated the h-sums but not the f-sums (the literal step failing). */
  attempts: number;
  literalFailures: number;
}

/**
 * Lemma B.2 (p. 16–18) as `--variant paper` uses it: f := h + ⌊2N²|S|√π⌋ with h = ⌈N²|S|√π·v⌉ for a
 * Lemma G.1 direction v. That proof step can fail (COUNTEREXAMPLES.md §1: the shift adds ⌊2N²|S|√π⌋
 * per token of S, and sequences hold different numbers of them); the lemma's statement — some f into
 * [⌈4N²|S|√π⌉] separates the sums — still holds there, and the repair taken here is another
 * direction v: directions are sampled (seeded) until the literal f lies in the range and its sums over
 * the given distinct count vectors are pairwise distinct (integers, so 1-separated), checked exactly.
 * `N` is the number of distinct multisets (the lemma's N), |S| = the length of the count vectors.
 */
export function lemmaB2PaperWeights(counts: number[][], N: number, seed: number, shift: bigint, range: bigint): LemmaB2PaperWeights {
  const k = counts[0]?.length ?? 0;
  const rand = mulberry32(seed ^ 0xb2b3);
  let literalFailures = 0;
  for (let attempt = 1; attempt <= 1000; attempt++) {
    const g = Array.from({ length: k }, () => gaussian(rand));
    const norm = Math.hypot(...g) || 1;
    const h = lemmaB2h(g.map((x) => x / norm), N);
    const distinct = (w: bigint[]) => {
      const sums = counts.map((m) => weightedSum(m, w)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return !sums.some((s, i) => i > 0 && s === sums[i - 1]);
    };
    if (!distinct(h)) continue; // this v is not a Lemma G.1 direction for these multisets
    const f = h.map((x) => x + shift);
    if (f.some((x) => x < 1n || x > range) || !distinct(f)) {
      literalFailures++;
      continue;
    }
    return { f, h, shift, range, attempts: attempt, literalFailures };
  }
  throw new Error("Lemma B.2 (paper f = h + ⌊2N²|S|√π⌋): no direction in 1000 tries separates the sums");
}
