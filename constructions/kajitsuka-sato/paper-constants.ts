/**
 * The explicit constants of Kajitsuka & Sato's Theorem B.1 proof (the full statement of Theorem 4.1),
 * decided exactly: each is an integer part of √(Q·π^k) for a rational Q, enclosed with a 60-digit π
 * and rejected (an Error naming the constant) if the enclosure does not fix the integer.
 *
 *   R₁ = 20·r·(nN)²·δ⁻¹·√(πd)        ϕ̃'s Lemma C.1 call (p. 21, below eq. (45); eq. (34) with M = n)
 *   C₁ = ⌈4N³√π⌉                      ϕ̃'s label range (p. 21, eq. (46); eq. (33))
 *   r₂ = 20·r·n²·N³·δ⁻¹·√(πd)         norm bound of the attention outputs s_k (p. 22, eq. (56))
 *   R₂ = 400·√(3d)·n³·r·N⁵·δ⁻¹·π     F2's Lemma C.1 call = the theorem's R (p. 20; derived in eq. (57), p. 22)
 *   c_{C.2}(V, d, δ) = ⌈2V²·√(πd/8)/δ⌉  the scale of Lemma C.2's projection (p. 28: gaps ≥ 2 from the
 *                                      Lemma G.1 bound (1/V²)·√(8/(πd))·δ, p. 37)
 *   Lemma B.2 (p. 16–18): h = ⌈N²|S|√π·v⌉, f = h + ⌊2N²|S|√π⌋, range [⌈4N²|S|√π⌉]
 *
 * The paper assumes r ≥ 1 and 0 < δ ≤ 1 (Theorem B.1 hypothesis 2); `separation` already returns
 * r ≥ 1, δ ≤ 1 (a rational upper bound on the largest norm, a lower bound on the smallest gap).
 *
 * @example
 *   floorSqrtPi(q(4), 1) // ⌊√(4π)⌋ = 3n
 */
import { Rational } from "../../src/numbers/rational.ts";
import { isqrt } from "../../src/data/sequences.ts";

const PI_DIGITS = "3141592653589793238462643383279502884197169399375105820974944";
const PI_LO = Rational.of(BigInt(PI_DIGITS), 10n ** BigInt(PI_DIGITS.length - 1));
const PI_HI = Rational.of(BigInt(PI_DIGITS) + 1n, 10n ** BigInt(PI_DIGITS.length - 1));

/** ⌊√(Q·π^k)⌋ exactly for a rational Q ≥ 0 and k ∈ {0, 1, 2}. Throws when the π enclosure cannot decide it. */
export function floorSqrtPi(Q: Rational, k: 0 | 1 | 2, what = "constant"): bigint {
  if (Q.sign() < 0) throw new RangeError(`${what}: negative radicand`);
  let lo = Q;
  let hi = Q;
  for (let i = 0; i < k; i++) {
    lo = lo.mul(PI_LO);
    hi = hi.mul(PI_HI);
  }
  const a = isqrt(lo.floor());
  const b = isqrt(hi.floor());
  if (a !== b) throw new Error(`${what}: the 60-digit π enclosure does not decide the integer part`);
  return a;
}

/** ⌈√(Q·π^k)⌉ for k ≥ 1 (√(Q·π^k) is irrational for rational Q > 0, so it is the floor plus one). */
export function ceilSqrtPi(Q: Rational, k: 1 | 2, what = "constant"): bigint {
  return Q.isZero() ? 0n : floorSqrtPi(Q, k, what) + 1n;
}

const sq = (x: Rational) => x.mul(x);
const big = (x: number | bigint) => Rational.fromBigInt(BigInt(x));

export interface PaperShape {
  /** Number of sequences (Theorem B.1's N; for Corollary 4.1 the caller passes nN). */
  N: number;
  /** Sequence length. */
  n: number;
  /** Token dimension. */
  d: number;
  /** Rational r ≥ 1 with ‖x‖ ≤ r, and δ ∈ (0, 1] with ‖x − x'‖ ≥ δ for distinct tokens. */
  r: Rational;
  delta: Rational;
}

/** ⌊R₁⌋, R₁ = 20·r·(nN)²·δ⁻¹·√(πd) (p. 21). */
export function floorR1(s: PaperShape): bigint {
  const nN = big(s.n * s.N);
  const Q = sq(Rational.of(20).mul(s.r).mul(sq(nN)).div(s.delta)).mul(big(s.d));
  return floorSqrtPi(Q, 1, "R₁ = 20·r·(nN)²·δ⁻¹·√(πd)");
}

/** C₁ = ⌈4N³√π⌉ (p. 21). */
export function paperC1(N: number): bigint {
  const N3 = BigInt(N) ** 3n;
  return ceilSqrtPi(Rational.fromBigInt(16n * N3 * N3), 1, "C₁ = ⌈4N³√π⌉");
}

/** An integer upper bound on r₂ = 20·r·n²·N³·δ⁻¹·√(πd) (p. 22, eq. (56)): ⌊r₂⌋ + 1. */
export function r2Upper(s: PaperShape): bigint {
  const Q = sq(Rational.of(20).mul(s.r).mul(big(s.n * s.n)).mul(big(s.N)).mul(big(s.N)).mul(big(s.N)).div(s.delta)).mul(big(s.d));
  return floorSqrtPi(Q, 1, "r₂ = 20·r·n²·N³·δ⁻¹·√(πd)") + 1n;
}

/** ⌊R₂⌋, R₂ = 400·√(3d)·n³·r·N⁵·δ⁻¹·π (p. 20; eq. (57), p. 22). */
export function floorR2(s: PaperShape): bigint {
  const N = big(s.N);
  const Q = Rational.of(400).mul(big(s.n * s.n * s.n)).mul(s.r).mul(N).mul(N).mul(N).mul(N).mul(N).div(s.delta);
  return floorSqrtPi(sq(Q).mul(big(3 * s.d)), 2, "R₂ = 400·√(3d)·n³·r·N⁵·δ⁻¹·π");
}

/** Lemma C.2's projection scale ⌈2V²·√(πd/8)/δ⌉ for V points in dimension d with separation δ (p. 28). */
export function lemmaC2Scale(V: number, d: number, delta: Rational): bigint {
  const Q = sq(Rational.of(2).mul(big(V)).mul(big(V)).div(delta)).mul(Rational.of(d, 8));
  return ceilSqrtPi(Q, 1, "Lemma C.2 scale 2V²·√(πd/8)/δ");
}

/** Lemma B.2's shift ⌊2N²|S|√π⌋ (p. 18). */
export function lemmaB2PaperShift(N: number, sizeS: number): bigint {
  return floorSqrtPi(sq(big(2 * N * N * sizeS)), 1, "⌊2N²|S|√π⌋");
}

/** The top of Lemma B.2's range [⌈4N²|S|√π⌉] (p. 16). */
export function lemmaB2PaperRange(N: number, sizeS: number): bigint {
  return ceilSqrtPi(sq(big(4 * N * N * sizeS)), 1, "⌈4N²|S|√π⌉");
}

/** LEN(x): the number of binary digits of a positive integer (the paper's LEN, p. 37). */
export function len(x: bigint): number {
  if (x < 1n) throw new RangeError("LEN of a non-positive integer");
  return x.toString(2).length;
}
