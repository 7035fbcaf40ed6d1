/**
 * Dana, Pydi & Chevaleyre (AISTATS 2025), "Memorization in Attention-only Transformers":
 * Theorem 1 / Corollary 1 realized numerically (digest: shared/papers/dana-pydi-chevaleyre.md).
 *
 * One attention layer, H rank-1 heads (Remark 2: W_QK^h = q_h k_hᵀ, W_Q^h = q_hᵀ, W_K^h = k_hᵀ),
 * queries at the last position only, no 1/√d, then the unembedding W_U:
 *     T(t) = W_U (x(t,S) + Σ_h W_O^h W_V^h Σ_s a^h_s x(t,s)),   x(t,s) = e(t_s) + pos_s.
 * Steps (digest, "Construction"):
 *   1. target encoder: logits W·E(t) (association: E(t) = λ W_{g(t)}; distribution: a rank-d fit of log π);
 *   2. `genericEmbeddings` — Lemma 3's generic positive e, pos (dyadic rationals m/1024 in [0.5, 1.5]);
 *   3. `rankOneHeads` — generic q_h, k_h, W_V^h added one by one (dyadic rationals);
 *   4. `absorbSkipConnection` — the exact re-parametrization of the paper's saturated head 0:
 *      with [R | Z'] M = E, set W_U = W·R and W_O = R⁻¹ Z', so that W_U(x_S + W_O m) = W·Z·M = W·E;
 *   5. `solveReadout` — the one linear solve Z M = E, M = [x(t,S); W_V^1 A^1(t); …; W_V^H A^H(t)],
 *      square (T = H·d_h + d, Lemma 2 makes M invertible), least squares (T larger: edge of capacity)
 *      or minimum norm (T smaller).
 * Weights W_U, W_O are rounded to exact decimal rationals; only the interval evaluation of THAT network
 * (certify.ts) decides what is memorized.
 *
 * Why qkScale = 8/d by default: sharper attention makes the feature matrix M far better conditioned
 * (float SVD, N = 10, S = 2, d = d_h = 2, H = 49: σ_min/σ_max ≈ 1e-17 at q ~ N(0, 1/16), 5e-12 at
 * N(0, 1), 6e-10 at N(0, 16)); fully saturated heads lose rank again, so it is not pushed further.
 */
import { Decimal } from "decimal.js";
import { Rational } from "../../src/numbers/rational.ts";
import { NETWORK_FORMAT, NETWORK_VERSION, type Network } from "../../src/ir/network.ts";
import { tableRng, type Mulberry32 } from "../../src/random.ts";
import { luFactor, singularValueEstimates, solveRefined } from "./float64.ts";

/** Exact dyadic generic weights (numbers are exact: m/1024 with small m). */
export interface GenericWeights {
  N: number;
  S: number;
  d: number;
  dh: number;
  H: number;
  e: number[][];
  pos: number[][];
  q: number[][];
  k: number[][];
  WV: number[][][];
}

const GRID = 1024;
const dyadic = (x: number) => Math.round(x * GRID) / GRID;

/**
 * Lemma 3's generic positive embeddings: e(v), pos_s i.i.d. uniform on the 1/1024 grid in [0.5, 1.5].
 *
 * @example
 *   genericEmbeddings(10, 2, 2, tableRng(1)).e.length // 10
 */
export function genericEmbeddings(N: number, S: number, d: number, rng: Mulberry32): { e: number[][]; pos: number[][] } {
  const draw = () => (512 + rng.int(1025)) / GRID;
  return { e: Array.from({ length: N }, () => Array.from({ length: d }, draw)), pos: Array.from({ length: S }, () => Array.from({ length: d }, draw)) };
}

/**
 * Remark 2's rank-1 heads, added one by one: q_h ~ N(0, (qkScale/d)²), k_h ~ N(0, 1), W_V^h ~ N(0, 1)
 * entrywise, all rounded to the 1/1024 grid (a zero q_h is redrawn: it would make the head uniform).
 *
 * @example
 *   rankOneHeads(3, 2, 2, 8, tableRng(1)).q.length // 3
 */
export function rankOneHeads(H: number, d: number, dh: number, qkScale: number, rng: Mulberry32): { q: number[][]; k: number[][]; WV: number[][][] } {
  const q: number[][] = [];
  const k: number[][] = [];
  const WV: number[][][] = [];
  for (let h = 0; h < H; h++) {
    let qh: number[];
    do qh = Array.from({ length: d }, () => dyadic((rng.normal() * qkScale) / d));
    while (qh.every((v) => v === 0));
    q.push(qh);
    k.push(Array.from({ length: d }, () => dyadic(rng.normal())));
    WV.push(Array.from({ length: dh }, () => Array.from({ length: d }, () => dyadic(rng.normal()))));
  }
  return { q, k, WV };
}

/** Steps 2–3 with one seed: embeddings first, then the heads one by one. */
export function genericWeights(o: { N: number; S: number; d: number; dh: number; H: number; seed: number; qkScale: number }): GenericWeights {
  const rng = tableRng(o.seed);
  const { e, pos } = genericEmbeddings(o.N, o.S, o.d, rng);
  const { q, k, WV } = rankOneHeads(o.H, o.d, o.dh, o.qkScale, rng);
  return { N: o.N, S: o.S, d: o.d, dh: o.dh, H: o.H, e, pos, q, k, WV };
}

/**
 * The feature matrix M (rows: d skip coordinates x(t,S), then W_V^h A^h(t) for h = 1..H; one column per
 * sequence), in float64. Lemma 2: generically rank M = min(T, H·d_h + d).
 */
export function featureMatrixFloat(w: GenericWeights, sequences: number[][]): { rows: number; cols: number; M: Float64Array } {
  const { d, dh, H } = w;
  const rows = d + H * dh;
  const cols = sequences.length;
  const M = new Float64Array(rows * cols);
  sequences.forEach((t, c) => {
    const S = t.length;
    const X = t.map((tok, s) => w.e[tok]!.map((v, i) => v + w.pos[s]![i]!));
    const xS = X[S - 1]!;
    for (let i = 0; i < d; i++) M[i * cols + c] = xS[i]!;
    for (let h = 0; h < H; h++) {
      const q = w.q[h]!;
      const k = w.k[h]!;
      let qx = 0;
      for (let i = 0; i < d; i++) qx += q[i]! * xS[i]!;
      const sc = X.map((x) => qx * x.reduce((a, v, i) => a + v * k[i]!, 0));
      const mx = Math.max(...sc);
      const ex = sc.map((v) => Math.exp(v - mx));
      const z = ex.reduce((a, b) => a + b, 0);
      const A = new Array<number>(d).fill(0);
      X.forEach((x, s) => {
        for (let i = 0; i < d; i++) A[i] = A[i]! + (ex[s]! / z) * x[i]!;
      });
      const WV = w.WV[h]!;
      for (let r = 0; r < dh; r++) {
        let v = 0;
        for (let i = 0; i < d; i++) v += WV[r]![i]! * A[i]!;
        M[(d + h * dh + r) * cols + c] = v;
      }
    }
  });
  return { rows, cols, M };
}

/** The same feature matrix in decimal.js at the given precision (for the high-precision solve). */
export function featureMatrixDecimal(w: GenericWeights, sequences: number[][], D: typeof Decimal): Decimal[][] {
  const { d, dh, H } = w;
  const rows: Decimal[][] = Array.from({ length: d + H * dh }, () => []);
  for (const t of sequences) {
    const S = t.length;
    const X = t.map((tok, s) => w.e[tok]!.map((v, i) => new D(v).plus(w.pos[s]![i]!)));
    const xS = X[S - 1]!;
    for (let i = 0; i < d; i++) rows[i]!.push(xS[i]!);
    for (let h = 0; h < H; h++) {
      const q = w.q[h]!;
      const k = w.k[h]!;
      const qx = xS.reduce((a, v, i) => a.plus(v.times(q[i]!)), new D(0));
      const sc = X.map((x) => qx.times(x.reduce((a, v, i) => a.plus(v.times(k[i]!)), new D(0))));
      const mx = D.max(...sc);
      const ex = sc.map((v) => v.minus(mx).exp());
      const z = ex.reduce((a, b) => a.plus(b), new D(0));
      const A = Array.from({ length: d }, (_, i) => X.reduce((a, x, s) => a.plus(ex[s]!.times(x[i]!)), new D(0)).div(z));
      for (let r = 0; r < dh; r++) rows[d + h * dh + r]!.push(w.WV[h]![r]!.reduce((a, v, i) => a.plus(A[i]!.times(v)), new D(0)));
    }
  }
  return rows;
}

/** Gaussian elimination with partial pivoting in decimal.js: solves A X = B (A n×n, B n×m). */
export function solveDecimal(A: Decimal[][], B: Decimal[][]): Decimal[][] {
  const n = A.length;
  const a = A.map((r) => r.slice());
  const b = B.map((r) => r.slice());
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (a[i]![k]!.abs().gt(a[p]![k]!.abs())) p = i;
    if (a[p]![k]!.isZero()) throw new RangeError("singular system in the decimal solve (M does not have full rank)");
    [a[k], a[p]] = [a[p]!, a[k]!];
    [b[k], b[p]] = [b[p]!, b[k]!];
    const ak = a[k]!;
    const bk = b[k]!;
    for (let i = k + 1; i < n; i++) {
      const ai = a[i]!;
      if (ai[k]!.isZero()) continue;
      const f = ai[k]!.div(ak[k]!);
      for (let j = k + 1; j < n; j++) ai[j] = ai[j]!.minus(f.times(ak[j]!));
      const bi = b[i]!;
      for (let j = 0; j < bi.length; j++) bi[j] = bi[j]!.minus(f.times(bk[j]!));
    }
  }
  const x: Decimal[][] = Array.from({ length: n }, () => []);
  for (let i = n - 1; i >= 0; i--) {
    x[i] = b[i]!.map((v, j) => {
      let s = v;
      for (let c = i + 1; c < n; c++) s = s.minus(a[i]![c]!.times(x[c]![j]!));
      return s.div(a[i]![i]!);
    });
  }
  return x;
}

/** Which solve to run: "float64" (LU + double-double refinement) or "decimal" (Gaussian elimination). */
export type SolveMethod = { kind: "float64" } | { kind: "decimal"; digits: number };

/** The readout Z (d × rows) with Z M ≈ E, and what the solve saw. */
export interface Readout {
  Z: (number | Decimal)[][];
  shape: "square" | "least-squares" | "minimum-norm";
  relResidual: number | null;
  /** Float square case: Mᵀ and its LU, reused for the conditioning estimate. */
  factor?: { A: Float64Array; n: number; lu: import("./float64.ts").LU };
}

/**
 * Step 5: Z M = E (square), or the least-squares / minimum-norm solution through the Gram system when
 * T ≠ H·d_h + d. E is d × T (columns E(t)).
 */
export function solveReadout(w: GenericWeights, sequences: number[][], E: number[][] | Decimal[][], method: SolveMethod): Readout {
  const rows = w.d + w.H * w.dh;
  const T = sequences.length;
  const shape = T === rows ? "square" : T > rows ? "least-squares" : "minimum-norm";
  if (method.kind === "decimal") {
    const D = Decimal.clone({ precision: method.digits });
    const M = featureMatrixDecimal(w, sequences, D);
    const Ed = (E as (number | Decimal)[][]).map((r) => r.map((v) => new D(v)));
    const mt = (i: number, j: number) => M[j]![i]!; // Mᵀ
    let Zt: Decimal[][];
    if (shape === "square") {
      Zt = solveDecimal(Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => mt(i, j))), Array.from({ length: T }, (_, i) => Ed.map((r) => r[i]!)));
    } else if (shape === "least-squares") {
      const G = M.map((ri) => M.map((rj) => ri.reduce((a, v, c) => a.plus(v.times(rj[c]!)), new D(0))));
      const rhs = M.map((ri) => Ed.map((er) => ri.reduce((a, v, c) => a.plus(v.times(er[c]!)), new D(0))));
      Zt = solveDecimal(G, rhs);
    } else {
      const G = Array.from({ length: T }, (_, a) => Array.from({ length: T }, (_, b) => M.reduce((s, r) => s.plus(r[a]!.times(r[b]!)), new D(0))));
      const Y = solveDecimal(G, Array.from({ length: T }, (_, i) => Ed.map((r) => r[i]!)));
      Zt = M.map((r) => Ed.map((_, j) => r.reduce((s, v, c) => s.plus(v.times(Y[c]![j]!)), new D(0))));
    }
    return { Z: Ed.map((_, i) => Zt.map((r) => r[i]!)), shape, relResidual: null };
  }
  const { M } = featureMatrixFloat(w, sequences);
  const Ef = (E as (number | Decimal)[][]).map((r) => r.map((v) => Number(v)));
  const d = Ef.length;
  if (shape === "square") {
    const A = new Float64Array(T * T);
    for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) A[i * T + j] = M[j * T + i]!;
    const { x, relResidual, lu } = solveRefined(A, T, Ef.map((r) => Float64Array.from(r)), 2);
    return { Z: x.map((v) => Array.from(v)), shape, relResidual, factor: { A, n: T, lu } };
  }
  // Gram systems in float64 square the conditioning: only for small over/under-determined problems
  const n = shape === "least-squares" ? rows : T;
  const G = new Float64Array(n * n);
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++) {
      let s = 0;
      if (shape === "least-squares") for (let c = 0; c < T; c++) s += M[a * T + c]! * M[b * T + c]!;
      else for (let r = 0; r < rows; r++) s += M[r * T + a]! * M[r * T + b]!;
      G[a * n + b] = s;
    }
  if (shape === "least-squares") {
    const rhs = Ef.map((er) => Float64Array.from({ length: rows }, (_, a) => er.reduce((s, v, c) => s + v * M[a * T + c]!, 0)));
    const { x, relResidual } = solveRefined(G, n, rhs);
    return { Z: x.map((v) => Array.from(v)), shape, relResidual };
  }
  const { x: Y, relResidual } = solveRefined(G, n, Ef.map((r) => Float64Array.from(r)));
  return { Z: Y.map((y) => Array.from({ length: rows }, (_, r) => y.reduce((s, v, c) => s + v * M[r * T + c]!, 0))), shape, relResidual };
}

/**
 * Step 4: absorbs the skip connection. Z = [R | Z'] (R: d×d) gives W_U = W·R and W_O = R⁻¹ Z', so the
 * network's logits W_U x_S + W_U W_O m equal W·Z·[x_S; m] exactly (before rounding).
 */
export function absorbSkipConnection(W: number[][], Z: (number | Decimal)[][], digits: number): { WU: Decimal[][]; WO: Decimal[][] } {
  const D = Decimal.clone({ precision: Math.max(digits + 10, 40) });
  const d = Z.length;
  const Zd = Z.map((r) => r.map((v) => new D(v)));
  const R = Zd.map((r) => r.slice(0, d));
  const Zr = Zd.map((r) => r.slice(d));
  const WO = solveDecimal(R, Zr); // R · W_O = Z'
  const WU = W.map((wr) => Array.from({ length: d }, (_, j) => wr.reduce((a, v, i) => a.plus(R[i]![j]!.times(v)), new D(0))));
  return { WU, WO };
}

/** A decimal rounded to `digits` significant digits as an IR rational string. */
export function qString(v: Decimal | number, digits: number): string {
  const x = new Decimal(v).toSignificantDigits(digits);
  return x.isZero() ? "0" : x.toString();
}

const dy = (v: number) => Rational.fromNumber(v).toString();

/** The network IR of the construction (weights exact rationals). */
export function aotNetwork(w: GenericWeights, WU: Decimal[][], WO: Decimal[][], digits: number, meta: Record<string, unknown>): Network {
  const { d, dh, H } = w;
  return {
    format: NETWORK_FORMAT,
    version: NETWORK_VERSION,
    input: { kind: "tokens", vocab: w.N },
    layers: [
      { type: "embedding", table: w.e.map((r) => r.map(dy)) },
      { type: "positional", table: w.pos.map((r) => r.map(dy)) },
      {
        type: "attention",
        attention: "softmax",
        residual: true,
        queries: "last",
        keys: "all",
        name: "rank-1 heads W_QK = q kᵀ (Remark 2), skip connection kept",
        heads: Array.from({ length: H }, (_, h) => ({
          WQ: [w.q[h]!.map(dy)],
          WK: [w.k[h]!.map(dy)],
          WV: w.WV[h]!.map((r) => r.map(dy)),
          WO: Array.from({ length: d }, (_, i) => Array.from({ length: dh }, (_, c) => qString(WO[i]![h * dh + c]!, digits))),
        })),
      },
      { type: "affine", name: "unembedding W_U = W·R (skip absorbed)", W: WU.map((r) => r.map((v) => qString(v, digits))) },
    ],
    output: { positions: "last", kind: "logits" },
    meta,
  };
}

/** Float conditioning of the square M (σ_min/σ_max by power/inverse iteration), labelled float. */
export function conditioningFloat(w: GenericWeights, sequences: number[][], factor?: Readout["factor"]): { sigmaMax: number; sigmaMin: number; ratio: number } | null {
  if (factor) {
    const { sigmaMax, sigmaMin } = singularValueEstimates(factor.A, factor.n, factor.lu); // σ(Mᵀ) = σ(M)
    return { sigmaMax, sigmaMin, ratio: sigmaMin / sigmaMax };
  }
  const { rows, cols, M } = featureMatrixFloat(w, sequences);
  if (rows !== cols) return null;
  const f = luFactor(M, rows);
  const { sigmaMax, sigmaMin } = singularValueEstimates(M, rows, f);
  return { sigmaMax, sigmaMin, ratio: sigmaMin / sigmaMax };
}
