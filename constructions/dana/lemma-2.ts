/**
 * Dana, Pydi & Chevaleyre's Lemma 2 (p. 4; proof pp. 12–13) as the paper states it: the attention
 * BEFORE the output and value matrices, A(t) = [Σ_s a^h_s(t) x(t,s)]_{h=1..H} ∈ R^{H·d}, one column per
 * sequence, and the claim rank{A(t)}_t ≥ min(T₀, H·d) for some choice of W_QK^h, e and pos.
 *
 * The softmax weights a^h_s(t) are irrational, so the matrix is enclosed, not computed: the scores
 * (q_h·x(t,S))(k_h·x(t,s)) are exact dyadic rationals (generic weights of aot.ts), the weights are
 * enclosed by IntervalArithmetic.softmaxEnclosure (outward rounding), and the rank lower bound is
 * proven for every matrix in the box by src/linalg/interval-rank.ts. For S = 1 the weights are exactly 1
 * and the matrix is exact.
 *
 * @example
 *   const w = genericWeights({ N: 4, S: 2, d: 2, dh: 2, H: 2, seed: 1, qkScale: 8 });
 *   attentionBeforeOutputEnclosure(w, [[0, 1], [1, 2], [2, 3]], 40).lo.length // H·d = 4 rows
 */
import { IntervalArithmetic, decimalToRational } from "../../src/numbers/interval.ts";
import { Rational } from "../../src/numbers/rational.ts";
import type { GenericWeights } from "./aot.ts";

const dy = (v: number) => Rational.parse(String(v)); // the generic weights are exact m/1024 dyadics

/** The (H·d) × T₀ box [lo, hi] around A = [A^1; …; A^H] (rows: head h, coordinate i). */
export function attentionBeforeOutputEnclosure(w: GenericWeights, sequences: number[][], digits: number): { lo: Rational[][]; hi: Rational[][] } {
  const I = new IntervalArithmetic(digits);
  const rows = w.H * w.d;
  const lo: Rational[][] = Array.from({ length: rows }, () => []);
  const hi: Rational[][] = Array.from({ length: rows }, () => []);
  for (const t of sequences) {
    const S = t.length;
    const X = t.map((tok, s) => w.e[tok]!.map((v, i) => dy(v).add(dy(w.pos[s]![i]!))));
    const xS = X[S - 1]!;
    for (let h = 0; h < w.H; h++) {
      const q = w.q[h]!.map(dy);
      const k = w.k[h]!.map(dy);
      const qx = xS.reduce((a, v, i) => a.add(v.mul(q[i]!)), Rational.ZERO);
      const scores = X.map((x) => I.fromRational(qx.mul(x.reduce((a, v, i) => a.add(v.mul(k[i]!)), Rational.ZERO))));
      const a = S === 1 ? [I.ONE] : I.softmaxEnclosure(scores); // one position: the weight is exactly 1
      for (let i = 0; i < w.d; i++) {
        let acc = I.ZERO;
        X.forEach((x, s) => (acc = I.add(acc, I.mul(a[s]!, I.fromRational(x[i]!)))));
        lo[h * w.d + i]!.push(decimalToRational(acc.lo));
        hi[h * w.d + i]!.push(decimalToRational(acc.hi));
      }
    }
  }
  return { lo, hi };
}
