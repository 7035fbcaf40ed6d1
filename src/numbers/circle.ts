/**
 * Exact rational points on the unit circle: (1 − t², 2t)/(1 + t²) for a dyadic t ≈ tan(θ/2), so
 * x² + y² = 1 holds exactly and the point is within ~2^−20 of angle θ. Used where a proof needs a unit
 * vector (Lemma G.1's direction, Proposition 3's circle encoder) and the check must stay exact.
 *
 * @example
 *   const [x, y] = rationalCirclePoint(Math.PI / 3);
 *   x.mul(x).add(y.mul(y)).eq(Rational.ONE) // true
 */
import { Rational } from "./rational.ts";

export function rationalCirclePoint(theta: number): [Rational, Rational] {
  if (Math.abs(Math.abs(theta) - Math.PI) < 1e-12) return [Rational.of(-1n), Rational.ZERO];
  const t = Rational.of(BigInt(Math.round(Math.tan(theta / 2) * 2 ** 20)), 1n << 20n);
  const den = Rational.ONE.add(t.mul(t));
  return [Rational.ONE.sub(t.mul(t)).div(den), t.add(t).div(den)];
}
