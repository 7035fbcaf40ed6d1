/**
 * The bound statements a trained capacity is held against, and the flagging rule.
 *
 * Upper-bound statements (a trained model that memorizes MORE is a candidate counterexample):
 *   ks-thm4.3   Kajitsuka & Sato, Theorem 4.3: a hardmax Transformer with W parameters that shatters N
 *               sequences of length n (seq2seq) has nN ≤ 9W²·log₂(48·e·n·N). Applies to hardmax attention
 *               only (softmax is the paper's open question: shown, never flagged). Our trained models
 *               memorize ONE random labeling of the last position, a weaker task than shattering — so an
 *               excess is a candidate to examine, not a refutation.
 * Lower-bound statements (constructions: "some network of this size memorizes T"): a trained model
 * BELOW them is an optimization fact, never a counterexample; they are shown side by side.
 *
 * @example
 *   thm43Check({ W: 10, n: 2, N: 10_000, hardmax: true }).flagged // true: 2·10⁴ > 9·100·log₂(48e·2·10⁴)
 */
import { boundHolds, formatBound } from "../../src/bounds/expression.ts";

export const THM43_EXPRESSION = "9*W^2*log2(48*e*n*N)";

export interface StatementCheck {
  id: string;
  source: string;
  kind: "upper" | "lower";
  statement: string;
  /** whether the statement's hypotheses match the trained model */
  applies: boolean;
  /** the value the statement allows (upper) or guarantees (lower), as text */
  value: string;
  /** the trained value compared */
  trained: number;
  /** trained exceeds the upper bound (decided with 64-digit BigNumbers) */
  exceeded: boolean;
  /** exceeded AND applies: a candidate counterexample */
  flagged: boolean;
  why: string;
}

/**
 * Theorem 4.3 against a trained capacity N of sequences of length n with W parameters.
 * @example thm43Check({ W: 1000, n: 4, N: 50, hardmax: false }).flagged === false
 */
export function thm43Check(o: { W: number; n: number; N: number; hardmax: boolean }): StatementCheck {
  const vars = { W: o.W, n: o.n, N: Math.max(o.N, 1) };
  const holds = o.N === 0 || boundHolds(THM43_EXPRESSION, vars, o.n * o.N, "<=");
  const exceeded = !holds;
  return {
    id: "ks-thm4.3", source: "Kajitsuka & Sato, Theorem 4.3", kind: "upper",
    statement: "nN ≤ 9W²·log₂(48·e·n·N) (hardmax, seq2seq shattering)", applies: o.hardmax,
    value: formatBound(THM43_EXPRESSION, vars), trained: o.n * o.N, exceeded, flagged: exceeded && o.hardmax,
    why: o.hardmax
      ? "hardmax model: the statement applies (read with the last position's labels; one labeling memorized is weaker than shattering)"
      : "softmax/uniform model: Theorem 4.3 is proven for hardmax only (softmax is open) — shown, not flagged",
  };
}

/**
 * A lower-bound (construction) row: trained vs what a construction guarantees or certifies.
 * @example lowerRow("dana-cor1", "Dana et al., Corollary 1", "H·d_h + d", 6, 9).flagged === false
 */
export function lowerRow(id: string, source: string, statement: string, guaranteed: number | string, trained: number): StatementCheck {
  return { id, source, kind: "lower", statement, applies: true, value: String(guaranteed), trained, exceeded: false, flagged: false, why: "a construction's guarantee: a trained model below it is an optimization fact, not a counterexample" };
}
