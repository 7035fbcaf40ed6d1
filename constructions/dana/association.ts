/**
 * `memcap construct aot`: Corollary 1 / Theorem 1 with ε = 0 of Dana et al. — an attention-only
 * Transformer with H rank-1 heads memorizing T₀ = H·d_h + d associations of a look-up table, built by
 * aot.ts and certified here argmax by argmax.
 *
 * Precision is found automatically: level "float64" (float LU + double-double refinement, weights with
 * `weightDigits` digits, fast float64 interval certification); if some association stays undecided,
 * decimal levels p = 30, 50, 80, … ≤ maxPrecision re-solve M in decimal.js at p + 10 digits, round the
 * weights to p digits and certify with decimal.js intervals at p digits. Whatever stays undecided is
 * INCONCLUSIVE with the reason; it is never counted as memorized.
 *
 * @example
 *   const r = constructAot(randomLookupTable({ N: 10, S: 2, T: 100, seed: 1 }), { d: 2, dh: 2, H: 49, seed: 1 });
 *   r.certified // 100
 */
import type { Decimal } from "decimal.js";
import type { LookupTable } from "../../src/data/associations.ts";
import type { Network } from "../../src/ir/network.ts";
import { countNetwork } from "../../src/ir/count.ts";
import { absorbSkipConnection, aotNetwork, conditioningFloat, genericWeights, solveReadout, type GenericWeights, type SolveMethod } from "./aot.ts";
import { circleEncoder, encoderMargin } from "./encoders.ts";
import { floatRank } from "../../src/linalg/float.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { argmaxVerdict, compileFast, fastLogits, type Verdict } from "./fast-interval.ts";

/** Encloses the logits of each sequence at `digits` significant digits (decimal.js intervals). */
export type DecimalEnclosure = (net: Network, sequences: number[][], digits: number) => { lo: Decimal[]; hi: Decimal[] }[];

export interface AotOptions {
  d: number;
  dh: number;
  H: number;
  seed: number;
  /** q_h ~ N(0, (qkScale/d)²): sharper heads, better conditioned M (aot.ts header). Default 8. */
  qkScale?: number;
  /** Target scale λ in E(t) = λ W_{g(t)}. Default 1. */
  lambda?: number;
  /** Significant digits of W_U, W_O at the float64 level. Default 20. */
  weightDigits?: number;
  /** Largest decimal precision tried. Default 200. */
  maxPrecision?: number;
  /** Largest T for which a decimal re-solve is attempted (O(T³) decimal operations). Default 400. */
  decimalSolveLimit?: number;
  /** decimal.js interval evaluator for the decimal levels (src/eval/interval.ts); absent: float64 level only. */
  decimalEnclosure?: DecimalEnclosure;
  /** Progress lines (stderr). */
  progress?: (line: string) => void;
}

export interface Attempt {
  level: string;
  certified: number;
  refuted: number;
  inconclusive: number;
  seconds: number;
}

export interface AotResult {
  network: Network;
  weights: GenericWeights;
  table: LookupTable;
  verdicts: Verdict[];
  certified: number;
  refuted: number;
  inconclusive: number;
  /** Level at which the reported verdicts were obtained: "float64" or "<p> digits". */
  level: string;
  /** Decimal digits at which the verdicts were obtained (null: float64 intervals). */
  precisionDigits: number | null;
  attempts: Attempt[];
  capacity: number;
  solveShape: string;
  relResidual: number | null;
  conditioning: { sigmaMax: number; sigmaMin: number; ratio: number } | null;
  norms: { WU: number; WO: number; WOmaxAbs: number };
  encoderMargin: number;
  reason?: string;
}

function frobenius(rows: (number | Decimal)[][]): number {
  return Math.sqrt(rows.reduce((a: number, r) => a + r.reduce((b: number, v) => b + Number(v) ** 2, 0), 0));
}

/** Builds the association network for a given solve method (steps 1–5). */
export function buildAssociationNetwork(table: LookupTable, o: AotOptions, method: SolveMethod, digits: number) {
  // the d skip rows x_S = e(t_S) + pos_S of M are independent only if the sequences end in ≥ d distinct tokens;
  // otherwise M loses rank and R = Z[:, :d], which absorbs the skip connection, is singular
  const skip = skipBlockRank(table.sequences, o.d);
  if (skip < o.d)
    throw new RangeError(
      `the sequences end in only ${skip} distinct token(s) < d = ${o.d}: the skip rows x_S of M = [x_S; W_V·A] span ${skip} < d dimensions, so M has rank at most H·d_h + ${skip} and the skip connection cannot be absorbed (claim dana.construction-rank.literal)`,
    );
  const w = genericWeights({ N: table.N, S: table.S, d: o.d, dh: o.dh, H: o.H, seed: o.seed, qkScale: o.qkScale ?? 8 });
  const { W } = circleEncoder(table.N, o.d, o.d > 2 ? o.seed : undefined);
  const lambda = o.lambda ?? 1;
  const E = Array.from({ length: o.d }, (_, i) => table.next.map((g) => lambda * W[g]![i]!));
  // W_O = R⁻¹·Z′ needs R = Z[:, :d] invertible; Z = E·M⁻¹ has the rank of the targets E(t) = λ·W_{g(t)},
  // which is below d for certain when the table's next tokens take fewer than d values
  const nextTokens = [...new Set(table.next)].sort((a, b) => a - b);
  const absorbDiagnosis = () => {
    const targetRank = floatRank(nextTokens.map((g) => W[g]!.map((v) => Rational.from(v)))).rank;
    if (targetRank >= o.d) return `step 4 (absorbing the skip connection, W_O = R⁻¹·Z′ with R = Z[:, :d]): R is singular although the targets E(t) = λ·W_{g(t)} span d = ${o.d} dimensions (float rank): the readout Z lost rank numerically; try another --seed or --qk-scale`;
    return `step 4 (absorbing the skip connection, W_O = R⁻¹·Z′ with R = Z[:, :d]): R is singular because the table's next tokens take ${nextTokens.length} value(s) (${nextTokens.join(", ")}) whose encoder rows W_g span ${targetRank} < d = ${o.d} dimensions (float rank), so the targets E(t) = λ·W_{g(t)} and Z = E·M⁻¹ have rank ${targetRank}; memcap's construction does not cover such tables (they are memorized by other weights, e.g. a constant read-out)`;
  };
  if (nextTokens.length < o.d) throw new RangeError(absorbDiagnosis());
  let rd: ReturnType<typeof solveReadout>;
  try {
    rd = solveReadout(w, table.sequences, E, method);
  } catch (e) {
    throw new RangeError(`step 5 (the readout solve Z·M = E, M of size ${o.d + o.H * o.dh} × ${table.sequences.length}): ${(e as Error).message}; the sequences end in ${skip} ≥ d distinct tokens, so the obstruction is numerical rank loss of the generic heads (seed ${o.seed}): try another --seed or --qk-scale`);
  }
  let WU: Decimal[][];
  let WO: Decimal[][];
  try {
    ({ WU, WO } = absorbSkipConnection(W, rd.Z, digits));
  } catch (e) {
    throw new RangeError(`${absorbDiagnosis()} (${(e as Error).message})`);
  }
  const meta = {
    construction: "Dana, Pydi & Chevaleyre 2025, Corollary 1 (Theorem 1, ε = 0)",
    T: table.sequences.length,
    capacity: o.d + o.H * o.dh,
    solve: method.kind === "float64" ? "float64 LU + double-double iterative refinement" : `decimal.js Gaussian elimination at ${method.digits} digits`,
    weightDigits: digits,
    qkScale: o.qkScale ?? 8,
    lambda,
  };
  const network = aotNetwork(w, WU, WO, digits, meta);
  return { network, w, W, rd, norms: { WU: frobenius(WU), WO: frobenius(WO), WOmaxAbs: Math.max(...WO.flat().map((v) => Math.abs(Number(v)))) } };
}

/** Fast float64 interval verdicts for every association (the label must be the certified argmax). */
export function fastVerdicts(net: Network, table: LookupTable): Verdict[] {
  const f = compileFast(net);
  return table.sequences.map((t, i) => argmaxVerdict(fastLogits(f, t), table.next[i]!));
}

/** Decimal verdicts from interval enclosures. */
export function decimalVerdicts(enc: { lo: Decimal[]; hi: Decimal[] }[], labels: number[]): Verdict[] {
  return enc.map((L, i) => {
    const g = labels[i]!;
    let all = true;
    for (let j = 0; j < L.lo.length; j++) {
      if (j === g) continue;
      if (L.lo[j]!.gt(L.hi[g]!)) return "refuted";
      if (!L.lo[g]!.gt(L.hi[j]!)) all = false;
    }
    return all ? "certified" : "inconclusive";
  });
}

const tally = (v: Verdict[]) => ({
  certified: v.filter((x) => x === "certified").length,
  refuted: v.filter((x) => x === "refuted").length,
  inconclusive: v.filter((x) => x === "inconclusive").length,
});

/** Decimal precisions tried after float64, up to the limit. */
export function precisionLadder(max: number): number[] {
  const out: number[] = [];
  for (let p = 30; p <= max; p = Math.round(p * 1.6)) out.push(p);
  if (out[out.length - 1] !== max && max >= 30) out.push(max);
  return out;
}

/** The construction with the automatic precision search (see header). */
/**
 * The rank the skip connection contributes to M: the x_S rows span at most min(d, #distinct last
 * tokens) dimensions (equal last tokens give equal x_S = e(t_S) + pos_S).
 * @example skipBlockRank([[0, 1], [2, 1], [1, 1]], 2) // 1
 */
export function skipBlockRank(sequences: number[][], d: number): number {
  return Math.min(d, new Set(sequences.map((s) => s[s.length - 1]!)).size);
}

export function constructAot(table: LookupTable, o: AotOptions): AotResult {
  const say = o.progress ?? (() => {});
  const capacity = o.d + o.H * o.dh;
  const attempts: Attempt[] = [];
  let t0 = performance.now();
  say(`solving Z·M = E in float64 (T = ${table.sequences.length}, H·d_h + d = ${capacity}) …`);
  let built = buildAssociationNetwork(table, o, { kind: "float64" }, o.weightDigits ?? 20);
  say("certifying with float64 intervals …");
  let verdicts = fastVerdicts(built.network, table);
  let level = "float64";
  attempts.push({ level, ...tally(verdicts), seconds: (performance.now() - t0) / 1000 });
  let reason: string | undefined;
  if (tally(verdicts).inconclusive > 0) {
    const max = o.maxPrecision ?? 200;
    if (!o.decimalEnclosure) reason = "float64 intervals too wide and no decimal interval evaluator available";
    else if (table.sequences.length > (o.decimalSolveLimit ?? 400)) reason = `float64 intervals too wide; a decimal re-solve for T = ${table.sequences.length} exceeds --decimal-solve-limit`;
    else {
      for (const p of precisionLadder(max)) {
        // (a) the float64-built network, decimal intervals at p digits on what is still open
        t0 = performance.now();
        const open0 = verdicts.map((v, i) => (v === "inconclusive" ? i : -1)).filter((i) => i >= 0);
        say(`precision ${p}: decimal intervals at ${p} digits on ${open0.length} open associations …`);
        const dec0 = decimalVerdicts(o.decimalEnclosure(built.network, open0.map((i) => table.sequences[i]!), p), open0.map((i) => table.next[i]!));
        open0.forEach((i, k) => (verdicts[i] = dec0[k]!));
        level = `${p} digits`;
        attempts.push({ level: `${p}-digit intervals, same weights`, ...tally(verdicts), seconds: (performance.now() - t0) / 1000 });
        if (tally(verdicts).inconclusive === 0) break;
        // (b) re-solve in decimal so that the weights themselves are p digits accurate
        t0 = performance.now();
        say(`precision ${p}: decimal solve at ${p + 10} digits, weights to ${p} digits …`);
        built = buildAssociationNetwork(table, o, { kind: "decimal", digits: p + 10 }, p);
        const fast = fastVerdicts(built.network, table);
        const open = fast.map((v, i) => (v === "inconclusive" ? i : -1)).filter((i) => i >= 0);
        const dec = decimalVerdicts(open.length ? o.decimalEnclosure(built.network, open.map((i) => table.sequences[i]!), p) : [], open.map((i) => table.next[i]!));
        verdicts = fast.slice();
        open.forEach((i, k) => (verdicts[i] = dec[k]!));
        attempts.push({ level: `${p}-digit decimal solve and intervals`, ...tally(verdicts), seconds: (performance.now() - t0) / 1000 });
        if (tally(verdicts).inconclusive === 0) break;
      }
      if (tally(verdicts).inconclusive > 0) reason = `intervals still too wide at --max-precision ${max} digits`;
    }
  }
  const cond = table.sequences.length === capacity && capacity <= 3000 ? conditioningFloat(built.w, table.sequences, built.rd.factor) : null;
  return {
    network: built.network,
    weights: built.w,
    table,
    verdicts,
    ...tally(verdicts),
    level,
    precisionDigits: level === "float64" ? null : Number.parseInt(level, 10),
    attempts,
    capacity,
    solveShape: built.rd.shape,
    relResidual: built.rd.relResidual,
    conditioning: cond,
    norms: built.norms,
    encoderMargin: encoderMargin(built.W) * (o.lambda ?? 1),
    reason,
  };
}

export { countNetwork };
