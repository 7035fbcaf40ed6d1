/**
 * Kajitsuka & Sato, Theorem 4.1 / Theorem B.1 (p. 20–22) and Corollary 4.1 (p. 9) as the proof builds
 * them, at the proof's constants (`--variant paper`; docs/kajitsuka-sato.md lists every difference
 * from `--variant compact`, theorem-4-1.ts):
 *
 *   E_in  (affine d → 14): r0 := F(x) = c₁·vᵀx + c₁·r + 2, Lemma C.2 (p. 28) for the V = nN tokens of
 *         the proof, scale c₁ = ⌈2(nN)²·√(πd/8)/δ⌉; values in [2, R₁], gaps ≥ 2.
 *   F1    ϕ̃ of Lemma B.3 (p. 18): Lemma C.1's Stages II–III (lemma-c1-paper.ts) on r0 with labels
 *         f(x) (Lemma B.2, p. 16–18, the paper's f = h + ⌊2N'²|A|√π⌋, N' distinct multisets) on the
 *         Lemma B.1 tokens A and 0 on the others; constants R₁ = 20r(nN)²δ⁻¹√(πd), C₁ = ⌈4N³√π⌉ (p. 21).
 *   F_UA  uniform attention, r2 += (1/n)·Σ_l ϕ̃(x_l) (eqs. (52)–(53), p. 21).
 *   F2    Lemma C.1 on s_k = (F(x_k), ϕ̃(x_k), S/n) ∈ R³: Stage I is Lemma C.2 for V = N points of norm
 *         ≤ r₂ = 20rn²N³δ⁻¹√(πd) (eq. (56)) and separation 1/n (eq. (55)), one block; then Stages II–III
 *         with R₂ = 400·√(3d)·n³·r·N⁵·δ⁻¹·π (p. 20, eq. (57)) and C = the label range.
 *   E_out affine 14 → 1: r0 + (min label − 1) (labels are shifted into [C] = {1, …, C}).
 *
 * Deviations (each also in the block it concerns and in `info.deviations`): the token id F of eq. (48)
 * is the same Lemma C.2 projection as ϕ̃'s Stage I (the paper builds two projections of the same V
 * tokens; one satisfies both eq. (48)–(49) and Stage I, and keeps width 14); Lemma C.2's two layers are
 * affine here (E_in, one F2 block); Lemma B.2 takes another G.1 direction where the literal f fails;
 * plus lemma-c1-paper.ts's list (G.6 ρ/c swap, eq. (153) vs (163), LEN(C), G.5 merged into F^y).
 * Corollary 4.1: every (sequence, position) is an instance and the constants use nN in place of N
 * (the corollary's reduction to nN rotated sequences, p. 8).
 *
 * @example
 *   const { network } = buildKsPaperNetwork(generateSequenceDataset({N: 20, n: 4, d: 3, classes: 2, vocab: 16, seed: 1}), { seq2seq: false, seed: 1 });
 */
import { Rational } from "../../src/numbers/rational.ts";
import type { Layer, Network } from "../../src/ir/network.ts";
import { KS_WIDTH, averagingLayer, inputLayer, ksNetwork, outputLayer } from "./pipeline.ts";
import { multisetKey, separation, type SequenceDataset } from "../../src/data/sequences.ts";
import { Chamber, clear, unit } from "./chamber.ts";
import { c1PaperRegisters, emitLemmaC1Paper, emitLemmaF1, lemmaC2PaperProjection, planLemmaC1Paper, type C1PaperPlan, type C1PaperRegisters } from "./lemma-c1-paper.ts";
import { floorR1, floorR2, lemmaB2PaperRange, lemmaB2PaperShift, paperC1, r2Upper, type PaperShape } from "./paper-constants.ts";
import { greedyDistinguishingTokens, lemmaB2PaperWeights, restrictedCounts, weightedSum } from "./sequence-id.ts";
import type { KsBuildInfo, KsBuildOptions } from "./theorem-4-1.ts";

/** What `--variant paper` changes from the text, in the order the construction meets them. */
export const PAPER_DEVIATIONS = [
  "Lemma C.2 (p. 28): the token id F of eq. (48) and ϕ̃'s Stage I are one projection (the paper builds two of the same tokens); its two layers are affine (the ReLU is the identity on the range).",
  "Lemma B.2 (p. 18): where the proof's f = h + ⌊2N²|S|√π⌋ does not separate the sums, another Lemma G.1 direction is taken (the lemma's statement holds; the proof step does not).",
  "Lemma C.1 (p. 30): Lemma G.6 is called with ρ = LEN(⌊R⌋), c = LEN(C); the text has ρ = log C, c = log R (swapped), and log C is one bit short when C is a power of two.",
  "Lemma G.6 (p. 38): the output is BIN_{jc+1:(j+1)c}(w) as in the proof's eq. (163), not eq. (153)'s BIN_{ρj+1:ρ(j+1)}(w).",
  "Lemma G.6: G.5's output layer is merged into F^y (eq. (158)), equal on every input the lemma admits; the tent map takes σ(2z) = 2z on z ≥ 0; G.4 coordinates are scaled by 2^(L+2).",
  "Lemma G.3: its input and output layers are identities in residual form, emitted as zero blocks to keep the depth 3m + 2.",
  "Group size ⌈√(N/log₂N)⌉ and group count ⌈N/g⌉ (eq. (99) leaves the rounding open).",
];

/** What `--variant bounded-bits` (Theorem F.1) adds. */
export const F1_DEVIATION =
  "Theorem F.1 / Lemma F.1 (p. 34–35): width 14, not 15 — the sub-networks of eq. (140) add into the output register of the residual stream, so the running sum needs no register of its own; subsets are consecutive runs of B² sorted points (the last one may be smaller).";

export interface PaperCallInfo {
  /** Theorem F.1 only: B and the number of Lemma F.1 subsets (each its own Lemma C.1 network); g, m are the first subset's. */
  B?: number;
  subsets?: number;
  g: number;
  m: number;
  rho: number;
  c: number;
  floorR: string;
  C: string;
  /** Blocks emitted for Lemma G.3 and Lemma G.6, and the paper's formulas 3m + 2, 3g·max{ρ,c} + 2g + 2. */
  blocksG3: number;
  blocksG6: number;
  paperDepthG3: number;
  paperDepthG6: number;
}

export interface PaperBuildInfo {
  /** The constants of the proof, as integers (⌊R₁⌋, C₁, ⌊R₂⌋, ⌊r₂⌋ + 1) and Lemma C.2's scales. */
  floorR1: string;
  C1: string;
  floorR2: string;
  r2Upper: string;
  scaleTokens: string;
  scaleF2: string;
  /** Lemma B.2: directions tried, literal failures (the proof's f not separating), N' and |A|. */
  lemmaB2: { attempts: number; literalFailures: number; multisets: number; range: string } | null;
  /** Lemma C.2 directions tried (tokens, F2 Stage I). */
  c2Attempts: { tokens: number; f2: number };
  phi: PaperCallInfo | null;
  f2: PaperCallInfo;
  /** The N in the proof's constants (N, or nN for Corollary 4.1). */
  Nconst: number;
  deviations: string[];
}

const callInfo = (plans: C1PaperPlan[], b: { g3: number; g6: number }, B?: number): PaperCallInfo => ({
  ...(B !== undefined ? { B, subsets: plans.length } : {}),
  g: plans[0]!.g,
  m: plans[0]!.m,
  rho: plans[0]!.rho,
  c: plans[0]!.c,
  floorR: plans[0]!.floorR.toString(),
  C: plans[0]!.C.toString(),
  blocksG3: b.g3,
  blocksG6: b.g6,
  paperDepthG3: plans.reduce((s, p) => s + p.depthG3, 0),
  paperDepthG6: plans.reduce((s, p) => s + p.depthG6, 0),
});

/** One Lemma C.1 call (Theorem 4.1) or Lemma F.1 call (Theorem F.1, when B is given). */
function emitCall(ch: Chamber, regs: C1PaperRegisters, points: Rational[], labels: bigint[], extras: Rational[], k: { floorR: bigint; C: bigint }, label: string, B?: number) {
  if (B !== undefined) return emitLemmaF1(ch, regs, points, labels, extras, k, B, label);
  const plan = planLemmaC1Paper(points, labels, extras, k);
  return { plans: [plan], ...emitLemmaC1Paper(ch, regs, plan, label) };
}

/** Theorem F.1's default B = ⌈N^{1/4}⌉ (ε = 1/4: Õ(N^{1/4}) bits per weight, p. 35), within [1, ⌊√N⌋]. */
export function defaultBitsB(N: number): number {
  return Math.max(1, Math.min(Math.floor(Math.sqrt(N)), Math.ceil(Math.pow(N, 0.25))));
}

/**
 * Builds Theorem 4.1's (or Corollary 4.1's) network as the proof does (see the header). Throws a
 * RangeError for inconsistent shapes or non-integer labels, an Error naming the step when a
 * sampled direction or a paper bound does not work out.
 */
export function buildKsPaperNetwork(ds: SequenceDataset, opts: KsBuildOptions): { network: Network; info: KsBuildInfo } {
  const n = ds.sequences[0]!.length;
  if (ds.sequences.some((s) => s.length !== n)) throw new RangeError("all sequences must have the same length n");
  const d = ds.tokens[0]!.length;
  const W = KS_WIDTH;
  const Nseq = ds.sequences.length;
  const Nconst = opts.seq2seq ? n * Nseq : Nseq;
  const sep = separation(ds.tokens);
  const variant = opts.bitsB === undefined ? "paper" : "bounded-bits";
  const deviations = opts.bitsB === undefined ? PAPER_DEVIATIONS : [...PAPER_DEVIATIONS, F1_DEVIATION];
  const shape: PaperShape = { N: Nconst, n, d, r: sep.r, delta: sep.delta };

  // E_in: Lemma C.2 for the proof's V = nN tokens (eq. (48) with the +2 of Lemma C.1's Stage I)
  const used = [...new Set(ds.sequences.flat())].sort((a, b) => a - b);
  const proj = lemmaC2PaperProjection(used.map((i) => ds.tokens[i]!), sep.r, sep.delta, n * Nconst, opts.seed);
  const tOf = new Map(used.map((tok, i) => [tok, proj.values[i]!]));
  const fR1 = floorR1(shape);
  const C1 = paperC1(Nconst);

  // Lemmas B.1, B.2 (the paper's f, another direction where it fails)
  const A = greedyDistinguishingTokens(ds.sequences);
  const inA = new Set(A);
  const distinct = new Map<string, number[]>();
  for (const s of ds.sequences) distinct.set(multisetKey(s), s);
  const counts = [...distinct.values()].map((s) => restrictedCounts(s, A));
  const Nms = distinct.size;
  const b2 = A.length > 0 ? lemmaB2PaperWeights(counts, Nms, opts.seed, lemmaB2PaperShift(Nms, A.length), lemmaB2PaperRange(Nms, A.length)) : null;
  const f = b2?.f ?? [];
  if (f.some((x) => x > C1)) throw new Error(`Lemma B.3: f exceeds C₁ = ${C1}`);

  const layers: Layer[] = [inputLayer(d, proj.row, proj.bias, `E_in: r0 := c·vᵀx + c·r + 2, c = ${proj.scale}  [Lemma C.2 for V = nN tokens, p. 28; token id of eq. (48) and ϕ̃'s Stage I in one]`)];

  // F1: ϕ̃ = Lemma C.1 Stages II–III on r0 (Lemma B.3)
  const B = opts.bitsB;
  const f1 = new Chamber(W);
  let phiCall: { plans: C1PaperPlan[]; g3: number; g6: number } | null = null;
  if (A.length > 0) {
    const extras = used.filter((tok) => !inA.has(tok)).map((tok) => tOf.get(tok)!);
    const aVals = A.map((tok) => tOf.get(tok));
    if (aVals.some((v) => v === undefined)) throw new Error("Lemma B.1 chose a token no sequence uses");
    phiCall = emitCall(f1, c1PaperRegisters(0, 1, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), aVals as Rational[], f, extras, { floorR: fR1, C: C1 }, "F1 ϕ̃ (Lemma B.3 via C.1):", B);
  }
  layers.push(...f1.layers);

  // F_UA
  layers.push(averagingLayer("F_UA: r2 += (1/n)·Σ_l ϕ̃(x_l)  [uniform attention, eqs. (52)–(53), p. 21]"));

  // the attention outputs s_k of the instances, exactly
  const phiOf = (tok: number): bigint => {
    const i = A.indexOf(tok);
    return i >= 0 ? f[i]! : 0n;
  };
  const nQ = Rational.of(n);
  const instances: { s: Rational[]; y: bigint }[] = [];
  let minLabel: bigint | null = null;
  ds.sequences.forEach((seq, i) => {
    const S = A.length > 0 ? weightedSum(restrictedCounts(seq, A), f) : 0n;
    const avg = Rational.fromBigInt(S).div(nQ);
    const lab = ds.labels[i]!;
    const pos = Array.isArray(lab) ? seq.map((_, k) => k) : [n - 1];
    for (const k of pos) {
      const y = Array.isArray(lab) ? lab[k]! : lab;
      instances.push({ s: [tOf.get(seq[k]!)!, Rational.fromBigInt(phiOf(seq[k]!)), avg], y });
      if (minLabel === null || y < minLabel) minLabel = y;
    }
  });
  const byKey = new Map<string, { s: Rational[]; y: bigint }>();
  for (const inst of instances) {
    const key = inst.s.map((x) => x.toString()).join("|");
    const prev = byKey.get(key);
    if (prev && prev.y !== inst.y) throw new Error(`context-id collision: two instances with labels ${prev.y} and ${inst.y} share s = (${key}) (Lemma B.2 weights failed?)`);
    byKey.set(key, inst);
  }
  const uniq = [...byKey.values()];

  // F2 Stage I: Lemma C.2 on the s_k (V = N points, norm ≤ r₂, separation 1/n), one block
  const r2 = r2Upper(shape);
  const proj2 = lemmaC2PaperProjection(uniq.map((u) => u.s), Rational.fromBigInt(r2), Rational.of(1, n), Nconst, opts.seed + 1);
  const f2 = new Chamber(W);
  f2.block(`F2 Stage I: r3 := c·vᵀs + c·r₂ + 2, c = ${proj2.scale}, r₂ ≤ ${r2}; clear r0, r1, r2  [Lemma C.2 for s_k, eqs. (55)–(56), p. 22]`, [
    unit([[0, proj2.row[0]!], [1, proj2.row[1]!], [2, proj2.row[2]!]], proj2.bias, [[3, 1]]),
    clear(0),
    clear(1),
    clear(2),
  ]);
  const fR2 = floorR2(shape);
  const C = uniq.reduce((a, u) => (u.y - minLabel! + 1n > a ? u.y - minLabel! + 1n : a), 1n);
  const f2Call = emitCall(f2, c1PaperRegisters(3, 0, [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), proj2.values, uniq.map((u) => u.y - minLabel! + 1n), [], { floorR: fR2, C }, "F2 (Lemma C.1):", B);
  layers.push(...f2.layers);

  layers.push(outputLayer(minLabel! - 1n, "E_out: r0 + (min label − 1)  [labels shifted into [C]]"));
  const network = ksNetwork(d, layers, opts.seq2seq, {
    variant,
    paper:
      B === undefined
        ? "Kajitsuka & Sato 2025, Theorem 4.1 / Corollary 4.1, the proof's construction at its constants (Theorem B.1, p. 20–22; Lemma C.1, p. 28–31)"
        : `Kajitsuka & Sato 2025, Theorem F.1 (p. 35), B = ${B}: Theorem B.1's construction with Lemma F.1 (p. 34) for both feed-forward networks`,
    deviations,
  });
  const tMax = [...tOf.values()].reduce((a, b) => (a.gt(b) ? a : b));
  const yMax = proj2.values.reduce((a, b) => (a.gt(b) ? a : b));
  const fMax = f.reduce((a, b) => (a > b ? a : b), 0n);
  const short = (p: C1PaperPlan) => ({ g: p.g, m: p.m, rho: p.rho, c: p.c, paperG: p.g });
  const paper: PaperBuildInfo = {
    floorR1: fR1.toString(),
    C1: C1.toString(),
    floorR2: fR2.toString(),
    r2Upper: r2.toString(),
    scaleTokens: proj.scale.toString(),
    scaleF2: proj2.scale.toString(),
    lemmaB2: b2 ? { attempts: b2.attempts, literalFailures: b2.literalFailures, multisets: Nms, range: b2.range.toString() } : null,
    c2Attempts: { tokens: proj.attempts, f2: proj2.attempts },
    phi: phiCall ? callInfo(phiCall.plans, phiCall, B) : null,
    f2: callInfo(f2Call.plans, f2Call, B),
    Nconst,
    deviations,
  };
  return {
    network,
    info: {
      variant,
      n,
      d,
      sizeA: A.length,
      fMax: fMax.toString(),
      lemmaB2Attempts: b2?.attempts ?? 0,
      tokenIdMax: tMax.toString(),
      phi: phiCall ? short(phiCall.plans[0]!) : null,
      f2: short(f2Call.plans[0]!),
      blocks: { F1: f1.layers.length, F2: f2.layers.length },
      yMax: yMax.toString(),
      minLabel: minLabel!.toString(),
      paper,
    },
  };
}
