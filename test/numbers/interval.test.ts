import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Decimal } from "decimal.js";
import { Rational } from "../../src/numbers/rational.ts";
import { type Interval, IntervalArithmetic, IntervalError, decimalToRational } from "../../src/numbers/interval.ts";

const DIGITS = 16;
const I = new IntervalArithmetic(DIGITS);
/** Reference arithmetic at far higher precision (round-to-nearest). */
const Hi = Decimal.clone({ precision: 120, rounding: Decimal.ROUND_HALF_EVEN });

const rat = fc
  .tuple(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.bigInt({ min: 1n, max: 10n ** 20n }))
  .map(([n, d]) => Rational.of(n, d));
/** A box: two rationals (sorted) and a point t ∈ [0, 1] inside, as an exact rational. */
const boxAndPoint = fc.tuple(rat, rat, fc.integer({ min: 0, max: 1000 })).map(([a, b, t]) => {
  const [lo, hi] = a.le(b) ? [a, b] : [b, a];
  const x = lo.add(hi.sub(lo).mul(Rational.of(t, 1000)));
  return { box: I.hull(I.fromRational(lo), I.fromRational(hi)), x };
});
const hiDec = (r: Rational) => new Hi(r.num.toString()).div(r.den.toString());
/** A high-precision value lies in the interval (the ends are exact rationals). */
const inside = (a: Interval, v: Decimal) => a.lo.lte(v) && v.lte(a.hi);

describe("interval operations enclose the exact result for points of the operands", () => {
  it("fromRational encloses the rational, exactly when it is a short decimal", () => {
    fc.assert(fc.property(rat, (r) => I.contains(I.fromRational(r), r)), { numRuns: 200 });
    const t = I.fromRational(Rational.of(1, 3));
    expect(t.lo.lt(t.hi)).toBe(true);
    const e = I.fromRational(Rational.parse("0.125"));
    expect(e.lo.eq(e.hi)).toBe(true);
  });
  it("+ − × ÷ (exact rational check)", () => {
    fc.assert(
      fc.property(boxAndPoint, boxAndPoint, ({ box: A, x }, { box: B, x: y }) => {
        expect(I.contains(I.add(A, B), x.add(y))).toBe(true);
        expect(I.contains(I.sub(A, B), x.sub(y))).toBe(true);
        expect(I.contains(I.mul(A, B), x.mul(y))).toBe(true);
        if (B.lo.gt(0) || B.hi.lt(0)) expect(I.contains(I.div(A, B), x.div(y))).toBe(true);
        expect(I.contains(I.max(A, B), x.max(y))).toBe(true);
        expect(I.contains(I.min(A, B), x.min(y))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it("exp and log (against 120-digit values)", () => {
    const small = fc.tuple(fc.integer({ min: -300000, max: 300000 }), fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 1000 }));
    fc.assert(
      fc.property(small, ([a, w, t]) => {
        const lo = Rational.of(a, 1000);
        const hi = lo.add(Rational.of(w, 1000));
        const x = lo.add(hi.sub(lo).mul(Rational.of(t, 1000)));
        const box = I.hull(I.fromRational(lo), I.fromRational(hi));
        expect(inside(I.exp(box), Hi.exp(hiDec(x)))).toBe(true);
        if (lo.sign() > 0) expect(inside(I.log(box), Hi.ln(hiDec(x)))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
  it("exp of a point is a narrow interval (a few ulps) around the value", () => {
    const e = I.exp(I.point(1));
    expect(inside(e, Hi.exp(1))).toBe(true);
    expect(I.width(e).lt(new Decimal(`1e-${DIGITS - 2}`))).toBe(true);
  });
  it("refuses division by an interval containing 0 and log of a non-positive interval", () => {
    expect(() => I.div(I.ONE, I.make(-1, 2))).toThrow(IntervalError);
    expect(() => I.div(I.ONE, I.make(-1, 2))).toThrow(/^INCONCLUSIVE/);
    expect(() => I.log(I.make(0, 1))).toThrow(/INCONCLUSIVE/);
  });
  it("width, midpoint and containment behave", () => {
    const a = I.make("1.5", "2.5");
    expect(I.width(a).toString()).toBe("1");
    expect(I.midpoint(a).toString()).toBe("2");
    expect(I.containsInterval(a, I.make(2, 2))).toBe(true);
    expect(I.containsInterval(a, I.make(2, 3))).toBe(false);
    expect(decimalToRational(new Decimal("1.25e-3")).toString()).toBe("1/800");
  });
});

describe("softmax enclosure", () => {
  const scoreBox = fc.array(fc.tuple(fc.integer({ min: -40000, max: 40000 }), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 1000 })), {
    minLength: 1,
    maxLength: 6,
  });
  it("contains the 120-digit softmax of random points in the box, and its sum-interval contains 1", () => {
    fc.assert(
      fc.property(scoreBox, (spec) => {
        const boxes = spec.map(([a, w]) => I.hull(I.fromRational(Rational.of(a, 1000)), I.fromRational(Rational.of(a + w, 1000))));
        const pts = spec.map(([a, w, t]) => Rational.of(a, 1000).add(Rational.of(w * t, 1000 * 1000)));
        const enc = I.softmaxEnclosure(boxes);
        const ex = pts.map((p) => Hi.exp(hiDec(p)));
        const z = ex.reduce((s, e) => s.add(e), new Hi(0));
        ex.forEach((e, i) => expect(inside(enc[i]!, e.div(z))).toBe(true));
        const lo = enc.reduce((s, e) => s.add(decimalToRational(e.lo)), Rational.ZERO);
        const hi = enc.reduce((s, e) => s.add(decimalToRational(e.hi)), Rational.ZERO);
        expect(lo.le(Rational.ONE) && Rational.ONE.le(hi)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
  it("is tight for point scores and survives huge score gaps", () => {
    const enc = I.softmaxEnclosure([I.point(0), I.point(0)]);
    for (const e of enc) {
      expect(I.contains(e, Rational.of(1, 2))).toBe(true);
      expect(I.width(e).lt(new Decimal(`1e-${DIGITS - 2}`))).toBe(true);
    }
    const big = I.softmaxEnclosure([I.point("1e20"), I.point(0)]);
    expect(I.contains(big[0]!, Rational.ONE) || big[0]!.hi.eq(1)).toBe(true);
    expect(big[1]!.lo.eq(0) && big[1]!.hi.gt(0)).toBe(true);
  });
});
