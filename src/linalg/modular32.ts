/**
 * Elimination modulo primes below 2^8 in float32, four lanes per SIMD instruction.
 *
 * Why: the full-rank case of certified rank is one elimination to find the rank and one to
 * verify the certificate's minor, both n³/3 multiply-subtracts. With p < 2^8 every product is
 * below 2^16 and float32 holds integers exactly up to 2^24, so an entry can take
 * (2^24 − p)/(p − 1)² ≥ 268 lazy updates before it must be reduced — the trailing block is
 * reduced once per that many pivot steps — and f32x4 does twice the work of f64x2 per
 * instruction on half the memory. A random prime this small divides a given nonzero minor with
 * probability about 1/p, so the search tries another prime (or falls back to the double-precision
 * kernels of src/linalg/modular.ts) in the rare unlucky case; nothing about the proof changes: a
 * minor nonzero modulo any prime is nonzero over Z.
 *
 * `detMod32` is written separately from `rankProfileMod32` (as `detMod` is from `rankProfileMod`)
 * so that verifying a certificate does not rerun the code that produced it.
 *
 * @example
 *   rankProfileMod32(Float64Array.from([1, 2, 2, 4]), 2, 2, 251) // { rank: 1, rows: [0], cols: [0] }
 */
import { wasmKernel } from "./wasm-kernel.ts";
import { invMod, isPrime, mulMod, reduce, type RankProfile } from "./modular.ts";

/** The largest prime these kernels accept. */
export const SMALL_PRIME_MAX = 251;

/** For t < count with f[t] ≠ 0: v[dst + t·stride + j] −= f[t]·v[src + j] (j < len). */
type SubRows32 = (v: Float32Array, dst: number, stride: number, src: number, f: Float32Array, count: number, len: number) => void;

function workspace32(input: Float64Array, factors: number): { a: Float32Array; fs: Float32Array; subRows: SubRows32 } {
  const k = wasmKernel();
  if (k) {
    const [a, fs] = k.arenas32([input.length, factors]);
    a!.set(input);
    return {
      a: a!,
      fs: fs!,
      subRows: (v, dst, stride, src, f, count, len) => k.subMulRows32(v.byteOffset + dst * 4, stride * 4, v.byteOffset + src * 4, f.byteOffset, count, len),
    };
  }
  // the same integers as the kernel: every intermediate is an integer below 2^24, exact either way
  return {
    a: Float32Array.from(input),
    fs: new Float32Array(factors),
    subRows: (v, dst, stride, src, f, count, len) => {
      for (let t = 0; t < count; t++) {
        const ft = f[t]!;
        if (ft === 0) continue;
        const d = dst + t * stride;
        for (let j = 0; j < len; j++) v[d + j] = v[d + j]! - ft * v[src + j]!;
      }
    },
  };
}

/** Pivot steps an entry in [0, p) can absorb before |x| could pass 2^24. */
function budget32(p: number): number {
  if (!Number.isInteger(p) || p < 2 || p > SMALL_PRIME_MAX) throw new RangeError(`float32 kernels need a prime ≤ ${SMALL_PRIME_MAX}, got ${p}`);
  return Math.max(1, Math.floor((2 ** 24 - p) / ((p - 1) * (p - 1))));
}

function swap32(a: Float32Array, n: number, i: number, k: number, from: number): void {
  const ri = i * n;
  const rk = k * n;
  for (let j = from; j < n; j++) {
    const t = a[ri + j]!;
    a[ri + j] = a[rk + j]!;
    a[rk + j] = t;
  }
}

/**
 * Rank profile of an m×n matrix modulo a prime p ≤ 251 (residues in [0, p), row-major; not
 * modified), as `rankProfileMod` computes it: pivot rows in pivot order, pivot columns increasing.
 */
export function rankProfileMod32(input: Float64Array, m: number, n: number, p: number): RankProfile {
  const budget = budget32(p);
  const { a, fs, subRows } = workspace32(input, m);
  const perm = new Int32Array(m);
  for (let i = 0; i < m; i++) perm[i] = i;
  const rows: number[] = [];
  const cols: number[] = [];
  let r = 0;
  let since = 0;
  for (let c = 0; c < n && r < m; c++) {
    if (since >= budget) {
      for (let i = r; i < m; i++) for (let j = c; j < n; j++) a[i * n + j] = reduce(a[i * n + j]!, p);
      since = 0;
    }
    let piv = -1;
    for (let i = r; i < m; i++) {
      const idx = i * n + c;
      const v = reduce(a[idx]!, p);
      a[idx] = v;
      if (v !== 0 && piv < 0) piv = i;
    }
    if (piv < 0) continue;
    if (piv !== r) swap32(a, n, piv, r, c);
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
    subRows(a, (r + 1) * n + c + 1, n, prow + c + 1, fs, m - r - 1, n - c - 1);
    rows.push(perm[r]!);
    cols.push(c);
    r++;
    since++;
  }
  return { rank: r, rows, cols };
}

/** Determinant of a k×k matrix modulo a prime p ≤ 251 (residues in [0, p); not modified). */
export function detMod32(input: Float64Array, k: number, p: number): number {
  if (!isPrime(p)) throw new RangeError(`detMod32: ${p} is not prime`);
  const budget = budget32(p);
  const { a, fs, subRows } = workspace32(input, k);
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
      swap32(a, k, piv, c, c);
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
    subRows(a, (c + 1) * k + c + 1, k, base + c + 1, fs, k - c - 1, k - c - 1);
    since++;
  }
  return det;
}
