/**
 * Exact vectors over a common denominator, tuned for dyadic weights (p/2^k): the working number
 * type of the exact evaluator (src/eval/exact.ts).
 *
 * A `DVec` stores a vector x ∈ Q^d as integers n_i over ONE denominator 2^e·o (o odd, ≥ 1):
 *   x_i = n_i / (2^e · o).
 * With dyadic weights the odd part stays 1, so every product by a weight m/2^k is one integer
 * multiply (a shift when |m| is a power of two) and an exponent increment, and sums of vectors
 * only shift — no per-entry gcd as with one Rational per entry. `normalize` brings a vector to
 * its canonical form (gcd(n_1…n_d, 2^e·o) = 1), so equal vectors have identical representations
 * and can be deduplicated by hashing.
 *
 * @example
 *   const v = dvecFromRationals([q("1/2"), q("3/4")]); // n = [2, 3], e = 2, o = 1
 *   dvecToRationals(v).map(String)                      // ["1/2", "3/4"]
 */
import { Rational, gcd } from "../numbers/rational.ts";

export interface DVec {
  /** Numerators over the common denominator. */
  n: bigint[];
  /** Exponent of the power-of-two part of the denominator (≥ 0). */
  e: number;
  /** Odd part of the denominator (≥ 1). */
  o: bigint;
}

/** A matrix m_ij / (2^e·o) with sparse integer rows; `shift[k] ≥ 0` marks |m| = 2^shift (multiply by shifting). */
export interface DMat {
  rows: number;
  cols: number;
  /** Per row: column indices, integer numerators and shifts of the non-zero entries. */
  cols_: Int32Array[];
  nums: bigint[][];
  shifts: Int32Array[];
  e: number;
  o: bigint;
}

/** Splits a positive bigint d into 2^t · odd. */
export function splitPow2(d: bigint): [number, bigint] {
  const t = trailingZeros(d, Number.MAX_SAFE_INTEGER);
  return [t, d >> BigInt(t)];
}

/**
 * Number of trailing zero bits of x ≠ 0, but at most `cap` (we only ever need min(tz, e)).
 *
 * @example
 *   trailingZeros(40n, 99) // 3
 */
export function trailingZeros(x: bigint, cap: number): number {
  if (x === 0n) return cap;
  let t = 0;
  while (t < cap && (x & 0xffffffffn) === 0n) {
    x >>= 32n;
    t += 32;
  }
  const lo = Number(x & 0xffffffffn);
  t += 31 - Math.clz32(lo & -lo);
  return Math.min(t, cap);
}

function lcm(a: bigint, b: bigint): bigint {
  if (a === b) return a;
  if (a === 1n) return b;
  if (b === 1n) return a;
  return (a / gcd(a, b)) * b;
}

/** The canonical form: divides numerators and denominator by their common factor. Mutates and returns v. */
export function normalize(v: DVec): DVec {
  const n = v.n;
  let acc = 0n;
  for (let i = 0; i < n.length; i++) acc |= n[i]!;
  if (acc === 0n) {
    v.e = 0;
    v.o = 1n;
    return v;
  }
  if (v.o !== 1n) {
    let g = v.o;
    for (let i = 0; i < n.length && g !== 1n; i++) if (n[i] !== 0n) g = gcd(g, n[i]!);
    if (g !== 1n) {
      for (let i = 0; i < n.length; i++) n[i] = n[i]! / g;
      v.o /= g;
    }
  }
  if (v.e > 0) {
    // lowest set bit of an OR (two's complement) is the minimum over the entries
    const t = trailingZeros(acc, v.e);
    if (t > 0) {
      const bt = BigInt(t);
      for (let i = 0; i < n.length; i++) n[i] = n[i]! >> bt;
      v.e -= t;
    }
  }
  return v;
}

/** Exact DVec of a rational vector (canonical). */
export function dvecFromRationals(xs: readonly Rational[]): DVec {
  let e = 0;
  let o = 1n;
  for (const x of xs) {
    const [t, odd] = splitPow2(x.den);
    if (t > e) e = t;
    o = lcm(o, odd);
  }
  const D = (1n << BigInt(e)) * o;
  return normalize({ n: xs.map((x) => (x.num * D) / x.den), e, o });
}

/** The rationals a DVec stands for. */
export function dvecToRationals(v: DVec): Rational[] {
  const D = (1n << BigInt(v.e)) * v.o;
  return v.n.map((x) => Rational.of(x, D));
}

/** Compiles a rational matrix (out × in) into sparse integer rows over a common denominator. */
export function dmatFromRationals(W: readonly (readonly Rational[])[], cols: number): DMat {
  let e = 0;
  let o = 1n;
  for (const row of W)
    for (const x of row) {
      if (x.isZero()) continue;
      const [t, odd] = splitPow2(x.den);
      if (t > e) e = t;
      o = lcm(o, odd);
    }
  const D = (1n << BigInt(e)) * o;
  const cols_: Int32Array[] = [];
  const nums: bigint[][] = [];
  const shifts: Int32Array[] = [];
  for (const row of W) {
    if (row.length !== cols) throw new RangeError(`matrix row has ${row.length} entries, expected ${cols}`);
    const cs: number[] = [];
    const ms: bigint[] = [];
    const ss: number[] = [];
    row.forEach((x, j) => {
      if (x.isZero()) return;
      const m = (x.num * D) / x.den;
      const a = m < 0n ? -m : m;
      cs.push(j);
      ms.push(m);
      ss.push((a & (a - 1n)) === 0n ? trailingZeros(a, Number.MAX_SAFE_INTEGER) : -1);
    });
    cols_.push(Int32Array.from(cs));
    nums.push(ms);
    shifts.push(Int32Array.from(ss));
  }
  return { rows: W.length, cols, cols_, nums, shifts, e, o };
}

/** W·x (not normalized). */
export function matVec(W: DMat, x: DVec): DVec {
  const out = new Array<bigint>(W.rows);
  const xn = x.n;
  for (let i = 0; i < W.rows; i++) {
    const cs = W.cols_[i]!;
    const ms = W.nums[i]!;
    const ss = W.shifts[i]!;
    let acc = 0n;
    for (let k = 0; k < cs.length; k++) {
      const xv = xn[cs[k]!]!;
      if (xv === 0n) continue;
      const s = ss[k]!;
      const m = ms[k]!;
      if (s < 0) acc += m * xv;
      else if (m > 0n) acc += s === 0 ? xv : xv << BigInt(s);
      else acc -= s === 0 ? xv : xv << BigInt(s);
    }
    out[i] = acc;
  }
  return { n: out, e: x.e + W.e, o: x.o * W.o };
}

/** a + b over the least common denominator (not normalized). */
export function addVec(a: DVec, b: DVec): DVec {
  const e = Math.max(a.e, b.e);
  const o = lcm(a.o, b.o);
  const sa = BigInt(e - a.e);
  const sb = BigInt(e - b.e);
  const fa = o / a.o;
  const fb = o / b.o;
  const out = new Array<bigint>(a.n.length);
  for (let i = 0; i < a.n.length; i++) {
    let x = a.n[i]!;
    let y = b.n[i]!;
    if (sa !== 0n) x <<= sa;
    if (sb !== 0n) y <<= sb;
    if (fa !== 1n) x *= fa;
    if (fb !== 1n) y *= fb;
    out[i] = x + y;
  }
  return { n: out, e, o };
}

/** v / k for a positive integer k (not normalized). */
export function divInt(v: DVec, k: number): DVec {
  const [t, odd] = splitPow2(BigInt(k));
  return { n: v.n.slice(), e: v.e + t, o: v.o * odd };
}

/** max(v, 0) entrywise (the denominator is positive, so the sign is the numerator's). */
export function reluVec(v: DVec): DVec {
  return { n: v.n.map((x) => (x < 0n ? 0n : x)), e: v.e, o: v.o };
}

/** The zero vector of dimension d. */
export function zeroVec(d: number): DVec {
  return { n: new Array<bigint>(d).fill(0n), e: 0, o: 1n };
}

/** A cheap hash key of a canonical DVec (low bits and a residue per entry); confirm with `dvecEquals`. */
export function dvecHash(v: DVec): string {
  let s = `${v.e}:${v.o === 1n ? "1" : BigInt.asUintN(48, v.o)}`;
  for (const x of v.n) s += `,${BigInt.asIntN(52, x)}.${x % 2147483647n}`;
  return s;
}

/** Exact equality of canonical DVecs. */
export function dvecEquals(a: DVec, b: DVec): boolean {
  if (a.e !== b.e || a.o !== b.o || a.n.length !== b.n.length) return false;
  for (let i = 0; i < a.n.length; i++) if (a.n[i] !== b.n[i]) return false;
  return true;
}

/** A single rational s = n / (2^e·o) in the same dyadic form (attention scores). */
export interface DScalar {
  n: bigint;
  e: number;
  o: bigint;
}

/** Exact comparison of two DScalars. */
export function cmpScalar(a: DScalar, b: DScalar): -1 | 0 | 1 {
  const e = Math.max(a.e, b.e);
  let x = a.n << BigInt(e - a.e);
  let y = b.n << BigInt(e - b.e);
  if (a.o !== b.o) {
    x *= b.o;
    y *= a.o;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}
