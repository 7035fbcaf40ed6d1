import { describe, expect, it } from "vitest";
import { tz } from "../../proofs-check/exact.ts";

describe("tz (trailing zero bits, used to reduce the powers of two of exact vectors)", () => {
  it("counts the trailing zeros of ±m·2^k for odd m, also beyond 32 and 1000 bits", () => {
    for (const k of [0, 1, 31, 32, 33, 63, 64, 999, 1000, 1001, 2047, 2500]) for (const m of [1n, 3n, -5n, (1n << 200n) + 1n]) expect(tz(m << BigInt(k))).toBe(k);
  });
});
