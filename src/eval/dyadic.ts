/**
 * Exact vectors tuned for dyadic weights (p/2^k): the working number type of the exact
 * evaluator (src/eval/exact.ts).
 *
 * A `DVec` stores x ∈ Q^d as integers n_i, one power-of-two exponent e_i per entry and ONE odd
 * denominator part o shared by the vector:
 *   x_i = n_i / (2^{e_i} · o).
 * With dyadic weights o stays 1: a product by a weight m/2^k is one integer multiply (a shift when
 * |m| is a power of two) and an exponent change, sums only align exponents, and an entry no layer
 * touches is never rewritten (a residual block that updates two coordinates costs two entries, not
 * d) — no gcd per entry as with one Rational per entry. Every operation returns the canonical form
 * (each n_i odd or e_i = 0; gcd(o, n_1…n_d) = 1), so equal vectors have identical representations
 * and can be deduplicated by hashing.
 *
 * @example
 *   const v = dvecFromRationals([q("1/2"), q("3/4")]); // n = [1, 3], e = [1, 2], o = 1
 *   dvecToRationals(v).map(String)                      // ["1/2", "3/4"]
 */
import { Rational, gcd } from "../numbers/rational.ts";

export interface DVec {
  /** Numerators. */
  n: bigint[];
  /** Per entry, the exponent of the power-of-two part of its denominator (≥ 0; 0 when n = 0). */
  e: number[];
  /** Odd part of the denominator, shared by all entries (≥ 1). */
  o: bigint;
}

/** A matrix m_ij / (2^e·o) with sparse integer rows; `shifts[k] ≥ 0` marks |m| = 2^shift (multiply by shifting). */
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
  // fast path: a set bit among the low 32 (two's complement keeps the trailing zeros of |x|)
  let lo = Number(BigInt.asUintN(32, x));
  if (lo !== 0) return Math.min(31 - Math.clz32(lo & -lo), cap);
  // isolate the lowest set bit 2^t, then read t off its double (exact below 2^1023)
  let p = x < 0n ? -x : x;
  p &= -p;
  let t = 0;
  while (t < cap && p >= 1n << 1000n) {
    p >>= 1000n;
    t += 1000;
  }
  lo = Number(p);
  return Math.min(t + Math.round(Math.log2(lo)), cap);
}

/** The least common multiple of two positive bigints. */
export function lcm(a: bigint, b: bigint): bigint {
  if (a === b) return a;
  if (a === 1n) return b;
  if (b === 1n) return a;
  return (a / gcd(a, b)) * b;
}

/** Writes the canonical form of the entry num / 2^exp (exp may be negative) into v at i. */
function setEntry(v: DVec, i: number, num: bigint, exp: number): void {
  if (num === 0n) {
    v.n[i] = 0n;
    v.e[i] = 0;
    return;
  }
  if (exp < 0) {
    v.n[i] = num << BigInt(-exp);
    v.e[i] = 0;
    return;
  }
  const t = exp > 0 ? trailingZeros(num, exp) : 0;
  v.n[i] = t > 0 ? num >> BigInt(t) : num;
  v.e[i] = exp - t;
}

function blank(d: number, o: bigint): DVec {
  return { n: new Array<bigint>(d), e: new Array<number>(d), o };
}

/** Divides out the common odd factor of o and the numerators (the rest of the form is canonical already). */
function reduceOdd(v: DVec): DVec {
  if (v.o === 1n) return v;
  let g = v.o;
  for (let i = 0; i < v.n.length && g !== 1n; i++) if (v.n[i] !== 0n) g = gcd(g, v.n[i]!);
  if (g === 1n) return v;
  return { n: v.n.map((x) => x / g), e: v.e.slice(), o: v.o / g };
}

/** Exact DVec of a rational vector (canonical). */
export function dvecFromRationals(xs: readonly Rational[]): DVec {
  let o = 1n;
  for (const x of xs) o = lcm(o, splitPow2(x.den)[1]);
  const v = blank(xs.length, o);
  xs.forEach((x, i) => {
    const [t, odd] = splitPow2(x.den);
    setEntry(v, i, x.num * (o / odd), t);
  });
  return reduceOdd(v);
}

/** The canonical DVec of the vector n / (2^e · o) (o odd, ≥ 1). */
export function dvecOver(n: readonly bigint[], e: number, o: bigint): DVec {
  const v = blank(n.length, o);
  n.forEach((x, i) => setEntry(v, i, x, e));
  return reduceOdd(v);
}

/** The numerators of v over the common denominator 2^e · o (e ≥ every entry's exponent, v.o divides the odd o). */
export function dvecNumerators(v: DVec, e: number, o: bigint): bigint[] {
  const f = o / v.o;
  return v.n.map((x, i) => (x * f) << BigInt(e - v.e[i]!));
}

/** The rationals a DVec stands for. */
export function dvecToRationals(v: DVec): Rational[] {
  return v.n.map((x, i) => Rational.of(x, (1n << BigInt(v.e[i]!)) * v.o));
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

/**
 * Row i of W·x as an unreduced pair [numerator, exponent]: the value is num / 2^exp / (x.o·W.o).
 * Power-of-two weights lower the exponent instead of shifting the numerator.
 */
function rowDot(W: DMat, i: number, x: DVec, out: { num: bigint; exp: number }): void {
  const cs = W.cols_[i]!;
  const ms = W.nums[i]!;
  const ss = W.shifts[i]!;
  let acc = 0n;
  let E = -Infinity;
  for (let k = 0; k < cs.length; k++) {
    const j = cs[k]!;
    const xv = x.n[j]!;
    if (xv === 0n) continue;
    const s = ss[k]!;
    const m = ms[k]!;
    const term = s < 0 ? m * xv : m > 0n ? xv : -xv;
    const f = x.e[j]! - (s < 0 ? 0 : s);
    if (acc === 0n) {
      acc = term;
      E = f;
    } else if (f === E) acc += term;
    else if (f < E) acc += term << BigInt(E - f);
    else {
      acc = (acc << BigInt(f - E)) + term;
      E = f;
    }
  }
  out.num = acc;
  out.exp = acc === 0n ? 0 : E + W.e;
}

const scratch = { num: 0n, exp: 0 };

/** W·x (canonical). */
export function matVec(W: DMat, x: DVec): DVec {
  const v = blank(W.rows, x.o * W.o);
  for (let i = 0; i < W.rows; i++) {
    rowDot(W, i, x, scratch);
    setEntry(v, i, scratch.num, scratch.exp);
  }
  return reduceOdd(v);
}

function addEntry(an: bigint, ae: number, bn: bigint, be: number, v: DVec, i: number): void {
  if (bn === 0n) {
    v.n[i] = an;
    v.e[i] = ae;
  } else if (an === 0n) {
    v.n[i] = bn;
    v.e[i] = be;
  } else if (ae === be) setEntry(v, i, an + bn, ae);
  else if (ae > be) setEntry(v, i, an + (bn << BigInt(ae - be)), ae);
  else setEntry(v, i, (an << BigInt(be - ae)) + bn, be);
}

/** a + b (canonical); entries where b is 0 are shared with a, not rewritten. */
export function addVec(a: DVec, b: DVec): DVec {
  const d = a.n.length;
  if (a.o === b.o) {
    const v = blank(d, a.o);
    for (let i = 0; i < d; i++) addEntry(a.n[i]!, a.e[i]!, b.n[i]!, b.e[i]!, v, i);
    return a.o === 1n ? v : reduceOdd(v);
  }
  const o = lcm(a.o, b.o);
  const fa = o / a.o;
  const fb = o / b.o;
  const v = blank(d, o);
  for (let i = 0; i < d; i++) addEntry(a.n[i]! * fa, a.e[i]!, b.n[i]! * fb, b.e[i]!, v, i);
  return reduceOdd(v);
}

/** v / k for a positive integer k (canonical). */
export function divInt(v: DVec, k: number): DVec {
  const [t, odd] = splitPow2(BigInt(k));
  const out = blank(v.n.length, v.o * odd);
  v.n.forEach((x, i) => setEntry(out, i, x, v.e[i]! + t));
  return reduceOdd(out);
}

/** max(v, 0) entrywise (the denominator is positive, so the sign is the numerator's). */
export function reluVec(v: DVec): DVec {
  const out = blank(v.n.length, v.o);
  v.n.forEach((x, i) => {
    out.n[i] = x < 0n ? 0n : x;
    out.e[i] = x < 0n ? 0 : v.e[i]!;
  });
  return reduceOdd(out);
}

/** True when every entry is 0. */
export function isZeroVec(v: DVec): boolean {
  for (const x of v.n) if (x !== 0n) return false;
  return true;
}

/** num1/2^e1 + num2/2^e2 into `out` (unreduced; exponents may be negative). */
function sumInto(n1: bigint, e1: number, n2: bigint, e2: number, out: { num: bigint; exp: number }): void {
  if (n2 === 0n) {
    out.num = n1;
    out.exp = e1;
  } else if (n1 === 0n) {
    out.num = n2;
    out.exp = e2;
  } else if (e1 === e2) {
    out.num = n1 + n2;
    out.exp = e1;
  } else if (e1 > e2) {
    out.num = n1 + (n2 << BigInt(e1 - e2));
    out.exp = e1;
  } else {
    out.num = (n1 << BigInt(e2 - e1)) + n2;
    out.exp = e2;
  }
}

const acc2 = { num: 0n, exp: 0 };

/**
 * Residual FFN block x + W2·ReLU(W1·x + b1) + b2 (K&S eq. (3)).
 * Dyadic case (every odd part 1), fused: hidden units are formed one by one without intermediate
 * vectors, a block whose gates are all closed returns x itself (when b2 = 0), and only the rows
 * of W2/b2 that are not identically zero are rewritten. Other cases compose the vector operations.
 */
export function ffnBlock(x: DVec, W1: DMat, b1: DVec, W2: DMat, b2: DVec, b2Zero: boolean): DVec {
  if (x.o !== 1n || W1.o !== 1n || W2.o !== 1n || b1.o !== 1n || b2.o !== 1n) {
    const h = reluVec(addVec(matVec(W1, x), b1));
    if (isZeroVec(h)) return b2Zero ? x : addVec(x, b2);
    const z = matVec(W2, h);
    return addVec(x, b2Zero ? z : addVec(z, b2));
  }
  const m = W1.rows;
  const h: DVec = { n: new Array<bigint>(m), e: new Array<number>(m), o: 1n };
  let open = false;
  for (let i = 0; i < m; i++) {
    rowDot(W1, i, x, scratch);
    sumInto(scratch.num, scratch.exp, b1.n[i]!, b1.e[i]!, acc2);
    if (acc2.num > 0n) {
      h.n[i] = acc2.num;
      h.e[i] = acc2.exp;
      open = true;
    } else {
      h.n[i] = 0n;
      h.e[i] = 0;
    }
  }
  if (!open) return b2Zero ? x : addVec(x, b2);
  const y: DVec = { n: x.n.slice(), e: x.e.slice(), o: 1n };
  for (let r = 0; r < W2.rows; r++) {
    if (W2.cols_[r]!.length === 0 && b2.n[r] === 0n) continue;
    rowDot(W2, r, h, scratch);
    sumInto(scratch.num, scratch.exp, b2.n[r]!, b2.e[r]!, acc2);
    if (acc2.num === 0n) continue;
    sumInto(x.n[r]!, x.e[r]!, acc2.num, acc2.exp, acc2);
    setEntry(y, r, acc2.num, acc2.exp);
  }
  return y;
}

/** The zero vector of dimension d. */
export function zeroVec(d: number): DVec {
  return { n: new Array<bigint>(d).fill(0n), e: new Array<number>(d).fill(0), o: 1n };
}

/** A cheap hash key of a canonical DVec (low bits and a residue per entry); confirm with `dvecEquals`. */
export function dvecHash(v: DVec): string {
  let s = v.o === 1n ? "1" : `${BigInt.asUintN(48, v.o)}`;
  for (let i = 0; i < v.n.length; i++) {
    const x = v.n[i]!;
    s += `,${v.e[i]}:${BigInt.asIntN(52, x)}.${x % 2147483647n}`;
  }
  return s;
}

/** Exact equality of canonical DVecs. */
export function dvecEquals(a: DVec, b: DVec): boolean {
  if (a.o !== b.o || a.n.length !== b.n.length) return false;
  for (let i = 0; i < a.n.length; i++) if (a.n[i] !== b.n[i] || a.e[i] !== b.e[i]) return false;
  return true;
}

/** A single rational s = n / (2^e·o) (attention scores). */
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

/** The scaled dot product scale·(a·b) as a DScalar (exponents aligned per term). */
export function dotScalar(a: DVec, b: DVec, scale: DScalar): DScalar {
  let acc = 0n;
  let E = 0;
  for (let i = 0; i < a.n.length; i++) {
    const t = a.n[i]! * b.n[i]!;
    if (t === 0n) continue;
    const f = a.e[i]! + b.e[i]!;
    if (f <= E) acc += t << BigInt(E - f);
    else {
      acc = (acc << BigInt(f - E)) + t;
      E = f;
    }
  }
  return { n: acc * scale.n, e: E + scale.e, o: a.o * b.o * scale.o };
}
