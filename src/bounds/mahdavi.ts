/**
 * The formulas of Mahdavi, Liao & Thrampoulidis (ICLR 2024) that memcap compares measured values
 * against (docs/mahdavi.md). Counts always come from the built network (countNetwork); these are
 * what they are compared with.
 *
 *   Theorem 1 [R]      T = H(min(n, d_h) − 1) + 1 examples with one H-head attention layer
 *   parameters         2Hd·d_h + 2Hd·d_v in the paper's layer (W_O^h ∈ R^{d_v×d}), i.e. Θ(Hd²)
 *   Proposition 2 [R]  shared context ⇒ rank(Z) ≤ H(n − 1) + 1 for any attention weights
 *
 * @example
 *   mahdaviCapacity({ H: 4, n: 5, dh: 5 }) // 17
 */

export const MAHDAVI_SOURCE = "Mahdavi, Liao & Thrampoulidis (ICLR 2024), Theorem 1 [reconstructed]";

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
