/**
 * Rigorous enclosure of the MHA feature matrix Z (docs/mahdavi.md#certification).
 *
 * For the one-layer network of this construction, the output at the query is
 *   out(t) = Σ_h WO_h WV_h z_h(t),   z_h(t) = Σ_j a_hj(t) e_j(t),   a_h(t) = softmax_j((WQ_h x(t))·(WK_h e_j(t))).
 * Everything except exp is exact: the scores are computed over the integers (every rational is scaled
 * by its matrix's common denominator), the exponentials are enclosed with decimal.js (correctly
 * rounded exp, widened by a proven relative error bound), and the softmax and the weighted sums are
 * done in fixed point with outward (floor/ceil) rounding. The result is an entrywise enclosure
 * Z ∈ [Zlo, Zhi] / (2^F · Dx), valid for the exact rational network.
 *
 * Scores far below the row maximum (s_j − s_max < −L with e^{−L} < 2^{−F−2}) are enclosed by
 * [0, 2^{−F}] without calling exp: that is what saturation buys, and it keeps the bench fast.
 *
 * @example
 *   const enc = encloseFeatures(data, heads, 100); enc.lo[t][h * d + i] ≤ Z_t,hd+i · enc.scale ≤ enc.hi[t][h * d + i]
 */
import { Decimal } from "decimal.js";
import type { Rational } from "../../src/numbers/rational.ts";

/** A matrix of integers sharing one positive denominator: value = num / den. */
export interface ScaledMatrix {
  num: bigint[][];
  den: bigint;
}

export function lcm(a: bigint, b: bigint): bigint {
  let x = a;
  let y = b;
  while (y !== 0n) [x, y] = [y, x % y];
  return (a / x) * b;
}

/** Common-denominator form of rational matrices (one denominator for all of them). */
export function scaleRationals(...mats: Rational[][][]): ScaledMatrix[] {
  let den = 1n;
  for (const M of mats) for (const r of M) for (const v of r) if (v.den !== 1n && den % v.den !== 0n) den = lcm(den, v.den);
  return mats.map((M) => ({ num: M.map((r) => r.map((v) => (v.num * den) / v.den)), den }));
}

/** ⌈√n⌉ for n ≥ 0 (Newton on bigints). */
export function sqrtCeil(n: bigint): bigint {
  if (n <= 0n) return 0n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) break;
    x = y;
  }
  while (x * x > n) x--;
  while (x * x < n) x++;
  return x;
}

/** Nearest-ish double of num/den for huge bigints (display and float fast paths only). */
export function ratioToNumber(num: bigint, den: bigint): number {
  if (num === 0n) return 0;
  const nb = (num < 0n ? -num : num).toString(2).length;
  const db = den.toString(2).length;
  const shift = nb - db - 60;
  const q = shift >= 0 ? num / (den << BigInt(shift)) : (num << BigInt(-shift)) / den;
  return Number(q) * 2 ** shift;
}

/**
 * Enclosure of 2^F·exp(num/den) for num ≤ 0, |num/den| ≤ L: returns integers [lo, hi].
 * decimal.js's exp is correctly rounded at its precision p; with δ̃ = num/den rounded to p digits,
 * exp(δ) ∈ exp(δ̃)·[1 − ρ, 1 + ρ] where ρ = 4(L + 1)·10^{1−p} covers both roundings (see header).
 */
export function expFixed(num: bigint, den: bigint, F: number, L: number): [bigint, bigint] {
  const p = Math.ceil(F * Math.LOG10E * Math.LN2) + 12;
  const D = Decimal.clone({ precision: p, rounding: Decimal.ROUND_HALF_EVEN });
  const Dlo = Decimal.clone({ precision: p, rounding: Decimal.ROUND_FLOOR });
  const Dhi = Decimal.clone({ precision: p, rounding: Decimal.ROUND_CEIL });
  const e = D.exp(new D(num.toString()).div(new D(den.toString())));
  const rho = new D(4 * (L + 1)).times(new D(10).pow(1 - p));
  const scale = (1n << BigInt(F)).toString();
  const lo = new Dlo(e).times(new Dlo(1).minus(rho)).times(scale).floor();
  const hi = new Dhi(e).times(new Dhi(1).plus(rho)).times(scale).ceil();
  return [BigInt(lo.toFixed(0)), BigInt(hi.toFixed(0))];
}

/**
 * Softmax enclosure in fixed point: given exact integer scores S (value S/den), returns integer
 * bounds [lo_j, hi_j] with lo_j ≤ 2^F·softmax(S/den)_j ≤ hi_j. Uses monotonicity of
 * N_j/(N_j + Σ_{k≠j} N_k) in each argument for the tightest bounds from the numerator enclosures.
 */
export function softmaxFixed(S: bigint[], den: bigint, F: number): { lo: bigint[]; hi: bigint[]; saturated: number } {
  const L = Math.ceil((F + 2) * Math.LN2) + 1;
  const cut = BigInt(L) * den;
  let smax = S[0]!;
  for (const s of S) if (s > smax) smax = s;
  const one = 1n << BigInt(F);
  const Nlo: bigint[] = [];
  const Nhi: bigint[] = [];
  let saturated = 0;
  for (const s of S) {
    const diff = s - smax; // ≤ 0
    if (diff === 0n) {
      Nlo.push(one);
      Nhi.push(one);
    } else if (-diff > cut) {
      Nlo.push(0n);
      Nhi.push(1n);
      saturated++;
    } else {
      const [a, b] = expFixed(diff, den, F, L);
      Nlo.push(a);
      Nhi.push(b);
    }
  }
  let sumLo = 0n;
  let sumHi = 0n;
  for (let j = 0; j < S.length; j++) {
    sumLo += Nlo[j]!;
    sumHi += Nhi[j]!;
  }
  const lo: bigint[] = [];
  const hi: bigint[] = [];
  for (let j = 0; j < S.length; j++) {
    const dl = Nlo[j]! + (sumHi - Nhi[j]!);
    const dh = Nhi[j]! + (sumLo - Nlo[j]!);
    lo.push((Nlo[j]! << BigInt(F)) / dl);
    const h = Nhi[j]! << BigInt(F);
    hi.push((h + dh - 1n) / dh);
  }
  return { lo, hi, saturated };
}

/** The exact data of one softmax head: WQ, WK (d_h × d) with common denominators. */
export interface ExactHead {
  WQ: ScaledMatrix;
  WK: ScaledMatrix;
}

export interface FeatureEnclosure {
  /** T × Hd integer bounds; Z = value / scale. */
  lo: bigint[][];
  hi: bigint[][];
  /** 2^F · Dx. */
  scale: bigint;
  F: number;
  /** Exact scores per (t, h): numerators (common denominator scoreDen[h]) — for tests and reports. */
  scores: bigint[][][];
  scoreDen: bigint[];
  /** How many attention weights were enclosed without exp (saturated below 2^-F). */
  saturated: number;
  /** Widest attention-weight enclosure, in units of 2^-F. */
  maxAttentionWidth: bigint;
}

/**
 * Encloses Z for queries X (T × d) and contexts E (T × n × d), all scaled by the same Dx.
 *
 * @example
 *   const [X, ...] = scaleRationals(queries, ...contexts)
 */
export function encloseFeatures(
  X: bigint[][],
  E: bigint[][][],
  Dx: bigint,
  heads: ExactHead[],
  F: number,
  progress?: (done: number, total: number) => void,
): FeatureEnclosure {
  const T = X.length;
  const d = X[0]!.length;
  const lo: bigint[][] = [];
  const hi: bigint[][] = [];
  const scores: bigint[][][] = [];
  const scoreDen = heads.map((h) => h.WQ.den * h.WK.den * Dx * Dx);
  let saturated = 0;
  let maxAttentionWidth = 0n;
  // zero rows of WQ/WK (padding beyond the columns the construction uses) cost nothing
  const live = heads.map((h) => h.WQ.num.map((row, a) => row.some((v) => v !== 0n) && h.WK.num[a]!.some((v) => v !== 0n)));
  for (let t = 0; t < T; t++) {
    const x = X[t]!;
    const Et = E[t]!;
    const rowLo: bigint[] = [];
    const rowHi: bigint[] = [];
    const sc: bigint[][] = [];
    heads.forEach((h, hi_) => {
      const r = new Array<bigint>(d).fill(0n);
      h.WQ.num.forEach((q, a) => {
        if (!live[hi_]![a]) return;
        let qa = 0n;
        for (let i = 0; i < d; i++) qa += q[i]! * x[i]!;
        if (qa === 0n) return;
        const k = h.WK.num[a]!;
        for (let i = 0; i < d; i++) r[i]! += k[i]! * qa;
      });
      const S = Et.map((e) => {
        let s = 0n;
        for (let i = 0; i < d; i++) s += e[i]! * r[i]!;
        return s;
      });
      sc.push(S);
      const a = softmaxFixed(S, scoreDen[hi_]!, F);
      saturated += a.saturated;
      for (let j = 0; j < S.length; j++) if (a.hi[j]! - a.lo[j]! > maxAttentionWidth) maxAttentionWidth = a.hi[j]! - a.lo[j]!;
      for (let i = 0; i < d; i++) {
        let l = 0n;
        let u = 0n;
        for (let j = 0; j < Et.length; j++) {
          const v = Et[j]![i]!;
          if (v >= 0n) {
            l += a.lo[j]! * v;
            u += a.hi[j]! * v;
          } else {
            l += a.hi[j]! * v;
            u += a.lo[j]! * v;
          }
        }
        rowLo.push(l);
        rowHi.push(u);
      }
    });
    lo.push(rowLo);
    hi.push(rowHi);
    scores.push(sc);
    progress?.(t + 1, T);
  }
  return { lo, hi, scale: (1n << BigInt(F)) * Dx, F, scores, scoreDen, saturated, maxAttentionWidth };
}
