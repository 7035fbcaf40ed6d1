/**
 * The layers every Kajitsuka–Sato variant shares (Theorem B.1's E_out ∘ F2 ∘ F_UA ∘ F1 ∘ E_in, p. 20):
 * the 14-register input map, the uniform attention layer of eqs. (52)–(53) (p. 21), the output map,
 * the network envelope, and — for the compact and baseline variants — the repaired Lemma B.1/B.2
 * weights and Stage I's exact line. Each builder (theorem-4-1.ts, theorem-4-1-paper.ts, baseline.ts)
 * composes them with its own F1 and F2.
 *
 * @example
 *   averagingLayer("F_UA").type // "attention"
 */
import { Rational } from "../../src/numbers/rational.ts";
import type { Layer, Network } from "../../src/ir/network.ts";
import { NETWORK_FORMAT, NETWORK_VERSION } from "../../src/ir/network.ts";
import { multisetKey, type SequenceDataset } from "../../src/data/sequences.ts";
import { unit, type Unit } from "./chamber.ts";
import { greedyDistinguishingTokens, lemmaB2Weights, restrictedCounts, type LemmaB2Weights } from "./sequence-id.ts";

/** Theorem 4.1's width: 14 registers. */
export const KS_WIDTH = 14;

/** E_in: r0 := row·x + bias (a Lemma C.2 projection), every other register 0. */
export function inputLayer(d: number, row: Rational[], bias: Rational, name: string): Layer {
  const W = Array.from({ length: KS_WIDTH }, (_, i) => Array.from({ length: d }, (_, j) => (i === 0 ? row[j]!.toString() : "0")));
  const b = Array.from({ length: KS_WIDTH }, (_, i) => (i === 0 ? bias.toString() : "0"));
  return { type: "affine", W, b, name };
}

/** F_UA (eqs. (52)–(53)): uniform attention with W_O·W_V = e₂e₁ᵀ, so r2 += (1/n)·Σ_l r1(x_l). */
export function averagingLayer(name: string): Layer {
  const WV = [Array.from({ length: KS_WIDTH }, (_, j) => (j === 1 ? "1" : "0"))];
  const WO = Array.from({ length: KS_WIDTH }, (_, i) => [i === 2 ? "1" : "0"]);
  return { type: "attention", attention: "uniform", heads: [{ WQ: [], WK: [], WV, WO }], residual: true, queries: "all", keys: "all", name };
}

/** E_out: r0 + shift. */
export function outputLayer(shift: bigint, name: string): Layer {
  return { type: "affine", W: [Array.from({ length: KS_WIDTH }, (_, j) => (j === 0 ? "1" : "0"))], b: [shift.toString()], name };
}

/** The network envelope of a K&S construction. */
export function ksNetwork(d: number, layers: Layer[], seq2seq: boolean, meta: Record<string, unknown>): Network {
  return {
    format: NETWORK_FORMAT,
    version: NETWORK_VERSION,
    input: { kind: "vectors", dim: d },
    layers,
    output: { positions: seq2seq ? "all" : "last", kind: "scalar" },
    meta: { construction: seq2seq ? "ks-seq2seq" : "ks-next-token", ...meta },
  };
}

/** Lemma B.1's tokens A and Lemma B.2's repaired weights f (COUNTEREXAMPLES.md §1), as compact and baseline use them. */
export function repairedSequenceWeights(ds: SequenceDataset, n: number, seed: number): { A: number[]; f: bigint[]; b2: LemmaB2Weights | null } {
  const A = greedyDistinguishingTokens(ds.sequences);
  const distinct = new Map<string, number[]>();
  for (const s of ds.sequences) distinct.set(multisetKey(s), s);
  const counts = [...distinct.values()].map((s) => restrictedCounts(s, A));
  const b2 = A.length > 0 ? lemmaB2Weights(counts, ds.sequences.length, n, seed) : null;
  return { A, f: b2?.fRepaired ?? [], b2 };
}

/** Stage I on the exact line (0, 1, (t_max+1)·n): r3 := (t_max+1)·n·r2 + r0; clear r0, r1, r2 (all ≥ 0). */
export function stageILineUnits(tMax: bigint, n: number): Unit[] {
  return [
    unit([[2, (tMax + 1n) * BigInt(n)], [0, 1]], 0, [[3, 1]]),
    unit([[0, 1]], 0, [[0, -1]]),
    unit([[1, 1]], 0, [[1, -1]]),
    unit([[2, 1]], 0, [[2, -1]]),
  ];
}
