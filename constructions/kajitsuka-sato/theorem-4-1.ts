/**
 * Kajitsuka & Sato, Theorem 4.1 (next-token) and Corollary 4.1 (seq2seq) as real networks in memcap's IR:
 *
 *     N = E_out ∘ F2 ∘ F_UA ∘ F1 ∘ E_in            width 14, one uniform-attention layer
 *
 *  E_in  (affine d → 14): register 0 := t(x), the Lemma C.2 token id (integer ≥ 2, gaps ≥ 2).
 *  F1    (residual FFN blocks): register 1 := ϕ̃(t(x)), Lemma B.3: the Lemma C.1 network on token ids with
 *        label f(x) (Lemma B.2 weights, repaired) on the Lemma B.1 tokens A and 0 elsewhere.
 *  F_UA  (uniform attention, W_K = W_Q = 0, W_O·W_V = e₂e₁ᵀ): register 2 += (1/n)·Σ_l ϕ̃(x_l).
 *        Position k now holds s_k = (t(x_k), ϕ̃(x_k), S/n) with S = Σ_l ϕ̃(x_l), an integer that identifies
 *        the multiset (Lemma B.2).
 *  F2    Stage I: register 3 := y = (t_max + 1)·n·(S/n) + t(x_k), the projection of s_k onto the line
 *        (0, 1, (t_max+1)·n) — an integer ≥ 2, and distinct (last token, multiset) pairs get values ≥ 2 apart
 *        because t ∈ [2, t_max] has gaps ≥ 2. Registers 0–2 are cleared in the same block.
 *        Then the Lemma C.1 network on y with the labels (shifted to start at 0) writes register 0.
 *  E_out (affine 14 → 1): reads register 0 and adds back the smallest label.
 *
 * Next-token: output positions "last"; seq2seq (Corollary 4.1): every (sequence, position) pair is an
 * instance, output positions "all".
 *
 * @example
 *   const { network } = buildKsNetwork(generateSequenceDataset({N: 20, n: 4, d: 3, classes: 2, vocab: 16, seed: 1}), { seq2seq: false, seed: 1 });
 */
import type { Layer, Network } from "../../src/ir/network.ts";
import type { SequenceDataset } from "../../src/data/sequences.ts";
import { Chamber } from "./chamber.ts";
import { KS_WIDTH, averagingLayer, inputLayer, ksNetwork, outputLayer, repairedSequenceWeights, stageILineUnits } from "./pipeline.ts";
import { c1Registers, emitLemmaC1, planLemmaC1, type C1Plan } from "./lemma-c1.ts";
import type { PaperBuildInfo } from "./theorem-4-1-paper.ts";
import type { BaselineBuildInfo } from "./baseline.ts";
import { restrictedCounts, tokenIdProjection, weightedSum } from "./sequence-id.ts";

export { KS_WIDTH };

export interface KsBuildOptions {
  seq2seq: boolean;
  seed: number;
  /** Group size for both Lemma C.1 networks (default: depth-minimizing). */
  groupSize?: number;
  /** Theorem F.1 (bounded-bits variant): B, so that every Lemma C.1 sub-network holds B² points. */
  bitsB?: number;
}

/** Which construction of the theorem: memcap's compact realization, the proof's at its constants, or the naive baseline. */
export type KsVariant = "compact" | "paper" | "baseline" | "bounded-bits";
export const KS_VARIANTS: readonly KsVariant[] = ["compact", "paper", "baseline", "bounded-bits"];

export interface KsBuildInfo {
  variant: KsVariant;
  n: number;
  d: number;
  /** Lemma B.1: |A|. Lemma B.2: the range of f. */
  sizeA: number;
  fMax: string;
  lemmaB2Attempts: number;
  tokenIdMax: string;
  phi: Pick<C1Plan, "g" | "m" | "rho" | "c" | "paperG"> | null;
  f2: Pick<C1Plan, "g" | "m" | "rho" | "c" | "paperG">;
  /** Number of IR layers of each part. */
  blocks: { F1: number; F2: number };
  /** Largest Stage I value y (the R of the second Lemma C.1 network). */
  yMax: string;
  minLabel: string;
  /** `--variant paper` only: the proof's constants and the per-lemma depths (theorem-4-1-paper.ts). */
  paper?: PaperBuildInfo;
  /** `--variant baseline` only (baseline.ts). */
  baseline?: BaselineBuildInfo;
}

const planInfo = (p: C1Plan) => ({ g: p.g, m: p.m, rho: p.rho, c: p.c, paperG: p.paperG });

/**
 * Builds Theorem 4.1's (or Corollary 4.1's) network for a consistent dataset with integer labels.
 * Throws a RangeError when sequences have different lengths or labels are not integers.
 */
export function buildKsNetwork(ds: SequenceDataset, opts: KsBuildOptions): { network: Network; info: KsBuildInfo } {
  const n = ds.sequences[0]!.length;
  if (ds.sequences.some((s) => s.length !== n)) throw new RangeError("all sequences must have the same length n");
  const d = ds.tokens[0]!.length;
  const W = KS_WIDTH;

  // Lemma C.2: token ids
  const tid = tokenIdProjection(ds.tokens, opts.seed);
  const t = tid.values;
  const tMax = t.reduce((a, b) => (a > b ? a : b));

  // Lemmas B.1, B.2: distinguishing tokens and their (repaired) weights
  const { A, f, b2 } = repairedSequenceWeights(ds, n, opts.seed);
  const inA = new Set(A);

  const layers: Layer[] = [inputLayer(d, tid.row, tid.bias, "E_in: r0 := t(x)  [Lemma C.2 token id]")];

  // F1: ϕ̃ (Lemma B.3 = Lemma C.1 on token ids; extras → 0)
  const f1 = new Chamber(W);
  let phiPlan: C1Plan | null = null;
  if (A.length > 0) {
    const extras = t.filter((_, i) => !inA.has(i));
    phiPlan = planLemmaC1(A.map((a) => t[a]!), f, extras, { groupSize: opts.groupSize });
    emitLemmaC1(f1, c1Registers(0, 1, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), phiPlan, "F1 ϕ̃ (Lemma B.3 via C.1)");
  }
  layers.push(...f1.layers);

  layers.push(averagingLayer("F_UA: r2 += (1/n)·Σ_l ϕ̃(x_l)  [uniform attention, W_K = 0]"));

  // F2 Stage I: y = (tMax+1)·n·r2 + r0 into r3; clear r0, r1, r2
  const Sof = (s: number[]) => (A.length > 0 ? weightedSum(restrictedCounts(s, A), f) : 0n);
  const yOf = (S: bigint, tok: number) => (tMax + 1n) * S + t[tok]!;
  const f2 = new Chamber(W);
  f2.block("F2 Stage I: r3 := (t_max+1)·n·r2 + r0; clear r0, r1, r2", stageILineUnits(tMax, n));

  // F2 Lemma C.1 on y
  const labelled = new Map<bigint, bigint>();
  let minLabel: bigint | null = null;
  const instances: [bigint, bigint][] = [];
  ds.sequences.forEach((s, i) => {
    const S = Sof(s);
    const lab = ds.labels[i]!;
    const pos = Array.isArray(lab) ? s.map((_, k) => k) : [n - 1];
    for (const k of pos) {
      const y = Array.isArray(lab) ? lab[k]! : lab;
      instances.push([yOf(S, s[k]!), y]);
      if (minLabel === null || y < minLabel) minLabel = y;
    }
  });
  for (const [y, lab] of instances) {
    const prev = labelled.get(y);
    if (prev !== undefined && prev !== lab) throw new Error(`Stage I collision: two instances with different labels share y = ${y} (Lemma B.2 weights failed?)`);
    labelled.set(y, lab);
  }
  const ys = [...labelled.keys()];
  const f2Plan = planLemmaC1(ys, ys.map((y) => labelled.get(y)! - minLabel!), [], { groupSize: opts.groupSize });
  emitLemmaC1(f2, c1Registers(3, 0, [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), f2Plan, "F2 (Lemma C.1)");
  layers.push(...f2.layers);

  layers.push(outputLayer(minLabel!, "E_out: r0 + min label"));
  const network = ksNetwork(d, layers, opts.seq2seq, { variant: "compact", paper: "Kajitsuka & Sato 2025, Theorem 4.1 / Corollary 4.1" });
  const yMax = ys.reduce((a, b) => (a > b ? a : b));
  const fMax = f.reduce((a, b) => (a > b ? a : b), 0n);
  return {
    network,
    info: {
      variant: "compact",
      n,
      d,
      sizeA: A.length,
      fMax: fMax.toString(),
      lemmaB2Attempts: b2?.attempts ?? 0,
      tokenIdMax: tMax.toString(),
      phi: phiPlan ? planInfo(phiPlan) : null,
      f2: planInfo(f2Plan),
      blocks: { F1: f1.layers.length, F2: f2.layers.length },
      yMax: yMax.toString(),
      minLabel: minLabel!.toString(),
    },
  };
}
