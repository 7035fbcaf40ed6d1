/**
 * Kajitsuka & Sato's bound formulas with the paper's constants (digest: shared/papers/kajitsuka-sato.md).
 * Each bound is an expression of src/bounds/expression.ts's grammar over N, n, d, C (r and δ are written
 * into the text as exact rationals, since certificates only name measured variables), evaluated
 * rigorously (exact where rational, outward-rounded intervals otherwise) and printed in the
 * 12-significant-digit format of certificates (`formatBoundValue` in src/bounds/format.ts,
 * shared by every builder; the checker recomputes and rounds the value with its own code).
 *
 * "≲" in the theorems hides constants: the expressions are the stated terms with constant 1, a yardstick
 * to compare measured counts with, not a proven inequality. log is log₂ throughout (bits).
 *
 *   R       = 400·√3·d·n³·r·N⁵·δ⁻¹·π                                     (Theorem 4.1)
 *   depth   ≲ √(N log N) + √(N/log N)·max{log R, log C}                   (Theorem 4.1, width 14)
 *   bits    ≲ log d + √(N/log N)·max{log R, log C}                        (Theorem 4.1)
 *   seq2seq: the same with N → nN and R_s = 400·√3·d·n³·r·(nN)⁵·δ⁻¹·π     (Corollary 4.1, our reading)
 *   Thm 4.2: parameters = Ω(√N)                                            (expression √N)
 *   Thm 4.3: nN ≤ 9W²·log₂(48·e·n·N), i.e. W ≥ √(nN / (9·log₂(48·e·n·N)))  (hardmax seq2seq shattering)
 *
 * @example
 *   ksBounds({ N: 200, n: 6, d: 4, C: 3, r: q(2), delta: q("1/8") }).find(b => b.id === "thm4.3-W")!.value
 */
import { Rational } from "../numbers/rational.ts";
import { formatBound } from "./expression.ts";

export interface KsBoundInput {
  N: number;
  n: number;
  d: number;
  C: number;
  r: Rational;
  delta: Rational;
}

export interface BoundValue {
  id: string;
  source: string;
  what: string;
  expression: string;
  variables: Record<string, "N" | "n" | "d" | "C" | "parameters" | "depth" | "bitComplexity" | "width" | "totalBits">;
  value: string;
  /** The measured quantity it is compared with, and how (measured relation value). */
  compare?: { quantity: "parameters" | "depth" | "bitComplexity" | "width" | "totalBits"; relation: "<=" | ">=" };
}

const lit = (r: Rational) => `(${r.toString()})`;

/** The bound expressions for one dataset shape, with values. `seq2seq` selects Corollary 4.1. */
export function ksBounds(b: KsBoundInput, seq2seq = false): BoundValue[] {
  const vars = { N: "N", n: "n", d: "d", C: "C" } as const;
  const vals = { N: b.N, n: b.n, d: b.d, C: b.C };
  const M = seq2seq ? "(n*N)" : "N";
  const R = `400*sqrt(3)*d*n^3*${lit(b.r)}*${M}^5/${lit(b.delta)}*pi`;
  const src = seq2seq ? "Kajitsuka & Sato, Corollary 4.1" : "Kajitsuka & Sato, Theorem 4.1";
  const logTerm = `sqrt(${M}/log2(${M}))*max(log2(${R}), log2(C))`;
  const spec: Omit<BoundValue, "value">[] = [
    { id: "R", source: src, what: "R = 400·√3·d·n³·r·N⁵·δ⁻¹·π", expression: R, variables: { ...vars } },
    { id: "logR", source: src, what: "log₂ R", expression: `log2(${R})`, variables: { ...vars } },
    { id: "logC", source: src, what: "log₂ C", expression: "log2(C)", variables: { C: "C" } },
    { id: "depth", source: src, what: "depth ≲ √(N log N) + √(N/log N)·max{log R, log C}", expression: `sqrt(${M}*log2(${M})) + ${logTerm}`, variables: { ...vars }, compare: { quantity: "depth", relation: "<=" } },
    { id: "bits", source: src, what: "bit complexity ≲ log d + √(N/log N)·max{log R, log C}", expression: `log2(d) + ${logTerm}`, variables: { ...vars }, compare: { quantity: "bitComplexity", relation: "<=" } },
    { id: "sqrtNlogN", source: src, what: "√(N log N)", expression: `sqrt(${M}*log2(${M}))`, variables: { ...vars } },
    { id: "sqrtN/logN", source: src, what: "√(N/log N)", expression: `sqrt(${M}/log2(${M}))`, variables: { ...vars } },
    { id: "thm4.2", source: "Kajitsuka & Sato, Theorem 4.2", what: "parameters = Ω(√N) (constant 1)", expression: "sqrt(N)", variables: { N: "N" }, compare: { quantity: "parameters", relation: ">=" } },
    { id: "thm4.3-W", source: "Kajitsuka & Sato, Theorem 4.3", what: "W ≥ √(nN / (9·log₂(48·e·n·N))) (from nN ≤ 9W²·log₂(48enN), hardmax seq2seq)", expression: "sqrt(n*N/(9*log2(48*e*n*N)))", variables: { n: "n", N: "N" }, compare: { quantity: "parameters", relation: ">=" } },
  ];
  return spec.map((o) => {
    const scope: Record<string, number> = {};
    for (const k of Object.keys(o.variables)) scope[k] = vals[k as keyof typeof vals];
    return { ...o, value: formatBound(o.expression, scope) };
  });
}
