/**
 * How builders write a bound claim's value: 12 significant digits (docs/certificate.md). proofs-check
 * rounds its own enclosure to the same format with its own code (proofs-check/bound.ts): the two are
 * kept apart on purpose, so that the checker trusts nothing of the builders'.
 *
 * @example formatBoundValue("1331.9128306085347323865") // "1331.91283061"
 * @example formatBoundValue(25) // "25"
 */
import { Decimal } from "decimal.js";

const D12 = Decimal.clone({ precision: 12, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -7, toExpPos: 21 });

export function formatBoundValue(x: string | number | Decimal): string {
  return new D12(typeof x === "number" ? x : x.toString()).toSignificantDigits(12).toString();
}

/** An exact rational p/q in the same format, rounded once, exactly (half away from zero at the 12th digit). */
export function formatRationalBound(num: bigint, den: bigint): string {
  if (den <= 0n) throw new RangeError("formatRationalBound: the denominator must be positive");
  if (num === 0n) return "0";
  const neg = num < 0n;
  const a = neg ? -num : num;
  // k with 10^11 ≤ a/den · 10^k < 10^12
  let k = 11 - (a.toString().length - den.toString().length);
  const scaled = (k: number) => (k >= 0 ? [a * 10n ** BigInt(k), den] : [a, den * 10n ** BigInt(-k)]) as [bigint, bigint];
  let [p, q] = scaled(k);
  while (p < 10n ** 11n * q) [p, q] = scaled(++k);
  while (p >= 10n ** 12n * q) [p, q] = scaled(--k);
  let m = p / q;
  if (2n * (p - m * q) >= q) m += 1n;
  if (m === 10n ** 12n) {
    m = 10n ** 11n;
    k -= 1;
  }
  return new D12(`${neg ? "-" : ""}${m}e${-k}`).toString();
}
