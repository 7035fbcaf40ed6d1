/**
 * Exact linear algebra over Q: reduced row echelon form, solve (with a witness when inconsistent),
 * null space, minimum-norm solution, determinant, inverse.
 *
 * Internally every row is an integer vector (denominators cleared per row) and elimination is
 * fraction-free: row_i ← a·row_i − b·row_k followed by division by the row's content, which keeps
 * entries as small as the reduced form allows without any Rational object in the inner loop.
 *
 * @example
 *   const A = ratMatrix([[1, 1], [1, -1]]);
 *   solve(A, ratVector([3, 1])) // { consistent: true, x: [2, 1], nullSpace: [] }
 */
import { Rational, gcd } from "../numbers/rational.ts";

export type Matrix = Rational[][];
export type Vector = Rational[];

/** A rational matrix from numbers/strings ("3", "-2/7", "0.125"). */
export function ratMatrix(rows: readonly (readonly (number | string | bigint | Rational)[])[]): Matrix {
  return rows.map((r) => r.map((x) => Rational.from(x)));
}

/** A rational vector from numbers/strings. */
export function ratVector(xs: readonly (number | string | bigint | Rational)[]): Vector {
  return xs.map((x) => Rational.from(x));
}

export function transpose(A: readonly (readonly Rational[])[]): Matrix {
  const m = A.length;
  const n = m ? A[0]!.length : 0;
  return Array.from({ length: n }, (_, j) => Array.from({ length: m }, (_, i) => A[i]![j]!));
}

export function matMul(A: readonly (readonly Rational[])[], B: readonly (readonly Rational[])[]): Matrix {
  const k = B.length;
  const n = k ? B[0]!.length : 0;
  return A.map((row) => {
    if (row.length !== k) throw new RangeError(`matMul: ${row.length} columns times ${k} rows`);
    const out: Rational[] = [];
    for (let j = 0; j < n; j++) {
      let s = Rational.ZERO;
      for (let t = 0; t < k; t++) if (!row[t]!.isZero()) s = s.add(row[t]!.mul(B[t]![j]!));
      out.push(s);
    }
    return out;
  });
}

export function matVec(A: readonly (readonly Rational[])[], x: readonly Rational[]): Vector {
  return A.map((row) => dot(row, x));
}

export function dot(a: readonly Rational[], b: readonly Rational[]): Rational {
  if (a.length !== b.length) throw new RangeError(`dot: lengths ${a.length} and ${b.length}`);
  let s = Rational.ZERO;
  for (let i = 0; i < a.length; i++) if (!a[i]!.isZero() && !b[i]!.isZero()) s = s.add(a[i]!.mul(b[i]!));
  return s;
}

/** Rows scaled to integers (each by the lcm of its denominators). */
function integerRows(A: readonly (readonly Rational[])[]): bigint[][] {
  return A.map((row) => {
    let l = 1n;
    for (const x of row) if (x.den !== 1n) l = (l / gcd(l, x.den)) * x.den;
    return row.map((x) => x.num * (l / x.den));
  });
}

function primitive(row: bigint[]): void {
  let g = 0n;
  for (const x of row) if (x !== 0n) g = gcd(g, x);
  if (g > 1n) for (let j = 0; j < row.length; j++) row[j]! /= g;
}

/**
 * Fraction-free Gauss–Jordan on integer rows, pivoting only in the first `pivotCols` columns
 * (the rest ride along, as for an augmented matrix). Rows are permuted and overwritten; returns
 * the pivot columns (row k holds pivot k; rows ≥ #pivots are zero in the pivot range).
 */
function gaussJordanInt(rows: bigint[][], pivotCols: number): number[] {
  const m = rows.length;
  const pivots: number[] = [];
  let r = 0;
  for (let c = 0; c < pivotCols && r < m; c++) {
    // the smallest nonzero entry makes the smallest multipliers
    let piv = -1;
    let best = 0n;
    for (let i = r; i < m; i++) {
      const x = rows[i]![c]!;
      if (x === 0n) continue;
      const ax = x < 0n ? -x : x;
      if (piv < 0 || ax < best) {
        piv = i;
        best = ax;
      }
    }
    if (piv < 0) continue;
    [rows[r], rows[piv]] = [rows[piv]!, rows[r]!];
    const prow = rows[r]!;
    const pv = prow[c]!;
    for (let i = 0; i < m; i++) {
      if (i === r) continue;
      const row = rows[i]!;
      const x = row[c]!;
      if (x === 0n) continue;
      const g = gcd(pv, x);
      const a = pv / g;
      const b = x / g;
      for (let j = 0; j < row.length; j++) row[j] = a * row[j]! - b * prow[j]!;
      primitive(row);
    }
    pivots.push(c);
    r++;
  }
  return pivots;
}

/**
 * Reduced row echelon form over Q and its pivot columns.
 *
 * @example
 *   rref(ratMatrix([[2, 4], [1, 3]])).pivots // [0, 1]
 */
export function rref(A: readonly (readonly Rational[])[]): { R: Matrix; pivots: number[] } {
  const rows = integerRows(A);
  const n = A.length ? A[0]!.length : 0;
  const pivots = gaussJordanInt(rows, n);
  const R = rows.map((row, k) => {
    if (k >= pivots.length) return row.map(() => Rational.ZERO);
    const pv = row[pivots[k]!]!;
    return row.map((x) => Rational.of(x, pv));
  });
  return { R, pivots };
}

/**
 * A basis of the null space {x : A·x = 0} in reduced form: one vector per free column f, with 1
 * at f and 0 at the other free columns.
 *
 * @example
 *   nullSpace(ratMatrix([[1, 2]])) // [[-2, 1]]
 */
export function nullSpace(A: readonly (readonly Rational[])[]): Matrix {
  const n = A.length ? A[0]!.length : 0;
  const { R, pivots } = rref(A);
  const isPivot = new Set(pivots);
  const basis: Matrix = [];
  for (let f = 0; f < n; f++) {
    if (isPivot.has(f)) continue;
    const v = new Array<Rational>(n).fill(Rational.ZERO);
    v[f] = Rational.ONE;
    pivots.forEach((c, k) => (v[c] = R[k]![f]!.neg()));
    basis.push(v);
  }
  return basis;
}

/** Outcome of `solve`: a particular solution and the null space, or a witness of inconsistency. */
export type SolveResult =
  | { consistent: true; x: Vector; nullSpace: Matrix }
  /** y with yᵀA = 0 and yᵀb = 1: no x can satisfy A·x = b. */
  | { consistent: false; witness: Vector };

/**
 * Solves A·x = b exactly. Consistent: `x` is the solution with all free variables 0, and
 * `nullSpace` spans the rest. Inconsistent: `witness` y proves it (yᵀA = 0, yᵀb = 1).
 *
 * @example
 *   solve(ratMatrix([[1, 1], [2, 2]]), ratVector([1, 3])) // { consistent: false, witness: [-2, 1] }
 */
export function solve(A: readonly (readonly Rational[])[], b: readonly Rational[]): SolveResult {
  const m = A.length;
  if (b.length !== m) throw new RangeError(`solve: ${m} rows but b has ${b.length} entries`);
  const n = m ? A[0]!.length : 0;
  // [A | b | I]: each row stays yᵀ[A | b | I] with y its identity part (in the row-scaled system)
  const scaled = integerRows(A.map((row, i) => [...row, b[i]!]));
  const scale = A.map((row, i) => {
    let l = 1n;
    for (const x of [...row, b[i]!]) if (x.den !== 1n) l = (l / gcd(l, x.den)) * x.den;
    return l;
  });
  const rows = scaled.map((row, i) => [...row, ...Array.from({ length: m }, (_, k) => (k === i ? 1n : 0n))]);
  const pivots = gaussJordanInt(rows, n + 1);
  const bad = pivots.indexOf(n);
  if (bad >= 0) {
    const row = rows[bad]!;
    const yb = row[n]!; // = Σ y'_i·(scaled b)_i
    // original system: y_i = y'_i·scale_i, normalized so that yᵀb = 1
    const witness = Array.from({ length: m }, (_, i) => Rational.of(row[n + 1 + i]! * scale[i]!, yb));
    return { consistent: false, witness };
  }
  const x = new Array<Rational>(n).fill(Rational.ZERO);
  pivots.forEach((c, k) => (x[c] = Rational.of(rows[k]![n]!, rows[k]![c]!)));
  return { consistent: true, x, nullSpace: nullSpace(A) };
}

/** Outcome of `minNormSolve`. */
export type MinNormResult = { consistent: true; x: Vector } | { consistent: false; witness: Vector };

/**
 * The minimum-Euclidean-norm solution of a consistent A·x = b: the unique solution in the row
 * space of A, x = Rᵀ(RRᵀ)⁻¹R·x₀ for a row-space basis R and any solution x₀ (for full row rank
 * this is Aᵀ(AAᵀ)⁻¹b). It is orthogonal to the null space.
 *
 * @example
 *   minNormSolve(ratMatrix([[1, 1]]), ratVector([2])) // { consistent: true, x: [1, 1] }
 */
export function minNormSolve(A: readonly (readonly Rational[])[], b: readonly Rational[]): MinNormResult {
  const s = solve(A, b);
  if (!s.consistent) return s;
  const { R, pivots } = rref(A);
  const basis = R.slice(0, pivots.length);
  if (basis.length === 0) return { consistent: true, x: s.x };
  const G = matMul(basis, transpose(basis));
  const y = solve(G, matVec(basis, s.x));
  if (!y.consistent) throw new Error("minNormSolve: Gram matrix of a basis is singular (bug)");
  return { consistent: true, x: matVec(transpose(basis), y.x) };
}

/**
 * Determinant of a square matrix (Bareiss fraction-free elimination on the row-scaled integers,
 * divided back by the row scales).
 *
 * @example
 *   det(ratMatrix([[1, 2], [3, 4]])).toString() // "-2"
 */
export function det(A: readonly (readonly Rational[])[]): Rational {
  const n = A.length;
  if (A.some((r) => r.length !== n)) throw new RangeError("det: matrix is not square");
  if (n === 0) return Rational.ONE;
  let scale = 1n;
  const rows = A.map((row) => {
    let l = 1n;
    for (const x of row) if (x.den !== 1n) l = (l / gcd(l, x.den)) * x.den;
    scale *= l;
    return row.map((x) => x.num * (l / x.den));
  });
  let sign = 1n;
  let prev = 1n;
  for (let k = 0; k < n - 1; k++) {
    if (rows[k]![k] === 0n) {
      const i = rows.findIndex((r, idx) => idx > k && r[k] !== 0n);
      if (i < 0) return Rational.ZERO;
      [rows[k], rows[i]] = [rows[i]!, rows[k]!];
      sign = -sign;
    }
    const pk = rows[k]![k]!;
    for (let i = k + 1; i < n; i++) {
      const ri = rows[i]!;
      for (let j = k + 1; j < n; j++) ri[j] = (ri[j]! * pk - ri[k]! * rows[k]![j]!) / prev;
      ri[k] = 0n;
    }
    prev = pk;
  }
  return Rational.of(sign * rows[n - 1]![n - 1]!, scale);
}

/**
 * Inverse of a square matrix, or null when it is singular.
 *
 * @example
 *   inverse(ratMatrix([[2, 0], [0, 4]])) // [[1/2, 0], [0, 1/4]]
 */
export function inverse(A: readonly (readonly Rational[])[]): Matrix | null {
  const n = A.length;
  if (A.some((r) => r.length !== n)) throw new RangeError("inverse: matrix is not square");
  const scaled = integerRows(A);
  const scale = A.map((row) => {
    let l = 1n;
    for (const x of row) if (x.den !== 1n) l = (l / gcd(l, x.den)) * x.den;
    return l;
  });
  // [DA | I]: after elimination row k is c·[e_k | (DA)⁻¹ row k]; A⁻¹ = (DA)⁻¹·D
  const rows = scaled.map((row, i) => [...row, ...Array.from({ length: n }, (_, k) => (k === i ? 1n : 0n))]);
  const pivots = gaussJordanInt(rows, n);
  if (pivots.length < n) return null;
  return rows.map((row, k) => Array.from({ length: n }, (_, j) => Rational.of(row[n + j]! * scale[j]!, row[k]!)));
}
