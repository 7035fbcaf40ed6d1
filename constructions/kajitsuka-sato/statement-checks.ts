/**
 * Exact checks of Kajitsuka & Sato's statements as written (not memcap's constructions), used by the
 * claims registry (claims.ts):
 *  - `findLemmaB2Weights`: Lemma B.2's existential statement (p. 16, eq. (16)) — search for an f in the
 *    stated range [⌈4N²|S|√π⌉] whose sums are distinct, √|S| apart and bounded by 4MN²|S|√π; exhaustive
 *    when the range is small (then "none" is a proof), seeded random otherwise;
 *  - `lemmaG6Output`: the network of Lemma G.6's proof as arithmetic (eqs. (157)–(162), p. 38–39);
 *  - `binSegment`: BIN_{i:j}(x) on a fixed LEN, by integer shifts (independent of bit-extraction.ts);
 *  - `lemmaB2ProofStep`: the proof's f := h + ⌊2N²|S|√π⌋ (p. 18) on two multisets, with the Lemma G.1
 *    direction an exact rational unit vector and every √π product decided on a 60-digit enclosure of π.
 *
 * @example
 *   findLemmaB2Weights([[2, 0], [0, 1]]).f // [1n, 4n]: the lemma holds where the proof's f fails
 */
import { Rational } from "../../src/numbers/rational.ts";
import { rationalCirclePoint } from "../../src/numbers/circle.ts";
import { mulberry32 } from "../../src/random.ts";
import { ceilSqrtPiTimes, floorSqrtPiTimes } from "./sequence-id.ts";
import { bitSegment } from "./bit-extraction.ts";
import { segmentIndicator } from "./lemma-c1.ts";
import { relu } from "./bit-extraction.ts";

export interface LemmaB2Search {
  /** The range bound K = ⌈4N²|S|√π⌉ (f maps S into {1, …, K}) and the sum bound ⌊4MN²|S|√π⌋. */
  K: bigint;
  sumBound: bigint;
  /** An f that satisfies the statement, or null. */
  f: bigint[] | null;
  /** "exhaustive": every f in the range was tried (so null is a proof that none exists); "random": a seeded sample. */
  search: "exhaustive" | "random";
  tried: number;
}

function sumsOk(counts: number[][], f: bigint[], sizeS: number, sumBound: bigint): boolean {
  const sums = counts.map((m) => m.reduce((s, c, i) => s + BigInt(c) * f[i]!, 0n)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (sums[sums.length - 1]! > sumBound) return false;
  for (let i = 1; i < sums.length; i++) {
    const g = sums[i]! - sums[i - 1]!;
    if (g * g < BigInt(sizeS)) return false; // distinct and at least √|S| apart, decided on squares
  }
  return true;
}

/**
 * Lemma B.2's statement on distinct count vectors m^(i) ∈ N^{|S|} (S = the union of supports): is there
 * f : S → [⌈4N²|S|√π⌉] with Σ m^(i) f distinct, pairwise ≥ √|S| apart and ≤ 4MN²|S|√π (M = max |m^(i)|)?
 * (The paper's "(r, δ)-separated" only constrains pairs with different values; the lemma is used to tell
 * the multisets apart, so the sums are required to be distinct.)
 */
export function findLemmaB2Weights(counts: number[][], opts: { exhaustiveLimit?: number; randomTries?: number; seed?: number } = {}): LemmaB2Search {
  const N = counts.length;
  const sizeS = counts[0]?.length ?? 0;
  const M = Math.max(...counts.map((m) => m.reduce((a, b) => a + b, 0)));
  const K = ceilSqrtPiTimes(BigInt(4 * N * N * sizeS));
  const sumBound = floorSqrtPiTimes(BigInt(4 * M * N * N * sizeS));
  const space = Number(K) ** sizeS;
  if (space <= (opts.exhaustiveLimit ?? 200_000)) {
    const f = Array.from({ length: sizeS }, () => 1n);
    let tried = 0;
    for (;;) {
      tried++;
      if (sumsOk(counts, f, sizeS, sumBound)) return { K, sumBound, f: f.slice(), search: "exhaustive", tried };
      let i = sizeS - 1;
      while (i >= 0 && f[i] === K) f[i--] = 1n;
      if (i < 0) return { K, sumBound, f: null, search: "exhaustive", tried };
      f[i]! += 1n;
    }
  }
  const rand = mulberry32(opts.seed ?? 1);
  const tries = opts.randomTries ?? 20_000;
  for (let t = 1; t <= tries; t++) {
    const f = Array.from({ length: sizeS }, () => 1n + BigInt(Math.floor(rand() * Number(K))));
    if (sumsOk(counts, f, sizeS, sumBound)) return { K, sumBound, f, search: "random", tried: t };
  }
  return { K, sumBound, f: null, search: "random", tried: tries };
}

/** BIN_{i:j}(x) for x of length L bits (bits counted from the left, 1-based), by shifts. @example binSegment(6n, 3, 1, 2) // 3n */
export function binSegment(x: bigint, L: number, i: number, j: number): bigint {
  return (x >> BigInt(L - j)) & ((1n << BigInt(j - i + 1)) - 1n);
}

/**
 * Lemma G.6's network as its proof builds it (eq. (162), p. 39): Σ_i σ(F̃_i(x)·2^{c+1} − 2^{c+1} + BIN_{ic+1:(i+1)c}(w))
 * with F̃_i the Lemma G.5 indicator of [u_i, u_i + 1], u_i = BIN_{iρ+1:(i+1)ρ}(u) and the segments extracted by
 * memcap's exact Lemma G.4 realization. LEN(u) = ρ·n, LEN(w) = c·n.
 */
export function lemmaG6Output(x: Rational, u: bigint, w: bigint, rho: number, c: number, n: number): Rational {
  const two = Rational.fromBigInt(1n << BigInt(c + 1));
  let out = Rational.ZERO;
  for (let i = 0; i < n; i++) {
    const ui = bitSegment(u, rho * n, i * rho + 1, (i + 1) * rho);
    const wi = bitSegment(w, c * n, i * c + 1, (i + 1) * c);
    out = out.add(relu(segmentIndicator(x, Rational.fromBigInt(ui)).mul(two).sub(two).add(Rational.fromBigInt(wi))));
  }
  return out;
}

/** π enclosed by 60 digits (the same digits as sequence-id.ts, kept here so this checker does not lean on the builder). */
const PI_DIGITS = "3141592653589793238462643383279502884197169399375105820974944";
const PI_LO = Rational.of(BigInt(PI_DIGITS), 10n ** BigInt(PI_DIGITS.length - 1));
const PI_HI = Rational.of(BigInt(PI_DIGITS) + 1n, 10n ** BigInt(PI_DIGITS.length - 1));

/** ⌊b√π⌋ for a rational b ≥ 0, exactly (throws when the π enclosure cannot decide, which needs b ~ 10³⁰). */
function floorSqrtPi(b: Rational): bigint {
  const lo = b.mul(b).mul(PI_LO);
  const hi = b.mul(b).mul(PI_HI);
  let m = BigInt(Math.floor(b.toNumber() * Math.sqrt(Math.PI)));
  for (let k = 0; k < 4; k++) {
    const M = Rational.fromBigInt(m);
    const M1 = Rational.fromBigInt(m + 1n);
    if (M.mul(M).le(lo) && M1.mul(M1).gt(hi)) return m;
    m = M.mul(M).gt(lo) ? m - 1n : m + 1n;
  }
  throw new Error(`⌊${b}·√π⌋ undecided by a 60-digit π`);
}

/** ⌈a√π⌉ for a rational a, exactly (√π is irrational: ⌈y⌉ = ⌊y⌋ + 1 unless y = 0). */
export function ceilSqrtPiRational(a: Rational): bigint {
  if (a.isZero()) return 0n;
  return a.gt(Rational.ZERO) ? floorSqrtPi(a) + 1n : -floorSqrtPi(a.neg());
}

export interface B2ProofStep {
  /** Lemma G.1's premise on Δ = m − m′ for this v: "holds", "fails", or undecided by the π enclosure. */
  premise: "holds" | "fails" | "undecided";
  v: [Rational, Rational];
  h: [bigint, bigint];
  shift: bigint;
  f: [bigint, bigint];
  sums: [bigint, bigint];
}

/**
 * The proof of Lemma B.2 (p. 18) on two multisets over S = {a₁, a₂}: m = (q, 0), m′ = (0, p), N = 2, with the
 * direction v ≈ (cos θ, sin θ) made an exact rational unit vector; h = ⌈N²|S|√π·v⌉, f = h + ⌊2N²|S|√π⌋.
 * Lemma G.1's premise |vᵀΔ| ≥ (1/N²)·√(8/(π|S|))·‖Δ‖ is decided on squares: (vᵀΔ)²·N⁴|S|·π ≥ 8‖Δ‖².
 */
export function lemmaB2ProofStep(theta: number, q: number, p: number): B2ProofStep {
  const N = 2;
  const S = 2;
  const v = rationalCirclePoint(theta);
  const c = Rational.of(N * N * S);
  const h: [bigint, bigint] = [ceilSqrtPiRational(c.mul(v[0])), ceilSqrtPiRational(c.mul(v[1]))];
  const shift = floorSqrtPi(Rational.of(2 * N * N * S));
  const f: [bigint, bigint] = [h[0] + shift, h[1] + shift];
  const vd = v[0].mul(Rational.of(q)).sub(v[1].mul(Rational.of(p))); // vᵀΔ with Δ = (q, −p)
  const lhs = vd.mul(vd).mul(Rational.of(N ** 4 * S));
  const rhs = Rational.of(8 * (q * q + p * p));
  const premise = lhs.mul(PI_LO).ge(rhs) ? "holds" : lhs.mul(PI_HI).lt(rhs) ? "fails" : "undecided";
  return { premise, v, h, shift, f, sums: [BigInt(q) * f[0], BigInt(p) * f[1]] };
}
