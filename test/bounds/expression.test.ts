// The builders' bound expressions: exact where rational, enclosures otherwise, decisions only when the
// enclosure decides, and a grammar that refuses what it does not define.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Decimal } from "decimal.js";
import { boundHolds, formatBound, parseExpression } from "../../src/bounds/expression.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { UserError } from "../../src/errors.ts";

/** Random rational expressions with their exact value. */
const rationalExpr: fc.Arbitrary<{ text: string; value: Rational }> = fc.letrec((tie) => ({
  leaf: fc.integer({ min: -50, max: 50 }).map((k) => ({ text: k < 0 ? `(${k})` : String(k), value: Rational.of(k) })),
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    tie("leaf") as fc.Arbitrary<{ text: string; value: Rational }>,
    fc.tuple(tie("node") as fc.Arbitrary<{ text: string; value: Rational }>, fc.constantFrom("+", "-", "*"), tie("node") as fc.Arbitrary<{ text: string; value: Rational }>).map(([a, op, b]) => ({
      text: `(${a.text} ${op} ${b.text})`,
      value: op === "+" ? a.value.add(b.value) : op === "-" ? a.value.sub(b.value) : a.value.mul(b.value),
    })),
  ),
})).node;

describe("bound expressions (src/bounds/expression.ts)", () => {
  it("evaluate rational expressions exactly: comparisons at the exact value decide both ways", () => {
    fc.assert(
      fc.property(rationalExpr, ({ text, value }) => {
        if (value.den !== 1n) return;
        const m = Number(value.num);
        expect(boundHolds(text, {}, m, "<=")).toBe(true);
        expect(boundHolds(text, {}, m, ">=")).toBe(true);
        expect(boundHolds(text, {}, m + 1, "<=")).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
  it("decide exact cases that a float or a tolerance would get wrong", () => {
    expect(boundHolds("sqrt(N)", { N: 16 }, 4, "<=")).toBe(true);
    expect(boundHolds("log2(N)", { N: 1024 }, 10, ">=")).toBe(true);
    expect(boundHolds("floor(N/3)", { N: 9 }, 3, ">=")).toBe(true);
    expect(boundHolds("sqrt(N)", { N: 10 ** 30 + 1 }, 10 ** 15, "<=")).toBe(true); // 1e15 + 5e-16 > 1e15
    expect(boundHolds("sqrt(N) - 1000000000000000", { N: "1000000000000000000000000000001" }, 0, "<=")).toBe(true);
    expect(formatBound("1/3", {})).toBe("0.333333333333");
    expect(formatBound("2 * pi", {})).toBe("6.28318530718");
  });
  it("agree with 100-digit decimal evaluation on irrational expressions", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 10 ** 9 }), (N) => {
        const D = Decimal.clone({ precision: 100 });
        const want = new D(N).sqrt().times(new D(N).ln().div(new D(2).ln())).toSignificantDigits(12, Decimal.ROUND_HALF_UP).toString();
        expect(formatBound("sqrt(N) * log2(N)", { N })).toBe(want);
      }),
      { numRuns: 100 },
    );
  });
  it("refuse what the grammar does not define", () => {
    for (const bad of ["1/2N", "0x10", "Infinity", "foo(1)", "sqrt(1, 2)", "1 +", "(1", "N N"]) expect(() => parseExpression(bad), bad).toThrow(UserError);
    expect(() => formatBound("constructor + 1", {})).toThrow(UserError); // a variable, looked up as data: unknown here
    expect(formatBound("constructor + 1", { constructor: 2 })).toBe("3");
  });
});

describe("the 12-digit format of an exact rational", () => {
  it("rounds once, exactly, also beside a tie", async () => {
    const { formatRationalBound } = await import("../../src/bounds/format.ts");
    const D = Decimal.clone({ precision: 200, rounding: Decimal.ROUND_HALF_UP });
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.bigInt({ min: 1n, max: 10n ** 25n }), (p, q) => {
        const want = new D(p.toString()).div(q.toString()).toSignificantDigits(12).toString();
        expect(formatRationalBound(p, q)).toBe(new D(want).toString() === "0" ? "0" : Decimal.clone({ precision: 12, toExpNeg: -7, toExpPos: 21 })(want).toString());
      }),
      { numRuns: 300 },
    );
    expect(formatRationalBound(1234567890125n, 10n)).toBe("123456789013"); // a tie, half away from zero
    expect(formatRationalBound(12345678901249999999999999999n, 10n ** 17n)).toBe("123456789012"); // just below the tie
    expect(formatRationalBound(999999999999500n, 1000n)).toBe("1000000000000");
  });
});
