/**
 * The readout of the construction and its certification (docs/mahdavi.md#certification):
 *
 *  - minNormReadout: the minimum-norm solution of Z·w = y (T ≤ Hd, underdetermined). Float64 QR of
 *    Zᵀ (modified Gram–Schmidt, twice) gives w = Q R^{-ᵀ} y; iterative refinement recomputes the
 *    residual y − Z_mid·w EXACTLY (bigints: Z_mid is the midpoint of the feature enclosure, w is
 *    fixed point 2^-W), so the solution is accurate far beyond float64 even when cond(Z) ≈ 10⁶.
 *  - certifyOutputs: encloses every output Σ_k Z_tk w_k over the whole enclosure of Z (exact
 *    bigint arithmetic, outward) and decides |out − y| ≤ ε or the argmax.
 *  - certifyFullRowRank: Krawczyk-style: with R ≈ pinv(Z) (float), ‖I − Z_mid R‖_F + ‖ΔZ‖_F‖R‖_F < 1
 *    (computed exactly) proves every Z in the enclosure has rank T, and σ_min(Z) ≥ (1 − η)/‖R‖_F.
 *
 * @example
 *   const ro = minNormReadout(enc, Y, 120); certifyOutputs(enc, ro, { kind: "abs-error", epsilon: q("1e-9"), Y })
 */
import { Matrix, SingularValueDecomposition } from "ml-matrix";
import type { Rational } from "../../src/numbers/rational.ts";
import { type FeatureEnclosure, ratioToNumber, sqrtCeil, lcm } from "./enclosure.ts";

/** Z_mid numerators (value M / (2·scale)) and float copy. */
function midpoint(enc: FeatureEnclosure): { M: bigint[][]; Zf: number[][] } {
  const M = enc.lo.map((r, t) => r.map((v, k) => v + enc.hi[t]![k]!));
  const den = 2n * enc.scale;
  return { M, Zf: M.map((r) => r.map((v) => ratioToNumber(v, den))) };
}

export interface FloatQR {
  /** Orthonormal columns of Zᵀ's QR: T vectors of length Hd. */
  Q: Float64Array[];
  /** Upper triangular T × T (row-major arrays). */
  R: Float64Array[];
}

/**
 * Zᵀ = Q R by modified Gram–Schmidt with one reorthogonalization pass (float64).
 * Returns null when a pivot vanishes (Z numerically rank-deficient in float64).
 */
export function qrOfTranspose(Zf: number[][]): FloatQR | null {
  const T = Zf.length;
  const Q: Float64Array[] = [];
  const R: Float64Array[] = Array.from({ length: T }, () => new Float64Array(T));
  for (let t = 0; t < T; t++) {
    const v = Float64Array.from(Zf[t]!);
    const norm0 = Math.hypot(...v);
    for (let pass = 0; pass < 2; pass++) {
      for (let s = 0; s < t; s++) {
        const q = Q[s]!;
        let dot = 0;
        for (let k = 0; k < v.length; k++) dot += q[k]! * v[k]!;
        for (let k = 0; k < v.length; k++) v[k]! -= dot * q[k]!;
        R[s]![t]! += dot;
      }
    }
    const nv = Math.hypot(...v);
    if (!(nv > 1e-13 * norm0)) return null;
    R[t]![t] = nv;
    for (let k = 0; k < v.length; k++) v[k]! /= nv;
    Q.push(v);
  }
  return { Q, R };
}

/** w = Q R^{-ᵀ} r: the minimum-norm solution of Z w = r for Zᵀ = QR (float64). */
export function minNormApply(qr: FloatQR, r: number[]): Float64Array {
  const T = r.length;
  const alpha = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let s = r[t]!;
    for (let u = 0; u < t; u++) s -= qr.R[u]![t]! * alpha[u]!;
    alpha[t] = s / qr.R[t]![t]!;
  }
  const w = new Float64Array(qr.Q[0]!.length);
  for (let t = 0; t < T; t++) {
    const q = qr.Q[t]!;
    const a = alpha[t]!;
    for (let k = 0; k < w.length; k++) w[k]! += a * q[k]!;
  }
  return w;
}

export interface Readout {
  /** One fixed-point column per output (K × Hd), value = w / 2^W. */
  w: bigint[][];
  W: number;
  /** Refinement steps per output column. */
  iterations: number[];
  /** Final max |y − Z_mid w| per column (float display of an exact residual). */
  residual: number[];
  qr: FloatQR;
  M: bigint[][];
  Zf: number[][];
}

/** Targets as integers over one denominator: Y[t][k] = Ynum[t][k] / Dy. */
function scaleTargets(Y: Rational[][]): { Ynum: bigint[][]; Dy: bigint } {
  let Dy = 1n;
  for (const r of Y) for (const v of r) if (Dy % v.den !== 0n) Dy = lcm(Dy, v.den);
  return { Ynum: Y.map((r) => r.map((v) => (v.num * Dy) / v.den)), Dy };
}

/**
 * Exact residuals (y − Z_mid w) as numerators over 2·scale·2^W·Dy.
 */
function residualNum(M: bigint[][], w: bigint[], scale: bigint, W: number, Ynum: bigint[], Dy: bigint): bigint[] {
  const big = 2n * scale * (1n << BigInt(W));
  return M.map((row, t) => {
    let s = 0n;
    for (let k = 0; k < row.length; k++) s += row[k]! * w[k]!;
    return Ynum[t]! * big - Dy * s;
  });
}

/**
 * Minimum-norm readout with exact-residual iterative refinement (see header). Throws when Z is
 * rank-deficient in float64 (then no readout exists for generic labels, or float cannot see it).
 *
 * @example
 *   const ro = minNormReadout(enc, labels.map((y) => [y]), 140); ro.residual[0] < 1e-30
 */
export function minNormReadout(enc: FeatureEnclosure, Y: Rational[][], W: number, maxIter = 12): Readout {
  const { M, Zf } = midpoint(enc);
  const qr = qrOfTranspose(Zf);
  if (!qr) throw new RankDeficientError("Z is numerically rank-deficient in float64: the QR of Zᵀ has a vanishing pivot");
  const { Ynum, Dy } = scaleTargets(Y);
  const K = Y[0]!.length;
  const Hd = Zf[0]!.length;
  const big = 2n * enc.scale * (1n << BigInt(W)) * Dy;
  const ws: bigint[][] = [];
  const its: number[] = [];
  const res: number[] = [];
  const target = 2 ** -(W - 8);
  for (let k = 0; k < K; k++) {
    const y = Ynum.map((r) => r[k]!);
    const w = new Array<bigint>(Hd).fill(0n);
    let best = Infinity;
    let it = 0;
    for (; it < maxIter; it++) {
      const r = residualNum(M, w, enc.scale, W, y, Dy).map((v) => ratioToNumber(v, big));
      const mx = Math.max(...r.map(Math.abs));
      if (mx <= target || !(mx < best * 0.5)) {
        best = Math.min(best, mx);
        break;
      }
      best = mx;
      const dw = minNormApply(qr, r);
      for (let i = 0; i < Hd; i++) w[i]! += fixed(dw[i]!, W);
    }
    ws.push(w);
    its.push(it);
    res.push(best);
  }
  return { w: ws, W, iterations: its, residual: res, qr, M, Zf };
}

/** round(x·2^W) as a bigint, exactly from the double's binary expansion. */
export function fixed(x: number, W: number): bigint {
  if (x === 0) return 0n;
  const e = Math.floor(Math.log2(Math.abs(x)));
  const shift = 60 - e; // x·2^shift has ~60 integer bits
  const m = BigInt(Math.round(x * 2 ** shift));
  const s = W - shift;
  return s >= 0 ? m << BigInt(s) : (m + (m >= 0n ? 1n : -1n) * (1n << BigInt(-s - 1))) / (1n << BigInt(-s));
}

export class RankDeficientError extends Error {}

export type OutputCriterion =
  | { kind: "abs-error"; epsilon: Rational; y: Rational[] }
  | { kind: "argmax"; labels: number[] };

export interface OutputCertificate {
  /** Indices of the examples whose claim is proved. */
  certified: number[];
  /** Indices that the enclosure cannot decide. */
  undecided: number[];
  /** Regression: largest certified upper bound on |out − y| (float display, rounded up). Argmax: smallest certified margin. */
  worst: number;
  /** Largest enclosure radius of an output (float display). */
  maxRadius: number;
}

/** Output enclosures for column k: numerators of midpoint and radius over 2·scale·2^W. */
function outputEnclosure(enc: FeatureEnclosure, M: bigint[][], w: bigint[]): { mid: bigint[]; rad: bigint[] } {
  const absw = w.map((v) => (v < 0n ? -v : v));
  const mid: bigint[] = [];
  const rad: bigint[] = [];
  M.forEach((row, t) => {
    let s = 0n;
    let r = 0n;
    const lo = enc.lo[t]!;
    const hi = enc.hi[t]!;
    for (let k = 0; k < row.length; k++) {
      s += row[k]! * w[k]!;
      r += (hi[k]! - lo[k]!) * absw[k]!;
    }
    mid.push(s);
    rad.push(r);
  });
  return { mid, rad };
}

/**
 * Decides the memorization claim for every example over the whole enclosure (exact arithmetic).
 *
 * @example
 *   certifyOutputs(enc, ro, { kind: "abs-error", epsilon: q("1e-9"), y }).undecided.length // 0
 */
export function certifyOutputs(enc: FeatureEnclosure, ro: Readout, crit: OutputCriterion): OutputCertificate {
  const den = 2n * enc.scale * (1n << BigInt(ro.W));
  const encs = ro.w.map((w) => outputEnclosure(enc, ro.M, w));
  const certified: number[] = [];
  const undecided: number[] = [];
  let worst = crit.kind === "abs-error" ? 0 : Infinity;
  let maxRadius = 0;
  const T = ro.M.length;
  for (let t = 0; t < T; t++) {
    for (const e of encs) maxRadius = Math.max(maxRadius, ratioToNumber(e.rad[t]!, den));
    if (crit.kind === "abs-error") {
      const y = crit.y[t]!;
      const e = encs[0]!;
      // |mid/den − y| + rad/den ≤ ε  ⇔  |mid·y.den − y.num·den|·ε.den + rad·y.den·ε.den ≤ ε.num·den·y.den
      let diff = e.mid[t]! * y.den - y.num * den;
      if (diff < 0n) diff = -diff;
      const lhs = (diff + e.rad[t]! * y.den) * crit.epsilon.den;
      const rhs = crit.epsilon.num * den * y.den;
      worst = Math.max(worst, ratioToNumber(diff + e.rad[t]! * y.den, den * y.den) * (1 + 1e-12));
      (lhs <= rhs ? certified : undecided).push(t);
    } else {
      const c = crit.labels[t]!;
      const low = encs[c]!.mid[t]! - encs[c]!.rad[t]!;
      let margin = Infinity;
      let ok = true;
      encs.forEach((e, k) => {
        if (k === c) return;
        const up = e.mid[t]! + e.rad[t]!;
        if (!(low > up)) ok = false;
        margin = Math.min(margin, ratioToNumber(low - up, den));
      });
      worst = Math.min(worst, margin);
      (ok ? certified : undecided).push(t);
    }
  }
  return { certified, undecided, worst, maxRadius };
}

export interface RankCertificate {
  /** True when every Z in the enclosure is proved to have rank T (full row rank). */
  certified: boolean;
  /** η = upper bound on ‖I − Z R‖_2 over the enclosure (float display, rounded up). */
  eta: number;
  /** Certified lower bound on σ_min(Z) (float display, rounded down); 0 when not certified. */
  sigmaMinLower: number;
  /** Why it failed, when it did. */
  reason?: string;
}

/**
 * Proves rank(Z) = T for every matrix in the enclosure (Krawczyk/Rump-style, exact bigints; see header).
 *
 * @example
 *   certifyFullRowRank(enc, ro).certified // true
 */
export function certifyFullRowRank(enc: FeatureEnclosure, ro: Readout, G = 52): RankCertificate {
  const T = ro.M.length;
  const Hd = ro.M[0]!.length;
  // R ≈ pinv(Z) = Q R^{-ᵀ}: column j solves Z w = e_j
  const Rfix: bigint[][] = []; // Hd × T
  const cols: Float64Array[] = [];
  for (let j = 0; j < T; j++) {
    const e = new Array<number>(T).fill(0);
    e[j] = 1;
    cols.push(minNormApply(ro.qr, e));
  }
  let maxAbs = 0;
  for (const c of cols) for (const v of c) maxAbs = Math.max(maxAbs, Math.abs(v));
  const g = G - Math.ceil(Math.log2(maxAbs || 1)); // entries ~2^G
  for (let k = 0; k < Hd; k++) Rfix.push(cols.map((c) => BigInt(Math.round(c[k]! * 2 ** g))));
  // D* = 2·scale·2^g;  E·D* = D*·I − M·Rfix
  const Dstar = 2n * enc.scale * (g >= 0 ? 1n << BigInt(g) : 1n);
  const down = g >= 0 ? 1n : 1n << BigInt(-g); // g < 0 only for astronomically large pinv entries
  let e2 = 0n;
  for (let t = 0; t < T; t++) {
    const m = ro.M[t]!;
    const acc = new Array<bigint>(T).fill(0n);
    for (let k = 0; k < Hd; k++) {
      const z = m[k]!;
      if (z === 0n) continue;
      const r = Rfix[k]!;
      for (let j = 0; j < T; j++) acc[j]! += z * r[j]!;
    }
    for (let j = 0; j < T; j++) {
      const v = (j === t ? Dstar : 0n) - acc[j]! * down;
      e2 += v * v;
    }
  }
  let rad2 = 0n;
  for (let t = 0; t < T; t++) for (let k = 0; k < Hd; k++) {
    const r = enc.hi[t]![k]! - enc.lo[t]![k]!;
    rad2 += r * r;
  }
  let r2 = 0n;
  for (const row of Rfix) for (const v of row) r2 += v * v;
  // ‖ΔZ‖_F ≤ ‖hi − lo‖_F / (2 scale), ‖R‖_F = √r2 / 2^g  ⇒  ‖ΔZ R‖_F·D* ≤ √(rad2·r2)·down
  const etaNum = sqrtCeil(e2) + sqrtCeil(rad2 * r2) * down;
  const eta = ratioToNumber(etaNum, Dstar) * (1 + 1e-12);
  if (etaNum >= Dstar) return { certified: false, eta, sigmaMinLower: 0, reason: `‖I − Z·pinv‖ bound ${eta.toExponential(3)} ≥ 1 at this precision` };
  // σ_min ≥ (1 − η)/‖R‖_F = (D* − etaNum)·2^g / (D*·√r2)
  const sig = ratioToNumber((Dstar - etaNum) * (g >= 0 ? 1n << BigInt(g) : 1n), Dstar * sqrtCeil(r2) * down) * (1 - 1e-12);
  return { certified: true, eta, sigmaMinLower: sig };
}

/**
 * Float64 singular values of Z via its QR factor R (σ(Z) = σ(R)): cond₂ estimate, labelled float.
 *
 * @example
 *   condEstimate(ro.qr).cond // ≈ 3.6e3 (float)
 */
export function condEstimate(qr: FloatQR): { sigmaMax: number; sigmaMin: number; cond: number } {
  const sv = new SingularValueDecomposition(new Matrix(qr.R.map((r) => Array.from(r))), { computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal;
  const sigmaMax = Math.max(...sv);
  const sigmaMin = Math.min(...sv);
  return { sigmaMax, sigmaMin, cond: sigmaMax / sigmaMin };
}
