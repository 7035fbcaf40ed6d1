/**
 * Dana, Pydi & Chevaleyre (AISTATS 2025) formulas, as bound claims over measured quantities
 * (digest: shared/papers/dana-pydi-chevaleyre.md). Variables a certificate can re-derive are N (number of
 * sequences, the paper's T₀) and n (context length S); the architecture constants (vocabulary size,
 * d, d_h, H) are written into the expressions as literals, as src/bounds/ks.ts does for r and δ.
 *
 *   capacity        T₀ ≤ H·d_h + d                                   (Corollary 1 / Theorem 1, ε = 0)
 *   parameters      d(S + 2N_vocab + 4(T₀ − d))                       (Theorem 1 with H·d_h + d = T₀)
 *   rank-1 count    d(S + 2N_vocab + 2(d_h + 1)H)                     (Remark 2)
 *   accuracy        1/N_vocab + (1 − 1/N_vocab)·min(1, (H·d_h + d)/T₀) (Corollary 2, uniform prior)
 *
 * @example
 *   danaBounds({ vocab: 10, S: 2, d: 2, dh: 2, H: 49, T: 100 })[0]!.value // "100.000000000"
 */
import { boundHolds, formatBound } from "./expression.ts";

export interface DanaShape {
  vocab: number;
  S: number;
  d: number;
  dh: number;
  H: number;
  /** Number of associations / sequences T₀. */
  T: number;
}

export interface DanaBound {
  id: string;
  source: string;
  what: string;
  expression: string;
  variables: Record<string, "N" | "n">;
  value: string;
  compare?: { quantity: "parameters"; relation: "<=" | ">=" };
}

/** The four formulas for a shape, values to 12 significant digits (64-digit BigNumbers). */
export function danaBounds(s: DanaShape): DanaBound[] {
  const vars = { N: s.T, n: s.S };
  const b = (x: Omit<DanaBound, "value">): DanaBound => ({ ...x, value: formatBound(x.expression, vars) });
  return [
    b({ id: "cor1-capacity", source: "Dana et al. 2025, Corollary 1", what: "associations memorized H·d_h + d", expression: `${s.H}*${s.dh} + ${s.d}`, variables: {} }),
    b({ id: "thm1-parameters", source: "Dana et al. 2025, Theorem 1 (ε = 0)", what: "parameters d(S + 2N + 4(T₀ − d))", expression: `${s.d}*(n + 2*${s.vocab} + 4*(N - ${s.d}))`, variables: { N: "N", n: "n" }, compare: { quantity: "parameters", relation: "<=" } }),
    b({ id: "rem2-parameters", source: "Dana et al. 2025, Remark 2 (rank-1 W_QK)", what: "parameters d(S + 2N + 2(d_h + 1)H)", expression: `${s.d}*(n + 2*${s.vocab} + 2*(${s.dh} + 1)*${s.H})`, variables: { n: "n" } }), // equals the measured count exactly: a tie no checker can decide with "<="
    b({ id: "cor2-accuracy", source: "Dana et al. 2025, Corollary 2 (uniform prior)", what: "expected accuracy ≥ 1/N + (1 − 1/N)(H·d_h + d)/T₀", expression: `1/${s.vocab} + (1 - 1/${s.vocab})*min(1, (${s.H}*${s.dh} + ${s.d})/N)`, variables: { N: "N" } }),
  ];
}

/** Whether a measured parameter count satisfies a bound's comparison (64-digit decision). */
export function danaBoundHolds(b: DanaBound, s: DanaShape, measured: number): boolean | undefined {
  return b.compare ? boundHolds(b.expression, { N: s.T, n: s.S }, measured, b.compare.relation) : undefined;
}
