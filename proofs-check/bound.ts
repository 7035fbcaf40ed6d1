/**
 * Bound claims: a paper's formula evaluated on quantities the checker measures itself, decided
 * rigorously (docs/certificate.md, "Bound expressions", is the specification of this file).
 *
 * Grammar (ASCII; whitespace is space, tab, CR, LF; at most 10,000 characters, nesting ≤ 200):
 *   compare := sum [ ("<=" | "<" | ">=" | ">" | "==") sum ]      1 when true, 0 when false
 *   sum     := product { ("+" | "-") product }
 *   product := unary { ("*" | "/") unary }
 *   unary   := "-" unary | power
 *   power   := atom [ "^" unary ]                                 right-associative, binds tighter than unary minus
 *   atom    := number | name | name "(" compare { "," compare } ")" | "(" compare ")"
 *   number  := digits [ "." digits ] [ ("e" | "E") [ "+" | "-" ] digits ]   (exponent ≤ 100000 in size)
 * At most MAX_TRANSCENDENTAL (64) uses of sqrt, exp, ln, log, log2, log10, pi, e and of "^" with an
 * exponent that is not an integer literal.
 * Names are [A-Za-z_][A-Za-z0-9_]*: the claim's variables, the constants pi and e, and the
 * functions sqrt, exp, ln, log (natural; log(x, b) base b), log2, log10, floor, ceil, abs, min, max.
 * A number directly followed by a name or "(" (implicit multiplication, hex) is an error, as is any
 * other name or character. A variable may not be named like a constant or a function.
 *
 * Values are exact rationals while the expression is rational (variables, numbers, + − × ÷,
 * integer powers, and sqrt / roots / logs / exp whose results are exactly rational), otherwise
 * outward-rounded decimal.js intervals at P significant digits. Every decision (floor, ceil,
 * comparisons, the 12-digit rounding of the value and the claim's own comparison) is taken only when
 * the enclosure decides it; else P is raised (40 → 100 → 250) and, past the last level,
 * the claim is INCONCLUSIVE. There is no tolerance anywhere.
 *
 * @example
 *   const e = parseBound("sqrt(N) * log2(N)", ["N"]);
 *   decideBound(e, new Map([["N", 10000n]])) // { kind: "value", value: "1328.77123795", exact: false, ... }
 */
import { Decimal } from "decimal.js";
import { Rational } from "../src/numbers/rational.ts";

/**
 * The working precisions, in significant digits. The last bounds the time: decimal.js's ln takes
 * about 0.1 s at 260 digits and 2 s at 970 (loaded 2-core machine).
 */
export const BOUND_LEVELS = [40, 100, 250] as const;
/** At most this many transcendental operations (sqrt, exp, logs, pi, e, ^ with a non-literal-integer exponent) per expression. */
export const MAX_TRANSCENDENTAL = 64;
const MAX_LENGTH = 10_000;
const MAX_DEPTH = 200;
/** Exact rationals are kept while numerator and denominator together fit in this many bits; beyond, intervals. */
const EXACT_BITS = 1 << 20;
/** Interval ends must have decimal exponents within ±this (decimal.js's own limit is 9·10^15). */
const MAX_EXP10 = 1e15;

export const CONSTANTS = ["pi", "e"] as const;
export const FUNCTIONS: ReadonlyMap<string, [number, number]> = new Map([
  ["sqrt", [1, 1]], ["exp", [1, 1]], ["ln", [1, 1]], ["log", [1, 2]], ["log2", [1, 1]], ["log10", [1, 1]],
  ["floor", [1, 1]], ["ceil", [1, 1]], ["abs", [1, 1]], ["min", [1, Infinity]], ["max", [1, Infinity]],
]);

export type Expr =
  | { t: "num"; q: Rational }
  | { t: "var"; name: string }
  | { t: "const"; name: "pi" | "e" }
  | { t: "neg"; a: Expr }
  | { t: "sum"; terms: Expr[]; minus: boolean[] }
  | { t: "prod"; factors: Expr[]; divide: boolean[] }
  | { t: "pow"; a: Expr; b: Expr }
  | { t: "call"; fn: string; args: Expr[] }
  | { t: "cmp"; op: "<=" | "<" | ">=" | ">" | "=="; a: Expr; b: Expr };

/** A syntax error, with the character offset. */
export class BoundSyntaxError extends Error {
  override name = "BoundSyntaxError";
}

const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const NUMBER = /[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;
const SPACE = /[ \t\r\n]*/y;

/**
 * Parses an expression of the grammar above over the named variables. Throws BoundSyntaxError.
 * @example parseBound("1/2N", ["N"]) // throws: implicit multiplication
 */
export function parseBound(text: string, variables: readonly string[]): Expr {
  if (text.length > MAX_LENGTH) throw new BoundSyntaxError(`longer than ${MAX_LENGTH} characters`);
  const vars = new Set<string>();
  for (const v of variables) {
    if ((CONSTANTS as readonly string[]).includes(v) || FUNCTIONS.has(v)) throw new BoundSyntaxError(`variable "${v}" would shadow the ${FUNCTIONS.has(v) ? "function" : "constant"} of that name`);
    vars.add(v);
  }
  let i = 0;
  let transcendental = 0;
  const err = (msg: string): never => {
    throw new BoundSyntaxError(`${msg} at character ${i + 1}`);
  };
  const costly = () => ++transcendental > MAX_TRANSCENDENTAL && err(`more than ${MAX_TRANSCENDENTAL} uses of sqrt, exp, logs, pi, e or non-integer powers`);
  const skip = () => {
    SPACE.lastIndex = i;
    SPACE.exec(text);
    i = SPACE.lastIndex;
  };
  const peek = (s: string): boolean => (skip(), text.startsWith(s, i));
  const take = (s: string): boolean => (peek(s) ? ((i += s.length), true) : false);
  const expect = (s: string) => take(s) || err(`expected "${s}"`);
  const startsAtom = (): boolean => (skip(), i < text.length && /[A-Za-z_0-9(]/.test(text[i]!));

  const compare = (depth: number): Expr => {
    if (depth > MAX_DEPTH) err(`nesting deeper than ${MAX_DEPTH}`);
    const a = sum(depth);
    for (const op of ["<=", ">=", "==", "<", ">"] as const) {
      if (take(op)) {
        const b = sum(depth);
        if (peek("<") || peek(">") || peek("==")) err("comparisons do not chain");
        return { t: "cmp", op, a, b };
      }
    }
    return a;
  };
  const sum = (depth: number): Expr => {
    const terms = [product(depth)];
    const minus = [false];
    for (;;) {
      if (take("+")) minus.push(false);
      else if (take("-")) minus.push(true);
      else break;
      terms.push(product(depth));
    }
    return terms.length === 1 ? terms[0]! : { t: "sum", terms, minus };
  };
  const product = (depth: number): Expr => {
    const factors = [unary(depth)];
    const divide = [false];
    for (;;) {
      if (take("*")) divide.push(false);
      else if (take("/")) divide.push(true);
      else break;
      factors.push(unary(depth));
    }
    return factors.length === 1 ? factors[0]! : { t: "prod", factors, divide };
  };
  const unary = (depth: number): Expr => {
    if (depth > MAX_DEPTH) err(`nesting deeper than ${MAX_DEPTH}`);
    if (take("-")) return { t: "neg", a: unary(depth + 1) };
    const a = atom(depth);
    if (take("^")) {
      const b = unary(depth + 1);
      const k = b.t === "neg" ? b.a : b;
      if (k.t !== "num" || !k.q.isInteger()) costly();
      return { t: "pow", a, b };
    }
    return a;
  };
  const atom = (depth: number): Expr => {
    skip();
    let e: Expr;
    NUMBER.lastIndex = i;
    NAME.lastIndex = i;
    const n = NUMBER.exec(text);
    const name = n ? null : NAME.exec(text);
    if (n) {
      i += n[0].length;
      if (i < text.length && /[A-Za-z_0-9.(]/.test(text[i]!)) err("a number must be followed by an operator (no implicit multiplication, hex or other notations)");
      try {
        e = { t: "num", q: Rational.parse(n[0]) };
      } catch (x) {
        return err((x as Error).message);
      }
    } else if (name) {
      const id = name[0];
      i += id.length;
      if (peek("(")) {
        const arity = FUNCTIONS.get(id) ?? err(`unknown function "${id}"`);
        i++;
        const args = [compare(depth + 1)];
        while (take(",")) args.push(compare(depth + 1));
        expect(")");
        if (args.length < arity[0] || args.length > arity[1]) err(`${id} takes ${arity[0] === arity[1] ? arity[0] : arity[1] === Infinity ? `at least ${arity[0]}` : `${arity[0]} or ${arity[1]}`} argument(s), found ${args.length}`);
        if (!["floor", "ceil", "abs", "min", "max"].includes(id)) costly();
        e = { t: "call", fn: id, args };
      } else if (vars.has(id)) e = { t: "var", name: id };
      else if (id === "pi" || id === "e") {
        costly();
        e = { t: "const", name: id };
      }
      else return err(FUNCTIONS.has(id) ? `function "${id}" needs parentheses` : `unknown name "${id}"`);
    } else if (take("(")) {
      e = compare(depth + 1);
      expect(")");
    } else return err(i >= text.length ? "unexpected end of expression" : `unexpected "${text[i]}"`);
    if (startsAtom()) err("implicit multiplication is not allowed (write *)");
    return e;
  };
  const e = compare(0);
  skip();
  if (i < text.length) err(`unexpected "${text[i]}"`);
  return e;
}

// ---------------------------------------------------------------------------------------------
// Values: an exact rational, or an interval [lo, hi] of decimals at the working precision.

type Iv = { lo: Decimal; hi: Decimal };
type V = Rational | Iv;

/** The enclosure is too wide to decide something at this precision (raise it). */
class Wide extends Error {}
/** The expression certainly has no real value (division by zero, log of a non-positive number, …). */
class NoValue extends Error {}
/** A value lies outside what the evaluator represents (decimal exponent beyond ±10^15, exp argument too large). */
class OutOfRange extends Error {}

interface Ctx {
  P: number;
  down: typeof Decimal;
  up: typeof Decimal;
  /** round-to-nearest at P + 10 digits for exp / ln / sqrt, whose results are widened afterwards */
  near: typeof Decimal;
  vars: ReadonlyMap<string, bigint>;
  /** f(x) per function and argument at this precision: repeated subexpressions cost once */
  memo: Map<string, Decimal>;
}

const isQ = (v: V): v is Rational => v instanceof Rational;
const fits = (q: Rational) => q.bitLength() <= EXACT_BITS;

function checked(x: Decimal): Decimal {
  if (!x.isFinite() || (!x.isZero() && Math.abs(x.e) > MAX_EXP10)) throw new OutOfRange(`a value's decimal exponent is beyond ±10^15`);
  return x;
}
const iv = (lo: Decimal, hi: Decimal): Iv => ({ lo: checked(lo), hi: checked(hi) });

function enclose(v: V, c: Ctx): Iv {
  if (!isQ(v)) return v;
  const n = v.num.toString();
  const d = v.den.toString();
  return iv(c.down.div(n, d), c.up.div(n, d));
}

/**
 * Widens a round-to-nearest result of exp/ln/sqrt/acos at P + 10 digits by 10 units in its last
 * place (decimal.js: "almost always correctly rounded"; the assumption is an error below 1 unit).
 */
/** A transcendental function at P + 10 digits, memoized per argument. */
function near(fn: "sqrt" | "ln" | "exp" | "pi", x: Decimal | null, c: Ctx): Decimal {
  const key = `${fn}:${x?.toString() ?? ""}`;
  let r = c.memo.get(key);
  if (!r) c.memo.set(key, (r = fn === "pi" ? c.near.acos(-1) : c.near[fn](x!)));
  return r;
}

function widen(x: Decimal, c: Ctx): Iv {
  if (x.isZero()) throw new Wide("a transcendental value rounded to 0");
  const u = x.abs().mul(new c.near(10).pow(-(c.P + 8)));
  return iv(c.down.sub(x, u), c.up.add(x, u));
}

function add(a: V, b: V, c: Ctx): V {
  if (isQ(a) && isQ(b)) {
    const r = a.add(b);
    if (fits(r)) return r;
  }
  const x = enclose(a, c);
  const y = enclose(b, c);
  return iv(c.down.add(x.lo, y.lo), c.up.add(x.hi, y.hi));
}
const neg = (a: V): V => (isQ(a) ? a.neg() : { lo: a.hi.neg(), hi: a.lo.neg() });

function mul(a: V, b: V, c: Ctx): V {
  if (isQ(a) && isQ(b)) {
    const r = a.mul(b);
    if (fits(r)) return r;
  }
  if ((isQ(a) && a.isZero()) || (isQ(b) && b.isZero())) return Rational.ZERO;
  const x = enclose(a, c);
  const y = enclose(b, c);
  const ends = [[x.lo, y.lo], [x.lo, y.hi], [x.hi, y.lo], [x.hi, y.hi]] as const;
  return iv(Decimal.min(...ends.map(([p, q]) => c.down.mul(p, q))), Decimal.max(...ends.map(([p, q]) => c.up.mul(p, q))));
}

function div(a: V, b: V, c: Ctx): V {
  if (isQ(b) && b.isZero()) throw new NoValue("division by zero");
  if (isQ(a) && isQ(b)) {
    const r = a.div(b);
    if (fits(r)) return r;
  }
  const y = enclose(b, c);
  if (y.lo.lte(0) && y.hi.gte(0)) throw new Wide("a divisor's enclosure contains 0");
  const x = enclose(a, c);
  const ends = [[x.lo, y.lo], [x.lo, y.hi], [x.hi, y.lo], [x.hi, y.hi]] as const;
  return iv(Decimal.min(...ends.map(([p, q]) => c.down.div(p, q))), Decimal.max(...ends.map(([p, q]) => c.up.div(p, q))));
}

/** Sign of a value when certain: -1, 0 (exact zero only), 1; throws Wide when the enclosure straddles 0. */
function sign(a: V): -1 | 0 | 1 {
  if (isQ(a)) return a.sign();
  if (a.lo.gt(0)) return 1;
  if (a.hi.lt(0)) return -1;
  throw new Wide("the sign of a value is not decided");
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  if (x === 0n) x = 1n;
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x && x * x <= n && (x + 1n) * (x + 1n) > n) return x;
    x = y;
  }
}
/** The exact integer k-th root of n ≥ 0, or null. */
function iroot(n: bigint, k: number): bigint | null {
  if (n < 2n) return n;
  if (k === 2) {
    const r = isqrt(n);
    return r * r === n ? r : null;
  }
  const bits = n.toString(2).length;
  let lo = 1n << BigInt(Math.floor((bits - 1) / k));
  let hi = 1n << BigInt(Math.floor((bits - 1) / k) + 1);
  while (lo <= hi) {
    const m = (lo + hi) >> 1n;
    const p = m ** BigInt(k);
    if (p === n) return m;
    if (p < n) lo = m + 1n;
    else hi = m - 1n;
  }
  return null;
}
function exactRoot(q: Rational, k: number): Rational | null {
  if (q.sign() < 0) return null;
  const n = iroot(q.num, k);
  const d = n === null ? null : iroot(q.den, k);
  return n === null || d === null ? null : Rational.of(n, d);
}

function sqrtV(a: V, c: Ctx): V {
  const s = sign(a);
  if (s < 0) throw new NoValue("square root of a negative number");
  if (isQ(a)) {
    const r = exactRoot(a, 2);
    if (r) return r;
  }
  const x = enclose(a, c);
  const lo = x.lo.lte(0) ? new c.down(0) : widen(near("sqrt", x.lo, c), c).lo;
  return iv(lo.lt(0) ? new c.down(0) : lo, widen(near("sqrt", x.hi, c), c).hi);
}

function lnV(a: V, c: Ctx): V {
  if (sign(a) <= 0) throw new NoValue("logarithm of a non-positive number");
  if (isQ(a) && a.eq(Rational.ONE)) return Rational.ZERO;
  const x = enclose(a, c);
  if (x.lo.lte(0)) throw new Wide("a logarithm's argument is not bounded away from 0");
  const lo = x.lo.eq(1) ? new c.down(0) : widen(near("ln", x.lo, c), c).lo;
  const hi = x.hi.eq(1) ? new c.up(0) : widen(near("ln", x.hi, c), c).hi;
  return iv(lo, hi);
}

/** log_b(x) for rationals when it is an exact integer, else null. */
function exactLog(x: Rational, b: Rational): Rational | null {
  if (x.sign() <= 0 || b.sign() <= 0 || b.eq(Rational.ONE)) return null;
  if (x.eq(Rational.ONE)) return Rational.ZERO;
  const lg = (n: bigint) => {
    const s = n.toString(2).length;
    const sh = Math.max(0, s - 53);
    return Math.log(Number(n >> BigInt(sh))) + sh * Math.LN2;
  };
  const est = (lg(x.num) - lg(x.den)) / (lg(b.num) - lg(b.den));
  if (!Number.isFinite(est) || Math.abs(est) > EXACT_BITS) return null;
  for (const k of [Math.round(est), Math.round(est) - 1, Math.round(est) + 1]) {
    if (k === 0) continue;
    const base = k > 0 ? b : b.inv();
    if (base.bitLength() * Math.abs(k) > 2 * x.bitLength() + 64) continue;
    if (Rational.of(base.num ** BigInt(Math.abs(k)), base.den ** BigInt(Math.abs(k))).eq(x)) return Rational.of(k);
  }
  return null;
}

function logV(a: V, base: V | "e", c: Ctx): V {
  if (sign(a) <= 0) throw new NoValue("logarithm of a non-positive number");
  if (base !== "e") {
    if (sign(base) <= 0 || (isQ(base) && base.eq(Rational.ONE))) throw new NoValue("logarithm base must be positive and not 1");
    if (isQ(a) && isQ(base)) {
      const k = exactLog(a, base);
      if (k) return k;
    }
    return div(lnV(a, c), lnV(base, c), c);
  }
  return lnV(a, c);
}

function expV(a: V, c: Ctx): V {
  if (isQ(a) && a.isZero()) return Rational.ONE;
  const x = enclose(a, c);
  // e^x has decimal exponent x / ln 10: keep it within ±10^15
  if (x.hi.gt("2e15") || x.lo.lt("-2e15")) throw new OutOfRange("an exp argument is beyond ±2·10^15");
  return iv(widen(near("exp", x.lo, c), c).lo, widen(near("exp", x.hi, c), c).hi);
}

/** x^k for an integer k, on an interval (directed rounding on |x| by repeated squaring). */
function ipowIv(x: Iv, k: bigint, c: Ctx): Iv {
  const powAbs = (m: Decimal, D: typeof Decimal): Decimal => {
    let r = new D(1);
    let b = m;
    for (let e = k; e > 0n; e >>= 1n) {
      if (e & 1n) r = checked(D.mul(r, b));
      if (e > 1n) b = checked(D.mul(b, b));
    }
    return r;
  };
  const even = k % 2n === 0n;
  if (x.lo.gte(0)) return iv(powAbs(x.lo, c.down), powAbs(x.hi, c.up));
  if (x.hi.lte(0)) {
    const lo = powAbs(x.hi.neg(), c.down), hi = powAbs(x.lo.neg(), c.up);
    return even ? iv(lo, hi) : iv(hi.neg(), lo.neg());
  }
  const m = Decimal.max(x.lo.neg(), x.hi);
  return even ? iv(new c.down(0), powAbs(m, c.up)) : iv(powAbs(x.lo.neg(), c.up).neg(), powAbs(x.hi, c.up));
}

function powV(a: V, b: V, c: Ctx): V {
  if (isQ(b) && b.isInteger()) {
    const k = b.num;
    if (k === 0n) return Rational.ONE; // x^0 = 1, also for x = 0 (as in IEEE pow and mathjs)
    if (isQ(a)) {
      if (a.isZero()) {
        if (k < 0n) throw new NoValue("0 to a negative power");
        return Rational.ZERO;
      }
      if (a.num === a.den || a.num === -a.den) return k % 2n === 0n ? Rational.ONE : a;
      const kk = k < 0n ? -k : k;
      if (BigInt(a.bitLength()) * kk <= BigInt(EXACT_BITS)) {
        const r = Rational.of(a.num ** kk, a.den ** kk);
        return k < 0n ? r.inv() : r;
      }
    }
    const p = ipowIv(enclose(a, c), k < 0n ? -k : k, c);
    return k < 0n ? div(Rational.ONE, p, c) : p;
  }
  // non-integer exponent: defined for a base > 0 (and 0 to a positive power)
  const s = sign(a);
  // an enclosed exponent may still be an integer (sqrt(2)^2): only an exact non-integer one has no value
  if (s < 0) throw isQ(b) ? new NoValue("a negative number to a non-integer power") : new Wide("a negative base with an exponent not known to be an integer");
  if (s === 0) {
    if (sign(b) <= 0) throw new NoValue("0 to a non-positive power");
    return Rational.ZERO;
  }
  if (isQ(a) && isQ(b) && b.den <= 64n) {
    const r = exactRoot(a, Number(b.den));
    if (r) return powV(r, Rational.of(b.num), c);
  }
  return expV(mul(b, lnV(a, c), c), c);
}

/** <, <=, … decided on enclosures: exact when both sides are rational, else only when they separate. */
function cmpV(op: Extract<Expr, { t: "cmp" }>["op"], a: V, b: V, c: Ctx): Rational {
  let r: -1 | 0 | 1 | null;
  if (isQ(a) && isQ(b)) r = a.cmp(b);
  else {
    const x = enclose(a, c), y = enclose(b, c);
    r = x.hi.lt(y.lo) ? -1 : x.lo.gt(y.hi) ? 1 : null;
    if (r === null) {
      // x.lo ≥ y.hi decides a ≥ b, x.hi ≤ y.lo decides a ≤ b, even when they touch
      if ((op === ">=" && x.lo.gte(y.hi)) || (op === "<=" && x.hi.lte(y.lo))) return Rational.ONE;
      if ((op === "<" && x.lo.gte(y.hi)) || (op === ">" && x.hi.lte(y.lo))) return Rational.ZERO;
      throw new Wide(`a comparison (${op}) is not decided`);
    }
  }
  const t = op === "<" ? r < 0 : op === "<=" ? r <= 0 : op === ">" ? r > 0 : op === ">=" ? r >= 0 : r === 0;
  return t ? Rational.ONE : Rational.ZERO;
}

function floorCeil(a: V, up: boolean, c: Ctx): V {
  if (isQ(a)) return Rational.fromBigInt(up ? a.ceil() : a.floor());
  const lo = up ? a.lo.ceil() : a.lo.floor();
  const hi = up ? a.hi.ceil() : a.hi.floor();
  if (!lo.eq(hi)) throw new Wide(`${up ? "ceil" : "floor"} is not decided (the value is too close to an integer)`);
  return Rational.fromBigInt(BigInt(lo.toFixed(0)));
}

function minMax(vs: V[], max: boolean, c: Ctx): V {
  if (vs.every(isQ)) return vs.reduce((m, v) => (max ? m.max(v) : m.min(v)));
  const es = vs.map((v) => enclose(v, c));
  const pick = (xs: Decimal[]) => (max ? Decimal.max(...xs) : Decimal.min(...xs));
  return iv(pick(es.map((e) => e.lo)), pick(es.map((e) => e.hi)));
}

function constant(name: "pi" | "e", c: Ctx): Iv {
  return name === "pi" ? widen(near("pi", null, c), c) : widen(near("exp", new c.near(1), c), c);
}

function evaluate(e: Expr, c: Ctx): V {
  switch (e.t) {
    case "num":
      return e.q;
    case "var": {
      const v = c.vars.get(e.name);
      if (v === undefined) throw new Error(`no value for variable ${e.name}`); // parseBound only admits declared names
      return Rational.fromBigInt(v);
    }
    case "const":
      return constant(e.name, c);
    case "neg":
      return neg(evaluate(e.a, c));
    case "sum": {
      let s = evaluate(e.terms[0]!, c);
      for (let k = 1; k < e.terms.length; k++) {
        const t = evaluate(e.terms[k]!, c);
        s = add(s, e.minus[k] ? neg(t) : t, c);
      }
      return s;
    }
    case "prod": {
      let p = evaluate(e.factors[0]!, c);
      for (let k = 1; k < e.factors.length; k++) p = (e.divide[k] ? div : mul)(p, evaluate(e.factors[k]!, c), c);
      return p;
    }
    case "pow":
      return powV(evaluate(e.a, c), evaluate(e.b, c), c);
    case "cmp":
      return cmpV(e.op, evaluate(e.a, c), evaluate(e.b, c), c);
    case "call": {
      const args = e.args.map((a) => evaluate(a, c));
      const x = args[0]!;
      switch (e.fn) {
        case "sqrt": return sqrtV(x, c);
        case "exp": return expV(x, c);
        case "ln": return lnV(x, c);
        case "log": return logV(x, args[1] ?? "e", c);
        case "log2": return logV(x, Rational.of(2), c);
        case "log10": return logV(x, Rational.of(10), c);
        case "floor": return floorCeil(x, false, c);
        case "ceil": return floorCeil(x, true, c);
        case "abs": return isQ(x) ? x.abs() : x.lo.gte(0) ? x : x.hi.lte(0) ? neg(x) : iv(new c.down(0), Decimal.max(x.lo.neg(), x.hi));
        case "min": return minMax(args, false, c);
        case "max": return minMax(args, true, c);
      }
      throw new Error(`unknown function ${e.fn}`); // parseBound only admits FUNCTIONS
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The 12-significant-digit value.

const D12 = Decimal.clone({ precision: 12, rounding: Decimal.ROUND_HALF_UP, toExpNeg: -7, toExpPos: 21, maxE: 9e15, minE: -9e15 });

/**
 * THE format of a bound claim's `value`: round to 12 significant digits, half away from zero,
 * drop trailing zeros; plain notation unless the decimal exponent is ≥ 21 or ≤ −7, then
 * "d.ddde+X" (decimal.js toString). Builders should write exactly this; the checker accepts any
 * decimal text that is numerically equal to it.
 * @example formatBoundValue("0.000000012345678901234") // "1.23456789012e-8"
 */
export function formatBoundValue(x: string | Decimal): string {
  return new D12(x.toString()).toSignificantDigits(12).toString();
}

/** Exact 12-digit rounding (half away from zero) of a rational. */
function round12(x: Rational): string {
  if (x.isZero()) return "0";
  const a = x.num < 0n ? -x.num : x.num;
  const b = x.den;
  // k = floor(log10 |x|): start from the digit counts, then correct by exact comparison
  let k = a.toString().length - b.toString().length;
  const ge = (k: number) => (k >= 0 ? a >= b * 10n ** BigInt(k) : a * 10n ** BigInt(-k) >= b);
  if (!ge(k)) k--;
  const s = 11 - k;
  const num = s >= 0 ? a * 10n ** BigInt(s) : a;
  const den = s >= 0 ? b : b * 10n ** BigInt(-s);
  const r = (2n * num + den) / (2n * den);
  return formatBoundValue(`${x.num < 0n ? "-" : ""}${r}e${k - 11}`);
}

/** The claimed value as written: a plain decimal (no hex, Infinity, NaN or fractions), exponent ≤ 10^6. */
export function parseClaimedValue(text: string): Decimal | null {
  const m = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[3] !== undefined && Math.abs(Number(m[3])) > 1e6)) return null;
  return new D12(text.trim());
}

export type BoundOutcome =
  | { kind: "value"; value: string; exact: boolean; digits: number; holds?: boolean; enclosure: string }
  | { kind: "no-value"; reason: string }
  | { kind: "undecided"; reason: string; digits: number };

/**
 * Evaluates a parsed expression on the variables' values and decides its 12-digit value and, when
 * asked, `measured relation value`; raises the precision through BOUND_LEVELS (from `minDigits`)
 * until every decision is made.
 * @example decideBound(parseBound("sqrt(N)", ["N"]), new Map([["N", 100n]]), { measured: 10n, relation: "<=" }) // holds: true
 */
export function decideBound(e: Expr, vars: ReadonlyMap<string, bigint>, compare?: { measured: bigint; relation: "<=" | ">=" }, minDigits = 0): BoundOutcome {
  const levels: number[] = BOUND_LEVELS.filter((p) => p >= minDigits);
  if (levels.length === 0) levels.push(BOUND_LEVELS[BOUND_LEVELS.length - 1]!);
  let why = "";
  for (const P of levels) {
    const c: Ctx = {
      P,
      down: Decimal.clone({ precision: P, rounding: Decimal.ROUND_FLOOR, maxE: 9e15, minE: -9e15 }),
      up: Decimal.clone({ precision: P, rounding: Decimal.ROUND_CEIL, maxE: 9e15, minE: -9e15 }),
      near: Decimal.clone({ precision: P + 10, rounding: Decimal.ROUND_HALF_EVEN, maxE: 9e15, minE: -9e15 }),
      vars,
      memo: new Map(),
    };
    try {
      const v = evaluate(e, c);
      let value: string;
      if (isQ(v)) value = round12(v);
      else {
        const lo = formatBoundValue(v.lo), hi = formatBoundValue(v.hi);
        if (lo !== hi) throw new Wide("the value is too close to a 12-digit rounding boundary");
        value = lo;
      }
      const enclosure = isQ(v) ? v.toString() : `[${v.lo.toSignificantDigits(20, Decimal.ROUND_FLOOR).toString()}, ${v.hi.toSignificantDigits(20, Decimal.ROUND_CEIL).toString()}]`;
      if (!compare) return { kind: "value", value, exact: isQ(v), digits: P, enclosure };
      const m = Rational.fromBigInt(compare.measured);
      const r = cmpV(compare.relation, m, v, c);
      return { kind: "value", value, exact: isQ(v), digits: P, holds: r.eq(Rational.ONE), enclosure };
    } catch (x) {
      if (x instanceof NoValue) return { kind: "no-value", reason: x.message };
      if (x instanceof OutOfRange) return { kind: "undecided", reason: x.message, digits: P };
      if (x instanceof Wide) why = x.message;
      else if (x instanceof Error && /DecimalError/.test(x.message)) return { kind: "undecided", reason: `decimal.js: ${x.message}`, digits: P };
      else throw x;
    }
  }
  return { kind: "undecided", reason: `${why} at ${levels[levels.length - 1]} significant digits, the most the bound evaluator uses (the value may lie exactly on the boundary, or need more digits)`, digits: levels[levels.length - 1]! };
}

/**
 * Convenience for builders and tests: the 12-digit value of `expression` at integer variables.
 * Throws when the value is undefined or undecided.
 * @example boundValue("sqrt(N) * log2(N)", { N: 10000 }) // "1328.77123795"
 */
export function boundValue(expression: string, vars: Record<string, bigint | number | string>): string {
  const m = new Map(Object.entries(vars).map(([k, v]) => [k, BigInt(v)] as const));
  const r = decideBound(parseBound(expression, [...m.keys()]), m);
  if (r.kind !== "value") throw new RangeError(`${expression}: ${r.reason}`);
  return r.value;
}
