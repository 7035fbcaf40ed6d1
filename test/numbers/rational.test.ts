import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rational, bitLength } from "../../src/numbers/rational.ts";

const bigInts = fc.bigInt({ min: -(1n << 80n), max: 1n << 80n });
const rationals = fc.tuple(bigInts, fc.bigInt({ min: 1n, max: 1n << 40n })).map(([n, d]) => Rational.of(n, d));
const nonzero = rationals.filter((r) => !r.isZero());

describe("Rational field laws", () => {
  it("addition and multiplication are commutative and associative", () => {
    fc.assert(
      fc.property(rationals, rationals, rationals, (a, b, c) => {
        expect(a.add(b).eq(b.add(a))).toBe(true);
        expect(a.mul(b).eq(b.mul(a))).toBe(true);
        expect(a.add(b).add(c).eq(a.add(b.add(c)))).toBe(true);
        expect(a.mul(b).mul(c).eq(a.mul(b.mul(c)))).toBe(true);
      }),
    );
  });
  it("multiplication distributes over addition", () => {
    fc.assert(fc.property(rationals, rationals, rationals, (a, b, c) => a.mul(b.add(c)).eq(a.mul(b).add(a.mul(c)))));
  });
  it("inverses: a − a = 0 and a·a⁻¹ = 1", () => {
    fc.assert(fc.property(nonzero, (a) => a.sub(a).isZero() && a.mul(a.inv()).eq(Rational.ONE) && a.div(a).eq(Rational.ONE)));
  });
  it("results are normalized (gcd 1, positive denominator)", () => {
    fc.assert(
      fc.property(rationals, rationals, (a, b) => {
        for (const r of [a.add(b), a.mul(b), a.sub(b)]) {
          expect(r.den > 0n).toBe(true);
          const back = Rational.of(r.num, r.den);
          expect(back.num).toBe(r.num);
          expect(back.den).toBe(r.den);
        }
      }),
    );
  });
  it("order is total and compatible with addition", () => {
    fc.assert(fc.property(rationals, rationals, rationals, (a, b, c) => a.cmp(b) === a.add(c).cmp(b.add(c)) && a.cmp(b) === -b.cmp(a)));
  });
});

describe("Rational parse, print, floor, bit length", () => {
  it("print then parse is the identity", () => {
    fc.assert(fc.property(rationals, (a) => Rational.parse(a.toString()).eq(a)));
  });
  it("parses integers, fractions and decimals", () => {
    expect(Rational.parse("-2/7").toString()).toBe("-2/7");
    expect(Rational.parse("4/6").toString()).toBe("2/3");
    expect(Rational.parse("0.125").toString()).toBe("1/8");
    expect(Rational.parse("-3.5e-2").toString()).toBe("-7/200");
    expect(Rational.parse(".5").toString()).toBe("1/2");
    expect(Rational.parse("12").toString()).toBe("12");
  });
  it("rejects what is not a finite number", () => {
    for (const bad of ["", "x", "NaN", "Infinity", "1/0", "1/2/3", "--1", "1e", "."]) expect(() => Rational.parse(bad)).toThrow(RangeError);
    expect(() => Rational.fromNumber(Number.NaN)).toThrow(RangeError);
  });
  it("floor and ceil bracket the value", () => {
    fc.assert(
      fc.property(rationals, (a) => {
        const f = Rational.fromBigInt(a.floor());
        const c = Rational.fromBigInt(a.ceil());
        return f.le(a) && a.lt(f.add(Rational.ONE)) && c.ge(a) && a.gt(c.sub(Rational.ONE));
      }),
    );
  });
  it("fromNumber is exact for doubles", () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }), (x) => Rational.fromNumber(x).toNumber() === x));
  });
  it("bit length is |p| bits plus q bits", () => {
    expect(Rational.parse("3/4").bitLength()).toBe(2 + 3);
    expect(Rational.parse("-8").bitLength()).toBe(4);
    expect(Rational.ZERO.bitLength()).toBe(1);
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: 1n << 200n }), (n) => bitLength(n) === n.toString(2).length));
  });
});
