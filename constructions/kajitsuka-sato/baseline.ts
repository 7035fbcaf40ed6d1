/**
 * A naive baseline for Kajitsuka & Sato's task (`--variant baseline`): the same pipeline as the compact
 * Theorem 4.1 network (theorem-4-1.ts: Lemma C.2 token ids, Lemma B.1/B.2 weights with the repaired
 * f, uniform attention, Stage I's context id y = (t_max + 1)·S + t), but each of the two Lemma C.1
 * networks replaced by a plain lookup without bit packing: ONE residual ReLU block of width 3P that
 * adds, for each of the P labelled points x_i (integers ≥ 2 apart), label_i·hat(x − x_i) with
 *
 *     hat(z) = σ(z + 1) − 2σ(z) + σ(z − 1)      (1 at z = 0, 0 for |z| ≥ 1)
 *
 * — the textbook one-hidden-layer memorizer on a separated scalar, O(P) parameters against Lemma C.1's
 * Õ(√P). Points with label 0 get no hat (extras and zero labels are 0 for free).
 *
 * @example
 *   const { network } = buildKsBaselineNetwork(generateSequenceDataset({N: 20, n: 4, d: 3, classes: 2, vocab: 16, seed: 1}), { seq2seq: false, seed: 1 });
 */
import type { Layer, Network } from "../../src/ir/network.ts";
import type { SequenceDataset } from "../../src/data/sequences.ts";
import { Chamber, unit, type Unit } from "./chamber.ts";
import { KS_WIDTH, averagingLayer, inputLayer, ksNetwork, outputLayer, repairedSequenceWeights, stageILineUnits } from "./pipeline.ts";
import { restrictedCounts, tokenIdProjection, weightedSum } from "./sequence-id.ts";
import type { KsBuildInfo, KsBuildOptions } from "./theorem-4-1.ts";

export interface BaselineBuildInfo {
  /** Hat units of the two lookups (3 per point with a nonzero label). */
  hatsPhi: number;
  hatsF2: number;
}

/** The 3 units of label·hat(x − p) reading register `x`, adding to `out`. */
export function hatUnits(x: number, out: number, p: bigint, label: bigint): Unit[] {
  return [unit([[x, 1]], -p + 1n, [[out, label]]), unit([[x, 1]], -p, [[out, -2n * label]]), unit([[x, 1]], -p - 1n, [[out, label]])];
}

/** label·hat(x − p), as arithmetic. @example lookupReference([[5n, 3n]], 5n) // 3n */
export function lookupReference(points: [bigint, bigint][], x: bigint): bigint {
  const r = (v: bigint) => (v > 0n ? v : 0n);
  return points.reduce((s, [p, l]) => s + l * (r(x - p + 1n) - 2n * r(x - p) + r(x - p - 1n)), 0n);
}

/** Builds the baseline network (see the header). Throws like `buildKsNetwork`. */
export function buildKsBaselineNetwork(ds: SequenceDataset, opts: KsBuildOptions): { network: Network; info: KsBuildInfo } {
  const n = ds.sequences[0]!.length;
  if (ds.sequences.some((s) => s.length !== n)) throw new RangeError("all sequences must have the same length n");
  const d = ds.tokens[0]!.length;
  const W = KS_WIDTH;
  const tid = tokenIdProjection(ds.tokens, opts.seed);
  const t = tid.values;
  const tMax = t.reduce((a, b) => (a > b ? a : b));
  const { A, f, b2 } = repairedSequenceWeights(ds, n, opts.seed);

  const layers: Layer[] = [inputLayer(d, tid.row, tid.bias, "E_in: r0 := t(x)  [Lemma C.2 token id]")];

  const f1 = new Chamber(W, Number.POSITIVE_INFINITY);
  const phiUnits = A.flatMap((a, i) => hatUnits(0, 1, t[a]!, f[i]!));
  f1.block("F1 baseline ϕ̃: r1 += Σ_{a∈A} f(a)·hat(r0 − t(a))  [one-hidden-layer lookup, no bit packing]", phiUnits);
  layers.push(...f1.layers);

  layers.push(averagingLayer("F_UA: r2 += (1/n)·Σ_l ϕ̃(x_l)  [uniform attention]"));

  const Sof = (s: number[]) => (A.length > 0 ? weightedSum(restrictedCounts(s, A), f) : 0n);
  const f2 = new Chamber(W, Number.POSITIVE_INFINITY);
  f2.block("F2 Stage I: r3 := (t_max+1)·n·r2 + r0; clear r0, r1, r2", stageILineUnits(tMax, n));
  const labelled = new Map<bigint, bigint>();
  let minLabel: bigint | null = null;
  ds.sequences.forEach((s, i) => {
    const S = Sof(s);
    const lab = ds.labels[i]!;
    const pos = Array.isArray(lab) ? s.map((_, k) => k) : [n - 1];
    for (const k of pos) {
      const y = Array.isArray(lab) ? lab[k]! : lab;
      const key = (tMax + 1n) * S + t[s[k]!]!;
      const prev = labelled.get(key);
      if (prev !== undefined && prev !== y) throw new Error(`Stage I collision: two instances with different labels share y = ${key}`);
      labelled.set(key, y);
      if (minLabel === null || y < minLabel) minLabel = y;
    }
  });
  const f2Units = [...labelled].flatMap(([y, lab]) => (lab === minLabel ? [] : hatUnits(3, 0, y, lab - minLabel!)));
  f2.block("F2 baseline: r0 += Σ_i (y_i − min)·hat(r3 − context id_i)  [one-hidden-layer lookup, no bit packing]", f2Units);
  layers.push(...f2.layers);
  layers.push(outputLayer(minLabel!, "E_out: r0 + min label"));
  const network = ksNetwork(d, layers, opts.seq2seq, { variant: "baseline", paper: "naive baseline for Kajitsuka & Sato's task (one-hidden-layer lookups in place of Lemma C.1)" });
  const ys = [...labelled.keys()];
  const none = { g: 0, m: 0, rho: 0, c: 0, paperG: 0 };
  return {
    network,
    info: {
      variant: "baseline",
      n,
      d,
      sizeA: A.length,
      fMax: f.reduce((a, b) => (a > b ? a : b), 0n).toString(),
      lemmaB2Attempts: b2?.attempts ?? 0,
      tokenIdMax: tMax.toString(),
      phi: null,
      f2: none,
      blocks: { F1: f1.layers.length, F2: f2.layers.length },
      yMax: ys.reduce((a, b) => (a > b ? a : b)).toString(),
      minLabel: minLabel!.toString(),
      baseline: { hatsPhi: phiUnits.length, hatsF2: f2Units.length },
    },
  };
}
