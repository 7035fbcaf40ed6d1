/**
 * Exact arithmetic for piecewise-linear networks (affine, relu, ffn, uniform/hardmax attention).
 *
 * A vector is a list of BigInt numerators over ONE common denominator 2^e·o (o odd, usually 1):
 * constructions use dyadic weights p/2^k, so a layer costs integer multiply-adds and a shift,
 * never a gcd per entry. A linear map is parsed once into integer rows over its own common
 * denominator 2^k·s with zero entries skipped. After every operation the vector is reduced
 * (common power of two, and the odd part by gcd), so denominators track the true values.
 *
 * @example
 *   const A = exactArith();
 *   const v = A.apply(A.lin([[q("1/2")]], null), A.input([q(3)]));
 *   toRationals(v) // [3/2]
 */
import { Rational, gcd } from "../src/numbers/rational.ts";
import type { Arith } from "./evaluate.ts";
import type { Mat } from "./validate.ts";

export interface XV {
  n: bigint[];
  e: number;
  o: bigint;
}
export interface XM {
  idx: number[][];
  coef: bigint[][];
  bias: bigint[] | null;
  k: number;
  s: bigint;
}

/** Number of trailing zero bits of a non-zero bigint. */
export function tz(x: bigint): number {
  const w = Number(BigInt.asUintN(32, x));
  if (w !== 0) return 31 - Math.clz32(w & -w);
  // the lowest set bit 2^t alone, then t read off its double (exact below 2^1000), checked
  let p = x < 0n ? -x : x;
  p &= -p;
  let t = 0;
  while (p >= 1n << 1000n) (p >>= 1000n), (t += 1000);
  const k = Math.round(Math.log2(Number(p)));
  if (2 ** k !== Number(p)) throw new Error("internal: trailing-zero count");
  return t + k;
}

/** min(tz(x), cap) for a non-zero x: the low 32 bits answer whenever cap ≤ 32 or one of them is set. */
function tzAtMost(x: bigint, cap: number): number {
  const w = Number(BigInt.asUintN(32, x));
  if (w !== 0) return Math.min(31 - Math.clz32(w & -w), cap);
  return cap <= 32 ? cap : Math.min(tz(x), cap);
}

/** The least common multiple of two positive bigints. */
export const lcm = (a: bigint, b: bigint): bigint => (a === b ? a : (a / gcd(a, b)) * b);
const den = (v: XV): bigint => v.o << BigInt(v.e);

/** Splits a positive denominator into 2^k · s with s odd. */
function split(L: bigint): [number, bigint] {
  const k = tz(L);
  return [k, L >> BigInt(k)];
}

/** Divides out the common power of two and the common odd factor shared with the denominator. */
function norm(v: XV): XV {
  let { n, e, o } = v;
  if (e > 0) {
    let t = e;
    for (const x of n) if (x !== 0n && (t = tzAtMost(x, t)) === 0) break;
    if (n.every((x) => x === 0n)) return { n, e: 0, o: 1n };
    if (t > 0) {
      const b = BigInt(t);
      n = n.map((x) => x >> b);
      e -= t;
    }
  }
  if (o !== 1n) {
    let g = o;
    for (const x of n) if ((g = gcd(g, x)) === 1n) break;
    if (g !== 1n) {
      n = n.map((x) => x / g);
      o /= g;
    }
  }
  return { n, e, o };
}

function fromRationals(row: Rational[]): XV {
  let L = 1n;
  for (const r of row) L = lcm(L, r.den);
  const [e, o] = split(L);
  return norm({ n: row.map((r) => r.num * (L / r.den)), e, o });
}

/** The exact value of each entry. */
export function toRationals(v: XV): Rational[] {
  const d = den(v);
  return v.n.map((x) => Rational.of(x, d));
}

function align(a: XV, b: XV): [bigint[], bigint[], number, bigint] {
  const e = Math.max(a.e, b.e);
  const o = lcm(a.o, b.o);
  const fa = (o / a.o) << BigInt(e - a.e);
  const fb = (o / b.o) << BigInt(e - b.e);
  return [fa === 1n ? a.n : a.n.map((x) => x * fa), fb === 1n ? b.n : b.n.map((x) => x * fb), e, o];
}

function scale(v: XV, r: Rational): XV {
  const [k, s] = split(r.den);
  return norm({ n: v.n.map((x) => x * r.num), e: v.e + k, o: v.o * s });
}

/** The exact arithmetic: softmax is refused (validation already rejects it in exact mode). */
export function exactArith(): Arith<XV, Rational, XM> {
  const add = (a: XV, b: XV): XV => {
    const [x, y, e, o] = align(a, b);
    return norm({ n: x.map((u, i) => u + y[i]!), e, o });
  };
  return {
    lin(W, b) {
      let L = 1n;
      for (const row of W) for (const r of row) if (r.num !== 0n) L = lcm(L, r.den);
      if (b) for (const r of b) L = lcm(L, r.den);
      const idx: number[][] = [];
      const coef: bigint[][] = [];
      for (const row of W) {
        const I: number[] = [];
        const C: bigint[] = [];
        row.forEach((r, j) => {
          if (r.num !== 0n) I.push(j), C.push(r.num * (L / r.den));
        });
        idx.push(I), coef.push(C);
      }
      const bias = b && b.some((r) => r.num !== 0n) ? b.map((r) => r.num * (L / r.den)) : null;
      const [k, s] = split(L);
      return { idx, coef, bias, k, s };
    },
    apply(m, v) {
      const D = m.bias ? den(v) : 0n;
      const n = m.idx.map((I, i) => {
        const C = m.coef[i]!;
        let acc = m.bias ? m.bias[i]! * D : 0n;
        for (let t = 0; t < I.length; t++) acc += C[t]! * v.n[I[t]!]!;
        return acc;
      });
      return norm({ n, e: v.e + m.k, o: v.o * m.s });
    },
    input: fromRationals,
    relu: (v) => ({ n: v.n.map((x) => (x < 0n ? 0n : x)), e: v.e, o: v.o }),
    add,
    dot(a, b) {
      let s = 0n;
      for (let i = 0; i < a.n.length; i++) s += a.n[i]! * b.n[i]!;
      return Rational.of(s, den(a) * den(b));
    },
    times: (s, r) => s.mul(r),
    layerNorm() {
      // validate.ts requires interval evaluation for layernorm, and check.ts then never uses exact arithmetic
      throw new Error("internal: layernorm needs interval arithmetic");
    },
    timesInvSqrt() {
      // check.ts uses exact arithmetic only without softmax, and only softmax reads the factor
      throw new Error("internal: an irrational score factor 1/√r needs interval arithmetic");
    },
    weights(kind, scores) {
      const m = scores.length;
      if (kind === "uniform") return scores.map(() => Rational.of(1n, BigInt(m)));
      if (kind === "softmax") throw new Error("softmax attention has no exact evaluation");
      let best = scores[0]!;
      for (const s of scores) if (s.gt(best)) best = s;
      const ties = scores.filter((s) => s.eq(best)).length;
      return scores.map((s) => (s.eq(best) ? Rational.of(1n, BigInt(ties)) : Rational.ZERO));
    },
    mix(ws, vs) {
      // equal weights (uniform, or hardmax without ties among few keys) → sum first, scale once
      let acc: XV | null = null;
      const w0 = ws[0]!;
      const equal = ws.every((w) => w.eq(w0));
      vs.forEach((v, j) => {
        if (ws[j]!.isZero()) return;
        const t = equal ? v : scale(v, ws[j]!);
        acc = acc === null ? t : add(acc, t);
      });
      if (acc === null) return { n: vs[0]!.n.map(() => 0n), e: 0, o: 1n };
      return equal ? scale(acc, w0) : acc;
    },
  };
}
