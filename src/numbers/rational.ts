/**
 * Exact rational numbers over BigInt, always normalized: gcd(num, den) = 1 and den > 0.
 *
 * Parsing accepts integers ("-12"), fractions ("-2/7") and finite decimals ("0.125", "-3.5e-2");
 * printing gives "p/q" (or "p" when q = 1), which parses back to the same value.
 *
 * @example
 *   Rational.parse("1/2").add(Rational.parse("0.25")).toString() // "3/4"
 */
export class Rational {
  readonly num: bigint;
  readonly den: bigint;

  private constructor(num: bigint, den: bigint) {
    this.num = num;
    this.den = den;
  }

  static readonly ZERO = new Rational(0n, 1n);
  static readonly ONE = new Rational(1n, 1n);

  /** Builds num/den in lowest terms. Throws on a zero denominator. */
  static of(num: bigint | number, den: bigint | number = 1n): Rational {
    let n = BigInt(num);
    let d = BigInt(den);
    if (d === 0n) throw new RangeError("rational with zero denominator");
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    if (d === 1n) return new Rational(n, 1n);
    const g = gcd(n < 0n ? -n : n, d);
    return g === 1n ? new Rational(n, d) : new Rational(n / g, d / g);
  }

  static fromBigInt(n: bigint): Rational {
    return new Rational(n, 1n);
  }

  /** Exact value of a finite double (every double is a dyadic rational). */
  static fromNumber(x: number): Rational {
    if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
    if (Number.isInteger(x)) return new Rational(BigInt(x), 1n);
    let exp = 0;
    let m = x;
    while (!Number.isInteger(m)) {
      m *= 2;
      exp++;
    }
    return Rational.of(BigInt(m), 1n << BigInt(exp));
  }

  /**
   * Parses "p", "p/q" or a finite decimal with optional exponent. Throws a RangeError naming the
   * text when it is none of these (NaN, Infinity and empty strings included).
   */
  static parse(text: string): Rational {
    const s = text.trim();
    const frac = /^([+-]?\d+)\s*\/\s*(\d+)$/.exec(s);
    if (frac) {
      const den = BigInt(frac[2]!);
      if (den === 0n) throw new RangeError(`zero denominator in "${text}"`);
      return Rational.of(BigInt(frac[1]!), den);
    }
    const dec = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
    if (dec && (dec[2] !== "" || (dec[3] !== undefined && dec[3] !== ""))) {
      const sign = dec[1] === "-" ? -1n : 1n;
      const intPart = dec[2] || "0";
      const fracPart = dec[3] ?? "";
      const exp = dec[4] ? Number(dec[4]) : 0;
      if (!Number.isSafeInteger(exp) || Math.abs(exp) > 100000) throw new RangeError(`exponent out of range in "${text}"`);
      let num = BigInt(intPart + fracPart) * sign;
      let den = 10n ** BigInt(fracPart.length);
      if (exp >= 0) num *= 10n ** BigInt(exp);
      else den *= 10n ** BigInt(-exp);
      return Rational.of(num, den);
    }
    throw new RangeError(`not a number: "${text}"`);
  }

  /** Accepts a JSON number (must be finite) or a string in any form `parse` takes. */
  static from(v: unknown): Rational {
    if (v instanceof Rational) return v;
    if (typeof v === "number") return Rational.fromNumber(v);
    if (typeof v === "bigint") return Rational.fromBigInt(v);
    if (typeof v === "string") return Rational.parse(v);
    throw new RangeError(`not a number: ${JSON.stringify(v)}`);
  }

  add(o: Rational): Rational {
    if (this.den === 1n && o.den === 1n) return new Rational(this.num + o.num, 1n);
    if (this.den === o.den) return Rational.of(this.num + o.num, this.den);
    return Rational.of(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  sub(o: Rational): Rational {
    return this.add(o.neg());
  }
  mul(o: Rational): Rational {
    if (this.num === 0n || o.num === 0n) return Rational.ZERO;
    if (this.den === 1n && o.den === 1n) return new Rational(this.num * o.num, 1n);
    // cross-cancel first so that the products stay small
    const g1 = gcd(abs(this.num), o.den);
    const g2 = gcd(abs(o.num), this.den);
    return new Rational((this.num / g1) * (o.num / g2), (this.den / g2) * (o.den / g1));
  }
  div(o: Rational): Rational {
    if (o.num === 0n) throw new RangeError("division by zero");
    return this.mul(o.inv());
  }
  inv(): Rational {
    if (this.num === 0n) throw new RangeError("division by zero");
    return this.num < 0n ? new Rational(-this.den, -this.num) : new Rational(this.den, this.num);
  }
  neg(): Rational {
    return new Rational(-this.num, this.den);
  }
  abs(): Rational {
    return this.num < 0n ? this.neg() : this;
  }
  /** Multiplies by 2^k (k may be negative): the cheap operation dyadic weights need. */
  mulPow2(k: number): Rational {
    if (k === 0 || this.num === 0n) return this;
    return k > 0 ? Rational.of(this.num << BigInt(k), this.den) : Rational.of(this.num, this.den << BigInt(-k));
  }

  sign(): -1 | 0 | 1 {
    return this.num < 0n ? -1 : this.num > 0n ? 1 : 0;
  }
  isZero(): boolean {
    return this.num === 0n;
  }
  isInteger(): boolean {
    return this.den === 1n;
  }
  cmp(o: Rational): -1 | 0 | 1 {
    const l = this.num * o.den;
    const r = o.num * this.den;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  eq(o: Rational): boolean {
    return this.num === o.num && this.den === o.den;
  }
  lt(o: Rational): boolean {
    return this.cmp(o) < 0;
  }
  le(o: Rational): boolean {
    return this.cmp(o) <= 0;
  }
  gt(o: Rational): boolean {
    return this.cmp(o) > 0;
  }
  ge(o: Rational): boolean {
    return this.cmp(o) >= 0;
  }
  max(o: Rational): Rational {
    return this.ge(o) ? this : o;
  }
  min(o: Rational): Rational {
    return this.le(o) ? this : o;
  }

  /** Largest integer ≤ this. */
  floor(): bigint {
    const q = this.num / this.den;
    return this.num < 0n && q * this.den !== this.num ? q - 1n : q;
  }
  /** Smallest integer ≥ this. */
  ceil(): bigint {
    return -Rational.of(-this.num, this.den).floor();
  }

  /**
   * Bits needed to write this number: bitLength(|p|) + bitLength(q) for p/q in lowest terms
   * (one bit for 0). This is memcap's bit complexity of a rational parameter (docs/numbers.md).
   */
  bitLength(): number {
    return bitLength(abs(this.num)) + (this.den === 1n ? 0 : bitLength(this.den));
  }

  /** Nearest double (correctly rounded for moderate sizes; used only for float fast paths and display). */
  toNumber(): number {
    if (this.den === 1n) return Number(this.num);
    const nb = bitLength(abs(this.num));
    const db = bitLength(this.den);
    if (nb < 1000 && db < 1000) return Number(this.num) / Number(this.den);
    let shift = Math.max(0, db - nb + 60);
    let x = Number((this.num << BigInt(shift)) / this.den);
    while (shift > 1000) {
      x /= 2 ** 1000;
      shift -= 1000;
    }
    return x / 2 ** shift;
  }

  toString(): string {
    return this.den === 1n ? this.num.toString() : `${this.num}/${this.den}`;
  }
  toJSON(): string {
    return this.toString();
  }
}

export function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

function abs(a: bigint): bigint {
  return a < 0n ? -a : a;
}

/** Number of bits of a non-negative bigint (bitLength(0) = 1 so that 0 costs one bit). */
export function bitLength(n: bigint): number {
  if (n < 0n) n = -n;
  if (n === 0n) return 1;
  return n.toString(2).length;
}

/** Shorthand: q("3/4"), q(2), q(5n). */
export function q(v: string | number | bigint): Rational {
  return Rational.from(v);
}

/** ⌊√n⌋ of a non-negative bigint (Newton's method). @example isqrt(17n) === 4n */
export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError("isqrt of a negative number");
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** √r when it is rational (r = p²/q² in lowest terms), else null. @example sqrtExact(q("9/4"))?.toString() === "3/2" */
export function sqrtExact(r: Rational): Rational | null {
  if (r.sign() < 0) return null;
  const p = isqrt(r.num), d = isqrt(r.den);
  return p * p === r.num && d * d === r.den ? Rational.of(p, d) : null;
}
