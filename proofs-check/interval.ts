/**
 * Rigorous interval arithmetic for softmax networks, on decimal.js at P significant digits.
 *
 * Every interval [lo, hi] contains the true real value. Lower ends are computed in a decimal.js
 * context that rounds toward −∞, upper ends in one that rounds toward +∞ (decimal.js rounds
 * + − × ÷ correctly, i.e. the rounded result is on the right side of the exact one).
 * exp is only trusted to be within one unit in the last place, so its result is widened by a
 * relative 10^(1−P) on each side.
 *
 * Softmax enclosure, with e_k ⊇ exp(s_k − M) for a shift M (any M gives the same weights):
 *   a_j = e_j / (e_j + Σ_{k≠j} e_k) is increasing in e_j and decreasing in the others, so
 *   a_j ∈ [ lo(e_j) / (lo(e_j) + Σ_{k≠j} hi(e_k)),  hi(e_j) / (hi(e_j) + Σ_{k≠j} lo(e_k)) ] ∩ [0, 1].
 * Hardmax needs the argmax set: it is decided when one key's lower score beats every other upper
 * score (or tied keys are exact points); otherwise the evaluation is Undecided.
 *
 * @example
 *   const A = intervalArith(30);
 *   A.weights("softmax", [A.point(q(0)), A.point(q(1))]) // ≈ [0.2689…, 0.7310…], each a tight interval
 */
import { Decimal } from "decimal.js";
import { Rational } from "../src/numbers/rational.ts";
import type { Arith } from "./evaluate.ts";
import { Undecided } from "./validate.ts";

export interface Iv {
  lo: Decimal;
  hi: Decimal;
}
interface IM {
  idx: number[][];
  w: Iv[][];
  bias: Iv[] | null;
}

/** The interval arithmetic at P significant digits, plus conversions. */
export function intervalArith(P: number): Arith<Iv[], Iv, IM> & { point(r: Rational): Iv; toRational(d: Decimal): Rational } {
  const cfg = { precision: P, toExpNeg: -9e15, toExpPos: 9e15, minE: -9e15, maxE: 9e15 };
  const DN = Decimal.clone({ ...cfg, rounding: Decimal.ROUND_FLOOR });
  const UP = Decimal.clone({ ...cfg, rounding: Decimal.ROUND_CEIL });
  const ZERO = new DN(0);
  const ONE = new DN(1);
  const shrink = DN.sub(1, DN.pow(10, 1 - P));
  const grow = UP.add(1, UP.pow(10, 1 - P));

  const point = (r: Rational): Iv => {
    if (r.den === 1n) {
      const x = new DN(r.num.toString());
      if (x.sd() <= P) return { lo: x, hi: x };
    }
    return { lo: DN.div(r.num.toString(), r.den.toString()), hi: UP.div(r.num.toString(), r.den.toString()) };
  };
  const isPoint = (a: Iv) => a.lo.eq(a.hi);
  const add = (a: Iv, b: Iv): Iv => ({ lo: DN.add(a.lo, b.lo), hi: UP.add(a.hi, b.hi) });
  const mul = (a: Iv, b: Iv): Iv => {
    if (isPoint(a)) {
      const w = a.lo;
      return w.isNeg() ? { lo: DN.mul(w, b.hi), hi: UP.mul(w, b.lo) } : { lo: DN.mul(w, b.lo), hi: UP.mul(w, b.hi) };
    }
    const ends = [
      [a.lo, b.lo],
      [a.lo, b.hi],
      [a.hi, b.lo],
      [a.hi, b.hi],
    ] as const;
    return { lo: DN.min(...ends.map(([x, y]) => DN.mul(x, y))), hi: UP.max(...ends.map(([x, y]) => UP.mul(x, y))) };
  };
  const expIv = (a: Iv): Iv => ({ lo: DN.mul(DN.exp(a.lo), shrink), hi: UP.mul(UP.exp(a.hi), grow) });
  const width = (a: Iv) => UP.sub(a.hi, a.lo);
  const invSqrtMemo = new Map<string, Iv>();
  /** 1/√r (r > 0) enclosed, memoized per r: see invSqrtEnclosure. */
  const invSqrtOf = (r: Rational): Iv => {
    const key = r.toString();
    let v = invSqrtMemo.get(key);
    if (!v) invSqrtMemo.set(key, (v = invSqrtEnclosure(point(r), DN, UP)));
    return v;
  };
  const zeros = (n: number): Iv[] => Array.from({ length: n }, () => ({ lo: ZERO, hi: ZERO }));

  return {
    point,
    toRational: (d) => Rational.parse(d.toString()),
    lin(W, b) {
      const idx: number[][] = [];
      const w: Iv[][] = [];
      for (const row of W) {
        const I: number[] = [];
        const C: Iv[] = [];
        row.forEach((r, j) => {
          if (!r.isZero()) I.push(j), C.push(point(r));
        });
        idx.push(I), w.push(C);
      }
      return { idx, w, bias: b ? b.map(point) : null };
    },
    apply(m, v) {
      return m.idx.map((I, i) => {
        let acc = m.bias ? m.bias[i]! : { lo: ZERO, hi: ZERO };
        const C = m.w[i]!;
        for (let t = 0; t < I.length; t++) acc = add(acc, mul(C[t]!, v[I[t]!]!));
        return acc;
      });
    },
    input: (row) => row.map(point),
    relu: (v) => v.map((a) => ({ lo: DN.max(a.lo, ZERO), hi: DN.max(a.hi, ZERO) })),
    add: (a, b) => a.map((x, i) => add(x, b[i]!)),
    dot(a, b) {
      let s: Iv = { lo: ZERO, hi: ZERO };
      a.forEach((x, i) => (s = add(s, mul(x, b[i]!))));
      return s;
    },
    layerNorm(v, gamma, beta, eps) {
      const n = v.length;
      let s: Iv = { lo: ZERO, hi: ZERO };
      for (const x of v) s = add(s, x);
      const mu = { lo: DN.div(s.lo, n), hi: UP.div(s.hi, n) };
      const c = v.map((x) => ({ lo: DN.sub(x.lo, mu.hi), hi: UP.sub(x.hi, mu.lo) }));
      let q: Iv = { lo: ZERO, hi: ZERO };
      for (const x of c) {
        const m = mul(x, x);
        q = add(q, x.lo.lte(0) && x.hi.gte(0) ? { lo: ZERO, hi: m.hi } : m); // a square is ≥ 0
      }
      const e = point(eps);
      const r = invSqrtEnclosure({ lo: DN.add(DN.div(q.lo, n), e.lo), hi: UP.add(UP.div(q.hi, n), e.hi) }, DN, UP);
      return c.map((x, i) => add(mul(point(gamma[i]!), mul(x, r)), point(beta[i]!)));
    },
    times: (s, r) => mul(s, point(r)),
    timesInvSqrt: (s, r) => mul(s, invSqrtOf(r)),
    weights(kind, scores) {
      const m = scores.length;
      if (kind === "uniform") return scores.map(() => point(Rational.of(1n, BigInt(m))));
      if (kind === "hardmax") {
        let M = scores[0]!.lo;
        for (const s of scores) M = DN.max(M, s.lo);
        const top = scores.map((s) => s.hi.gte(M));
        const idxs = top.flatMap((t, j) => (t ? [j] : []));
        const tied = idxs.map((j) => scores[j]!);
        if (idxs.length > 1 && !tied.every((s) => isPoint(s) && s.lo.eq(tied[0]!.lo)))
          throw new Undecided(`hardmax argmax set cannot be decided at ${P} digits (scores within ${width(tied[0]!).toExponential(2)})`);
        const w = point(Rational.of(1n, BigInt(idxs.length)));
        return scores.map((_, j) => (top[j] ? w : { lo: ZERO, hi: ZERO }));
      }
      let M = scores[0]!.hi;
      for (const s of scores) M = UP.max(M, s.hi);
      const e = scores.map((s) => expIv({ lo: DN.sub(s.lo, M), hi: UP.sub(s.hi, M) }));
      let sLo = ZERO;
      let sHi = ZERO;
      for (const x of e) (sLo = DN.add(sLo, x.lo)), (sHi = UP.add(sHi, x.hi));
      return e.map((x) => {
        const otherHi = UP.sub(sHi, x.hi);
        const otherLo = DN.max(ZERO, DN.sub(sLo, x.lo));
        const lo = DN.div(x.lo, UP.add(x.lo, otherHi));
        const hi = x.hi.isZero() ? ZERO : UP.div(x.hi, DN.add(x.hi, otherLo));
        return { lo: DN.max(lo, ZERO), hi: UP.min(hi, ONE) };
      });
    },
    mix(ws, vs) {
      let acc = zeros(vs[0]!.length);
      vs.forEach((v, j) => {
        if (ws[j]!.lo.isZero() && ws[j]!.hi.isZero()) return;
        acc = acc.map((a, i) => add(a, mul(ws[j]!, v[i]!)));
      });
      return acc;
    },
  };
}

/**
 * An enclosure of 1/√r for every r in [a.lo, a.hi] (a.lo > 0). decimal.js's sqrt is not trusted:
 * each candidate end of √r is checked by a directed square and stepped outward until
 *   UP(s_lo · s_lo) ≤ a.lo  (so s_lo ≤ √r)   and   DN(s_hi · s_hi) ≥ a.hi  (so s_hi ≥ √r),
 * then 1/√r ∈ [DN(1/s_hi), UP(1/s_lo)].
 * @example invSqrtEnclosure({ lo: new Decimal(2), hi: new Decimal(2) }, DN, UP) // ∋ 0.70710678…
 */
export function invSqrtEnclosure(a: Iv, DN: typeof Decimal, UP: typeof Decimal): Iv {
  if (!a.lo.isPos()) throw new Undecided(`1/√r of an interval reaching ${a.lo} ≤ 0`);
  const ulp = (x: Decimal) => new UP(10).pow(x.e - UP.precision + 1);
  let sLo = DN.sqrt(a.lo);
  for (let k = 0; UP.mul(sLo, sLo).gt(a.lo); k++) {
    if (k > 16) throw new Undecided(`√${a.lo} could not be enclosed`);
    sLo = DN.sub(sLo, ulp(sLo));
  }
  let sHi = UP.sqrt(a.hi);
  for (let k = 0; DN.mul(sHi, sHi).lt(a.hi); k++) {
    if (k > 16) throw new Undecided(`√${a.hi} could not be enclosed`);
    sHi = UP.add(sHi, ulp(sHi));
  }
  if (!sLo.isPos()) throw new Undecided(`√${a.lo} rounds to 0`);
  return { lo: DN.div(1, sHi), hi: UP.div(1, sLo) };
}
