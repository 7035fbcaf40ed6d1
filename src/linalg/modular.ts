/**
 * Arithmetic modulo word-size primes in IEEE doubles, the engine of memcap's certified rank.
 *
 * Why doubles: every integer below 2^53 is exact in a double, so with a prime p and entries in
 * [0, p) a product is exact as long as p² (times the number of products summed) stays below 2^53.
 * Gaussian elimination uses that with *lazy reduction*: a trailing entry receives at most
 * `k = min(m, n)` updates `x -= f·y` (f, y ∈ [0, p)) before it becomes a pivot row or column and
 * is reduced, so choosing `k·p² + p < 2^53` (see `lazyPrimeBound`) lets the inner loop be one
 * multiply-subtract with no division at all.
 *
 * @example
 *   const p = 1000003;
 *   mulMod(123456, 654321, p) // exact (123456·654321) mod p
 */

/** Largest prime size used anywhere: keeps single products a·b < 2^52. */
export const MAX_PRIME = 2 ** 26;

/** (a·b) mod p for a, b ∈ [0, p), p < 2^26: the product is exact in a double. */
export function mulMod(a: number, b: number, p: number): number {
  return reduce(a * b, p);
}

/** x mod p in [0, p) for any integer |x| < 2^53 held in a double. */
export function reduce(x: number, p: number): number {
  let r = x - Math.floor(x / p) * p;
  if (r < 0) r += p;
  else if (r >= p) r -= p;
  return r;
}

/** Inverse of a ∈ (0, p) modulo the prime p (extended Euclid in doubles, exact below 2^53). */
export function invMod(a: number, p: number): number {
  let t = 0;
  let newT = 1;
  let r = p;
  let newR = reduce(a, p);
  if (newR === 0) throw new RangeError(`${a} is not invertible modulo ${p}`);
  while (newR !== 0) {
    const q = Math.floor(r / newR);
    [t, newT] = [newT, t - q * newT];
    [r, newR] = [newR, r - q * newR];
  }
  return t < 0 ? t + p : t;
}

/** Deterministic primality for n < 2^53 by trial division (n here is below 2^26, so ≤ 2^13 divisions). */
export function isPrime(n: number): boolean {
  if (!Number.isSafeInteger(n) || n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

/**
 * Largest prime size for lazy elimination on a matrix whose elimination depth is `k` (at most
 * min(rows, cols) updates per entry): the bound B with (k+1)·B² + B < 2^53, capped at 2^26.
 */
export function lazyPrimeBound(k: number): number {
  const b = Math.floor(Math.sqrt((2 ** 53 - 2 ** 27) / (k + 2)));
  return Math.min(MAX_PRIME, b);
}

/**
 * A seeded stream of distinct random primes in [bound/2, bound): the randomness is what makes an
 * unlucky prime (one dividing the minor that matters) improbable; the seed makes runs reproducible.
 */
export class PrimeStream {
  private readonly used = new Set<number>();
  private state: number;
  constructor(
    readonly bound: number,
    seed: number,
  ) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    for (;;) {
      // xorshift32: enough to scatter candidates; not a cryptographic choice
      let x = this.state;
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      this.state = x;
      const lo = Math.floor(this.bound / 2);
      let c = lo + (x % (this.bound - lo));
      if (c % 2 === 0) c++;
      while (c < this.bound && !isPrime(c)) c += 2;
      if (c < this.bound && !this.used.has(c)) {
        this.used.add(c);
        return c;
      }
    }
  }
}

/** Result of `rankProfileMod`: the rank mod p and the rows/columns of a minor that is nonsingular mod p. */
export interface RankProfile {
  rank: number;
  /** Original row indices of the pivots, in pivot order. */
  rows: number[];
  /** Column indices of the pivots, increasing. */
  cols: number[];
}

/**
 * Rank profile of an m×n matrix modulo p by Gaussian elimination with lazy reduction.
 * `a` holds the residues in [0, p), row-major, and is overwritten. `p` must satisfy
 * p < lazyPrimeBound(min(m, n)). The minor on (rows, cols) is nonsingular modulo p, hence over Z.
 *
 * @example
 *   rankProfileMod(Float64Array.from([1, 2, 2, 4]), 2, 2, 101) // { rank: 1, rows: [0], cols: [0] }
 */
export function rankProfileMod(a: Float64Array, m: number, n: number, p: number): RankProfile {
  const perm = new Int32Array(m);
  for (let i = 0; i < m; i++) perm[i] = i;
  const rows: number[] = [];
  const cols: number[] = [];
  let r = 0; // rows[0..r) are pivot rows, stored physically at row slots 0..r-1
  for (let c = 0; c < n && r < m; c++) {
    // reduce column c of the remaining rows and find a pivot
    let piv = -1;
    for (let i = r; i < m; i++) {
      const idx = i * n + c;
      const v = reduce(a[idx]!, p);
      a[idx] = v;
      if (v !== 0 && piv < 0) piv = i;
    }
    if (piv < 0) continue;
    if (piv !== r) swapRows(a, n, piv, r, c);
    const t = perm[piv]!;
    perm[piv] = perm[r]!;
    perm[r] = t;
    const prow = r * n;
    for (let j = c + 1; j < n; j++) a[prow + j] = reduce(a[prow + j]!, p);
    const inv = invMod(a[prow + c]!, p);
    for (let i = r + 1; i < m; i++) {
      const irow = i * n;
      const x = a[irow + c]!;
      if (x === 0) continue;
      const f = mulMod(x, inv, p);
      for (let j = c + 1; j < n; j++) a[irow + j] = a[irow + j]! - f * a[prow + j]!;
    }
    rows.push(perm[r]!);
    cols.push(c);
    r++;
  }
  return { rank: r, rows, cols };
}

function swapRows(a: Float64Array, n: number, i: number, k: number, from: number): void {
  const ri = i * n;
  const rk = k * n;
  for (let j = from; j < n; j++) {
    const t = a[ri + j]!;
    a[ri + j] = a[rk + j]!;
    a[rk + j] = t;
  }
}

/**
 * Solves M·X = B modulo p for a square r×r M that is nonsingular mod p, with s right-hand sides:
 * Gauss–Jordan on [M | B] (row-major, r×(r+s), residues in [0, p)), overwritten. Returns X
 * (r×s, row-major, residues in [0, p)) or null when M is singular modulo p.
 * Requires p < lazyPrimeBound(r).
 */
export function solveMod(aug: Float64Array, r: number, s: number, p: number): Float64Array | null {
  const w = r + s;
  for (let c = 0; c < r; c++) {
    let piv = -1;
    for (let i = c; i < r; i++) {
      const idx = i * w + c;
      const v = reduce(aug[idx]!, p);
      aug[idx] = v;
      if (v !== 0 && piv < 0) piv = i;
    }
    if (piv < 0) return null;
    if (piv !== c) swapRows(aug, w, piv, c, c);
    const prow = c * w;
    const inv = invMod(aug[prow + c]!, p);
    // normalize the pivot row so that elimination above needs no second factor
    for (let j = c + 1; j < w; j++) aug[prow + j] = mulMod(reduce(aug[prow + j]!, p), inv, p);
    aug[prow + c] = 1;
    for (let i = 0; i < r; i++) {
      if (i === c) continue;
      const irow = i * w;
      const f = reduce(aug[irow + c]!, p);
      aug[irow + c] = 0;
      if (f === 0) continue;
      for (let j = c + 1; j < w; j++) aug[irow + j] = aug[irow + j]! - f * aug[prow + j]!;
    }
  }
  const x = new Float64Array(r * s);
  for (let i = 0; i < r; i++) for (let j = 0; j < s; j++) x[i * s + j] = reduce(aug[i * w + r + j]!, p);
  return x;
}

/**
 * Determinant of a square k×k matrix modulo a prime p < 2^26, by plain elimination with every
 * product reduced (no lazy bound needed). Kept deliberately separate from `rankProfileMod` so that
 * certificate verification does not reuse the code that produced the certificate.
 */
export function detMod(a: Float64Array, k: number, p: number): number {
  let det = 1;
  for (let c = 0; c < k; c++) {
    let piv = -1;
    for (let i = c; i < k; i++)
      if (a[i * k + c]! !== 0) {
        piv = i;
        break;
      }
    if (piv < 0) return 0;
    if (piv !== c) {
      swapRows(a, k, piv, c, c);
      det = det === 0 ? 0 : p - det;
    }
    const pv = a[c * k + c]!;
    det = mulMod(det, pv, p);
    const inv = invMod(pv, p);
    for (let i = c + 1; i < k; i++) {
      const x = a[i * k + c]!;
      if (x === 0) continue;
      const f = p - mulMod(x, inv, p);
      for (let j = c + 1; j < k; j++) a[i * k + j] = reduce(a[i * k + j]! + f * a[c * k + j]!, p);
    }
  }
  return det;
}
