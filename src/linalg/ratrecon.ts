/**
 * Rational reconstruction: the small fraction a/b congruent to a residue u modulo a large modulus,
 * the last step of every modular or p-adic exact solver in memcap.
 *
 * @example
 *   ratRecon(34n, 101n) // [1n, 3n]: 3·34 = 102 ≡ 1 (mod 101)
 */
import { gcd } from "../numbers/rational.ts";

/**
 * Rational reconstruction (Wang): the fraction a/b with |a| ≤ N, 0 < b ≤ D and a ≡ u·b (mod mod),
 * or null when there is none. By default N = D = √(mod/2); an explicit numerator bound N sets
 * D = ⌊mod/(2N)⌋ (a large integer part over a small denominator). 2·N·D ≤ mod makes the answer
 * unique.
 */
export function ratRecon(u: bigint, mod: bigint, numBound?: bigint): [bigint, bigint] | null {
  const bound = numBound ?? sqrtBig(mod / 2n);
  const denBound = numBound === undefined ? bound : mod / (2n * numBound);
  let r0 = mod;
  let r1 = ((u % mod) + mod) % mod;
  let t0 = 0n;
  let t1 = 1n;
  while (r1 > bound) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [t0, t1] = [t1, t0 - q * t1];
  }
  if (t1 === 0n) return null;
  const b = t1 < 0n ? -t1 : t1;
  if (b > denBound || gcd(r1, b) !== 1n) return null;
  return [t1 < 0n ? -r1 : r1, b];
}

/** ⌊√x⌋ by Newton's method from above. */
export function sqrtBig(x: bigint): bigint {
  if (x < 2n) return x;
  let y = 1n << BigInt(Math.ceil(x.toString(2).length / 2)); // y ≥ √x
  for (;;) {
    const z = (y + x / y) >> 1n;
    if (z >= y) return y;
    y = z;
  }
}

