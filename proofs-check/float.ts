/**
 * The checker's fast path for softmax certificates: exact arithmetic (exact.ts) up to each softmax,
 * float64 intervals from there on. Whatever it cannot decide (a criterion the enclosure does not
 * settle, a non-finite value, an undecided float hardmax, a value outside the float range) goes to
 * the decimal intervals of interval.ts, example by example (check.ts).
 *
 * Soundness: IEEE-754 binary64 round-to-nearest (which ECMAScript prescribes for + − × ÷ and
 * Number(bigint)) returns one of the two consecutive doubles a ≤ x ≤ b around the exact result x,
 * so [down(r), up(r)] ⊇ [a, b] ∋ x, where up/down step to the next double on the IEEE bits; this
 * holds on underflow (subnormals are consecutive doubles) and overflow (non-finite results go to the
 * decimal path). Math.exp is NOT specified to be correctly rounded: we ASSUME an error below 1 ulp
 * (V8 uses fdlibm's exp, < 1 ulp; test/proofs-check/fast.test.ts compares it with decimal.js) and widen
 * by 4 ulps each way; results below 2⁻¹⁰²⁰ become [0, 2⁻¹⁰¹⁹], so nothing is assumed about
 * subnormal results. Weights are enclosed by the nearest doubles around the exact rational, found by
 * exact comparison (`enclose`); softmax takes the exact differences s_k − max s, so large scores
 * (saturated heads) cost no accuracy.
 *
 * @example
 *   const A = fastArith();
 *   A.weights("softmax", [A.dot(A.input([q(0)]), A.input([q(1)])), A.dot(A.input([q(1)]), A.input([q(1)]))])
 *   // [{lo: 0.2689…, hi: 0.2689…}, {lo: 0.7310…, hi: 0.7310…}]
 */
import { Rational } from "../src/numbers/rational.ts";
import type { Arith } from "./evaluate.ts";
import { exactArith, type XM, type XV } from "./exact.ts";
import { Undecided, type Mat } from "./validate.ts";

/** An interval [lo, hi] of doubles. */
export interface Fv {
  lo: number;
  hi: number;
}
interface FM {
  idx: Int32Array[];
  lo: Float64Array[];
  hi: Float64Array[];
  bias: Fv[] | null;
}

const buf = new Float64Array(1);
const w32 = new Uint32Array(buf.buffer);
buf[0] = 1;
const HI = w32[1] === 0x3ff00000 ? 1 : 0; // index of the word holding sign and exponent
const LO = 1 - HI;

/** The next double above x (x for NaN and +Infinity). @example up(1) // 1.0000000000000002 */
export function up(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  buf[0] = x;
  const l = w32[LO]!;
  if (x > 0) {
    if (l === 0xffffffff) (w32[LO] = 0), w32[HI]!++;
    else w32[LO] = l + 1;
  } else if (l === 0) (w32[LO] = 0xffffffff), w32[HI]!--;
  else w32[LO] = l - 1;
  return buf[0]!;
}

/** The next double below x. @example down(1) // 0.9999999999999999 */
export function down(x: number): number {
  return -up(-x);
}

const TINY = 2 ** -1020;
/** A rigorous enclosure of exp(x) (4 ulps each way; see the header). */
export function expIv(lo: number, hi: number): Fv {
  const a = Math.exp(lo);
  const b = Math.exp(hi);
  return { lo: a < TINY ? 0 : down(down(down(down(a)))), hi: b < TINY ? 2 * TINY : up(up(up(up(b)))) };
}

/** x = m·2^e exactly (finite x). */
function dyadic(x: number): [bigint, number] {
  buf[0] = x;
  const hw = w32[HI]!;
  const bexp = (hw >>> 20) & 0x7ff;
  let m = (BigInt(hw & 0xfffff) << 32n) | BigInt(w32[LO]!);
  if (bexp !== 0) m |= 1n << 52n;
  return [x < 0 ? -m : m, (bexp === 0 ? 1 : bexp) - 1075];
}

/** The exact rational value of a finite double. @example toRational(0.5).toString() // "1/2" */
export function toRational(x: number): Rational {
  const [m, e] = dyadic(x);
  return e >= 0 ? Rational.of(m << BigInt(e), 1n) : Rational.of(m, 1n << BigInt(-e));
}

/** sign(x − p/q) for a finite double x, q > 0, exactly. */
function cmp(x: number, p: bigint, q: bigint): number {
  const [m, e] = dyadic(x);
  const a = e >= 0 ? (m << BigInt(e)) * q : m * q;
  const b = e >= 0 ? p : p << BigInt(-e);
  return a < b ? -1 : a > b ? 1 : 0;
}

const TWO53 = 2n ** 53n;
/**
 * An enclosure of p/q (q > 0). Number(bigint) and ÷ are correctly rounded, so x = Number(p)/Number(q)
 * has relative error < 3·2⁻⁵³ when nothing over- or underflows: widened by 2⁻⁵⁰·|x|. With `tight`,
 * or outside that range, the pair is found by exact comparison instead (the nearest doubles around p/q).
 * Throws RangeError beyond the float range.
 */
export function encloseFrac(p: bigint, q: bigint, tight = false): Fv {
  if (p === 0n) return { lo: 0, hi: 0 };
  const x = Number(p) / Number(q);
  if ((q & (q - 1n)) === 0n && p > -TWO53 && p < TWO53 && q < 2n ** 1000n) return { lo: x, hi: x }; // p/2^k: exact
  const ax = Math.abs(x);
  if (!tight && ax > 2 ** -1000 && ax < 2 ** 1000) return { lo: down(x - ax * 2 ** -50), hi: up(x + ax * 2 ** -50) };
  let lo = Number.isFinite(x) && ax !== 0 ? x : Rational.of(p, q).toNumber();
  if (!Number.isFinite(lo)) throw new RangeError(`${p}/${q} is outside the float64 range`);
  let hi = lo;
  for (let k = 0; cmp(lo, p, q) > 0; k++) if (k > 64 || (lo = down(lo)) === -Infinity) throw new RangeError(`${p}/${q} is outside the float64 range`);
  for (let k = 0; cmp(hi, p, q) < 0; k++) if (k > 64 || (hi = up(hi)) === Infinity) throw new RangeError(`${p}/${q} is outside the float64 range`);
  return { lo, hi };
}

/** The nearest doubles around a rational. @example enclose(Rational.of(1n, 3n)) // { lo: 0.333…, hi: 0.333…4 } */
export const enclose = (r: Rational): Fv => encloseFrac(r.num, r.den, true);

let PL = 0;
let PH = 0;
/** [PL, PH] ⊇ [al, ah]·[bl, bh] (module scratch, no allocation in the hot loops). */
function mulTo(al: number, ah: number, bl: number, bh: number): void {
  if (al === ah) {
    if (al >= 0) (PL = down(al * bl)), (PH = up(al * bh));
    else (PL = down(al * bh)), (PH = up(al * bl));
    return;
  }
  const p = al * bl, q = al * bh, r = ah * bl, t = ah * bh;
  PL = down(Math.min(p, q, r, t));
  PH = up(Math.max(p, q, r, t));
}
function mul(a: Fv, b: Fv): Fv {
  mulTo(a.lo, a.hi, b.lo, b.hi);
  return { lo: PL, hi: PH };
}
const ZERO: Fv = { lo: 0, hi: 0 };

/** A vector of intervals: entry i is [v[2i], v[2i + 1]]. */
export type FVec = Float64Array;

function fLin(W: Mat, b: Rational[] | null): FM {
  const m: FM = { idx: [], lo: [], hi: [], bias: b ? b.map(enclose) : null };
  for (const row of W) {
    const I: number[] = [];
    const L: number[] = [];
    const H: number[] = [];
    row.forEach((r, j) => {
      if (r.isZero()) return;
      const e = enclose(r);
      I.push(j), L.push(e.lo), H.push(e.hi);
    });
    m.idx.push(Int32Array.from(I)), m.lo.push(Float64Array.from(L)), m.hi.push(Float64Array.from(H));
  }
  return m;
}

function fApply(m: FM, v: FVec): FVec {
  const out = new Float64Array(2 * m.idx.length);
  for (let i = 0; i < m.idx.length; i++) {
    const I = m.idx[i]!, L = m.lo[i]!, H = m.hi[i]!;
    let lo = m.bias ? m.bias[i]!.lo : 0;
    let hi = m.bias ? m.bias[i]!.hi : 0;
    for (let t = 0; t < I.length; t++) {
      const j = 2 * I[t]!;
      mulTo(L[t]!, H[t]!, v[j]!, v[j + 1]!);
      lo = down(lo + PL);
      hi = up(hi + PH);
    }
    (out[2 * i] = lo), (out[2 * i + 1] = hi);
  }
  return out;
}

/** Softmax weights from enclosures e_k ⊇ exp(s_k − M) (interval.ts header): a_j ∈ [lo_j/(lo_j + Σ_{k≠j} hi_k), hi_j/(hi_j + Σ_{k≠j} lo_k)] ∩ [0, 1]. */
function softmaxOf(e: Fv[]): Fv[] {
  let sLo = 0;
  let sHi = 0;
  for (const x of e) (sLo = down(sLo + x.lo)), (sHi = up(sHi + x.hi));
  return e.map((x) => {
    const otherHi = up(sHi - x.hi);
    const otherLo = Math.max(0, down(sLo - x.lo));
    const lo = down(x.lo / up(x.lo + otherHi));
    const hi = x.hi === 0 ? 0 : up(x.hi / down(x.hi + otherLo));
    return { lo: Math.max(lo, 0), hi: Math.min(hi, 1) };
  });
}

const invSqrtMemo = new Map<string, Fv>();
/**
 * Doubles [lo, hi] ∋ 1/√r (r > 0), decided by exact comparison, not by trusting Math.sqrt: lo is
 * stepped down until lo²·r ≤ 1 and hi up until hi²·r ≥ 1, both checked in exact rationals.
 * @example invSqrtFloat(Rational.of(2n)) // { lo: 0.7071067811865475, hi: 0.7071067811865476 }
 */
export function invSqrtFloat(r: Rational): Fv {
  const key = r.toString();
  const hit = invSqrtMemo.get(key);
  if (hit) return hit;
  if (r.sign() <= 0) throw new RangeError(`1/√r needs r > 0, got ${r}`);
  const c = 1 / Math.sqrt(r.toNumber());
  if (!Number.isFinite(c) || c === 0) throw new RangeError(`1/√${r} is outside the float64 range`);
  const sq = (x: number) => toRational(x).mul(toRational(x)).mul(r);
  let lo = c, hi = c;
  for (let k = 0; sq(lo).gt(Rational.ONE); k++) if (k > 64 || (lo = down(lo)) <= 0) throw new RangeError(`1/√${r}: no float64 lower bound`);
  for (let k = 0; sq(hi).lt(Rational.ONE); k++) if (k > 64 || !Number.isFinite((hi = up(hi)))) throw new RangeError(`1/√${r}: no float64 upper bound`);
  const v = { lo, hi };
  invSqrtMemo.set(key, v);
  return v;
}

/** Doubles [lo, hi] ∋ 1/√x for every x in [a, b] (0 < a ≤ b), each end verified by an exact square. */
function rsqrtFloat(a: number, b: number): Fv {
  if (!(a > 0) || !Number.isFinite(b)) throw new RangeError(`1/√x of [${a}, ${b}] is not enclosed in float64`);
  const end = (x: number, dir: -1 | 1): number => {
    const R = toRational(x);
    let c = 1 / Math.sqrt(x);
    const sq = (y: number) => toRational(y).mul(toRational(y)).mul(R).cmp(Rational.ONE);
    for (let k = 0; dir < 0 ? sq(c) > 0 : sq(c) < 0; k++) {
      if (k > 64) throw new RangeError(`1/√${x}: no float64 bound`);
      c = dir < 0 ? down(c) : up(c);
    }
    return c;
  };
  return { lo: end(b, -1), hi: end(a, 1) };
}

/** LayerNorm on float64 intervals (see evaluate.ts): centred values, a non-negative variance, 1/√(σ² + ε) enclosed. */
function fLayerNorm(v: FVec, gamma: Rational[], beta: Rational[], eps: Rational): FVec {
  const n = v.length / 2;
  let sLo = 0, sHi = 0;
  for (let i = 0; i < v.length; i += 2) (sLo = down(sLo + v[i]!)), (sHi = up(sHi + v[i + 1]!));
  const muLo = down(sLo / n), muHi = up(sHi / n);
  const c = new Float64Array(v.length);
  for (let i = 0; i < v.length; i += 2) (c[i] = down(v[i]! - muHi)), (c[i + 1] = up(v[i + 1]! - muLo));
  let qLo = 0, qHi = 0;
  for (let i = 0; i < c.length; i += 2) {
    mulTo(c[i]!, c[i + 1]!, c[i]!, c[i + 1]!);
    qLo = down(qLo + (c[i]! <= 0 && c[i + 1]! >= 0 ? 0 : Math.max(PL, 0)));
    qHi = up(qHi + PH);
  }
  const e = enclose(eps);
  const r = rsqrtFloat(down(down(qLo / n) + e.lo), up(up(qHi / n) + e.hi));
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i += 2) {
    mulTo(c[i]!, c[i + 1]!, r.lo, r.hi);
    const g = enclose(gamma[i / 2]!), b = enclose(beta[i / 2]!);
    const pl = PL, ph = PH;
    mulTo(g.lo, g.hi, pl, ph);
    (out[i] = down(PL + b.lo)), (out[i + 1] = up(PH + b.hi));
  }
  return out;
}

/** Float weights from float scores. */
function fWeights(kind: "softmax" | "hardmax" | "uniform", scores: Fv[]): Fv[] {
  const m = scores.length;
  if (kind === "uniform") return scores.map(() => ({ lo: down(1 / m), hi: up(1 / m) }));
  if (!scores.every((s) => Number.isFinite(s.lo) && Number.isFinite(s.hi))) throw new Undecided("non-finite score in float64");
  if (kind === "hardmax") {
    let M = -Infinity;
    for (const s of scores) M = Math.max(M, s.lo);
    const top = scores.map((s) => s.hi >= M);
    const tied = scores.filter((_, j) => top[j]);
    if (tied.length > 1 && !tied.every((s) => s.lo === s.hi && s.lo === tied[0]!.lo)) throw new Undecided("hardmax argmax set not decided in float64");
    const w = { lo: down(1 / tied.length), hi: up(1 / tied.length) };
    return scores.map((_, j) => (top[j] ? w : ZERO));
  }
  let M = -Infinity;
  for (const s of scores) M = Math.max(M, s.hi);
  return softmaxOf(scores.map((s) => expIv(down(s.lo - M), up(s.hi - M))));
}

/** An exact scalar n/d (d > 0), not normalized (scores are only compared and subtracted). */
interface Xs {
  n: bigint;
  d: bigint;
}
type HV = XV | FVec;
type HS = Xs | Fv;
interface HM {
  x: XM;
  W: Mat;
  b: Rational[] | null;
  f: FM | null;
}
const isF = (v: HV): v is FVec => v instanceof Float64Array;
const isX = (s: HS): s is Xs => "n" in s;
const den = (v: XV): bigint => v.o << BigInt(v.e);
const gt = (a: Xs, b: Xs) => a.n * b.d > b.n * a.d;

/**
 * The fast path: values stay exact (exact.ts) until a softmax, whose weights are float64 intervals
 * computed from the EXACT score differences s_k − max s (so large scores lose nothing); from there
 * on vectors are float64 intervals. The same real values as the exact/decimal paths, enclosed.
 */
export function fastArith(): Arith<HV, HS, HM> {
  const X = exactArith();
  const asF = new WeakMap<XV, FVec>();
  const F = (v: HV): FVec => {
    if (isF(v)) return v;
    let f = asF.get(v);
    if (!f) {
      const D = den(v);
      f = new Float64Array(2 * v.n.length);
      v.n.forEach((x, i) => {
        const e = encloseFrac(x, D);
        (f![2 * i] = e.lo), (f![2 * i + 1] = e.hi);
      });
      asF.set(v, f);
    }
    return f;
  };
  const Fs = (s: HS): Fv => (isX(s) ? encloseFrac(s.n, s.d) : s);
  return {
    lin: (W, b) => ({ x: X.lin(W, b), W, b, f: null }),
    apply: (m, v) => (isF(v) ? fApply((m.f ??= fLin(m.W, m.b)), v) : X.apply(m.x, v)),
    input: X.input,
    relu: (v) => (isF(v) ? v.map((x) => Math.max(x, 0)) : X.relu(v)),
    add(a, b) {
      if (!isF(a) && !isF(b)) return X.add(a, b);
      const fa = F(a), fb = F(b);
      const out = new Float64Array(fa.length);
      for (let i = 0; i < fa.length; i += 2) (out[i] = down(fa[i]! + fb[i]!)), (out[i + 1] = up(fa[i + 1]! + fb[i + 1]!));
      return out;
    },
    dot(a, b) {
      if (!isF(a) && !isF(b)) {
        let s = 0n;
        for (let i = 0; i < a.n.length; i++) s += a.n[i]! * b.n[i]!;
        return { n: s, d: den(a) * den(b) };
      }
      const fa = F(a), fb = F(b);
      let lo = 0;
      let hi = 0;
      for (let i = 0; i < fa.length; i += 2) mulTo(fa[i]!, fa[i + 1]!, fb[i]!, fb[i + 1]!), (lo = down(lo + PL)), (hi = up(hi + PH));
      return { lo, hi };
    },
    times: (s, r) => (isX(s) ? { n: s.n * r.num, d: s.d * r.den } : mul(enclose(r), s)),
    timesInvSqrt: (s, r) => mul(invSqrtFloat(r), Fs(s)),
    layerNorm: (v, gamma, beta, eps) => fLayerNorm(F(v), gamma, beta, eps),
    weights(kind, scores) {
      const m = scores.length;
      if (kind === "uniform") return scores.map(() => ({ n: 1n, d: BigInt(m) }));
      if (!scores.every(isX)) return fWeights(kind, scores.map(Fs));
      const xs = scores as Xs[];
      let best = xs[0]!;
      for (const s of xs) if (gt(s, best)) best = s;
      if (kind === "hardmax") {
        const top = xs.map((s) => !gt(best, s));
        const ties = BigInt(top.filter(Boolean).length);
        return top.map((t) => ({ n: t ? 1n : 0n, d: ties }));
      }
      // exp(s − best) from the exact difference; below −1000 it is < 2⁻¹⁰¹⁹ (expIv's floor)
      return softmaxOf(
        xs.map((s) => {
          const diff = { n: s.n * best.d - best.n * s.d, d: s.d * best.d };
          if (-diff.n > 1000n * diff.d) return { lo: 0, hi: 2 * TINY };
          const e = encloseFrac(diff.n, diff.d);
          return expIv(e.lo, e.hi);
        }),
      );
    },
    mix(ws, vs) {
      if (ws.every(isX) && !vs.some(isF)) return X.mix((ws as Xs[]).map((w) => Rational.of(w.n, w.d)), vs as XV[]);
      const fw = ws.map(Fs);
      const acc = new Float64Array(F(vs[0]!).length);
      vs.forEach((v, j) => {
        const w = fw[j]!;
        if (w.lo === 0 && w.hi === 0) return;
        const fv = F(v);
        for (let i = 0; i < acc.length; i += 2) mulTo(w.lo, w.hi, fv[i]!, fv[i + 1]!), (acc[i] = down(acc[i]! + PL)), (acc[i + 1] = up(acc[i + 1]! + PH));
      });
      return acc;
    },
  };
}
