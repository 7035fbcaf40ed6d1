/**
 * Exact checks of Kajitsuka & Sato's statements as written (not memcap's constructions), used by the
 * claims registry (claims.ts):
 *  - `findLemmaB2Weights`: Lemma B.2's existential statement (p. 16, eq. (16)) — search for an f in the
 *    stated range [⌈4N²|S|√π⌉] whose sums are distinct, √|S| apart and bounded by 4MN²|S|√π; exhaustive
 *    when the range is small (then "none" is a proof), seeded random otherwise;
 *  - `lemmaG6Output`: the network of Lemma G.6's proof as arithmetic (eqs. (157)–(162), p. 38–39);
 *  - `binSegment`: BIN_{i:j}(x) on a fixed LEN, by integer shifts (independent of bit-extraction.ts).
 *
 * @example
 *   findLemmaB2Weights([[2, 0], [0, 1]]).f // [1n, 4n]: the lemma holds where the proof's f fails
 */
import { Rational } from "../../src/numbers/rational.ts";
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
