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
