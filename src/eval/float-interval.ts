/**
 * float64 interval evaluation of any network, the fast first pass of a builder that must decide
 * which examples an interval check will confirm (src/interop/certify.ts); whatever it leaves open
 * goes to the decimal intervals of interval.ts. It is the generic evaluator (generic.ts) with
 * intervals of doubles: every + − × ÷ result is stepped one double outward (IEEE round-to-nearest
 * is within half an ulp), weights are enclosed by exact comparison with their rationals, and 1/√r
 * is verified by exact squares. exp is ASSUMED to be within 1 ulp (V8's fdlibm exp) and widened by
 * 4 ulps each way — acceptable here because the builder is untrusted: proofs-check re-derives every
 * claim with its own arithmetic. A non-finite value throws IntervalError (INCONCLUSIVE).
 *
 * @example
 *   evaluateFloatInterval(net, [[0, 1]])[0][0][2] // { lo: 0.73105857863000…, hi: 0.73105857863000… }
 */
import { IntervalError } from "../numbers/interval.ts";
import { Rational } from "../numbers/rational.ts";
import type { Network } from "../ir/network.ts";
import { type Arith, evaluateGeneric, meanOf } from "./generic.ts";

/** An interval [lo, hi] of doubles. */
export interface FI {
  lo: number;
  hi: number;
}

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);

/** The next double above x. @example nextUp(1) === 1 + 2 ** -52 */
export function nextUp(x: number): number {
  if (x !== x || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  f64[0] = x;
  i64[0] = x > 0 ? i64[0]! + 1n : i64[0]! - 1n;
  return f64[0]!;
}

/** The next double below x. @example nextDown(1) === 1 - 2 ** -53 */
export function nextDown(x: number): number {
  return -nextUp(-x);
}

const finite = (v: FI, what: string): FI => {
  if (!Number.isFinite(v.lo) || !Number.isFinite(v.hi)) throw new IntervalError(`${what} left the float64 range`);
  return v;
};

/** The nearest doubles around a rational (exact comparisons). */
export function encloseRational(r: Rational): FI {
  const x = r.toNumber();
  if (!Number.isFinite(x)) throw new IntervalError(`${r} is outside the float64 range`);
  const c = Rational.fromNumber(x).cmp(r);
  return c === 0 ? { lo: x, hi: x } : c > 0 ? { lo: nextDown(x), hi: x } : { lo: x, hi: nextUp(x) };
}

function mul(a: FI, b: FI): FI {
  const p = [a.lo * b.lo, a.lo * b.hi, a.hi * b.lo, a.hi * b.hi];
  return finite({ lo: nextDown(Math.min(...p)), hi: nextUp(Math.max(...p)) }, "product");
}
const add = (a: FI, b: FI): FI => finite({ lo: nextDown(a.lo + b.lo), hi: nextUp(a.hi + b.hi) }, "sum");
const point = (x: number): FI => ({ lo: x, hi: x });
const stepOut = (lo: number, hi: number, k: number): FI => {
  for (let i = 0; i < k; i++) (lo = nextDown(lo)), (hi = nextUp(hi));
  return { lo, hi };
};

/** exp(x) for x ∈ [lo, hi], assuming Math.exp is within 1 ulp (see the header). */
function expIv(lo: number, hi: number): FI {
  const e = stepOut(Math.exp(lo), Math.exp(hi), 4);
  return { lo: Math.max(0, e.lo), hi: e.hi };
}

/** 1/√r with both ends verified by exact squares (lo²·r ≤ 1 ≤ hi²·r). */
function invSqrt(r: Rational): FI {
  if (r.sign() <= 0) throw new RangeError(`1/√r needs r > 0, got ${r}`);
  const c = 1 / Math.sqrt(r.toNumber());
  if (!Number.isFinite(c) || c === 0) throw new IntervalError(`1/√${r} is outside the float64 range`);
  const sq = (x: number) => Rational.fromNumber(x).mul(Rational.fromNumber(x)).mul(r).cmp(Rational.ONE);
  let lo = c, hi = c;
  while (sq(lo) > 0) lo = nextDown(lo);
  while (sq(hi) < 0) hi = nextUp(hi);
  return { lo, hi };
}

/** The double nearest below (dir −1) or above (+1) 1/√x for a double x > 0, verified by an exact square. */
function rsqrtEnd(x: number, dir: -1 | 1): number {
  const r = Rational.fromNumber(x);
  let c = 1 / Math.sqrt(x);
  if (!Number.isFinite(c)) throw new IntervalError(`1/√${x} is outside the float64 range`);
  const sq = (y: number) => Rational.fromNumber(y).mul(Rational.fromNumber(y)).mul(r).cmp(Rational.ONE);
  if (dir < 0) while (sq(c) > 0) c = nextDown(c);
  else while (sq(c) < 0) c = nextUp(c);
  return c;
}

/** The Arith of float64 intervals. */
export const floatIntervalArith: Arith<FI> = {
  weight: encloseRational,
  zero: point(0),
  add,
  mul,
  relu: (a) => ({ lo: Math.max(a.lo, 0), hi: Math.max(a.hi, 0) }),
  invSqrt,
  rsqrt(a) {
    if (!(a.lo > 0)) throw new IntervalError(`1/√x of an interval reaching ${a.lo} ≤ 0`);
    return { lo: rsqrtEnd(a.hi, -1), hi: rsqrtEnd(a.lo, 1) };
  },
  square(a) {
    const m = mul(a, a);
    return a.lo <= 0 && a.hi >= 0 ? { lo: 0, hi: m.hi } : m;
  },
  divInt: (a, k) => ({ lo: nextDown(a.lo / k), hi: nextUp(a.hi / k) }),
  hardmaxMix(scores, values) {
    let m = -Infinity;
    for (const s of scores) m = Math.max(m, s.lo);
    const cand = scores.flatMap((s, j) => (s.hi >= m ? [j] : []));
    if (cand.length === 1) return values[cand[0]!]!;
    const first = scores[cand[0]!]!;
    const vs = cand.map((j) => values[j]!);
    if (cand.every((j) => scores[j]!.lo === scores[j]!.hi && scores[j]!.lo === first.lo)) return meanOf(floatIntervalArith, vs);
    return vs[0]!.map((_, c) => vs.reduce((h, v) => ({ lo: Math.min(h.lo, v[c]!.lo), hi: Math.max(h.hi, v[c]!.hi) }), vs[0]![c]!));
  },
  softmaxMix(scores, values) {
    // e_k ⊇ exp(s_k − M); a_j ∈ [lo_j/(lo_j + Σ_{k≠j} hi_k), hi_j/(hi_j + Σ_{k≠j} lo_k)] ∩ [0, 1]
    let M = -Infinity;
    for (const s of scores) M = Math.max(M, s.hi);
    const e = scores.map((s) => expIv(nextDown(s.lo - M), nextUp(s.hi - M)));
    let sLo = 0, sHi = 0;
    for (const x of e) (sLo = nextDown(sLo + x.lo)), (sHi = nextUp(sHi + x.hi));
    const a = e.map((x) => {
      const otherHi = nextUp(sHi - x.lo >= 0 ? sHi - x.lo : 0);
      const otherLo = Math.max(0, nextDown(sLo - x.hi));
      const lo = x.lo === 0 ? 0 : nextDown(x.lo / nextUp(x.lo + otherHi));
      const hi = x.hi === 0 ? 0 : nextUp(x.hi / nextDown(x.hi + otherLo));
      return { lo: Math.max(lo, 0), hi: Math.min(hi, 1) };
    });
    return values[0]!.map((_, c) => values.reduce((s, v, j) => add(s, mul(a[j]!, v[c]!)), point(0)));
  },
};

/**
 * float64 interval enclosures of the outputs (result[i][k][c], as evaluateInterval's).
 * `vocabulary` rows are the input vectors (input.kind "vectors").
 */
export function evaluateFloatInterval(net: Network, sequences: number[][], vocabulary?: Rational[][]): FI[][][] {
  return evaluateGeneric(floatIntervalArith, net, sequences, vocabulary?.map((row) => row.map(encloseRational)));
}
