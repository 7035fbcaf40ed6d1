/**
 * The checker's float64 fast path (proofs-check/float.ts) must never produce an unsound enclosure:
 * next-double stepping against an independent BigInt-bits reference (0, −0, subnormals, carries,
 * huge, infinite, negative), + − × ÷ and exp enclosures against exact/decimal values, rational
 * enclosures, the fast evaluator against 100-digit decimal intervals on random softmax networks
 * (first-layer exact scores, large scores, a second softmax layer on float inputs), and a planted
 * 1e-30 tie that only the decimal path can settle.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Decimal } from "decimal.js";
import { down, enclose, encloseFrac, expIv, fastArith, toRational, up } from "../../proofs-check/float.ts";
import { intervalArith, type Iv } from "../../proofs-check/interval.ts";
import { Evaluator } from "../../proofs-check/evaluate.ts";
import { validateCertificate } from "../../proofs-check/validate.ts";
import { checkCertificate } from "../../proofs-check/check.ts";
import { Rational } from "../../src/numbers/rational.ts";
import type { Certificate } from "../../src/certificate/format.ts";
import { rng, softmaxCert } from "../fixtures/checker.ts";

/** Next double above x from the 64-bit pattern (DataView + BigInt): shares nothing with float.ts. */
function refUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x;
  if (x === 0) return Number.MIN_VALUE;
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const b = dv.getBigUint64(0);
  dv.setBigUint64(0, x > 0 ? b + 1n : b - 1n);
  return dv.getFloat64(0);
}
const MIN = Number.MIN_VALUE;
const EDGES = [0, -0, MIN, -MIN, 2 ** -1022, -(2 ** -1022), 2 ** -1022 - MIN, (2 ** 32 - 1) * MIN, -(2 ** 32) * MIN, 1, -1, 2 ** 52, 1e-320, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, 0.1, -0.1];
const R = (x: number) => toRational(x);

describe("next-double stepping", () => {
  it("matches the BigInt-bits reference at the edges (zero, subnormals, word carries, extremes)", () => {
    for (const x of EDGES) {
      expect(Object.is(up(x), refUp(x)), `up(${x})`).toBe(true);
      expect(Object.is(down(x), -refUp(-x)), `down(${x})`).toBe(true);
    }
    expect(up(-MIN)).toBe(-0);
    expect(down(0)).toBe(-MIN);
    expect(up(Number.MAX_VALUE)).toBe(Infinity);
    expect(up(-Infinity)).toBe(-Number.MAX_VALUE);
    expect(Number.isNaN(up(NaN))).toBe(true);
  });
  it("matches the reference on arbitrary doubles, and steps strictly", () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        expect(Object.is(up(x), refUp(x))).toBe(true);
        if (Number.isFinite(x)) expect(up(x) > x && down(x) < x).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
  it("[down(r), up(r)] contains the exact result of + − × ÷ (subnormal, huge and negative operands)", () => {
    const dbl = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(...EDGES.filter(Number.isFinite)), fc.double({ min: -1e-300, max: 1e-300, noNaN: true }));
    fc.assert(
      fc.property(dbl, dbl, fc.constantFrom("+", "-", "*", "/"), (a, b, op) => {
        if (op === "/" && b === 0) return;
        const r = op === "+" ? a + b : op === "-" ? a - b : op === "*" ? a * b : a / b;
        if (!Number.isFinite(r)) return;
        const exact = op === "+" ? R(a).add(R(b)) : op === "-" ? R(a).sub(R(b)) : op === "*" ? R(a).mul(R(b)) : R(a).div(R(b));
        expect(R(down(r)).le(exact) && exact.le(R(up(r))), `${a} ${op} ${b}`).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});

describe("exp and rational enclosures", () => {
  const D60 = Decimal.clone({ precision: 60 });
  const dec = (x: number) => {
    const r = R(x);
    return new D60(r.num.toString()).div(r.den.toString());
  };
  it("expIv(x, x) contains exp(x) computed by decimal.js at 60 digits, including underflow", () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -745, max: 709, noNaN: true }), fc.double({ min: -1e-3, max: 1e-3, noNaN: true }), fc.double({ min: -760, max: -700, noNaN: true })), (x) => {
        const e = expIv(x, x);
        const t = dec(x).exp();
        expect(dec(e.lo).lte(t) && t.lte(dec(e.hi)), `exp(${x})`).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
  it("encloseFrac(p, q) contains p/q, fast and tight, from tiny to huge; tight pairs are a few ulps wide", () => {
    const big = fc.bigInt({ min: -(2n ** 300n), max: 2n ** 300n });
    const den = fc.oneof(fc.bigInt({ min: 1n, max: 2n ** 300n }), fc.constantFrom(1n, 3n, 1n << 64n, 10n ** 20n));
    fc.assert(
      fc.property(big, den, fc.boolean(), (p, q, tight) => {
        const e = encloseFrac(p, q, tight);
        const v = Rational.of(p, q);
        expect(R(e.lo).le(v) && v.le(R(e.hi))).toBe(true);
        if (tight) expect(e.hi <= up(up(up(up(e.lo))))).toBe(true);
      }),
      { numRuns: 1500 },
    );
    expect(enclose(Rational.of(1n, 3n)).hi).toBe(up(enclose(Rational.of(1n, 3n)).lo));
    expect(enclose(Rational.of(1n, 2n ** 1100n))).toEqual({ lo: 0, hi: MIN });
    expect(enclose(Rational.of(-5n, 8n))).toEqual({ lo: -0.625, hi: -0.625 });
    expect(() => enclose(Rational.of(10n ** 400n))).toThrow(RangeError);
  });
});

/** A second softmax layer (a copy of the first): its scores are computed from float intervals. */
function twoLayers(c: Certificate): Certificate {
  const d = structuredClone(c);
  d.network.layers.splice(1, 0, structuredClone(d.network.layers[0]!));
  return d;
}

describe("the fast evaluator against 100-digit decimal intervals on random softmax networks", () => {
  it("every float64 enclosure contains the decimal enclosure's midpoint, and is narrow", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom("1/2", "37", "5000"), fc.boolean(), (seed, scale, deep) => {
        let cert = softmaxCert(rng(seed), 6, seed % 2 ? "argmax" : "abs-error");
        (cert.network.layers[0] as { scale?: string }).scale = scale;
        if (deep) cert = twoLayers(cert);
        const c = validateCertificate(cert);
        const F = new Evaluator(c, fastArith());
        const D = intervalArith(100);
        const E = new Evaluator(c, D);
        c.sequences.forEach((_, i) => {
          const f = F.outputs(i);
          E.outputs(i).forEach((v: Iv[], p) => {
            const fp = f[p]!;
            expect(fp).toBeInstanceOf(Float64Array); // after a softmax, values are float intervals
            const enc = Array.from({ length: (fp as Float64Array).length / 2 }, (_, k) => ({ lo: (fp as Float64Array)[2 * k]!, hi: (fp as Float64Array)[2 * k + 1]! }));
            v.forEach((x, k) => {
              const mid = D.toRational(x.lo).add(D.toRational(x.hi)).mul(Rational.of(1n, 2n));
              const g = enc[k]!;
              expect(R(g.lo).le(mid) && mid.le(R(g.hi)), `seed ${seed} scale ${scale} deep ${deep} example ${i} entry ${k}`).toBe(true);
              // exact scores into the first softmax keep it narrow; a second softmax on float inputs with
              // large scores may be wide (then the decimal path decides), but must still contain the value
              if (!deep) expect(g.hi - g.lo).toBeLessThan(1e-6 * (1 + Math.abs(g.lo)));
            });
          });
        });
      }),
      { numRuns: 25 },
    );
  });
  it("the checker's verdicts with the fast path equal the decimal-only verdicts", () => {
    for (const seed of [1, 2, 3, 4]) {
      for (const kind of ["argmax", "abs-error"] as const) {
        const cert = softmaxCert(rng(seed), 8, kind);
        const bad = structuredClone(cert);
        bad.dataset.labels[3] = kind === "argmax" ? 1 - (bad.dataset.labels[3] as number) : "17";
        for (const c of [cert, bad]) {
          const fast = checkCertificate(c);
          const slow = checkCertificate(c, { decimalOnly: true });
          expect(fast.verdict).toBe(slow.verdict);
          expect(fast.claims.map((x) => [x.status, x.example])).toEqual(slow.claims.map((x) => [x.status, x.example]));
          expect(fast.decimalExamples).toBe(0);
          expect(slow.decimalExamples).toBe(c === cert ? c.dataset.sequences.length : 4); // REJECTED stops at example 3
        }
      }
    }
  });
});

describe("what float64 cannot decide goes to the decimal path", () => {
  it("logits 1e-30 apart: every example goes to decimal intervals, INCONCLUSIVE at 20 digits, VERIFIED at 60", () => {
    const c = softmaxCert(rng(3), 4, "argmax", 20);
    const aff = c.network.layers[1] as Extract<Certificate["network"]["layers"][number], { type: "affine" }>;
    aff.W = [aff.W[0]!, aff.W[0]!.slice()];
    aff.b = ["0", "1e-30"];
    c.dataset.labels = c.dataset.labels.map(() => 1);
    c.claims = c.claims.filter((x) => x.kind === "memorizes");
    const low = checkCertificate(c);
    expect(low.verdict).toBe("INCONCLUSIVE");
    expect(low.decimalExamples).toBe(c.dataset.sequences.length);
    const high = checkCertificate(c, { precision: 60 });
    expect(high.verdict).toBe("VERIFIED");
    expect(high.decimalExamples).toBe(c.dataset.sequences.length);
  });
  it("a weight beyond the float64 range sends every example to the decimal path, with the same verdict", () => {
    const c = softmaxCert(rng(5), 5, "abs-error");
    // a second softmax layer adding exactly 0 (WO = 0) whose WV = 1e400 must be applied to float inputs
    const head = { WQ: [["1", "0"]], WK: [["0", "1"]], WV: [["1e400", "0"]], WO: [["0"], ["0"]] };
    c.network.layers.splice(1, 0, { type: "attention", attention: "softmax", heads: [head], residual: true, queries: "all", keys: "all" });
    c.claims = c.claims.filter((x) => x.kind === "memorizes");
    const r = checkCertificate(c);
    expect(r.verdict).toBe("VERIFIED");
    expect(r.decimalExamples).toBe(c.dataset.sequences.length);
    expect(checkCertificate(softmaxCert(rng(5), 5, "abs-error")).decimalExamples).toBe(0);
  });
});
