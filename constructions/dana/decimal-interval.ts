/**
 * Rigorous decimal.js interval enclosure of the logits of the Dana et al. network shape
 * (embedding → positional → one softmax attention layer with queries "last" → affine), at p digits.
 *
 * Inf–sup intervals with directed rounding: every lower end is computed in a decimal.js clone with
 * ROUND_FLOOR, every upper end with ROUND_CEIL (decimal.js rounds +, −, ×, ÷ and exp correctly in the
 * requested mode), so the exact logits lie inside. Used when the float64 path (fast-interval.ts) is too
 * wide: the construction's weights cancel by ~10¹⁰–10¹⁴ (‖W_U‖·‖W_O‖ against O(1) logits).
 * The independent checker evaluates the same network with its own evaluator at the certificate's precision.
 *
 * @example
 *   const enc = decimalLogitEnclosures(net, [[0, 1]], 40);
 *   enc[0]!.lo[0]!.lte(enc[0]!.hi[0]!) // true
 */
import { Decimal } from "decimal.js";
import type { Network } from "../../src/ir/network.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { compileFast } from "./fast-interval.ts";

type I = [Decimal, Decimal];

/** Logit enclosures [lo, hi] of each sequence at `digits` significant digits. */
export function decimalLogitEnclosures(net: Network, sequences: number[][], digits: number): { lo: Decimal[]; hi: Decimal[] }[] {
  compileFast(net); // same supported shape, same error messages
  const Dn = Decimal.clone({ precision: digits, rounding: Decimal.ROUND_FLOOR, toExpNeg: -9e15, toExpPos: 9e15 });
  const Up = Decimal.clone({ precision: digits, rounding: Decimal.ROUND_CEIL, toExpNeg: -9e15, toExpPos: 9e15 });
  const TINIEST = new Up("1e-9000000000000000");
  const val = (v: string | number): I => {
    const r = Rational.from(v);
    const n = r.num.toString();
    const d = r.den.toString();
    return d === "1" ? [new Dn(n), new Up(n)] : [new Dn(n).div(d), new Up(n).div(d)];
  };
  const mat = (M: (string | number)[][]) => M.map((row) => row.map(val));
  const add = (a: I, b: I): I => [Dn.add(a[0], b[0]), Up.add(a[1], b[1])];
  const mul = (a: I, b: I): I => {
    const lo = [Dn.mul(a[0], b[0]), Dn.mul(a[0], b[1]), Dn.mul(a[1], b[0]), Dn.mul(a[1], b[1])];
    const hi = [Up.mul(a[0], b[0]), Up.mul(a[0], b[1]), Up.mul(a[1], b[0]), Up.mul(a[1], b[1])];
    return [Decimal.min(...lo), Decimal.max(...hi)];
  };
  const zero = (): I => [new Dn(0), new Up(0)];
  const matVec = (A: I[][], x: I[], base?: I[]): I[] => A.map((row, i) => row.reduce((s, a, j) => add(s, mul(a, x[j]!)), base ? base[i]! : zero()));
  const L = net.layers;
  if (L[0]!.type !== "embedding" || L[1]!.type !== "positional" || L[2]!.type !== "attention" || L[3]!.type !== "affine") throw new RangeError("unsupported shape");
  const emb = mat(L[0]!.table);
  const pos = mat(L[1]!.table);
  const att = L[2]!;
  const heads = att.heads.map((h) => ({ WQ: mat(h.WQ), WK: mat(h.WK), WV: mat(h.WV), WO: mat(h.WO) }));
  const scale = att.scale === undefined ? val(1) : val(att.scale);
  const WU = mat(L[3]!.W);
  const bias = L[3]!.b ? L[3]!.b.map(val) : undefined;
  return sequences.map((t) => {
    const X = t.map((tok, s) => emb[tok]!.map((v, i) => add(v, pos[s]![i]!)));
    const S = t.length;
    let acc: I[] = att.residual ? X[S - 1]!.slice() : X[0]!.map(zero);
    for (const h of heads) {
      const qv = matVec(h.WQ, X[S - 1]!);
      const sc = X.map((x) => mul(scale, matVec([qv], matVec(h.WK, x))[0]!));
      // a_s = 1 / Σ_j exp(sc_j − sc_s): exp increasing, so ends map to ends
      const a: I[] = sc.map((ss, s) => {
        let lo = new Dn(0);
        let hi = new Up(0);
        sc.forEach((sj, j) => {
          if (j === s) {
            lo = Dn.add(lo, 1);
            hi = Up.add(hi, 1);
            return;
          }
          lo = Dn.add(lo, Dn.exp(Dn.sub(sj[0], ss[1])));
          // decimal.js's exp underflows to exactly 0 below 10^(−9·10^15), even rounding up: an upper
          // end must stay positive, or the weight's lower end collapses to exactly 1
          const e = Up.exp(Up.sub(sj[1], ss[0]));
          hi = Up.add(hi, e.isZero() ? TINIEST : e);
        });
        // a denominator beyond decimal.js's range (exp overflowed): the weight is below 10^(−9·10^15), not 0
        return [Dn.div(1, hi), lo.isFinite() ? Up.div(1, lo) : TINIEST];
      });
      const A = X[0]!.map((_, i) => X.reduce((s, x, k) => add(s, mul(a[k]!, x[i]!)), zero()));
      acc = matVec(h.WO, matVec(h.WV, A), acc);
    }
    const logits = matVec(WU, acc, bias);
    return { lo: logits.map((v) => v[0]), hi: logits.map((v) => v[1]) };
  });
}
