/**
 * Re-checks a trained `aot` model (Dana et al. eq. (2)) exactly: its float64 weights are rationalized
 * (each double is an exact dyadic rational, Rational.fromNumber) into the network IR, and a hardmax model
 * is evaluated exactly with src/eval/exact.ts; an example counts as memorized iff its label's logit is
 * the strict maximum. This is what turns a float "memorized" into a certified one (or refutes it: float
 * rounding can flip an argmax or a hardmax tie). Softmax models need interval arithmetic: not done here.
 *
 * @example
 *   const net = aotTrainedNetwork(config, program, params); exactArgmaxCount(net, seqs, labels)
 */
import { NETWORK_FORMAT, NETWORK_VERSION, type Network } from "../../src/ir/network.ts";
import { compileExact } from "../../src/eval/exact.ts";
import { Rational } from "../../src/numbers/rational.ts";
import type { Program } from "../../src/train/graph.ts";
import type { ModelConfig } from "../../src/train/models.ts";

const q = (x: number) => Rational.fromNumber(x).toString();

/** A trained parameter tensor as a row-major matrix of numbers. */
export function paramMatrix(program: Program, params: Float64Array, name: string): number[][] {
  const t = program.graph.tensors.get(name);
  if (!t || t.role !== "param") throw new Error(`no parameter ${name}`);
  const [r, c] = t.shape as [number, number];
  return Array.from({ length: r }, (_, i) => Array.from(params.subarray(t.offset + i * c, t.offset + (i + 1) * c)));
}

/**
 * The IR network of a trained `aot` model (x·W convention of the trainer transposed into the IR's W·x).
 * @example aotTrainedNetwork(cfg, program, params).layers.length === 4
 */
export function aotTrainedNetwork(c: ModelConfig, program: Program, params: Float64Array): Network {
  if (c.model !== "aot") throw new Error(`exact re-check is implemented for the aot model only, not ${c.model}`);
  const { d, dh, heads: H } = c;
  const m = (n: string) => paramMatrix(program, params, n);
  const E = m("embed"), P = m("pos"), WQ = m("W_Q"), WK = m("W_K"), WV = m("W_V"), WO = m("W_O"), WU = m("W_U");
  const headRows = (W: number[][], h: number) => Array.from({ length: dh }, (_, r) => Array.from({ length: d }, (_, i) => q(W[i]![h * dh + r]!)));
  return {
    format: NETWORK_FORMAT, version: NETWORK_VERSION, input: { kind: "tokens", vocab: c.vocab },
    layers: [
      { type: "embedding", table: E.map((r) => r.map(q)) },
      { type: "positional", table: P.map((r) => r.map(q)) },
      {
        type: "attention", attention: c.attention, residual: true, queries: "last", keys: "all", scale: "1",
        heads: Array.from({ length: H }, (_, h) => ({
          WQ: headRows(WQ, h), WK: headRows(WK, h), WV: headRows(WV, h),
          WO: Array.from({ length: d }, (_, i) => Array.from({ length: dh }, (_, r) => q(WO[h * dh + r]![i]!))),
        })),
      },
      { type: "affine", name: "W_U", W: Array.from({ length: c.vocab }, (_, v) => Array.from({ length: d }, (_, i) => q(WU[i]![v]!))) },
    ],
    output: { positions: "last", kind: "logits" },
    meta: { source: "trained aot model, float64 weights rationalized exactly" },
  };
}

/**
 * Number of sequences whose label is the strict exact argmax (piecewise-linear networks only: hardmax/uniform).
 * @example exactArgmaxCount(net, [[0, 1]], [3]) // 0 or 1
 */
export function exactArgmaxCount(net: Network, sequences: number[][], labels: number[]): { correct: number; wrong: number[] } {
  const out = compileExact(net).evaluate(sequences);
  const wrong: number[] = [];
  out.forEach((o, i) => {
    const logits = o[0]!;
    const y = labels[i]!;
    if (!logits.every((v, k) => k === y || v.lt(logits[y]!))) wrong.push(i);
  });
  return { correct: sequences.length - wrong.length, wrong };
}
