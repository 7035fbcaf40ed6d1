/**
 * Arbitrary-precision interval arithmetic with outward rounding, on decimal.js (docs/numbers.md#intervals).
 *
 * An `Interval` [lo, hi] holds two finite Decimals. Every operation of an `IntervalArithmetic`
 * context returns an interval that contains the exact result for every choice of points in the
 * operands: lower ends are computed in a Decimal clone with ROUND_FLOOR, upper ends with ROUND_CEIL,
 * at `digits` significant digits.
 *
 * exp and ln: decimal.js documents them as correctly rounded in the current rounding mode. We do not
 * lean on that alone: they are evaluated at digits + 10 in the directed mode and then widened by one
 * unit in the last place at `digits` (so a last-digit error of the library stays inside the margin).
 *
 * Failure is never silent: division by an interval that contains 0, ln of an interval reaching 0,
 * and results that overflow decimal.js's exponent range throw an `IntervalError` whose message
 * starts with "INCONCLUSIVE".
 *
 * @example
 *   const I = new IntervalArithmetic(30);
 *   const third = I.fromRational(q("1/3"));        // [0.333…3, 0.333…4] (30 digits)
 *   I.contains(I.mul(third, I.point(3)), q(1))      // true
 */
import { Decimal } from "decimal.js";
import { Rational } from "./rational.ts";

/** A closed interval [lo, hi] of finite Decimals (lo ≤ hi). */
export interface Interval {
  readonly lo: Decimal;
  readonly hi: Decimal;
}

/** Raised when an enclosure cannot be produced; the message starts with INCONCLUSIVE and says why. */
export class IntervalError extends Error {
  constructor(reason: string) {
    super(`INCONCLUSIVE: ${reason}`);
    this.name = "IntervalError";
  }
}

/** Extra digits for exp/ln before the final outward rounding. */
const GUARD_DIGITS = 10;

/**
 * A precision context: all operations round outward to `digits` significant digits.
 *
 * @example
 *   const I = new IntervalArithmetic(50);
 *   I.exp(I.point(1)).lo.toString() // "2.7182818284590452353602874713526624977572470936999"
 */
export class IntervalArithmetic {
  readonly digits: number;
  private readonly Dn: typeof Decimal;
  private readonly Up: typeof Decimal;
  private readonly DnX: typeof Decimal;
  private readonly UpX: typeof Decimal;
  readonly ZERO: Interval;
  readonly ONE: Interval;

  constructor(digits: number) {
    if (!Number.isInteger(digits) || digits < 2 || digits > 100000) throw new RangeError(`interval precision must be an integer number of digits in 2..100000, got ${digits}`);
    this.digits = digits;
    const limits = { minE: -9e15, maxE: 9e15, toExpNeg: -7, toExpPos: 21 };
    this.Dn = Decimal.clone({ precision: digits, rounding: Decimal.ROUND_FLOOR, ...limits });
    this.Up = Decimal.clone({ precision: digits, rounding: Decimal.ROUND_CEIL, ...limits });
    this.DnX = Decimal.clone({ precision: digits + GUARD_DIGITS, rounding: Decimal.ROUND_FLOOR, ...limits });
    this.UpX = Decimal.clone({ precision: digits + GUARD_DIGITS, rounding: Decimal.ROUND_CEIL, ...limits });
    this.ZERO = this.point(0);
    this.ONE = this.point(1);
  }

  /** The interval [lo, hi]; the ends are rounded outward to the context precision. */
  make(lo: Decimal.Value, hi: Decimal.Value): Interval {
    const l = new this.Dn(lo).toSD(this.digits, Decimal.ROUND_FLOOR);
    const h = new this.Up(hi).toSD(this.digits, Decimal.ROUND_CEIL);
    if (l.isNaN() || h.isNaN()) throw new IntervalError("NaN interval end");
    if (l.gt(h)) throw new RangeError(`empty interval [${l}, ${h}]`);
    return this.checked(l, h, "interval");
  }

  /** The smallest enclosure of a number at this precision (exact when it has ≤ digits digits). */
  point(x: Decimal.Value): Interval {
    return this.make(x, x);
  }

  /** The tightest enclosure of a rational: p/q rounded down and up (1/3 → [0.33…3, 0.33…4]). */
  fromRational(r: Rational): Interval {
    const p = r.num.toString();
    const d = r.den.toString();
    return this.checked(this.Dn.div(p, d), this.Up.div(p, d), "rational");
  }

  add(a: Interval, b: Interval): Interval {
    return this.checked(this.Dn.add(a.lo, b.lo), this.Up.add(a.hi, b.hi), "sum");
  }

  sub(a: Interval, b: Interval): Interval {
    return this.checked(this.Dn.sub(a.lo, b.hi), this.Up.sub(a.hi, b.lo), "difference");
  }

  neg(a: Interval): Interval {
    return { lo: a.hi.neg(), hi: a.lo.neg() };
  }

  mul(a: Interval, b: Interval): Interval {
    const ends: [Decimal, Decimal][] = [
      [a.lo, b.lo],
      [a.lo, b.hi],
      [a.hi, b.lo],
      [a.hi, b.hi],
    ];
    let lo = this.Dn.mul(ends[0]![0], ends[0]![1]);
    let hi = this.Up.mul(ends[0]![0], ends[0]![1]);
    for (const [x, y] of ends.slice(1)) {
      const l = this.Dn.mul(x, y);
      const h = this.Up.mul(x, y);
      if (l.lt(lo)) lo = l;
      if (h.gt(hi)) hi = h;
    }
    return this.checked(lo, hi, "product");
  }

  /** a / b; throws IntervalError (INCONCLUSIVE) when b contains 0. */
  div(a: Interval, b: Interval): Interval {
    if (b.lo.lte(0) && b.hi.gte(0)) throw new IntervalError(`division by an interval containing 0 ([${b.lo}, ${b.hi}])`);
    const ends: [Decimal, Decimal][] = [
      [a.lo, b.lo],
      [a.lo, b.hi],
      [a.hi, b.lo],
      [a.hi, b.hi],
    ];
    let lo = this.Dn.div(ends[0]![0], ends[0]![1]);
    let hi = this.Up.div(ends[0]![0], ends[0]![1]);
    for (const [x, y] of ends.slice(1)) {
      const l = this.Dn.div(x, y);
      const h = this.Up.div(x, y);
      if (l.lt(lo)) lo = l;
      if (h.gt(hi)) hi = h;
    }
    return this.checked(lo, hi, "quotient");
  }

  /** exp is increasing: [exp(lo)↓, exp(hi)↑], each from digits+10 and widened by one ulp. */
  exp(a: Interval): Interval {
    return this.checked(this.widenDown(this.DnX.exp(a.lo)), this.expUp(a.hi), "exp");
  }

  /** An upper bound of exp(x); an underflow to 0 becomes the least positive Decimal. */
  private expUp(x: Decimal): Decimal {
    const e = this.widenUp(this.UpX.exp(x));
    return e.isZero() ? new this.Up("1e-9000000000000000") : e;
  }

  /** Natural log (increasing); throws IntervalError when the interval reaches 0 or below. */
  log(a: Interval): Interval {
    if (a.lo.lte(0)) throw new IntervalError(`log of an interval reaching ${a.lo} ≤ 0`);
    return this.checked(this.widenDown(this.DnX.ln(a.lo)), this.widenUp(this.UpX.ln(a.hi)), "log");
  }

  /**
   * √a for a ≥ 0 (throws IntervalError when a reaches below 0). Nothing is assumed about decimal.js's
   * sqrt: each end is a candidate from digits+10, widened by one ulp and then verified by a directed
   * square (lo·lo ≤ a.lo rounded up, hi·hi ≥ a.hi rounded down), stepping outward until it holds.
   */
  sqrt(a: Interval): Interval {
    if (a.lo.lt(0)) throw new IntervalError(`sqrt of an interval reaching ${a.lo} < 0`);
    let lo = a.lo.isZero() ? new this.Dn(0) : this.widenDown(this.DnX.sqrt(a.lo));
    for (let k = 0; !lo.isZero() && this.Up.mul(lo, lo).gt(a.lo); k++) {
      if (k > 8) throw new IntervalError(`sqrt lower end of ${a.lo} could not be verified`);
      lo = this.widenDown(lo);
    }
    let hi = a.hi.isZero() ? new this.Up(0) : this.widenUp(this.UpX.sqrt(a.hi));
    for (let k = 0; this.Dn.mul(hi, hi).lt(a.hi); k++) {
      if (k > 8) throw new IntervalError(`sqrt upper end of ${a.hi} could not be verified`);
      hi = this.widenUp(hi);
    }
    return this.checked(lo.lt(0) ? new this.Dn(0) : lo, hi, "sqrt");
  }

  /** a² (≥ 0, and tighter than mul(a, a) when a straddles 0). */
  square(a: Interval): Interval {
    const m = this.mul(a, a);
    return a.lo.lte(0) && a.hi.gte(0) ? { lo: new this.Dn(0), hi: m.hi } : m;
  }

  /** 1/√r for a positive rational r (an attention scale 1/√d_h). @example I.invSqrt(q(4)) ∋ 1/2 */
  invSqrt(r: Rational): Interval {
    if (r.sign() <= 0) throw new RangeError(`1/√r needs r > 0, got ${r}`);
    return this.div(this.ONE, this.sqrt(this.fromRational(r)));
  }

  max(a: Interval, b: Interval): Interval {
    return { lo: Decimal.max(a.lo, b.lo), hi: Decimal.max(a.hi, b.hi) };
  }

  min(a: Interval, b: Interval): Interval {
    return { lo: Decimal.min(a.lo, b.lo), hi: Decimal.min(a.hi, b.hi) };
  }

  /** The hull: the smallest interval containing both. */
  hull(a: Interval, b: Interval): Interval {
    return { lo: Decimal.min(a.lo, b.lo), hi: Decimal.max(a.hi, b.hi) };
  }

  /** Whether the rational r lies in a (exact comparison: decimal ends are rationals). */
  contains(a: Interval, r: Rational): boolean {
    // decide on r's own enclosure when it is clear of the ends; compare exactly only near them
    const e = this.fromRational(r);
    if (a.lo.lte(e.lo) && e.hi.lte(a.hi)) return true;
    if (e.hi.lt(a.lo) || e.lo.gt(a.hi)) return false;
    return decimalToRational(a.lo).le(r) && r.le(decimalToRational(a.hi));
  }

  /** Whether b ⊆ a. */
  containsInterval(a: Interval, b: Interval): boolean {
    return a.lo.lte(b.lo) && b.hi.lte(a.hi);
  }

  /** hi − lo, rounded up. */
  width(a: Interval): Decimal {
    return this.Up.sub(a.hi, a.lo);
  }

  /** (lo + hi)/2, rounded to nearest (a representative point, not an enclosure). */
  midpoint(a: Interval): Decimal {
    return this.Dn.add(a.lo, a.hi).div(2).toSD(this.digits, Decimal.ROUND_HALF_EVEN);
  }

  /** True when a and b certainly differ in order: a.hi < b.lo. */
  certainlyLess(a: Interval, b: Interval): boolean {
    return a.hi.lt(b.lo);
  }

  /**
   * Enclosure of softmax(x) for every point x in the box xs: component i is
   * 1 / (1 + Σ_{j≠i} exp(x_j − x_i)), decreasing in each difference, so its lower end uses the
   * largest differences and its upper end the smallest. Differences (not the raw x) enter exp, so
   * nothing overflows for any shift of x; a difference so large that exp overflows gives 0 as lower end.
   *
   * @example
   *   I.softmaxEnclosure([I.point(0), I.point(0)]) // both components contain 1/2
   */
  softmaxEnclosure(xs: Interval[]): Interval[] {
    return xs.map((xi, i) => {
      let sLo = new this.Dn(1); // 1 + Σ exp(d_lo): smallest possible denominator
      let sHi = new this.Up(1); // 1 + Σ exp(d_hi): largest possible denominator
      let overflow = false;
      xs.forEach((xj, j) => {
        if (j === i) return;
        const dLo = this.Dn.sub(xj.lo, xi.hi);
        const dHi = this.Up.sub(xj.hi, xi.lo);
        sLo = this.Dn.add(sLo, this.widenDown(this.DnX.exp(dLo)));
        const eHi = this.expUp(dHi);
        if (!eHi.isFinite()) overflow = true;
        else sHi = this.Up.add(sHi, eHi);
      });
      // every denominator exceeds decimal.js's range: the component lies in (0, 10^-9e15)
      if (!sLo.isFinite()) return { lo: new this.Dn(0), hi: new this.Up("1e-9000000000000000") };
      const lo = overflow || !sHi.isFinite() ? new this.Dn(0) : this.Dn.div(1, sHi);
      let hi = this.Up.div(1, sLo);
      if (hi.gt(1)) hi = new this.Up(1);
      return { lo: lo.lt(0) ? new this.Dn(0) : lo, hi };
    });
  }

  /** One unit in the last place (at `digits`) below x. */
  private widenDown(x: Decimal): Decimal {
    const r = x.toSD(this.digits, Decimal.ROUND_FLOOR);
    if (r.isZero() || !r.isFinite()) return r;
    return this.Dn.sub(r, this.ulp(r));
  }

  /** One unit in the last place (at `digits`) above x. */
  private widenUp(x: Decimal): Decimal {
    const r = x.toSD(this.digits, Decimal.ROUND_CEIL);
    if (r.isZero() || !r.isFinite()) return r;
    return this.Up.add(r, this.ulp(r));
  }

  private ulp(x: Decimal): Decimal {
    // x has at most `digits` significant digits; its last place is 10^(e − digits + 1)
    return new this.Up(10).pow(x.e - this.digits + 1);
  }

  private checked(lo: Decimal, hi: Decimal, what: string): Interval {
    if (!lo.isFinite() || !hi.isFinite()) throw new IntervalError(`${what} left decimal.js's range ([${lo}, ${hi}])`);
    return { lo, hi };
  }
}

/**
 * The exact rational value of a finite Decimal.
 *
 * @example
 *   decimalToRational(new Decimal("1.25e-3")).toString() // "1/800"
 */
export function decimalToRational(x: Decimal): Rational {
  if (!x.isFinite()) throw new RangeError(`not a finite decimal: ${x}`);
  return Rational.parse(x.toExponential());
}

/** Display form "[lo, hi]" with `sd` significant digits per end (outward). */
export function formatInterval(a: Interval, sd = 12): string {
  return `[${a.lo.toSD(sd, Decimal.ROUND_FLOOR).toString()}, ${a.hi.toSD(sd, Decimal.ROUND_CEIL).toString()}]`;
}
