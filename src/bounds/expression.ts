/**
 * The bound expressions builders write (docs/certificate.md), parsed and evaluated rigorously:
 * exactly over the rationals where the value is rational (+ − × ÷, integer powers, sqrt of a
 * perfect square, log2 of a power of two, floor/ceil/min/max of exact values), otherwise as an
 * outward-rounded interval (src/numbers/interval.ts) at increasing precision. A comparison or a
 * 12-digit rounding is answered only once the enclosure decides it; no tolerance anywhere.
 *
 * Grammar: numbers (123, 1.5, 1e-9, p/q through ÷), variables, + − * / ^ (right-associative),
 * unary −, parentheses, sqrt(x), log(x) (natural), log(x, b), ln(x), log2(x), exp(x), floor(x),
 * ceil(x), min(x, …), max(x, …), and the constants pi and e. Nothing else: no implicit
 * multiplication, no hex, no Infinity. proofs-check evaluates the same grammar with its own code.
 *
 * This replaces mathjs on the builders' side: importing mathjs alone costs ~1.5 s of start-up.
 *
 * @example formatBound("sqrt(N) * log2(N)", { N: 10000 }) // "1328.77123795"
 * @example boundHolds("sqrt(N)", { N: 16 }, 4, "<=") // true (exact: sqrt(16) = 4)
 */
import { Decimal } from "decimal.js";
import { Rational } from "../numbers/rational.ts";
import { IntervalArithmetic, IntervalError, type Interval } from "../numbers/interval.ts";
import { UserError } from "../errors.ts";
import { formatBoundValue, formatRationalBound } from "./format.ts";

type Node =
  | { t: "num"; value: Rational }
  | { t: "var"; name: string }
  | { t: "const"; name: "pi" | "e" }
  | { t: "neg"; a: Node }
  | { t: "bin"; op: "+" | "-" | "*" | "/" | "^"; a: Node; b: Node }
  | { t: "call"; fn: string; args: Node[] };

const FUNCTIONS: Record<string, [min: number, max: number]> = {
  sqrt: [1, 1], log: [1, 2], ln: [1, 1], log2: [1, 1], exp: [1, 1], floor: [1, 1], ceil: [1, 1], min: [1, Infinity], max: [1, Infinity],
};

/** Parses an expression of the grammar above; a syntax error is a UserError naming the position. */
export function parseExpression(text: string): Node {
  const tokens = [...text.matchAll(/\s*(?:(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|([A-Za-z_][A-Za-z_0-9]*)|(.))/gy)];
  const toks = tokens.map((m) => ({ num: m[1], id: m[2], op: m[3], at: m.index ?? 0 })).filter((t) => t.num || t.id || (t.op && t.op.trim()));
  let i = 0;
  const fail = (what: string): never => {
    throw new UserError(`bound expression "${text}": ${what}`);
  };
  const peek = () => toks[i];
  const eat = (op: string) => (peek()?.op === op ? (i++, true) : false);
  const expect = (op: string) => eat(op) || fail(`expected "${op}" at position ${peek()?.at ?? text.length}`);
  const primary = (): Node => {
    const t = peek() ?? fail("unexpected end");
    i++;
    if (t.num !== undefined) return { t: "num", value: Rational.parse(t.num) };
    if (t.id !== undefined) {
      if (peek()?.op === "(") {
        const arity = FUNCTIONS[t.id] ?? fail(`unknown function ${t.id}`);
        i++;
        const args = [sum()];
        while (eat(",")) args.push(sum());
        expect(")");
        if (args.length < arity[0] || args.length > arity[1]) fail(`${t.id} takes ${arity[0]}${arity[1] === arity[0] ? "" : arity[1] === Infinity ? " or more" : ` to ${arity[1]}`} argument(s)`);
        return { t: "call", fn: t.id, args };
      }
      if (t.id === "pi" || t.id === "e") return { t: "const", name: t.id };
      if (t.id === "Infinity" || t.id === "NaN") fail(`${t.id} is not a number of the grammar`);
      if (Object.prototype.hasOwnProperty.call(FUNCTIONS, t.id)) fail(`${t.id} is a function`);
      return { t: "var", name: t.id };
    }
    if (t.op === "(") {
      const e = sum();
      expect(")");
      return e;
    }
    if (t.op === "-") return { t: "neg", a: power() };
    if (t.op === "+") return power();
    return fail(`unexpected "${t.op}" at position ${t.at}`);
  };
  const power = (): Node => {
    const base = primary();
    return eat("^") ? { t: "bin", op: "^", a: base, b: unary() } : base;
  };
  const unary = (): Node => (eat("-") ? { t: "neg", a: unary() } : eat("+") ? unary() : power());
  const product = (): Node => {
    let a = unary();
    for (;;) {
      const op = peek()?.op;
      if (op !== "*" && op !== "/") return a;
      i++;
      a = { t: "bin", op, a, b: unary() };
    }
  };
  const sum = (): Node => {
    let a = product();
    for (;;) {
      const op = peek()?.op;
      if (op !== "+" && op !== "-") return a;
      i++;
      a = { t: "bin", op, a, b: product() };
    }
  };
  const e = sum();
  if (i < toks.length) fail(`unexpected "${toks[i]!.num ?? toks[i]!.id ?? toks[i]!.op}" at position ${toks[i]!.at} (no implicit multiplication)`);
  return e;
}

/** A value: exact when known to be rational, always with an enclosure. */
interface Val {
  exact?: Rational;
  iv: Interval;
}

function isqrt(n: bigint): bigint | null {
  if (n < 0n) return null;
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x * x === n ? x : null;
}

function exactLog2(r: Rational): Rational | undefined {
  if (r.sign() <= 0) return undefined;
  const pow2 = (n: bigint) => n > 0n && (n & (n - 1n)) === 0n;
  if (pow2(r.num) && r.den === 1n) return Rational.of(BigInt(r.num.toString(2).length - 1));
  if (r.num === 1n && pow2(r.den)) return Rational.of(-BigInt(r.den.toString(2).length - 1));
  return undefined;
}

function evaluate(node: Node, vars: ReadonlyMap<string, Rational>, I: IntervalArithmetic): Val {
  const ex = (r: Rational): Val => ({ exact: r, iv: I.fromRational(r) });
  const ev = (n: Node) => evaluate(n, vars, I);
  switch (node.t) {
    case "num":
      return ex(node.value);
    case "var": {
      const v = vars.get(node.name);
      if (v === undefined) throw new UserError(`bound expression: unknown variable ${node.name}`);
      return ex(v);
    }
    case "const": {
      if (node.name === "e") return { iv: I.exp(I.ONE) };
      return { iv: piEnclosure(I) };
    }
    case "neg": {
      const a = ev(node.a);
      return a.exact ? ex(a.exact.neg()) : { iv: I.neg(a.iv) };
    }
    case "bin": {
      const a = ev(node.a);
      const b = ev(node.b);
      if (node.op === "^") {
        if (b.exact && b.exact.den === 1n && a.exact && (a.exact.sign() !== 0 || b.exact.sign() > 0)) {
          const k = b.exact.num;
          if (k > 100000n || k < -100000n) throw new UserError("bound expression: integer power beyond ±100000");
          let p = Rational.ONE;
          const base = k >= 0n ? a.exact : Rational.ONE.div(a.exact);
          for (let j = 0n; j < (k >= 0n ? k : -k); j++) p = p.mul(base);
          return ex(p);
        }
        return { iv: I.exp(I.mul(b.iv, I.log(a.iv))) };
      }
      if (a.exact && b.exact) {
        if (node.op === "+") return ex(a.exact.add(b.exact));
        if (node.op === "-") return ex(a.exact.sub(b.exact));
        if (node.op === "*") return ex(a.exact.mul(b.exact));
        if (b.exact.sign() === 0) throw new UserError("bound expression: division by zero");
        return ex(a.exact.div(b.exact));
      }
      const op = { "+": I.add, "-": I.sub, "*": I.mul, "/": I.div }[node.op];
      return { iv: op.call(I, a.iv, b.iv) };
    }
    case "call": {
      const args = node.args.map(ev);
      const x = args[0]!;
      switch (node.fn) {
        case "sqrt": {
          if (x.exact) {
            if (x.exact.sign() < 0) throw new UserError("bound expression: sqrt of a negative number");
            const p = isqrt(x.exact.num);
            const q = isqrt(x.exact.den);
            if (p !== null && q !== null) return ex(Rational.of(p, q));
            if (x.exact.sign() === 0) return ex(Rational.ZERO);
          }
          return { iv: I.exp(I.div(I.log(x.iv), I.point(2))) };
        }
        case "log2": {
          const l = x.exact ? exactLog2(x.exact) : undefined;
          return l ? ex(l) : { iv: I.div(I.log(x.iv), I.log(I.point(2))) };
        }
        case "ln":
          return x.exact?.eq(Rational.ONE) ? ex(Rational.ZERO) : { iv: I.log(x.iv) };
        case "log": {
          if (args.length === 1) return x.exact?.eq(Rational.ONE) ? ex(Rational.ZERO) : { iv: I.log(x.iv) };
          const b = args[1]!;
          if (x.exact?.eq(Rational.ONE)) return ex(Rational.ZERO);
          return { iv: I.div(I.log(x.iv), I.log(b.iv)) };
        }
        case "exp":
          return x.exact?.sign() === 0 ? ex(Rational.ONE) : { iv: I.exp(x.iv) };
        case "floor":
        case "ceil": {
          const round = (r: Rational) => Rational.fromBigInt(node.fn === "floor" ? r.floor() : r.ceil());
          if (x.exact) return ex(round(x.exact));
          const lo = round(Rational.parse(x.iv.lo.toFixed()));
          const hi = round(Rational.parse(x.iv.hi.toFixed()));
          if (!lo.eq(hi)) throw new IntervalError(`${node.fn} undecided at ${I.digits} digits`);
          return ex(lo);
        }
        case "min":
        case "max": {
          if (args.every((a) => a.exact)) return ex(args.map((a) => a.exact!).reduce((m, v) => ((node.fn === "min" ? v.lt(m) : v.gt(m)) ? v : m)));
          return { iv: args.map((a) => a.iv).reduce((m, v) => (node.fn === "min" ? I.min(m, v) : I.max(m, v))) };
        }
      }
      throw new UserError(`bound expression: unknown function ${node.fn}`);
    }
  }
}

/** π at the context's precision: computed at 10 more digits, widened by a relative 10^−digits (cached per precision). */
const piCache = new Map<number, Interval>();
function piEnclosure(I: IntervalArithmetic): Interval {
  let iv = piCache.get(I.digits);
  if (!iv) {
    const P = Decimal.clone({ precision: I.digits + 10 });
    const pi = P.acos(-1);
    const slack = pi.times(new P(10).pow(-I.digits));
    iv = I.make(pi.minus(slack), pi.plus(slack));
    piCache.set(I.digits, iv);
  }
  return iv;
}

const PRECISIONS = [30, 100, 1000];
type Vars = Record<string, number | bigint | string | Rational>;
const toMap = (vars: Vars) => new Map(Object.entries(vars).map(([k, v]) => [k, v instanceof Rational ? v : Rational.from(typeof v === "bigint" ? v.toString() : v)]));

/** Evaluates at increasing precision until `decide` returns an answer; undecided at 1000 digits is an error. */
function decideWith<T>(expression: string, vars: Vars, decide: (v: Val, I: IntervalArithmetic) => T | undefined): T {
  const tree = parseExpression(expression);
  const map = toMap(vars);
  let last = "";
  for (const digits of PRECISIONS) {
    const I = new IntervalArithmetic(digits);
    try {
      const answer = decide(evaluate(tree, map, I), I);
      if (answer !== undefined) return answer;
      last = `undecided at ${digits} digits`;
    } catch (e) {
      if (!(e instanceof IntervalError)) throw e;
      last = e.message;
    }
  }
  throw new UserError(`bound expression "${expression}": ${last}`);
}

/** The value in the certificates' 12-significant-digit format, rounded only when the enclosure decides the digits. */
export function formatBound(expression: string, vars: Vars): string {
  return decideWith(expression, vars, (v) => {
    if (v.exact) return formatRationalBound(v.exact.num, v.exact.den);
    const lo = formatBoundValue(v.iv.lo);
    return lo === formatBoundValue(v.iv.hi) ? lo : undefined;
  });
}

/** Whether `measured relation expression` holds, decided exactly or by an enclosure that settles it. */
export function boundHolds(expression: string, vars: Vars, measured: number | bigint, relation: "<=" | ">="): boolean {
  const m = Rational.from(typeof measured === "bigint" ? measured.toString() : measured);
  return decideWith(expression, vars, (v, I) => {
    if (v.exact) return relation === "<=" ? m.le(v.exact) : m.ge(v.exact);
    const mi = I.fromRational(m);
    if (mi.hi.lt(v.iv.lo)) return relation === "<=";
    if (mi.lo.gt(v.iv.hi)) return relation === ">=";
    return undefined;
  });
}

/** The value as a float, for plots and tables (an approximation: never used in a decision). */
export function boundNumber(expression: string, vars: Vars): number {
  return Number(formatBound(expression, vars));
}
