/**
 * Float64 linear algebra for the Dana et al. construction's one linear solve (step 5 of the digest):
 * LU with partial pivoting, iterative refinement whose residuals are computed in double-double
 * (error-free TwoSum/TwoProduct), and power-iteration estimates of σ_max and σ_min.
 *
 * Everything here is FLOAT: it only chooses weights. Whether the network built from them memorizes
 * anything is decided by the rigorous interval evaluation (certify.ts), never by these numbers.
 *
 * Matrices are dense row-major Float64Array with explicit sizes.
 *
 * @example
 *   const lu = luFactor(Float64Array.of(4, 3, 6, 3), 2);
 *   luSolve(lu, Float64Array.of(10, 12)) // ≈ [1, 2]
 */

/** An LU factorization P·A = L·U of an n×n matrix (L unit lower, stored with U in `lu`). */
export interface LU {
  n: number;
  lu: Float64Array;
  perm: Int32Array;
  /** Smallest |pivot| / largest |pivot|: a cheap singularity signal. */
  pivotRatio: number;
}

/** LU with partial pivoting (row-major, cache-friendly row updates). */
export function luFactor(a: Float64Array, n: number): LU {
  const lu = Float64Array.from(a);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  let pmin = Infinity;
  let pmax = 0;
  for (let k = 0; k < n; k++) {
    let p = k;
    let best = Math.abs(lu[k * n + k]!);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(lu[i * n + k]!);
      if (v > best) {
        best = v;
        p = i;
      }
    }
    if (p !== k) {
      const rk = lu.subarray(k * n, k * n + n);
      const tmp = Float64Array.from(rk);
      rk.set(lu.subarray(p * n, p * n + n));
      lu.set(tmp, p * n);
      const t = perm[k]!;
      perm[k] = perm[p]!;
      perm[p] = t;
    }
    const piv = lu[k * n + k]!;
    pmin = Math.min(pmin, Math.abs(piv));
    pmax = Math.max(pmax, Math.abs(piv));
    if (piv === 0) continue;
    for (let i = k + 1; i < n; i++) {
      const f = lu[i * n + k]! / piv;
      if (f === 0) continue;
      lu[i * n + k] = f;
      const ri = i * n;
      const rk = k * n;
      for (let j = k + 1; j < n; j++) lu[ri + j] = lu[ri + j]! - f * lu[rk + j]!;
    }
  }
  return { n, lu, perm, pivotRatio: pmax === 0 ? 0 : pmin / pmax };
}

/** Solves A x = b with the factorization. */
export function luSolve(f: LU, b: Float64Array): Float64Array {
  const { n, lu, perm } = f;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[perm[i]!]!;
    for (let j = 0; j < i; j++) s -= lu[i * n + j]! * x[j]!;
    x[i] = s;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let j = i + 1; j < n; j++) s -= lu[i * n + j]! * x[j]!;
    x[i] = s / lu[i * n + i]!;
  }
  return x;
}

/** Solves Aᵀ x = b with the factorization of A (for inverse iteration on AᵀA). */
export function luSolveTransposed(f: LU, b: Float64Array): Float64Array {
  const { n, lu, perm } = f;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let j = 0; j < i; j++) s -= lu[j * n + i]! * y[j]!;
    y[i] = s / lu[i * n + i]!;
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let j = i + 1; j < n; j++) s -= lu[j * n + i]! * y[j]!;
    y[i] = s;
  }
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[perm[i]!] = y[i]!;
  return x;
}

const SPLIT = 134217729; // 2^27 + 1 (Dekker)

/** r = b − A x in double-double (TwoProduct + TwoSum), rounded once at the end. */
export function residualDD(a: Float64Array, n: number, x: Float64Array, b: Float64Array): Float64Array {
  const r = new Float64Array(n);
  const xh = new Float64Array(n);
  const xl = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const c = SPLIT * x[j]!;
    xh[j] = c - (c - x[j]!);
    xl[j] = x[j]! - xh[j]!;
  }
  for (let i = 0; i < n; i++) {
    let hi = b[i]!;
    let lo = 0;
    const ri = i * n;
    for (let j = 0; j < n; j++) {
      const av = a[ri + j]!;
      const prod = av * x[j]!;
      const c = SPLIT * av;
      const ah = c - (c - av);
      const al = av - ah;
      const perr = ah * xh[j]! - prod + ah * xl[j]! + al * xh[j]! + al * xl[j]!; // av·x = prod + perr exactly
      const s = hi - prod; // TwoSum(hi, −prod)
      const bb = s - hi;
      const se = hi - (s - bb) + (-prod - bb);
      hi = s;
      lo += se - perr;
    }
    r[i] = hi + lo;
  }
  return r;
}

/**
 * Solves A X = B (B: n×m, column-major list of m right-hand sides) by LU and `steps` rounds of
 * iterative refinement with double-double residuals. Returns the solutions and the last relative
 * residual ‖b − A x‖∞ / (‖A‖∞‖x‖∞) (float estimate).
 */
export function solveRefined(a: Float64Array, n: number, rhs: Float64Array[], steps = 3, lu?: LU): { x: Float64Array[]; relResidual: number; lu: LU } {
  const f = lu ?? luFactor(a, n);
  let normA = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(a[i * n + j]!);
    normA = Math.max(normA, s);
  }
  let rel = 0;
  const xs = rhs.map((b) => {
    const x = luSolve(f, b);
    for (let k = 0; k < steps; k++) {
      const r = residualDD(a, n, x, b);
      const dx = luSolve(f, r);
      for (let i = 0; i < n; i++) x[i] = x[i]! + dx[i]!;
    }
    const r = residualDD(a, n, x, b);
    const rn = r.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const xn = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    rel = Math.max(rel, rn / (normA * xn || 1));
    return x;
  });
  return { x: xs, relResidual: rel, lu: f };
}

function normalize(v: Float64Array): number {
  const s = Math.hypot(...v);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / s;
  return s;
}

/**
 * Float estimates of σ_max and σ_min of a square A: power iteration on AᵀA, inverse iteration
 * through the LU factors. Labelled float wherever reported.
 */
export function singularValueEstimates(a: Float64Array, n: number, f: LU, iterations = 30): { sigmaMax: number; sigmaMin: number } {
  let v: Float64Array = new Float64Array(n).map((_, i) => 1 + ((i * 7919) % 13) / 13);
  normalize(v);
  let sigmaMax = 0;
  for (let it = 0; it < iterations; it++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j]! * v[j]!;
      w[i] = s;
    }
    const u = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const wi = w[i]!;
      for (let j = 0; j < n; j++) u[j] = u[j]! + a[i * n + j]! * wi;
    }
    sigmaMax = Math.sqrt(normalize(u));
    v = u;
  }
  let z: Float64Array = new Float64Array(n).map((_, i) => 1 + ((i * 104729) % 17) / 17);
  normalize(z);
  let sigmaMin = Infinity;
  for (let it = 0; it < iterations; it++) {
    const y = luSolveTransposed(f, luSolve(f, z)); // (AᵀA)⁻¹ z = A⁻¹ A⁻ᵀ z; order does not matter for the norm
    const s = normalize(y);
    if (!Number.isFinite(s)) return { sigmaMax, sigmaMin: 0 };
    sigmaMin = 1 / Math.sqrt(s);
    z = y;
  }
  return { sigmaMax, sigmaMin };
}
