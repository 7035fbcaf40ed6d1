/**
 * Rigorous decimal interval enclosures of the logits of Dana et al.'s network at p digits, used when
 * the float64 intervals (fast-interval.ts) are too wide: the construction's weights cancel by
 * ~10¹⁰–10¹⁴ (‖W_U‖·‖W_O‖ against O(1) logits). One interval implementation serves every builder:
 * this is memcap's general interval evaluator (src/eval/interval.ts, outward rounding in
 * src/numbers/interval.ts) read at the last position. The independent checker evaluates the same
 * network with its own evaluator at the certificate's precision.
 *
 * @example
 *   const enc = decimalLogitEnclosures(net, [[0, 1]], 40);
 *   enc[0]!.lo[0]!.lte(enc[0]!.hi[0]!) // true
 */
import type { Decimal } from "decimal.js";
import type { Network } from "../../src/ir/network.ts";
import { evaluateInterval } from "../../src/eval/interval.ts";
import { compileFast } from "./fast-interval.ts";

/** Logit enclosures [lo, hi] of each sequence at `digits` significant digits. */
export function decimalLogitEnclosures(net: Network, sequences: number[][], digits: number): { lo: Decimal[]; hi: Decimal[] }[] {
  compileFast(net); // the network shape the construction writes; same error messages as the float64 path
  return evaluateInterval(net, sequences, undefined, { precisionDigits: digits }).map((positions) => {
    const last = positions[positions.length - 1]!;
    return { lo: last.map((v) => v.lo), hi: last.map((v) => v.hi) };
  });
}
