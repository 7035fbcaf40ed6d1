/**
 * float64 evaluation: the fast path for exploring and plotting. Its results are FLOAT — rounded,
 * never a certificate; whatever reports them labels them "float" (docs/network-ir.md#evaluation).
 * Weights are the nearest doubles of their exact rationals (weights of thousands of bits lose
 * almost all of them); hardmax ties are exact equalities of the rounded scores.
 *
 * @example
 *   evaluateFloat(net, [[0, 1]], [[1], [0.5]])[0][0] // number[], float
 */
import type { Network } from "../ir/network.ts";
import { type Arith, evaluateGeneric, meanOf } from "./generic.ts";

/** The Arith of IEEE doubles. */
export const floatArith: Arith<number> = {
  weight: (r) => r.toNumber(),
  zero: 0,
  add: (a, b) => a + b,
  mul: (a, b) => a * b,
  relu: (a) => (a > 0 ? a : 0),
  invSqrt: (r) => 1 / Math.sqrt(r.toNumber()),
  rsqrt: (a) => 1 / Math.sqrt(a),
  square: (a) => a * a,
  divInt: (a, k) => a / k,
  hardmaxMix(scores, values) {
    const m = Math.max(...scores);
    return meanOf(floatArith, values.filter((_, j) => scores[j] === m));
  },
  softmaxMix(scores, values) {
    const m = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - m));
    const z = e.reduce((a, b) => a + b, 0);
    return values[0]!.map((_, c) => values.reduce((s, v, j) => s + (e[j]! / z) * v[c]!, 0));
  },
};

/**
 * float64 outputs: result[i][k] is the output at the k-th read position of sequence i (labelled float).
 * `vocabulary` rows are the input vectors (input.kind "vectors").
 */
export function evaluateFloat(net: Network, sequences: number[][], vocabulary?: number[][]): number[][][] {
  return evaluateGeneric(floatArith, net, sequences, vocabulary);
}

const f32 = Math.fround;

/**
 * IEEE single precision: every weight is rounded to the nearest float32 and every operation's
 * result too (what a float32 runtime computes with the same operation order; exp is the float32
 * rounding of the double exp, which a runtime's expf may differ from in the last place).
 */
export const float32Arith: Arith<number> = {
  weight: (r) => f32(r.toNumber()),
  zero: 0,
  add: (a, b) => f32(a + b),
  mul: (a, b) => f32(a * b),
  relu: (a) => (a > 0 ? a : 0),
  invSqrt: (r) => f32(1 / Math.sqrt(r.toNumber())),
  rsqrt: (a) => f32(1 / Math.sqrt(a)),
  square: (a) => f32(a * a),
  divInt: (a, k) => f32(a / k),
  hardmaxMix(scores, values) {
    const m = Math.max(...scores);
    return meanOf(float32Arith, values.filter((_, j) => scores[j] === m));
  },
  softmaxMix(scores, values) {
    const m = Math.max(...scores);
    const e = scores.map((s) => f32(Math.exp(f32(s - m))));
    const z = e.reduce((a, b) => f32(a + b), 0);
    return values[0]!.map((_, c) => values.reduce((s, v, j) => f32(s + f32(f32(e[j]! / z) * v[c]!)), 0));
  },
};

/** float32 outputs (labelled float), the operation order of evaluateFloat; `vocabulary` rows are rounded to float32. */
export function evaluateFloat32(net: Network, sequences: number[][], vocabulary?: number[][]): number[][][] {
  return evaluateGeneric(float32Arith, net, sequences, vocabulary?.map((r) => r.map(f32)));
}
