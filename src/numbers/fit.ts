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

/** Two-sided 97.5% quantiles of Student's t for 1…30 degrees of freedom (beyond: the normal's 1.96). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/**
 * The fitted exponent k of y ~ x^k with its 95% confidence interval (least squares on log–log, t with
 * n − 2 degrees of freedom); `halfWidth` is NaN with fewer than three points. Float: evidence, not proof.
 * @example fitExponentCI([{ x: 1, y: 1 }, { x: 2, y: 2 }, { x: 4, y: 4 }]).k // 1
 */
export function fitExponentCI(points: { x: number; y: number }[]): { k: number; halfWidth: number; n: number } {
  const p = points.filter((q) => q.x > 0 && q.y > 0).map((q) => ({ u: Math.log(q.x), v: Math.log(q.y) }));
  const k = fitExponent(points);
  if (p.length < 3 || !Number.isFinite(k)) return { k, halfWidth: NaN, n: p.length };
  const mu = p.reduce((s, q) => s + q.u, 0) / p.length;
  const mv = p.reduce((s, q) => s + q.v, 0) / p.length;
  const sxx = p.reduce((s, q) => s + (q.u - mu) ** 2, 0);
  const rss = p.reduce((s, q) => s + (q.v - mv - k * (q.u - mu)) ** 2, 0);
  const se = Math.sqrt(rss / (p.length - 2) / sxx);
  return { k, halfWidth: (T975[p.length - 3] ?? 1.96) * se, n: p.length };
}

/** c·f(x) with c fitted by least squares on logs (the geometric mean of y/f(x)), at the measured x. */
export function fittedReference(points: { x: number; y: number }[], f: (x: number) => number): { c: number; points: { x: number; y: number }[] } {
  const logs = points.filter((q) => q.y > 0 && f(q.x) > 0).map((q) => Math.log(q.y / f(q.x)));
  const c = logs.length ? Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length) : NaN;
  return { c, points: points.map((q) => ({ x: q.x, y: c * f(q.x) })) };
}
