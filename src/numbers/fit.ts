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

/** Least-squares power law y ≈ a·x^k on log-log (float). @example fitPowerLaw([1, 4], [2, 4]) // { a: 2, k: 0.5 } */
export function fitPowerLaw(xs: number[], ys: number[]): { a: number; k: number } {
  const k = fitExponentXY(xs, ys);
  const p = xs.map((x, i) => [Math.log(x), Math.log(ys[i]!)] as const);
  const mu = p.reduce((s, q) => s + q[0], 0) / p.length;
  const mv = p.reduce((s, q) => s + q[1], 0) / p.length;
  return { a: Math.exp(mv - k * mu), k };
}

export type Crossover =
  | { kind: "measured"; N: number; previousN: number | null }
  | { kind: "extrapolated"; N: number; fit: { small: { a: number; k: number }; large: { a: number; k: number } } }
  | { kind: "none"; reason: string };

/**
 * From which x does `small` (the slower-growing series) fall below `large`? Measured: the first sweep
 * point where it does (with the sweep point before it). Otherwise extrapolated from power laws fitted to
 * each series over the sweep (float evidence, labelled as such); "none" when the fitted growth never crosses.
 * @example crossover([1, 10], [100, 120], [1, 10]).kind // "extrapolated"
 */
export function crossover(xs: number[], small: number[], large: number[]): Crossover {
  for (let i = 0; i < xs.length; i++) if (small[i]! < large[i]!) return { kind: "measured", N: xs[i]!, previousN: i > 0 ? xs[i - 1]! : null };
  if (xs.length < 2) return { kind: "none", reason: "fewer than two sweep points to fit" };
  const fs = fitPowerLaw(xs, small);
  const fl = fitPowerLaw(xs, large);
  if (!(fl.k > fs.k)) return { kind: "none", reason: `fitted exponents ${fs.k.toFixed(3)} ≥ ${fl.k.toFixed(3)}: no crossing under the fitted growth` };
  return { kind: "extrapolated", N: Math.pow(fs.a / fl.a, 1 / (fl.k - fs.k)), fit: { small: fs, large: fl } };
}
