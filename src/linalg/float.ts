/**
 * Float64 rank via ml-matrix's SVD — a fast *estimate*, always labelled as float: a singular value
 * counts as nonzero when it exceeds the tolerance (default max(m, n)·σ_max·2⁻⁵², the LAPACK/NumPy
 * convention). Never use it to claim a rank; use `certifiedRank`.
 *
 * @example
 *   floatRank(ratMatrix([[1, 2], [2, 4]])) // { arithmetic: "float64", rank: 1, tolerance: 1.99e-15, … }
 */
import { Matrix as MlMatrix, SingularValueDecomposition } from "ml-matrix";
import type { Rational } from "../numbers/rational.ts";

export interface FloatRank {
  arithmetic: "float64";
  rank: number;
  tolerance: number;
  singularValues: number[];
}

export function floatRank(A: readonly (readonly Rational[])[], tolerance?: number): FloatRank {
  const m = A.length;
  const n = m ? A[0]!.length : 0;
  if (m === 0 || n === 0) return { arithmetic: "float64", rank: 0, tolerance: tolerance ?? 0, singularValues: [] };
  // ml-matrix's SVD wants m ≥ n for its fast path; rank is transpose-invariant
  const rows = A.map((r) => r.map((x) => x.toNumber()));
  const M = m >= n ? new MlMatrix(rows) : new MlMatrix(rows).transpose();
  const sv = new SingularValueDecomposition(M, { computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal;
  const smax = sv.reduce((a, b) => Math.max(a, b), 0);
  const tol = tolerance ?? Math.max(m, n) * smax * Number.EPSILON;
  return { arithmetic: "float64", rank: sv.filter((s) => s > tol).length, tolerance: tol, singularValues: sv };
}
