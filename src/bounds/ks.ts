/**
 * Kajitsuka & Sato's bound formulas with the paper's constants (digest: shared/papers/kajitsuka-sato.md).
 * Each bound is an expression of src/bounds/expression.ts's grammar over N, n, d, C (r and δ are written
 * into the text as exact rationals, since certificates only name measured variables), evaluated
 * rigorously (exact where rational, outward-rounded intervals otherwise) and printed in the
 * 12-significant-digit format of certificates (`formatBoundValue` in src/bounds/format.ts,
 * shared by every builder; the checker recomputes and rounds the value with its own code).
 *
 * "≲" in the theorems hides constants: the upper-bound expressions are the stated terms with constant 1,
 * memcap's yardstick to compare measured counts with, not a proven inequality. log is log₂ (bits).
 * Pages and equations are those of the ICLR 2025 camera-ready (arXiv v2).
 *
 *   R       = 400·√(3d)·n³·r·N⁵·δ⁻¹·π                                   (Theorem B.1, p. 20; derived in eq. (57), p. 22)
 *   depth   ≲ √(N log N) + √(N/log N)·max{log R, log C}                   (Theorem B.1 eq. (41), p. 20; Theorem 4.1, p. 6)
 *   bits    ≲ log d + √(N/log N)·max{log R, log C}                        (Theorem B.1 eq. (42), p. 20)
 *   seq2seq: the same with N → nN, R_s = 400·√(3d)·n³·r·(nN)⁵·δ⁻¹·π     (Corollary 4.1, p. 9: "rearranging … nN
 *            input sequences", p. 8; the corollary states only Õ(√(nN)) depth: the constants are memcap's reading)
 *   Thm 4.2: parameters = Ω(√N), constant not stated (VC dimension O(W²), p. 23) — √N here has constant 1,
 *            memcap's choice. Hypotheses (p. 8): an eq. (4) Transformer shattering N distinct sequences with
 *            X_{:,k} = X_{:,1}.
 *   Thm 4.3: nN ≤ 9W²·log₂(48·e·n·N) (proof, p. 28, after eq. (96)), i.e. W ≥ √(nN / (9·log₂(48·e·n·N))).
 *            Hypotheses (p. 10): hardmax attention (eq. (12)), all nN tokens distinct, shattering {0,1}ⁿ labels.
 *
 * The two lower bounds carry no comparison here: they say something about a network only when the
 * hypotheses hold (src/bounds/ks-hypotheses.ts decides which fail); elsewhere they are reference lines.
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
  /**
   * Lower bounds only: the theorem whose hypotheses must hold before `parameters ≥ value` may be
   * compared (ks-hypotheses.ts), and the comparison it would make.
   */
  lowerBound?: { theorem: "thm4.2" | "thm4.3"; quantity: "parameters"; relation: ">=" };
}

const lit = (r: Rational) => `(${r.toString()})`;

/** The bound expressions for one dataset shape, with values. `seq2seq` selects Corollary 4.1. */
export function ksBounds(b: KsBoundInput, seq2seq = false): BoundValue[] {
  const vars = { N: "N", n: "n", d: "d", C: "C" } as const;
  const vals = { N: b.N, n: b.n, d: b.d, C: b.C };
  const M = seq2seq ? "(n*N)" : "N";
  const R = `400*sqrt(3*d)*n^3*${lit(b.r)}*${M}^5/${lit(b.delta)}*pi`;
  const src = seq2seq ? "Kajitsuka & Sato, Corollary 4.1 (p. 9), constants of Theorem B.1 with N → nN" : "Kajitsuka & Sato, Theorem 4.1 (p. 6) / Theorem B.1 (p. 20)";
  const logTerm = `sqrt(${M}/log2(${M}))*max(log2(${R}), log2(C))`;
  const spec: Omit<BoundValue, "value">[] = [
    { id: "R", source: `${src}, R: p. 20, eq. (57)`, what: "R = 400·√(3d)·n³·r·N⁵·δ⁻¹·π", expression: R, variables: { ...vars } },
    { id: "logR", source: src, what: "log₂ R", expression: `log2(${R})`, variables: { ...vars } },
    { id: "logC", source: src, what: "log₂ C", expression: "log2(C)", variables: { C: "C" } },
    { id: "depth", source: `${src}, eq. (41)`, what: "depth ≲ √(N log N) + √(N/log N)·max{log R, log C}", expression: `sqrt(${M}*log2(${M})) + ${logTerm}`, variables: { ...vars }, compare: { quantity: "depth", relation: "<=" } },
    { id: "bits", source: `${src}, eq. (42)`, what: "bit complexity ≲ log d + √(N/log N)·max{log R, log C}", expression: `log2(d) + ${logTerm}`, variables: { ...vars }, compare: { quantity: "bitComplexity", relation: "<=" } },
    { id: "sqrtNlogN", source: src, what: "√(N log N)", expression: `sqrt(${M}*log2(${M}))`, variables: { ...vars } },
    { id: "sqrtN/logN", source: src, what: "√(N/log N)", expression: `sqrt(${M}/log2(${M}))`, variables: { ...vars } },
    {
      id: "thm4.2",
      source: "Kajitsuka & Sato, Theorem 4.2 (p. 8): Ω(√N), constant not stated; constant 1 is memcap's",
      what: "parameters = Ω(√N), shown as √N (constant 1, memcap's)",
      expression: "sqrt(N)",
      variables: { N: "N" },
      lowerBound: { theorem: "thm4.2", quantity: "parameters", relation: ">=" },
    },
    {
      id: "thm4.3-W",
      source: "Kajitsuka & Sato, Theorem 4.3 (p. 10), explicit form nN ≤ 9W²·log₂(48enN) from its proof (p. 28)",
      what: "W ≥ √(nN / (9·log₂(48·e·n·N))) (hardmax, distinct tokens, shattering {0,1}ⁿ)",
      expression: "sqrt(n*N/(9*log2(48*e*n*N)))",
      variables: { n: "n", N: "N" },
      lowerBound: { theorem: "thm4.3", quantity: "parameters", relation: ">=" },
    },
  ];
  return spec.map((o) => {
    const scope: Record<string, number> = {};
    for (const k of Object.keys(o.variables)) scope[k] = vals[k as keyof typeof vals];
    return { ...o, value: formatBound(o.expression, scope) };
  });
}
