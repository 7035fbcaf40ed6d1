/**
 * The formulas of Mahdavi, Liao & Thrampoulidis (ICLR 2024) that memcap compares measured values
 * against (docs/mahdavi.md). Counts always come from the built network (countNetwork); these are
 * what they are compared with.
 *
 *   Theorem 1 [R]      T = H(min(n, d_h) − 1) + 1 examples with one H-head attention layer
 *   parameters         2Hd·d_h + 2Hd·d_v in the paper's layer (W_O^h ∈ R^{d_v×d}), i.e. Θ(Hd(d_h + d_v));
 *                      the abstract's Θ(Hd²) is this when d_h and d_v are of order d
 *   Proposition 2 [R]  shared context ⇒ rank(Z) ≤ H(n − 1) + 1 for any attention weights
 *
 * @example
 *   mahdaviCapacity({ H: 4, n: 5, dh: 5 }) // 17
 */

export const MAHDAVI_SOURCE = "Mahdavi, Liao & Thrampoulidis (ICLR 2024), Theorem 1 [reconstructed]";

/**
 * What memcap's version of Mahdavi et al.'s Theorem 1 rests on: the full text was not available, so the
 * count T = H(min(n, d_h) − 1) + 1 and the construction are a reconstruction from these sources.
 */
export const MAHDAVI_RECONSTRUCTION_SOURCES =
  "a reconstruction (Mahdavi et al.'s full text was not available): the abstract (arXiv 2306.02010: H heads, dimension d, context n < d, Θ(Hd²) parameters memorize Ω(Hn) examples), Dana et al.'s Table 1 (p. 8: T₀ = H(d_h − 1) + 1) and §7 (p. 8: T₀ ≤ H(min(Q, d_h) − 1) + 1, Proposition 2 tight for shared keys), and secondary summaries";

/** The order of the paper's layer's parameter count for these sizes, in words that match what was built. */
export function parameterOrder(o: { d: number; dh: number; dv: number }): string {
  return `Θ(Hd(d_h + d_v)) with d_h + d_v = ${o.dh + o.dv}${o.dh === o.d && o.dv === o.d ? " = Θ(Hd²)" : " (the abstract's Θ(Hd²) needs d_h, d_v of order d)"}`;
}

/** H(min(n, d_h) − 1) + 1. */
export function mahdaviCapacity(o: { H: number; n: number; dh: number }): number {
  return o.H * (Math.min(o.n, o.dh) - 1) + 1;
}

/** The capacity formula as a bound expression (docs/certificate.md) with H, n, d_h written in (they are not certificate variables). */
export function mahdaviCapacityExpression(o: { H: number; n: number; dh: number }): string {
  return `${o.H} * (min(${o.n}, ${o.dh}) - 1) + 1`;
}

/** Proposition 2: with a shared context rank(Z) ≤ H(n − 1) + 1. */
export function proposition2Bound(o: { H: number; n: number }): number {
  return o.H * (o.n - 1) + 1;
}

/** The paper's parameter count 2Hd·d_h + 2Hd·d_v (W_Q, W_K: d × d_h; W_V: d × d_v; W_O: d_v × d). */
export function paperParameterCount(o: { H: number; d: number; dh: number; dv: number }): number {
  return 2 * o.H * o.d * o.dh + 2 * o.H * o.d * o.dv;
}

export function paperParameterExpression(o: { H: number; dh: number; dv: number }): string {
  return `2 * ${o.H} * d * ${o.dh} + 2 * ${o.H} * d * ${o.dv}`;
}

/**
 * The exact count of memcap's network: H heads with WQ, WK (d_h × d), WV (d_v × d), WO (d × d_v) —
 * the paper's layer — plus the affine read-out (d_out × d) at the query (d_out = 1 for regression,
 * K for K classes).
 */
export function irParameterCount(o: { H: number; d: number; dh: number; dv: number; dout: number }): number {
  return o.H * (2 * o.d * o.dh + 2 * o.d * o.dv) + o.dout * o.d;
}

export function irParameterFormula(): string {
  return "H·(2·d·d_h + 2·d·d_v) + d_out·d";
}
