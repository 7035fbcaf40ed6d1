/**
 * Rigorous interval evaluation of any network, softmax attention included: every output interval
 * contains the exact real output (docs/network-ir.md#evaluation). Weights and inputs enter as the
 * tightest enclosures of their exact rationals; every operation rounds outward
 * (src/numbers/interval.ts).
 *
 * Hardmax on interval scores: the true argmax set lies among the candidates whose upper score
 * reaches the largest lower score. One candidate → its value; candidates whose scores are one and
 * the same point → their exact mean; otherwise the componentwise hull of the candidates' values
 * (the mean over any subset lies in it).
 *
 * Throws `IntervalError` (message "INCONCLUSIVE: …") when an enclosure cannot be formed.
 *
 * @example
 *   const out = evaluateInterval(net, [[0, 1]], vocab, { precisionDigits: 40 });
 *   formatInterval(out[0][0][0]) // "[0.73105857863, 0.73105857864]"
 */
import { Rational } from "../numbers/rational.ts";
import { type Interval, IntervalArithmetic } from "../numbers/interval.ts";
import type { Network } from "../ir/network.ts";
import { type Arith, evaluateGeneric, meanOf } from "./generic.ts";

export interface IntervalOptions {
  /** Significant decimal digits carried by every interval end. */
  precisionDigits: number;
}

/** The Arith of outward-rounded intervals at a given precision. */
export function intervalArith(I: IntervalArithmetic): Arith<Interval> {
  const A: Arith<Interval> = {
    weight: (r) => I.fromRational(r),
    zero: I.ZERO,
    add: (a, b) => I.add(a, b),
    mul: (a, b) => I.mul(a, b),
    relu: (a) => I.max(a, I.ZERO),
    invSqrt: (r) => I.invSqrt(r),
    rsqrt: (a) => I.div(I.ONE, I.sqrt(a)),
    square: (a) => I.square(a),
    divInt: (a, k) => I.div(a, I.point(k)),
    hardmaxMix(scores, values) {
      let m = scores[0]!.lo;
      for (const s of scores) if (s.lo.gt(m)) m = s.lo;
      const cand = scores.map((s, j) => [s, j] as const).filter(([s]) => s.hi.gte(m));
      if (cand.length === 1) return values[cand[0]![1]]!;
      const first = cand[0]![0];
      const samePoint = cand.every(([s]) => s.lo.eq(s.hi) && s.lo.eq(first.lo));
      const vs = cand.map(([, j]) => values[j]!);
      if (samePoint) return meanOf(A, vs);
      return vs[0]!.map((_, c) => vs.reduce((h, v) => I.hull(h, v[c]!), vs[0]![c]!));
    },
    softmaxMix(scores, values) {
      const a = I.softmaxEnclosure(scores);
      return values[0]!.map((_, c) => values.reduce((s, v, j) => I.add(s, I.mul(a[j]!, v[c]!)), I.ZERO));
    },
  };
  return A;
}

/**
 * Interval enclosures of the outputs: result[i][k][c] contains component c of the output at the
 * k-th read position of sequence i. `vocabulary` rows are the input vectors (input.kind "vectors").
 */
export function evaluateInterval(net: Network, sequences: number[][], vocabulary: Rational[][] | undefined, options: IntervalOptions): Interval[][][] {
  const I = new IntervalArithmetic(options.precisionDigits);
  const A = intervalArith(I);
  return evaluateGeneric(A, net, sequences, vocabulary?.map((row) => row.map((r) => I.fromRational(r))));
}
