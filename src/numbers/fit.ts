/** Float statistics for growth plots and tables: evidence, never a decision. */

/**
 * Least-squares slope of log y against log x: the fitted growth exponent of y ~ x^k.
 * Returns NaN with fewer than two distinct positive points.
 * @example
 * fitExponent([{ x: 1, y: 1 }, { x: 4, y: 2 }, { x: 16, y: 4 }]); // 0.5
 */
export function fitExponent(points: { x: number; y: number }[]): number {
  const p = points.filter((q) => q.x > 0 && q.y > 0).map((q) => ({ u: Math.log(q.x), v: Math.log(q.y) }));
  if (p.length < 2) return NaN;
  const mu = p.reduce((s, q) => s + q.u, 0) / p.length;
  const mv = p.reduce((s, q) => s + q.v, 0) / p.length;
  const sxx = p.reduce((s, q) => s + (q.u - mu) ** 2, 0);
  if (sxx === 0) return NaN;
  return p.reduce((s, q) => s + (q.u - mu) * (q.v - mv), 0) / sxx;
}

/** The same fit from parallel arrays. @example fitExponentXY([1, 10], [1, 10]) // 1 */
export function fitExponentXY(xs: number[], ys: number[]): number {
  return fitExponent(xs.map((x, i) => ({ x, y: ys[i]! })));
}
