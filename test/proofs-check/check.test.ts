/**
 * The independent checker on hand-built certificates: valid ones are VERIFIED, planted errors are
 * REJECTED naming the example, low precision gives INCONCLUSIVE, and semantic defects are invalid.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkCertificate } from "../../proofs-check/check.ts";
import { Invalid } from "../../proofs-check/validate.ts";
import { boundValue, formatBoundValue } from "../../proofs-check/bound.ts";
import { intervalArith } from "../../proofs-check/interval.ts";
import { exactArith, toRationals } from "../../proofs-check/exact.ts";
import { Rational, q } from "../../src/numbers/rational.ts";
import type { Certificate } from "../../src/certificate/format.ts";
import { hardmaxLogitsCert, referenceTruth, reluInterpCert, rng, softmaxCert, tokenNetCert } from "../fixtures/checker.ts";

const verdict = (c: unknown, precision?: number) => checkCertificate(c, { precision }).verdict;
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe("valid certificates are VERIFIED", () => {
  it("2-layer ReLU interpolation of N scalars (exact labels), many seeds", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 1, max: 12 }), (seed, N) => {
        const c = reluInterpCert(rng(seed), N);
        expect(referenceTruth(c)).toBe(true);
        expect(checkCertificate(c).claims.map((r) => [r.id, r.status, r.detail])).toEqual(c.claims.map((cl) => [cl.id, "verified", expect.any(String)]));
      }),
      { numRuns: 60 },
    );
  });
  it("uniform attention + ffn token networks, next-token and seq2seq", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.boolean(), (seed, seq2seq) => {
        const c = tokenNetCert(rng(seed), { N: 6, n: 3, vocab: 5, attention: "uniform", seq2seq });
        expect(verdict(c)).toBe("VERIFIED");
      }),
      { numRuns: 40 },
    );
  });
  it("hardmax networks (positional, causal keys; and logits with argmax over a listed subset)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (seed) => {
        expect(verdict(tokenNetCert(rng(seed), { N: 5, n: 4, vocab: 4, attention: "hardmax", seq2seq: seed % 2 === 0 }))).toBe("VERIFIED");
        expect(verdict(hardmaxLogitsCert(rng(seed), 12))).toBe("VERIFIED");
      }),
      { numRuns: 40 },
    );
  });
  it("softmax attention with argmax and abs-error claims (interval arithmetic)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (seed) => {
        const a = softmaxCert(rng(seed), 8, "argmax");
        const b = softmaxCert(rng(seed), 8, "abs-error");
        expect(checkCertificate(a).verdict).toBe("VERIFIED");
        expect(checkCertificate(b).verdict).toBe("VERIFIED");
      }),
      { numRuns: 15 },
    );
  });
});

describe("planted hidden errors", () => {
  it("a ReLU network that fails on exactly one of N examples is REJECTED naming that example", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 20, max: 60 }), fc.nat(), (seed, N, k0) => {
        const bad = k0 % N;
        const c = reluInterpCert(rng(seed), N, (i, y) => (i === bad ? y.add(Rational.of(1n, 1024n)) : y));
        // the dataset order is a permutation of the interpolation points: find where point `bad` went
        const r = checkCertificate(c);
        expect(r.verdict).toBe("REJECTED");
        const m = r.claims.find((x) => x.id === "memorizes")!;
        expect(m.status).toBe("rejected");
        const ref = referenceOutputsFail(c);
        expect(ref).toEqual([m.example]);
        expect(m.detail).toMatch(new RegExp(`example ${m.example} fails exact: computed .*, label`));
        expect(r.claims.filter((x) => x.status === "rejected").length).toBe(1);
      }),
      { numRuns: 30 },
    );
  });
  it("a softmax network whose label is off by 2·epsilon on one example is REJECTED at that example", () => {
    const c = softmaxCert(rng(11), 10, "abs-error");
    c.dataset.labels[7] = String(Number(c.dataset.labels[7]) + 2e-6);
    const r = checkCertificate(c);
    expect(r.verdict).toBe("REJECTED");
    expect(r.claims[0]!.example).toBe(7);
  });
});

function referenceOutputsFail(c: Certificate): number[] {
  const fixed = clone(c);
  fixed.claims = fixed.claims.filter((x) => x.kind === "memorizes");
  return c.dataset.labels.flatMap((_, i) => {
    const one = clone(fixed);
    one.dataset.sequences = [c.dataset.sequences[i]!];
    one.dataset.labels = [c.dataset.labels[i]!];
    one.claims = [{ kind: "memorizes", id: "m", criterion: { type: "exact" }, examples: "all", count: 1 }];
    return referenceTruth(one) === true ? [] : [i];
  });
}

/** Two logits that differ by exactly 1e-30 behind a softmax layer. */
function closeLogits(): Certificate {
  const c = softmaxCert(rng(3), 4, "argmax", 20);
  const aff = c.network.layers[1] as Extract<Certificate["network"]["layers"][number], { type: "affine" }>;
  aff.W = [aff.W[0]!, aff.W[0]!.slice()];
  aff.b = ["0", "1e-30"];
  c.dataset.labels = c.dataset.labels.map(() => 1);
  c.claims = c.claims.filter((x) => x.kind === "memorizes");
  return c;
}

describe("INCONCLUSIVE when the precision is too low", () => {
  it("logits 1e-30 apart: INCONCLUSIVE at 20 digits (with a needed precision), VERIFIED at 60 via --precision", () => {
    const c = closeLogits();
    const low = checkCertificate(c);
    expect(low.verdict).toBe("INCONCLUSIVE");
    expect(low.claims[0]!.neededDigits).toBe(40);
    expect(low.claims[0]!.detail).toMatch(/decided at 40 digits/);
    expect(verdict(c, 60)).toBe("VERIFIED");
    expect(verdict(c, low.claims[0]!.neededDigits)).toBe("VERIFIED");
    const wrong = clone(c);
    wrong.dataset.labels = wrong.dataset.labels.map(() => 0);
    expect(verdict(wrong, 60)).toBe("REJECTED");
    expect(verdict(wrong)).toBe("INCONCLUSIVE");
  });
  it("a bound comparison whose sides agree to 45 digits is decided exactly when the expression is rational", () => {
    const c = reluInterpCert(rng(1), 4);
    c.claims = [{ kind: "bound", id: "tight", source: "t", expression: "parameters + 1e-45", variables: { parameters: "parameters" }, value: "10", compare: { quantity: "parameters", relation: "<=", holds: true } }];
    expect(verdict(c)).toBe("VERIFIED");
    c.claims[0]!.kind === "bound" && (c.claims[0]!.compare!.holds = false);
    expect(verdict(c)).toBe("REJECTED");
  });
  it("a comparison that only an exact tie would settle, on an irrational expression, is INCONCLUSIVE", () => {
    const c = reluInterpCert(rng(1), 4);
    c.claims = [{ kind: "bound", id: "tie", source: "t", expression: "sqrt(parameters)^2", variables: { parameters: "parameters" }, value: "10", compare: { quantity: "parameters", relation: "<=", holds: true } }];
    // sqrt(10)^2 is enclosed around 10: the value rounds to "10" at any precision, 10 <= it never separates
    expect(verdict(c)).toBe("INCONCLUSIVE");
  });
});

describe("interval arithmetic encloses the truth", () => {
  it("softmax weights enclose the float softmax and sum-enclose 1", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3000, max: 3000 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 12, max: 40 }), (ss, P) => {
        const A = intervalArith(P);
        const w = A.weights("softmax", ss.map((s) => A.point(Rational.of(BigInt(s), 100n))));
        const x = ss.map((s) => s / 100);
        const M = Math.max(...x);
        const Z = x.reduce((u, v) => u + Math.exp(v - M), 0);
        w.forEach((iv, j) => {
          const f = Math.exp(x[j]! - M) / Z;
          expect(iv.lo.toNumber()).toBeLessThanOrEqual(f * (1 + 1e-12) + 1e-300);
          expect(iv.hi.toNumber()).toBeGreaterThanOrEqual(f * (1 - 1e-12));
          expect(iv.hi.sub(iv.lo).toNumber()).toBeLessThan(1e-9);
        });
      }),
      { numRuns: 200 },
    );
  });
  it("point enclosures of rationals contain them and exact vectors round-trip", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.bigInt({ min: 1n, max: 10n ** 30n }), (p, d) => {
        const A = intervalArith(25);
        const r = Rational.of(p, d);
        const iv = A.point(r);
        expect(A.toRational(iv.lo).le(r) && A.toRational(iv.hi).ge(r)).toBe(true);
        expect(toRationals(exactArith().input([r, r.neg(), Rational.ZERO]))).toEqual([r, r.neg(), Rational.ZERO]);
      }),
      { numRuns: 300 },
    );
  });
});

describe("bound values", () => {
  it("formatBoundValue rounds to 12 significant digits", () => {
    expect(formatBoundValue("1331.9128306085347323865")).toBe("1331.91283061");
    expect(formatBoundValue("0.000000012345678901234")).toBe("1.23456789012e-8");
    expect(formatBoundValue("2")).toBe("2");
    expect(boundValue("sqrt(N) * log2(N)", { N: 10000 })).toBe("1328.77123795");
  });
  it("forbidden expressions make the certificate invalid", () => {
    for (const e of ['import({}, {})', "f(N)", "x + N", "N = 3", '"a"', "1/2N", "0x10", "Infinity", "N!", "2 N", "log N", "N < 2 < 3"]) {
      const c = reluInterpCert(rng(2), 3);
      c.claims = [{ kind: "bound", id: "b", source: "s", expression: e, variables: { N: "N" }, value: "1" }];
      expect(() => checkCertificate(c)).toThrow(Invalid);
    }
  });
});

describe("semantic validation (exit 2 material)", () => {
  const base = () => tokenNetCert(rng(5), { N: 4, n: 3, vocab: 5, attention: "uniform" });
  const cases: [string, (c: Certificate) => void, RegExp][] = [
    ["token out of range", (c) => (c.dataset.sequences[1]![0] = 5), /out of range/],
    ["ragged dims", (c) => ((c.network.layers[2] as { W1: unknown[][] }).W1[0]!.push("1")), /ragged/],
    ["W2 shape", (c) => ((c.network.layers[2] as { W2: unknown[][] }).W2.pop()), /expected \d+ rows/],
    ["label count", (c) => c.dataset.labels.pop(), /labels/],
    ["unsorted examples", (c) => (c.claims[0] = { kind: "memorizes", id: "memorizes", criterion: { type: "exact" }, examples: [2, 1], count: 2 }), /sorted/],
    ["example count", (c) => (c.claims[0] = { kind: "memorizes", id: "memorizes", criterion: { type: "exact" }, examples: "all", count: 3 }), /count/],
    ["duplicate ids", (c) => c.claims.push(clone(c.claims[0]!)), /duplicate/],
    ["softmax in exact mode", (c) => ((c.network.layers[1] as { attention: string }).attention = "softmax"), /softmax/],
    ["argmax on scalar", (c) => (c.claims[0] = { kind: "memorizes", id: "memorizes", criterion: { type: "argmax" }, examples: "all", count: 4 }), /argmax/],
    ["schema", (c) => ((c as { version: number }).version = 2), /version/],
  ];
  for (const [name, mutate, msg] of cases)
    it(name, () => {
      const c = base();
      expect(verdict(c)).toBe("VERIFIED");
      mutate(c);
      expect(() => checkCertificate(c)).toThrow(msg);
    });
});

it("count claims are recounted, not read", () => {
  const c = reluInterpCert(rng(9), 5);
  const r = checkCertificate(c).claims;
  expect(r.find((x) => x.id === "parameters")!.computed).toBe(String(4 + 4 + 4 + 1));
  expect(q(r.find((x) => x.id === "width")!.computed!).eq(q(4))).toBe(true);
});
