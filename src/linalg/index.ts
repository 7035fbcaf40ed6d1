/**
 * memcap's linear algebra — the stable public API (other modules import from here only).
 *
 * Exact over Q (src/linalg/exact.ts):
 *   rref(A) → { R, pivots }                 reduced row echelon form
 *   rank(A) → number                        exact rank (certified, see below)
 *   solve(A, b) → SolveResult               { consistent, x, nullSpace } or { consistent: false, witness y: yᵀA = 0, yᵀb = 1 }
 *   nullSpace(A) → Rational[][]             basis in reduced form
 *   minNormSolve(A, b) → MinNormResult      minimum-Euclidean-norm solution (in the row space)
 *   det(A) → Rational,  inverse(A) → Rational[][] | null
 *   ratMatrix, ratVector, matMul, matVec, transpose, dot
 * Certified rank (src/linalg/certified.ts):
 *   certifiedRank(A, { seed }) → { rank, certificate, primesUsed }
 *   verifyRankCertificate(A, certificate) → boolean   (independent, cheap re-check)
 * Kruskal rank (src/linalg/kruskal.ts):
 *   kruskalRank(V, { maxSubsets, seed }) → { kruskalRank, witness?, dependence?, subsetsChecked, prime }
 *   kruskalEstimate(V, k, samples, seed) → { k, samples, fullRank, fraction, seed, prime, witness? }
 * Float (labelled float, never a claim) (src/linalg/float.ts):
 *   floatRank(A, tolerance?) → { arithmetic: "float64", rank, tolerance, singularValues }
 * Input (src/linalg/read.ts):
 *   readMatrixFile(path) → { m, n, int: IntMatrix, rational(): Rational[][] }   (fast for all-integer files)
 *
 * Matrices are Rational[][] (rows); vectors are rows of such a matrix for Kruskal rank.
 *
 * @example
 *   import { rank, ratMatrix } from "./index.ts";
 *   rank(ratMatrix([[1, 2], [2, 4]])) // 1
 */
import type { Rational } from "../numbers/rational.ts";
import { certifiedRank } from "./certified.ts";

export { rref, solve, nullSpace, minNormSolve, det, inverse, ratMatrix, ratVector, matMul, matVec, transpose, dot } from "./exact.ts";
export type { Matrix, Vector, SolveResult, MinNormResult } from "./exact.ts";
export { certifiedRank, verifyRankCertificate, ratRecon } from "./certified.ts";
export type { RankCertificate, CertifiedRank, CertifiedRankOptions } from "./certified.ts";
export { kruskalRank, kruskalEstimate, exactDependence } from "./kruskal.ts";
export type { KruskalResult, KruskalEstimate, KruskalOptions } from "./kruskal.ts";
export { intervalRankLowerBound, verifyIntervalRankWitness } from "./interval-rank.ts";
export type { IntervalRankWitness } from "./interval-rank.ts";
export { floatRank } from "./float.ts";
export type { FloatRank } from "./float.ts";
export { IntMatrix } from "./intmatrix.ts";
export { readMatrixFile } from "./read.ts";
export type { MatrixFile } from "./read.ts";

/**
 * Exact rank over Q (multi-modular with a verified certificate; see certifiedRank).
 *
 * @example
 *   rank(ratMatrix([[1, 2, 3], [2, 4, 6]])) // 1
 */
export function rank(A: readonly (readonly Rational[])[]): number {
  return certifiedRank(A).rank;
}
