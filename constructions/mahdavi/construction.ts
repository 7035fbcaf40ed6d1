/**
 * Mahdavi, Liao & Thrampoulidis (ICLR 2024), Theorem 1 — the inductive saturated-softmax
 * construction of one multi-head attention layer, reconstructed in docs/mahdavi.md (digest [R]).
 *
 *   m = min(n, d_h); head 1 takes G_1 = the first m examples, head h ≥ 2 takes G_h = the next m − 1;
 *   T = H(m − 1) + 1.
 *   Interpolation lemma (A1 + A2): U = pinv(X_G) so u_tᵀx(s) = δ_ts, v_t = pinv(E(t))·ℓ_t so
 *   E(t)v_t = ℓ_t; W = Σ_t v_t u_tᵀ gives E(t)W x(t) = ℓ_t for t ∈ G.
 *   Head h ≥ 2 adds the saturation column: W_K = [V, c·v0], W_Q = [U, u0] with u0 ⊥ span(X_{G_h}),
 *   so new examples keep their logits ℓ_t (independent of c) while every other query has
 *   u0ᵀx(s) ≠ 0 (Kruskal rank ≥ n) and its head-h attention saturates to a vertex as c grows.
 *
 * This module computes the attention weights in float64 (the construction's *design*), then rounds
 * them to dyadic rationals: the certified object is the rounded network (certify.ts decides).
 * Orientation: the paper writes scores E W_K W_Qᵀ x with W_K, W_Q ∈ R^{d×d_h}; the IR's heads hold
 * WQ = W_Qᵀ, WK = W_Kᵀ (d_h × d) so that score_j = (WQ x)·(WK e_j).
 *
 * @example
 *   const heads = saturatedHeads(ds, { H: 4, dh: 5, c: 64, seed: 1 });
 *   heads.groups // [[0..4], [5..8], [9..12], [13..16]]
 */
import { Matrix, SingularValueDecomposition, pseudoInverse } from "ml-matrix";
import { Rational } from "../../src/numbers/rational.ts";
import type { MhaDataset } from "../../src/data/mha.ts";
import { SplitMix32 } from "../../src/random.ts";
import { inverse, matMul, matVec, minNormSolve, transpose as transposeQ } from "../../src/linalg/index.ts";

export interface FloatHead {
  /** W_Q, W_K in the paper's orientation: d × d_h (zero-padded columns beyond those used). */
  WQ: number[][];
  WK: number[][];
  /** Examples whose logits this head interpolates (G_h). */
  group: number[];
  /** Saturation direction (head ≥ 2): u0 ⊥ new queries, v0 generic; both unit vectors. */
  u0?: number[];
  v0?: number[];
  /** Target logits ℓ_t of the interpolation lemma, per example of the group. */
  logits: number[][];
}

export interface SaturatedHeads {
  heads: FloatHead[];
  groups: number[][];
  m: number;
  c: number;
}

/** Examples handled by each head: m, then m − 1 per head, truncated at T (empty groups allowed). */
export function headGroups(T: number, H: number, m: number): number[][] {
  const groups: number[][] = [];
  let s = 0;
  for (let h = 0; h < H; h++) {
    const size = h === 0 ? m : m - 1;
    const g: number[] = [];
    for (let i = 0; i < size && s < T; i++) g.push(s++);
    groups.push(g);
  }
  return groups;
}

/** The capacity the construction guarantees: H(min(n, d_h) − 1) + 1. */
export function theoremCapacity(H: number, n: number, dh: number): number {
  return H * (Math.min(n, dh) - 1) + 1;
}

export const toFloat = (rows: Rational[][]): number[][] => rows.map((r) => r.map((v) => v.toNumber()));

/**
 * The interpolation lemma: for the group G, vectors u_t (dual to the queries: u_tᵀx(s) = δ_ts) and
 * v_t with E(t)v_t = ℓ_t, so that E(t)(Σ_s v_s u_sᵀ)x(t) = ℓ_t. Returns U, V as d × |G| (float64).
 *
 * @example
 *   const { U, V } = interpolationLemma(X, E, [0, 1, 2], logits);
 */
export function interpolationLemma(X: number[][], E: number[][][], group: number[], logits: number[][]): { U: number[][]; V: number[][] } {
  const XG = new Matrix(group.map((t) => X[t]!));
  const U = pseudoInverse(XG).to2DArray(); // d × |G|
  const d = X[0]!.length;
  const V = Array.from({ length: d }, () => new Array<number>(group.length).fill(0));
  group.forEach((t, k) => {
    const v = pseudoInverse(new Matrix(E[t]!)).mmul(Matrix.columnVector(logits[k]!)).to1DArray();
    for (let i = 0; i < d; i++) V[i]![k] = v[i]!;
  });
  return { U, V };
}

/** Unit vector orthogonal to the rows of XG (the projection of a generic vector onto span(XG)^⊥). */
export function saturationDirection(XG: number[][], d: number, rng: SplitMix32): number[] {
  const g = Matrix.columnVector(Array.from({ length: d }, () => rng.normal()));
  let u = g;
  if (XG.length > 0) {
    const A = new Matrix(XG); // k × d
    u = g.sub(A.transpose().mmul(pseudoInverse(A.transpose()).mmul(g)));
    // a second pass removes what the first left in span(XG) (projection in float loses ~cond·eps)
    u = u.sub(A.transpose().mmul(pseudoInverse(A.transpose()).mmul(u)));
  }
  const v = u.to1DArray();
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

export interface SaturatedHeadsOptions {
  H: number;
  dh: number;
  /** Saturation constant c (multiplies v0 in W_K). */
  c: number;
  seed: number;
  /** Standard deviation of the generic target logits ℓ_t (default 1). */
  logitScale?: number;
}

/**
 * The whole inductive construction (float64): head 1 interpolates G_1, head h ≥ 2 interpolates G_h
 * and saturates every other query along (u0, c·v0).
 *
 * @example
 *   saturatedHeads(ds, { H: 2, dh: 3, c: 100, seed: 0 }).heads[1].WK[0].length // 3 = d_h
 */
export function saturatedHeads(ds: MhaDataset, o: SaturatedHeadsOptions): SaturatedHeads {
  const rng = new SplitMix32(o.seed ^ 0x5eed);
  const X = toFloat(ds.queries);
  const E = ds.contexts.map(toFloat);
  const T = X.length;
  const d = ds.d;
  const m = Math.min(ds.n, o.dh);
  const groups = headGroups(T, o.H, m);
  const scale = o.logitScale ?? 1;
  const heads = groups.map((group, h): FloatHead => {
    const logits = group.map(() => Array.from({ length: ds.n }, () => scale * rng.normal()));
    const { U, V } = interpolationLemma(X, E, group, logits);
    const cols: { q: number[]; k: number[] }[] = group.map((_, k) => ({ q: U.map((r) => r[k]!), k: V.map((r) => r[k]!) }));
    let u0: number[] | undefined;
    let v0: number[] | undefined;
    if (h > 0) {
      u0 = saturationDirection(group.map((t) => X[t]!), d, rng);
      const g = Array.from({ length: d }, () => rng.normal());
      const norm = Math.hypot(...g);
      v0 = g.map((x) => x / norm);
      cols.push({ q: u0, k: v0.map((x) => o.c * x) });
    }
    const pad = (sel: (c: { q: number[]; k: number[] }) => number[]) =>
      Array.from({ length: d }, (_, i) => Array.from({ length: o.dh }, (_, j) => (j < cols.length ? sel(cols[j]!)[i]! : 0)));
    return { WQ: pad((c) => c.q), WK: pad((c) => c.k), group, u0, v0, logits };
  });
  return { heads, groups, m, c: o.c };
}

/**
 * Rounds a float matrix to dyadic rationals with `bits` significant bits relative to its largest
 * entry (one common power of two per matrix): the network that gets certified.
 *
 * @example
 *   dyadicRound([[0.1, 3]], 8) // [[Rational 13/128, Rational 3]]
 */
export function dyadicRound(M: number[][], bits: number): Rational[][] {
  let max = 0;
  for (const r of M) for (const v of r) max = Math.max(max, Math.abs(v));
  if (max === 0) return M.map((r) => r.map(() => Rational.ZERO));
  const e = bits - Math.ceil(Math.log2(max));
  const den = e >= 0 ? 1n << BigInt(e) : 1n;
  const mul = e >= 0 ? 1 : 2 ** e;
  return M.map((r) =>
    r.map((v) => {
      const k = Math.round(v * 2 ** Math.max(e, 0) * mul);
      return e >= 0 ? Rational.of(BigInt(k), den) : Rational.of(BigInt(k) * (1n << BigInt(-e)));
    }),
  );
}

/** Transpose of a matrix of any entries. */
export function transpose<T>(M: T[][]): T[][] {
  return M.length === 0 ? [] : M[0]!.map((_, j) => M.map((r) => r[j]!));
}

/** softmax in float64 (max-shifted). */
export function softmaxFloat(z: number[]): number[] {
  const mx = Math.max(...z);
  const e = z.map((v) => Math.exp(v - mx));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/**
 * Float64 feature matrix Z (T × Hd): row t = [a_1(t)ᵀE(t), …, a_H(t)ᵀE(t)], a_h(t) = softmax(E(t) W_K W_Qᵀ x(t)).
 * For design and exploration only (labelled float wherever reported).
 *
 * @example
 *   featuresFloat(X, E, heads.map(h => ({ WQ: h.WQ, WK: h.WK }))).length // T
 */
export function featuresFloat(X: number[][], E: number[][][], heads: { WQ: number[][]; WK: number[][] }[]): number[][] {
  return X.map((x, t) => {
    const Et = E[t]!;
    return heads.flatMap(({ WQ, WK }) => {
      const q = WQ[0]!.map((_, j) => WQ.reduce((s, row, i) => s + row[j]! * x[i]!, 0)); // W_Qᵀx
      const r = WK.map((row) => row.reduce((s, v, j) => s + v * q[j]!, 0)); // W_K W_Qᵀ x
      const a = softmaxFloat(Et.map((e) => e.reduce((s, v, i) => s + v * r[i]!, 0)));
      return Et[0]!.map((_, i) => Et.reduce((s, e, j) => s + a[j]! * e[i]!, 0));
    });
  });
}

export interface SaturationBound {
  /** The digest's sufficient c (float-evaluated; [R], not from the paper). */
  c: number;
  /** min over (head ≥ 2, old example) of |u0ᵀx(s)| × (gap of the top two entries of ±E(s)v0). */
  minGap: number;
  /** max ‖b_s‖_∞ of the non-saturating part of the logits. */
  maxB: number;
  /** σ_min of the saturated (c = ∞) feature matrix (float). */
  sigmaInf: number;
  /** Pairs (head, example) with u0ᵀx(s) = 0 in float (the saturation step fails there). */
  unsaturated: { head: number; example: number }[];
}

/**
 * The digest's sufficient saturation constant [R, not from the paper]:
 *   c > [2·max_s ‖b_s‖_∞ + ln(2(n−1)·R·√T/σ)] / min_s g_s,
 * g_s = |u0ᵀx(s)| × (gap between the top two entries of ±E(s)v0), R the largest token norm,
 * σ the smallest singular value of the saturated (c = ∞) feature matrix. Float64 throughout:
 * it only picks c; the certificate decides.
 *
 * @example
 *   sufficientSaturationConstant(ds, saturatedHeads(ds, { H: 4, dh: 5, c: 1, seed: 3 })).c // ≈ 40
 */
export function sufficientSaturationConstant(ds: MhaDataset, sh: SaturatedHeads): SaturationBound {
  const X = toFloat(ds.queries);
  const E = ds.contexts.map(toFloat);
  const T = X.length;
  const n = ds.n;
  let minGap = Infinity;
  let maxB = 0;
  let R = 0;
  for (const Et of E) for (const e of Et) R = Math.max(R, Math.hypot(...e));
  const unsaturated: { head: number; example: number }[] = [];
  const Zinf = X.map((x, s) =>
    sh.heads.flatMap((head, h) => {
      const Et = E[s]!;
      const inGroup = head.group.includes(s);
      // logits without the saturation column: E (Σ v_t u_tᵀ) x
      const k = head.group.length;
      const q = Array.from({ length: k }, (_, j) => head.WQ.reduce((acc, row, i) => acc + row[j]! * x[i]!, 0));
      const r = head.WK.map((row) => row.slice(0, k).reduce((acc, v, j) => acc + v * q[j]!, 0));
      const b = Et.map((e) => e.reduce((acc, v, i) => acc + v * r[i]!, 0));
      const unsat = () => Et[0]!.map((_, i) => softmaxFloat(b).reduce((acc, a, j) => acc + a * Et[j]![i]!, 0));
      if (h === 0 || inGroup) return unsat();
      maxB = Math.max(maxB, ...b.map(Math.abs));
      const ux = head.u0!.reduce((acc, v, i) => acc + v * x[i]!, 0);
      // u0ᵀx(s) = 0 (x(s) ∈ span of the head's new queries: Assumption 1 fails): never saturates
      if (Math.abs(ux) <= 1e-9 * Math.hypot(...x)) {
        unsaturated.push({ head: h, example: s });
        minGap = 0;
        return unsat();
      }
      const ev = Et.map((e) => Math.sign(ux) * e.reduce((acc, v, i) => acc + v * head.v0![i]!, 0));
      const sorted = [...ev].sort((a, b2) => b2 - a);
      const g = Math.abs(ux) * (sorted[0]! - (sorted[1] ?? -Infinity));
      minGap = Math.min(minGap, g);
      const jstar = ev.indexOf(sorted[0]!);
      return Et[jstar]!.slice();
    }),
  );
  const sv = new SingularValueDecomposition(new Matrix(Zinf), { autoTranspose: true, computeLeftSingularVectors: false, computeRightSingularVectors: false }).diagonal;
  const sigmaInf = sv.length >= T ? sv[T - 1]! : 0;
  const c = (2 * maxB + Math.log((2 * Math.max(n - 1, 1) * R * Math.sqrt(T)) / sigmaInf)) / minGap;
  return { c, minGap, maxB, sigmaInf, unsaturated };
}

/**
 * The interpolation lemma over Q (for the exact property tests): U = X_Gᵀ(X_G X_Gᵀ)⁻¹ (so
 * X_G U = I), v_t = the minimum-norm solution of E(t)v = ℓ_t. Returns null when X_G is not of full
 * row rank (Assumption 1 fails inside the group) or some E(t)v = ℓ_t is inconsistent (Assumption 2).
 *
 * @example
 *   const r = interpolationLemmaExact(X, E, [0, 1], logits); // E(t)·(Σ v_s u_sᵀ)·x(t) = ℓ_t exactly
 */
export function interpolationLemmaExact(X: Rational[][], E: Rational[][][], group: number[], logits: Rational[][]): { U: Rational[][]; V: Rational[][] } | null {
  const XG = group.map((t) => X[t]!);
  const Ginv = inverse(matMul(XG, transposeQ(XG)));
  if (!Ginv) return null;
  const U = matMul(transposeQ(XG), Ginv); // d × |G|
  const vs: Rational[][] = [];
  for (let k = 0; k < group.length; k++) {
    const r = minNormSolve(E[group[k]!]!, logits[k]!);
    if (!r.consistent) return null;
    vs.push(r.x);
  }
  return { U, V: transposeQ(vs) };
}

/** u0 = g − X_Gᵀ(X_G X_Gᵀ)⁻¹X_G g over Q: exactly orthogonal to the group's queries. */
export function saturationDirectionExact(XG: Rational[][], g: Rational[]): Rational[] {
  if (XG.length === 0) return g;
  const Ginv = inverse(matMul(XG, transposeQ(XG)));
  if (!Ginv) throw new RangeError("saturationDirectionExact: the group's queries are dependent");
  const coef = matVec(Ginv, matVec(XG, g));
  const proj = matVec(transposeQ(XG), coef);
  return g.map((v, i) => v.sub(proj[i]!));
}

/** Logits E(t) W_K W_Qᵀ x(t) over Q for paper-orientation W_K, W_Q (d × k). */
export function logitsExact(Et: Rational[][], WK: Rational[][], WQ: Rational[][], x: Rational[]): Rational[] {
  const q = matVec(transposeQ(WQ), x);
  const r = matVec(WK, q);
  return Et.map((e) => e.reduce((s, v, i) => s.add(v.mul(r[i]!)), Rational.ZERO));
}
