/**
 * A certified lower bound on the rank of EVERY real matrix inside an entrywise box [lo, hi]: the
 * rigorous route for matrices whose entries are only enclosed (softmax weights are irrational).
 *
 * Argument (a perturbation bound, all in exact rationals): let M = (lo + hi)/2 and ρ = (hi − lo)/2.
 * Take a nonsingular r×r minor B of M (rows × cols from the certified rank of M). Any A in the box has
 * A[rows, cols] = B + Δ with |Δ_ij| ≤ ρ_ij, so ‖Δ‖_∞ ≤ ‖ρ[rows, cols]‖_∞ (max row sum). Since
 * B + Δ = B(I + B⁻¹Δ) and ‖B⁻¹Δ‖_∞ ≤ ‖B⁻¹‖_∞·‖Δ‖_∞, the minor of A is nonsingular whenever
 * ‖B⁻¹‖_∞·‖ρ[rows, cols]‖_∞ < 1. Then rank A ≥ r. (Upper bounds on the rank of an enclosed matrix
 * cannot be certified this way; the shape gives the trivial one.)
 *
 * @example
 *   const lo = ratMatrix([[1, 0], [0, 1]]), hi = lo.map((r) => r.map((v) => v.add(q("1/100"))));
 *   intervalRankLowerBound(lo, hi).rank // 2
 */
import { Rational } from "../numbers/rational.ts";
import { certifiedRank } from "./certified.ts";
import { inverse } from "./exact.ts";

export interface IntervalRankWitness {
  /** Proven: every matrix in the box has rank ≥ rank. */
  rank: number;
  /** The minor (row and column indices) that is nonsingular throughout the box. */
  rows: number[];
  cols: number[];
  /** ‖B⁻¹‖_∞ · ‖ρ_B‖_∞, which is < 1 when the witness proves its rank (exact). */
  contraction: Rational;
  /** When the perturbation bound fails for the midpoint's full minor: why (rank is then 0). */
  reason?: string;
}

function maxRowSum(rows: readonly (readonly Rational[])[]): Rational {
  let m = Rational.ZERO;
  for (const r of rows) m = m.max(r.reduce((s, v) => s.add(v.abs()), Rational.ZERO));
  return m;
}

function boxCheck(lo: readonly (readonly Rational[])[], hi: readonly (readonly Rational[])[], rows: number[], cols: number[]): Rational | null {
  const half = Rational.of(1n, 2n);
  const B = rows.map((i) => cols.map((j) => lo[i]![j]!.add(hi[i]![j]!).mul(half)));
  const rad = rows.map((i) => cols.map((j) => hi[i]![j]!.sub(lo[i]![j]!).mul(half)));
  const Binv = inverse(B);
  if (!Binv) return null;
  return maxRowSum(Binv).mul(maxRowSum(rad));
}

/**
 * The largest rank memcap can prove for every matrix in the box [lo, hi] (entrywise, lo ≤ hi), with
 * the minor that proves it. Rank 0 with a reason when the midpoint's best minor is not robust enough
 * (tighten the enclosure).
 */
export function intervalRankLowerBound(lo: readonly (readonly Rational[])[], hi: readonly (readonly Rational[])[]): IntervalRankWitness {
  const m = lo.length;
  const n = lo[0]?.length ?? 0;
  if (hi.length !== m || hi.some((r, i) => r.length !== n || lo[i]!.length !== n)) throw new RangeError("intervalRankLowerBound: lo and hi must have the same shape");
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) if (lo[i]![j]!.gt(hi[i]![j]!)) throw new RangeError(`intervalRankLowerBound: empty interval at (${i}, ${j})`);
  if (m === 0 || n === 0) return { rank: 0, rows: [], cols: [], contraction: Rational.ZERO };
  const half = Rational.of(1n, 2n);
  const mid = lo.map((r, i) => r.map((v, j) => v.add(hi[i]![j]!).mul(half)));
  const { certificate } = certifiedRank(mid);
  const { rows, cols } = certificate;
  if (rows.length === 0) return { rank: 0, rows: [], cols: [], contraction: Rational.ZERO, reason: "the midpoint matrix is zero" };
  const k = boxCheck(lo, hi, rows, cols);
  if (k && k.lt(Rational.ONE)) return { rank: rows.length, rows, cols, contraction: k };
  return { rank: 0, rows: [], cols: [], contraction: k ?? Rational.ZERO, reason: `the midpoint has a nonsingular ${rows.length}×${rows.length} minor, but ‖B⁻¹‖·‖radius‖ = ${k ? k.toNumber().toPrecision(3) : "∞"} ≥ 1: the enclosure is too wide to prove it throughout the box` };
}

/** Independent re-check of a witness: the same perturbation bound, recomputed. */
export function verifyIntervalRankWitness(lo: readonly (readonly Rational[])[], hi: readonly (readonly Rational[])[], w: Pick<IntervalRankWitness, "rank" | "rows" | "cols">): boolean {
  if (w.rank === 0) return true;
  if (w.rows.length !== w.rank || w.cols.length !== w.rank) return false;
  if (new Set(w.rows).size !== w.rank || new Set(w.cols).size !== w.rank) return false;
  if (w.rows.some((i) => i < 0 || i >= lo.length) || w.cols.some((j) => j < 0 || j >= (lo[0]?.length ?? 0))) return false;
  const k = boxCheck(lo, hi, w.rows, w.cols);
  return k !== null && k.lt(Rational.ONE);
}
