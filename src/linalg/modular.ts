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

import { wasmKernel } from "./wasm-kernel.ts";

/** view[dst + j] −= f·view[src + j] for j < len: WebAssembly SIMD when available, else a plain loop. */
export type SubMul = (view: Float64Array, dst: number, src: number, f: number, len: number) => void;

/**
 * Working copies of the given arrays (or zeroed arrays of the given sizes) in kernel memory, or
 * plain copies without WebAssembly, and the matching SubMul. The views stay valid until the next
 * call (the next elimination), so a caller keeps no view across one.
 */
export function workspace(inputs: (Float64Array | number)[]): { views: Float64Array[]; sub: SubMul; subRows: SubMulRows } {
  const k = wasmKernel();
  const sizes = inputs.map((x) => (typeof x === "number" ? x : x.length));
  if (k) {
    const views = k.arenas(sizes);
    inputs.forEach((x, i) => typeof x !== "number" && views[i]!.set(x));
    return {
      views,
      sub: (v, dst, src, f, len) => k.subMul(v.byteOffset + dst * 8, v.byteOffset + src * 8, f, len),
      subRows: (v, dst, stride, src, fv, fAt, count, len) =>
        k.subMulRows(v.byteOffset + dst * 8, stride * 8, v.byteOffset + src * 8, fv.byteOffset + fAt * 8, count, len),
    };
  }
  const views = inputs.map((x) => (typeof x === "number" ? new Float64Array(x) : x.slice()));
  const sub: SubMul = (v, dst, src, f, len) => {
    for (let j = 0; j < len; j++) v[dst + j] = v[dst + j]! - f * v[src + j]!;
  };
  return {
    views,
    sub,
    subRows: (v, dst, stride, src, fv, fAt, count, len) => {
      for (let t = 0; t < count; t++) if (fv[fAt + t] !== 0) sub(v, dst + t * stride, src, fv[fAt + t]!, len);
    },
  };
}

/**
 * For t < count with f[fAt + t] ≠ 0: view[dst + t·stride + j] −= f[fAt + t]·view[src + j] (j < len),
 * all in the workspace's views: one kernel call per pivot instead of one per row.
 */
export type SubMulRows = (view: Float64Array, dst: number, stride: number, src: number, f: Float64Array, fAt: number, count: number, len: number) => void;

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
 * `input` holds the residues in [0, p), row-major (it is not modified). `p` must satisfy
 * p < lazyPrimeBound(min(m, n)). The minor on (rows, cols) is nonsingular modulo p, hence over Z.
 *
 * @example
 *   rankProfileMod(Float64Array.from([1, 2, 2, 4]), 2, 2, 101) // { rank: 1, rows: [0], cols: [0] }
 */
export function rankProfileMod(input: Float64Array, m: number, n: number, p: number): RankProfile {
  const { views, subRows } = workspace([input, m]);
  const a = views[0]!;
  const fs = views[1]!;
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
      const x = a[i * n + c]!;
      fs[i - r - 1] = x === 0 ? 0 : mulMod(x, inv, p);
    }
    subRows(a, (r + 1) * n + c + 1, n, prow + c + 1, fs, 0, m - r - 1, n - c - 1);
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
 * forward elimination on [M | B] (row-major, r×(r+s), residues in [0, p); not modified), then back
 * substitution on the B part. Returns X (r×s, row-major, residues in [0, p)) or null when M is
 * singular modulo p. Requires p < lazyPrimeBound(r).
 */
export function solveMod(input: Float64Array, r: number, s: number, p: number): Float64Array | null {
  const w = r + s;
  const { views, sub, subRows } = workspace([input, r * s, r]);
  const aug = views[0]!;
  const x = views[1]!;
  const fs = views[2]!;
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
    // normalize the pivot row: back substitution then needs no divisions
    for (let j = c + 1; j < w; j++) aug[prow + j] = mulMod(reduce(aug[prow + j]!, p), inv, p);
    aug[prow + c] = 1;
    for (let i = c + 1; i < r; i++) fs[i - c - 1] = aug[i * w + c]!; // reduced in the pivot search
    subRows(aug, (c + 1) * w + c + 1, w, prow + c + 1, fs, 0, r - c - 1, w - c - 1);
  }
  // back substitution on the right-hand sides: row c -= M[c][k]·row k for k > c
  for (let c = r - 1; c >= 0; c--) {
    const xc = c * s;
    const src = c * w + r;
    for (let j = 0; j < s; j++) x[xc + j] = reduce(aug[src + j]!, p);
    for (let k = c + 1; k < r; k++) {
      const f = aug[c * w + k]!; // reduced: pivot rows were normalized
      if (f !== 0) sub(x, xc, k * s, f, s);
    }
    for (let j = 0; j < s; j++) x[xc + j] = reduce(x[xc + j]!, p);
  }
  return x.slice();
}


/**
 * Determinant of a square k×k matrix modulo a prime p < 2^26 (entries in [0, p); not modified).
 * Kept deliberately separate from `rankProfileMod` so that certificate verification does not reuse
 * the code that produced the certificate: row-oriented updates with the whole trailing block
 * reduced every `budget` steps, where budget·(p−1)² + p < 2^53 keeps every value exact for any
 * prime the certificate may name.
 */
export function detMod(input: Float64Array, k: number, p: number): number {
  const { views, subRows } = workspace([input, k]);
  const a = views[0]!;
  const fs = views[1]!;
  const budget = Math.max(1, Math.floor((2 ** 53 - p) / ((p - 1) * (p - 1))));
  let det = 1;
  let since = 0;
  for (let c = 0; c < k; c++) {
    if (since >= budget) {
      for (let i = c; i < k; i++) for (let j = c; j < k; j++) a[i * k + j] = reduce(a[i * k + j]!, p);
      since = 0;
    }
    let piv = -1;
    for (let i = c; i < k; i++) {
      const v = reduce(a[i * k + c]!, p);
      a[i * k + c] = v;
      if (v !== 0 && piv < 0) piv = i;
    }
    if (piv < 0) return 0;
    if (piv !== c) {
      swapRows(a, k, piv, c, c);
      det = det === 0 ? 0 : p - det;
    }
    const base = c * k;
    for (let j = c + 1; j < k; j++) a[base + j] = reduce(a[base + j]!, p);
    const pv = a[base + c]!;
    det = mulMod(det, pv, p);
    const inv = invMod(pv, p);
    for (let i = c + 1; i < k; i++) {
      const x = a[i * k + c]!;
      fs[i - c - 1] = x === 0 ? 0 : mulMod(x, inv, p);
    }
    subRows(a, (c + 1) * k + c + 1, k, base + c + 1, fs, 0, k - c - 1, k - c - 1);
    since++;
  }
  return det;
}

