/**
 * The checker's bound evaluator (proofs-check/bound.ts) against two references written here:
 * random expressions of the grammar's rational subset against a naive exact Rational evaluation, and
 * random expressions with sqrt/ln/exp/pi/e/roots against a naive decimal.js evaluation at 150
 * digits (round-to-nearest, no enclosure; the checker starts at 40 and decides nearly all at 40).
 */
import { Decimal } from "decimal.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { boundValue, decideBound, formatBoundValue, parseBound, type BoundOutcome } from "../../proofs-check/bound.ts";
import { Rational } from "../../src/numbers/rational.ts";

type T =
  | { k: "num"; text: string }
  | { k: "var"; name: "N" | "n" }
  | { k: "bin"; op: "+" | "-" | "*" | "/"; a: T; b: T }
  | { k: "neg"; a: T }
  | { k: "pow"; a: T; e: number }
  | { k: "fn"; fn: "floor" | "ceil" | "abs" | "min" | "max"; args: T[] }
  | { k: "cmp"; op: "<" | "<=" | ">" | ">=" | "=="; a: T; b: T };

const VARS = { N: 7n, n: 3n };
const render = (t: T, ws: string): string => {
  const r = (x: T) => `(${render(x, ws)})`;
  switch (t.k) {
    case "num": return t.text;
    case "var": return t.name;
    case "bin": return `${r(t.a)}${ws}${t.op}${ws}${r(t.b)}`;
    case "neg": return `-${r(t.a)}`;
    case "pow": return `${r(t.a)}^${t.e < 0 ? `(${t.e})` : t.e}`;
    case "fn": return `${t.fn}(${t.args.map((a) => render(a, ws)).join(`,${ws}`)})`;
    case "cmp": return `${r(t.a)}${ws}${t.op}${ws}${r(t.b)}`;
  }
};

class DivZero extends Error {}
const exact = (t: T): Rational => {
  switch (t.k) {
    case "num": return Rational.parse(t.text);
    case "var": return Rational.of(VARS[t.name]);
    case "neg": return exact(t.a).neg();
    case "bin": {
      const a = exact(t.a), b = exact(t.b);
      if (t.op === "/" && b.isZero()) throw new DivZero();
      return t.op === "+" ? a.add(b) : t.op === "-" ? a.sub(b) : t.op === "*" ? a.mul(b) : a.div(b);
    }
    case "pow": {
      const a = exact(t.a);
      if (t.e === 0) return Rational.ONE;
      if (a.isZero() && t.e < 0) throw new DivZero();
      let r = Rational.ONE;
      for (let i = 0; i < Math.abs(t.e); i++) r = r.mul(a);
      return t.e < 0 ? Rational.ONE.div(r) : r;
    }
    case "fn": {
      const v = t.args.map(exact);
      if (t.fn === "floor") return Rational.of(v[0]!.floor());
      if (t.fn === "ceil") return Rational.of(v[0]!.ceil());
      if (t.fn === "abs") return v[0]!.abs();
      return v.reduce((m, x) => (t.fn === "min" ? (x.lt(m) ? x : m) : x.gt(m) ? x : m));
    }
    case "cmp": {
      const c = exact(t.a).cmp(exact(t.b));
      const ok = { "<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0, "==": c === 0 }[t.op];
      return ok ? Rational.ONE : Rational.ZERO;
    }
  }
};

const D300 = Decimal.clone({ precision: 300 });
/** 12-digit value of a rational by a different route: a 300-digit quotient, exact when the expansion is finite. */
const ref12 = (q: Rational) => formatBoundValue(new D300(q.num.toString()).div(q.den.toString()));

const numText = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map(String),
  fc.tuple(fc.integer({ min: 0, max: 999 }), fc.integer({ min: 0, max: 999 })).map(([a, b]) => `${a}.${String(b).padStart(3, "0")}`),
  fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: -14, max: 14 })).map(([a, e]) => `${a}e${e}`),
);
const rationalTree = fc.letrec<{ t: T }>((tie) => ({
  t: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    numText.map((text): T => ({ k: "num", text })),
    fc.constantFrom<T>({ k: "var", name: "N" }, { k: "var", name: "n" }),
    fc.tuple(fc.constantFrom("+", "-", "*", "/" as const), tie("t"), tie("t")).map(([op, a, b]): T => ({ k: "bin", op, a, b })),
    tie("t").map((a): T => ({ k: "neg", a })),
    fc.tuple(tie("t"), fc.integer({ min: -3, max: 3 })).map(([a, e]): T => ({ k: "pow", a, e })),
    fc.tuple(fc.constantFrom("floor", "ceil", "abs" as const), tie("t")).map(([fn, a]): T => ({ k: "fn", fn, args: [a] })),
    fc.tuple(fc.constantFrom("min", "max" as const), fc.array(tie("t"), { minLength: 1, maxLength: 3 })).map(([fn, args]): T => ({ k: "fn", fn, args })),
    fc.tuple(fc.constantFrom("<", "<=", ">", ">=", "==" as const), tie("t"), tie("t")).map(([op, a, b]): T => ({ k: "cmp", op, a, b })),
  ),
}));

const vars = new Map(Object.entries(VARS));
const decide = (text: string, compare?: { measured: bigint; relation: "<=" | ">=" }): BoundOutcome => decideBound(parseBound(text, ["N", "n"]), vars, compare);

describe("bound evaluator: rational subset is exact", () => {
  it("random expressions agree with a naive exact evaluation (value, rounding, comparisons, division by zero)", () => {
    fc.assert(
      fc.property(rationalTree.t, fc.constantFrom("", " ", "\t", "\n "), fc.integer({ min: -5, max: 60 }), (t, ws, m) => {
        let want: Rational | "no-value";
        try {
          want = exact(t);
        } catch (e) {
          if (!(e instanceof DivZero)) throw e;
          want = "no-value";
        }
        if (want !== "no-value" && want.bitLength() > 4000) return; // beyond what a 12-digit test needs
        const r = decide(render(t, ws), { measured: BigInt(m), relation: "<=" });
        if (want === "no-value") {
          expect(r.kind).toBe("no-value");
          return;
        }
        expect(r.kind).toBe("value");
        if (r.kind !== "value") return;
        expect(r.exact).toBe(true);
        expect(r.value).toBe(ref12(want));
        expect(r.holds).toBe(Rational.of(m).le(want));
      }),
      { numRuns: 400, seed: 14 },
    );
  });
});

// ---------- irrational expressions vs 1000 digits ----------
type U = { k: "leaf"; text: string } | { k: "bin"; op: "+" | "-" | "*"; a: U; b: U } | { k: "div"; a: U; b: U } | { k: "fn"; fn: "sqrt" | "ln" | "log2" | "exp" | "floor" | "min" | "max" | "sq"; args: U[] } | { k: "root"; a: U; p: number; q: number };
const H = Decimal.clone({ precision: 150 });
const high = (u: U): Decimal => {
  switch (u.k) {
    case "leaf": return u.text === "pi" ? H.acos(-1) : u.text === "e" ? H.exp(1) : new H(u.text);
    case "bin": { const a = high(u.a), b = high(u.b); return u.op === "+" ? a.add(b) : u.op === "-" ? a.sub(b) : a.mul(b); }
    case "div": return high(u.a).div(high(u.b).abs().add(1));
    case "root": return high(u.a).abs().add(1).pow(new H(u.p).div(u.q));
    case "fn": {
      const v = u.args.map(high);
      switch (u.fn) {
        case "sqrt": return v[0]!.abs().sqrt();
        case "ln": return v[0]!.abs().add(1).ln();
        case "log2": return v[0]!.abs().add(2).ln().div(H.ln(2));
        case "exp": return H.exp(v[0]!.div(v[0]!.abs().add(1)));
        case "floor": return v[0]!.floor();
        case "sq": return v[0]!.mul(v[0]!);
        case "min": return H.min(...v);
        case "max": return H.max(...v);
      }
    }
  }
};
const text = (u: U): string => {
  const r = (x: U) => `(${text(x)})`;
  switch (u.k) {
    case "leaf": return u.text;
    case "bin": return `${r(u.a)} ${u.op} ${r(u.b)}`;
    case "div": return `${r(u.a)} / (abs${r(u.b)} + 1)`;
    case "root": return `(abs${r(u.a)} + 1)^(${u.p}/${u.q})`;
    case "fn": {
      const a = u.args.map(text);
      switch (u.fn) {
        case "sqrt": return `sqrt(abs(${a[0]}))`;
        case "ln": return `ln(abs(${a[0]}) + 1)`;
        case "log2": return `log(abs(${a[0]}) + 2, 2)`;
        case "exp": return `exp(${r(u.args[0]!)} / (abs${r(u.args[0]!)} + 1))`;
        case "sq": return `${r(u.args[0]!)}^2`;
        default: return `${u.fn}(${a.join(", ")})`;
      }
    }
  }
};
const irrational = fc.letrec<{ u: U }>((tie) => ({
  u: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(fc.constantFrom("pi", "e", "N", "n"), fc.integer({ min: 0, max: 30 }).map(String)).map((t): U => ({ k: "leaf", text: t })),
    fc.tuple(fc.constantFrom("+", "-", "*" as const), tie("u"), tie("u")).map(([op, a, b]): U => ({ k: "bin", op, a, b })),
    fc.tuple(tie("u"), tie("u")).map(([a, b]): U => ({ k: "div", a, b })),
    fc.tuple(tie("u"), fc.integer({ min: -5, max: 5 }), fc.integer({ min: 2, max: 5 })).map(([a, p, q]): U => ({ k: "root", a, p, q })),
    fc.tuple(fc.constantFrom("sqrt", "ln", "log2", "exp", "floor", "sq" as const), tie("u")).map(([fn, a]): U => ({ k: "fn", fn, args: [a] })),
    fc.tuple(fc.constantFrom("min", "max" as const), fc.array(tie("u"), { minLength: 2, maxLength: 3 })).map(([fn, args]): U => ({ k: "fn", fn, args })),
  ),
}));

describe("bound evaluator: irrational expressions are enclosed", () => {
  it("random expressions: the decided 12-digit value is the 150-digit one, and the enclosure contains it", () => {
    const at = (u: U): U => (u.k === "leaf" && (u.text === "N" || u.text === "n") ? { k: "leaf", text: String(VARS[u.text]) } : u.k === "leaf" ? u : u.k === "bin" || u.k === "div" ? { ...u, a: at(u.a), b: at(u.b) } : u.k === "root" ? { ...u, a: at(u.a) } : { ...u, args: u.args.map(at) });
    let decided = 0;
    fc.assert(
      fc.property(irrational.u, (u) => {
        const want = high(at(u));
        if (!want.isFinite() || want.abs().gt("1e300")) return;
        const r = decide(text(u));
        expect(r.kind).not.toBe("no-value");
        if (r.kind !== "value") return; // undecided is allowed (never wrong), counted below
        decided++;
        expect(r.value).toBe(formatBoundValue(want));
        if (!r.exact) {
          const [lo, hi] = r.enclosure.slice(1, -1).split(", ").map((s) => new H(s));
          expect(lo!.lte(want) && want.lte(hi!)).toBe(true);
        }
      }),
      { numRuns: 200, seed: 41 },
    );
    expect(decided).toBeGreaterThan(190);
  }, 120_000);
});

describe("bound evaluator: decisions mathjs got wrong", () => {
  const v = (e: string, vars: Record<string, number> = {}) => boundValue(e, vars);
  it("floor/ceil just beside an integer are decided exactly, not within 1e-12", () => {
    expect(v("floor(3 - 1e-14)")).toBe("2");
    expect(v("ceil(3 + 1e-14)")).toBe("4");
    expect(v("floor(10^11 - 10^-3)")).toBe("99999999999");
  });
  it("the 12-digit rounding is exact at a tie, and decided beside it", () => {
    expect(v("1.000000000005")).toBe("1.00000000001"); // half away from zero
    expect(v("-1.000000000005")).toBe("-1.00000000001");
    expect(v("1.000000000005 - 1e-40")).toBe("1");
    expect(v("1.000000000005 - 1/10^100000")).toBe("1"); // exact: 400,000-bit denominator
    expect(v("exp(ln(2)) * 0 + 2")).toBe("2");
  });
  it("cancellation: exact rationals, and enclosures that know their width", () => {
    expect(v("(10^30 + 1) - 10^30")).toBe("1");
    expect(v("(pi + 10^30) - 10^30")).toBe("3.14159265359");
  });
  it("min/max/comparisons near ties", () => {
    expect(v("max(1, 1 + 1e-20) - 1")).toBe("1e-20");
    expect(v("(1 + 1e-20 > 1) + (1 == 1 + 1e-20)")).toBe("1");
  });
  it("a value exactly on an irrational tie cannot be decided: INCONCLUSIVE, not a guess", () => {
    const r = decideBound(parseBound("floor(sqrt(3)^2)", []), new Map());
    expect(r.kind).toBe("undecided");
    expect(decideBound(parseBound("sqrt(3)^2 == 3", []), new Map()).kind).toBe("undecided");
  });
  it("exact results of roots and logs stay exact", () => {
    expect(decide("sqrt(9/4) + log2(8) + log(1000, 10) + 8^(2/3) + ln(1) + exp(0)")).toMatchObject({ kind: "value", exact: true, value: "12.5" });
  });
  it("a negative base to an enclosed exponent is undecided, not undefined (the exponent may be an integer)", () => {
    expect(decide("(-2)^(sqrt(2)^2)").kind).toBe("undecided");
  });
  it("undefined values", () => {
    for (const e of ["1/0", "ln(0)", "sqrt(-1)", "log(-2, 2)", "(-8)^(1/3)", "0^-1", "log(2, 1)", "1/(N - 7)"]) expect(decide(e).kind, e).toBe("no-value");
  });
  it("the grammar refuses what it does not define", () => {
    for (const e of ["1/2N", "2N", "0x10", "Infinity", "NaN", "2 pi", "(2)(3)", "N(2)", "f(2)", "1.", ".5", "1e", "2**3", "N!", "a ? b : c", "1 < 2 < 3", "sqrt 4", "sqrt()", "min()", "log(1,2,3)", "√2", "1,2", "[1]", "'a'", "N =3", "e1", "pi()", "log"])
      expect(() => parseBound(e, ["N"]), e).toThrow();
    expect(() => parseBound("pi + 1", ["pi"])).toThrow(/shadow/);
    expect(() => parseBound("e", ["e"])).toThrow(/shadow/);
    expect(() => parseBound("sqrt", ["sqrt"])).toThrow(/shadow/);
    expect(() => parseBound("(".repeat(300) + "1" + ")".repeat(300), [])).toThrow(/nesting/);
    expect(() => parseBound("1" + "+1".repeat(6000), [])).toThrow(/longer/);
    expect(() => parseBound(Array.from({ length: 65 }, (_, k) => `ln(${k + 2})`).join("+"), [])).toThrow(/more than 64/);
    expect(() => parseBound(Array.from({ length: 64 }, (_, k) => `ln(${k + 2})`).join("+") + "+ 2^100 + 2^-3 + N^2", ["N"])).not.toThrow();
    expect(() => parseBound(Array.from({ length: 64 }, () => "pi").join("+") + "+ 2^(1/2)", [])).toThrow(/more than 64/);
  });
  it("names like Object.prototype keys are ordinary variables", () => {
    const m = new Map([["constructor", 2n], ["__proto__", 3n], ["toString", 5n], ["hasOwnProperty", 7n]]);
    expect(decideBound(parseBound("constructor * __proto__ * toString * hasOwnProperty", [...m.keys()]), m)).toMatchObject({ kind: "value", value: "210" });
    expect(() => parseBound("valueOf", ["constructor"])).toThrow(/unknown name/);
  });
  it("huge magnitudes are out of range (INCONCLUSIVE), not wrong", () => {
    expect(decide("10^(10^20)").kind).toBe("undecided");
    expect(decide("exp(10^20)").kind).toBe("undecided");
    expect(decide("2^(2^70) - 2^(2^70)").kind).toBe("undecided");
    expect(decide("floor(1e-100000 * 10^100000)")).toMatchObject({ kind: "value", value: "1", exact: true });
  });
});
