/**
 * `memcap construct mha`: Mahdavi et al.'s Theorem 1 construction, end to end (docs/mahdavi.md).
 *
 *   1. saturatedHeads (float64 design: interpolation lemma + saturation column, constant c),
 *   2. rounding W_Q, W_K to dyadic rationals (the IR network that gets certified),
 *   3. rigorous enclosure of Z for THAT network (exact scores, enclosed exp, fixed point),
 *   4. minimum-norm readout W_V with exact-residual refinement, rounded to rationals,
 *   5. certification: every output (|out − y| ≤ ε, or the argmax) over the enclosure, and
 *      rank(Z) = T (Krawczyk bound, σ_min lower bound); precision doubles until decided or the limit.
 *
 * Class labels use d_v = K values per head and WO_h = I_K, so the logits are Σ_h W_V^h z_h = Z·M
 * (M stacks the W_V^h): the readout solves Z·M = one-hot(labels) column by column.
 *
 * @example
 *   const b = buildMha(generateMhaDataset({ d: 16, n: 5, T: 17, context: "shared", seed: 3 }), { H: 4, dh: 5, seed: 3, epsilon: "1e-9" });
 *   b.status // "CERTIFIED"
 */
import { Rational } from "../../src/numbers/rational.ts";
import type { MhaDataset } from "../../src/data/mha.ts";
import { SplitMix32 } from "../../src/random.ts";
import type { Network } from "../../src/ir/network.ts";
import { NETWORK_FORMAT, NETWORK_VERSION } from "../../src/ir/network.ts";
import { countNetwork } from "../../src/ir/count.ts";
import type { Certificate } from "../../src/certificate/format.ts";
import {
  irParameterCount,
  irParameterFormula,
  mahdaviCapacity,
  paperParameterCount,
} from "../../src/bounds/mahdavi.ts";
import { dyadicRound, saturatedHeads, sufficientSaturationConstant, transpose, type SaturationBound } from "./construction.ts";
import { encloseFeatures, scaleRationals, type ExactHead, type FeatureEnclosure } from "./enclosure.ts";
import { RankDeficientError, certifyFullRowRank, certifyOutputs, condEstimate, minNormReadout, type OutputCertificate, type RankCertificate } from "./solve.ts";

export interface MhaBuildOptions {
  H: number;
  dh: number;
  seed: number;
  /** Saturation constant; default: the digest's sufficient bound (float), rounded up to a power of two, capped at 2^30. */
  c?: number;
  /** ε of the regression claim, as written in the certificate (e.g. "1e-9"). */
  epsilon?: string;
  /** Decimal digits of the enclosure; absent: start at 30 and double until decided (≤ maxPrecision). */
  precision?: number;
  maxPrecision?: number;
  /** Significant bits of the rounded W_Q, W_K rows (default 52: the float design exactly, up to row scaling). */
  weightBits?: number;
  /** Progress lines (stderr). */
  progress?: (msg: string) => void;
  /** "construction" (default) or "random": i.i.d. Gaussian W_Q, W_K (the explorer's baseline). */
  attention?: "construction" | "random";
  /** Certify the outputs too (default true; the explorer certifies rank only). */
  certifyLabels?: boolean;
}

export interface PrecisionAttempt {
  digits: number;
  outcome: "certified" | "undecided-outputs" | "rank-not-certified" | "float-rank-deficient";
  detail: string;
  seconds: number;
}

export interface MhaBuild {
  status: "CERTIFIED" | "INCONCLUSIVE";
  reason?: string;
  T: number;
  capacity: number;
  m: number;
  H: number;
  dh: number;
  d: number;
  n: number;
  c: number;
  cSource: string;
  saturation: SaturationBound;
  precisionDigits: number;
  attempts: PrecisionAttempt[];
  outputs?: OutputCertificate;
  rank?: RankCertificate;
  cond?: { sigmaMax: number; sigmaMin: number; cond: number };
  refinement?: { iterations: number[]; residual: number[] };
  network?: Network;
  /** Set by certifyMha (certify.ts) when every output is decided. */
  certificate?: Certificate;
  parameters?: { measured: number; irFormula: string; irFormulaValue: number; paperFormula: string; paperFormulaValue: number; dv: number };
  saturatedWeights?: number;
  seconds: number;
}

/** Dyadic-rounded heads in IR orientation (d_h × d) and their exact scaled form. */
function rationalHeads(ds: MhaDataset, o: MhaBuildOptions, c: number) {
  const bits = o.weightBits ?? 52;
  // one power of two per IR row: the c·v0 row of WK must not swamp the interpolation rows' precision
  const roundRows = (M: number[][]) => transpose(M).map((row) => dyadicRound([row], bits)[0]!);
  if (o.attention === "random") {
    const rng = new SplitMix32(o.seed ^ 0xa77e);
    const gauss = () => Array.from({ length: ds.d }, () => Array.from({ length: o.dh }, () => rng.normal() / Math.sqrt(ds.d)));
    return { heads: Array.from({ length: o.H }, () => ({ WQ: roundRows(gauss()), WK: roundRows(gauss()) })) };
  }
  const sh = saturatedHeads(ds, { H: o.H, dh: o.dh, c, seed: o.seed });
  const heads = sh.heads.map((h) => ({ WQ: roundRows(h.WQ), WK: roundRows(h.WK) }));
  return { sh, heads };
}

const NO_SATURATION: SaturationBound = { c: 0, minGap: NaN, maxB: NaN, sigmaInf: NaN, unsaturated: [] };

/** c used by default: the sufficient bound rounded up to a power of two (≥ 1). */
export function chooseSaturationConstant(ds: MhaDataset, o: MhaBuildOptions): { c: number; bound: SaturationBound; source: string } {
  const probe = saturatedHeads(ds, { H: o.H, dh: o.dh, c: 1, seed: o.seed });
  const bound = sufficientSaturationConstant(ds, probe);
  if (o.c !== undefined) return { c: o.c, bound, source: "--c" };
  const cf = Number.isFinite(bound.c) && bound.c > 1 ? 2 ** Math.ceil(Math.log2(bound.c)) : 1;
  return { c: Math.min(cf, 2 ** 30), bound, source: `sufficient bound ${bound.c.toPrecision(4)} (float, [R]) rounded up to a power of two` };
}

/**
 * Builds and certifies (see header). Never throws for an undecidable instance: the status says
 * INCONCLUSIVE with the reason and the attempts.
 */
export function buildMha(ds: MhaDataset, o: MhaBuildOptions): MhaBuild {
  const t0 = performance.now();
  const log = o.progress ?? (() => {});
  const T = ds.queries.length;
  const m = Math.min(ds.n, o.dh);
  const capacity = mahdaviCapacity({ H: o.H, n: ds.n, dh: o.dh });
  const { c, bound, source } = o.attention === "random" ? { c: 0, bound: NO_SATURATION, source: "random attention (no saturation)" } : chooseSaturationConstant(ds, o);
  const { heads } = rationalHeads(ds, o, c);
  const [X, ...E] = scaleRationals(ds.queries, ...ds.contexts);
  const Dx = X!.den;
  const exactHeads: ExactHead[] = heads.map((h) => {
    const [WQ, WK] = [scaleRationals(h.WQ)[0]!, scaleRationals(h.WK)[0]!];
    return { WQ, WK };
  });
  const Y: Rational[][] =
    ds.labels.kind === "regression"
      ? ds.labels.values.map((y) => [y])
      : ds.labels.values.map((l) => Array.from({ length: (ds.labels as { classes: number }).classes }, (_, k) => (k === l ? Rational.ONE : Rational.ZERO)));
  const epsText = o.epsilon ?? "1e-9";
  const epsilon = Rational.parse(epsText);
  const maxP = o.maxPrecision ?? 240;
  const attempts: PrecisionAttempt[] = [];
  const base: Omit<MhaBuild, "status" | "precisionDigits" | "seconds"> = { T, capacity, m, H: o.H, dh: o.dh, d: ds.d, n: ds.n, c, cSource: source, saturation: bound, attempts };
  let digits = o.precision ?? 30;
  for (;;) {
    const ta = performance.now();
    const F = Math.ceil(digits * Math.log2(10));
    log(`mha: enclosing Z (T = ${T}, ${o.H} heads) at ${digits} digits (2^-${F} fixed point)…`);
    const enc: FeatureEnclosure = encloseFeatures(X!.num, E.map((e) => e.num), Dx, exactHeads, F);
    let outcome: PrecisionAttempt["outcome"];
    let detail: string;
    try {
      const ro = minNormReadout(enc, Y, F + 24);
      const crit = ds.labels.kind === "regression" ? { kind: "abs-error" as const, epsilon, y: ds.labels.values } : { kind: "argmax" as const, labels: ds.labels.values };
      const outputs = certifyOutputs(enc, ro, crit);
      log(`mha: readout refined (${ro.iterations.join(",")} steps, residual ${Math.max(...ro.residual).toExponential(2)}); certifying rank(Z)…`);
      const rank = certifyFullRowRank(enc, ro);
      const cond = condEstimate(ro.qr);
      if ((outputs.undecided.length === 0 || o.certifyLabels === false) && rank.certified) {
        outcome = "certified";
        detail = `all ${T} outputs decided; rank(Z) = ${T} certified`;
        attempts.push({ digits, outcome, detail, seconds: (performance.now() - ta) / 1000 });
        const network = mhaNetwork(ds, heads, ro.w, ro.W);
        const counts = countNetwork(network);
        const dv = ds.labels.kind === "classes" ? ds.labels.classes : 1;
        const parameters = {
          measured: counts.parameters,
          irFormula: irParameterFormula(),
          irFormulaValue: irParameterCount({ H: o.H, d: ds.d, dh: o.dh, dv, dout: dv }),
          paperFormula: "2Hd·d_h + 2Hd·d_v",
          paperFormulaValue: paperParameterCount({ H: o.H, d: ds.d, dh: o.dh, dv }),
          dv,
        };
        return { ...base, status: "CERTIFIED", precisionDigits: digits, outputs, rank, cond, refinement: { iterations: ro.iterations, residual: ro.residual }, network, parameters, saturatedWeights: enc.saturated, seconds: (performance.now() - t0) / 1000 };
      }
      outcome = outputs.undecided.length ? "undecided-outputs" : "rank-not-certified";
      detail = outputs.undecided.length
        ? `${outputs.undecided.length} of ${T} outputs undecided (first: example ${outputs.undecided[0]}; widest output enclosure ${outputs.maxRadius.toExponential(2)})`
        : `rank(Z) = T not certified: ${rank.reason}`;
    } catch (e) {
      if (!(e instanceof RankDeficientError)) throw e;
      outcome = "float-rank-deficient";
      detail = e.message;
    }
    attempts.push({ digits, outcome, detail, seconds: (performance.now() - ta) / 1000 });
    log(`mha: ${digits} digits: ${detail}`);
    if (outcome === "float-rank-deficient" || o.precision !== undefined || digits * 2 > maxP) {
      return {
        ...base,
        status: "INCONCLUSIVE",
        reason: `${detail} at ${digits} digits${outcome === "float-rank-deficient" ? "" : o.precision !== undefined ? " (raise --precision)" : ` (precision limit ${maxP} digits reached)`}`,
        precisionDigits: digits,
        seconds: (performance.now() - t0) / 1000,
      };
    }
    digits *= 2;
  }
}

/**
 * The IR network: one softmax attention layer, queries "last", keys "all-but-last", no residual;
 * WV_h = the readout block of head h (d_v × d), WO_h = [I_{d_v}; 0] (d × d_v: back to the token
 * dimension, as the paper's W_O^h ∈ R^{d_v×d} and as the IR needs for a last-query layer), then an
 * affine read-out [I_{d_v} 0] (d_v × d) at the last position. Needs d_v ≤ d (K ≤ d classes).
 */
export function mhaNetwork(ds: MhaDataset, heads: { WQ: Rational[][]; WK: Rational[][] }[], w: bigint[][], W: number): Network {
  const d = ds.d;
  const dv = w.length;
  const den = 1n << BigInt(W);
  const str = (M: Rational[][]) => M.map((r) => r.map((v) => v.toString()));
  const select = (rows: number, cols: number) => Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === j ? 1 : 0)));
  return {
    format: NETWORK_FORMAT,
    version: NETWORK_VERSION,
    input: { kind: "vectors", dim: d },
    layers: [
      {
        type: "attention",
        attention: "softmax",
        residual: false,
        queries: "last",
        keys: "all-but-last",
        name: "mahdavi-mha",
        heads: heads.map((h, hi) => ({
          WQ: str(h.WQ),
          WK: str(h.WK),
          WV: w.map((col) => col.slice(hi * d, (hi + 1) * d).map((v) => Rational.of(v, den).toString())),
          WO: select(d, dv),
        })),
      },
      { type: "affine", W: select(dv, d), name: "readout" },
    ],
    output: { positions: "last", kind: ds.labels.kind === "classes" ? "logits" : "scalar" },
    meta: { construction: "mahdavi-mha" },
  };
}
