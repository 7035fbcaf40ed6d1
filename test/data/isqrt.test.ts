// ⌊√n⌋ for bigints of any size (the K&S paper constants take square roots of ~200-digit integers).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isqrt } from "../../src/data/sequences.ts";

const isFloorSqrt = (n: bigint, r: bigint) => r * r <= n && (r + 1n) * (r + 1n) > n;

describe("isqrt", () => {
  it("is ⌊√n⌋ at the small/large switch and on perfect squares ± 1", () => {
    for (const n of [0n, 1n, 2n, 3n, 4n, (1n << 52n) - 1n, 1n << 52n, (1n << 52n) + 1n, 10n ** 40n - 1n, 10n ** 40n, 10n ** 40n + 1n]) expect(isFloorSqrt(n, isqrt(n))).toBe(true);
    expect(isqrt(10n ** 200n)).toBe(10n ** 100n);
  });
  it("is ⌊√n⌋ for random bigints up to 600 bits", () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: (1n << 600n) - 1n }), (n) => isFloorSqrt(n, isqrt(n))), { numRuns: 300, seed: 5 });
  });
});
