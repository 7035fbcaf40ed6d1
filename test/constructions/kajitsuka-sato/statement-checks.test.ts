// Kajitsuka & Sato's statements as written (constructions/kajitsuka-sato/statement-checks.ts): Lemma B.2's
// statement survives on the counterexample to its proof step, eq. (153)'s index is a misprint of
// eq. (163)'s, and label slots of ⌈log₂ C⌉ bits are one short at powers of two.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rational } from "../../../src/numbers/rational.ts";
import { binSegment, findLemmaB2Weights, lemmaG6Output } from "../../../constructions/kajitsuka-sato/statement-checks.ts";
import { getClaim } from "../../../constructions/claims.ts";

describe("Lemma B.2: the statement vs the proof's choice of f", () => {
  it("on the literal step's counterexample (counts (2,0), (0,1)) an f in the stated range exists: f = (1, 4)", () => {
    const counts = [[2, 0], [0, 1]];
    // the proof's f = (14, 28) collides: 2·14 = 28 = 1·28
    expect(2 * 14).toBe(28);
    const r = findLemmaB2Weights(counts);
    expect(r.search).toBe("exhaustive");
    expect(r.K).toBe(57n); // ⌈4·N²·|S|·√π⌉ = ⌈32√π⌉ = ⌈56.72⌉
    expect(r.f).toEqual([1n, 4n]);
    const sums = counts.map((m) => m.reduce((s, c, i) => s + BigInt(c) * r.f![i]!, 0n));
    expect(sums).toEqual([2n, 4n]);
    expect((sums[1]! - sums[0]!) ** 2n >= 2n).toBe(true); // ≥ √|S| apart
    expect(sums.every((x) => x <= r.sumBound)).toBe(true);
    expect(getClaim("ks.lemma-B.2")!.check(counts)).toEqual({ holds: true });
    expect(getClaim("ks.lemma-B.2.literal")!.knownCounterexample).toBeDefined();
  });

  it("large ranges are sampled, not enumerated, and a sampled f meets the same exact criterion", () => {
    const counts = [[1, 0, 2], [0, 3, 1], [2, 2, 0], [1, 1, 1]];
    const r = findLemmaB2Weights(counts);
    expect(r.search).toBe("random"); // K = ⌈4·16·3·√π⌉ = 341, 341³ candidates
    expect(r.f).not.toBeNull();
    const sums = counts.map((m) => m.reduce((s, c, i) => s + BigInt(c) * r.f![i]!, 0n)).sort((x, y) => (x < y ? -1 : 1));
    for (let i = 1; i < sums.length; i++) expect((sums[i]! - sums[i - 1]!) ** 2n >= 3n).toBe(true);
    expect(r.f!.every((v) => v >= 1n && v <= r.K)).toBe(true);
    // a builder failure on a sampled range is not a refutation
    const tiny = findLemmaB2Weights(counts, { randomTries: 0 });
    expect(tiny.f).toBeNull();
    expect(tiny.search).toBe("random");
  });
});

describe("Lemma G.6: eq. (153) vs the proof's eq. (163)", () => {
  it("the proof's network outputs BIN_{jc+1:(j+1)c}(w) (random segments)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.bigInt({ min: 0n, max: 255n }), (rho, c, wRaw) => {
        const segs = [0n, 2n].map((v) => v % (1n << BigInt(rho))).filter((v, i, a) => a.indexOf(v) === i);
        if (segs.length < 2 && rho > 1) return;
        const n = segs.length;
        const u = segs.reduce((a, v) => (a << BigInt(rho)) + v, 0n);
        const w = wRaw % (1n << BigInt(c * n));
        for (let j = 0; j < n; j++) {
          const x = Rational.fromBigInt(binSegment(u, rho * n, rho * j + 1, rho * (j + 1))).add(Rational.of(1n, 2n));
          expect(lemmaG6Output(x, u, w, rho, c, n).eq(Rational.fromBigInt(binSegment(w, c * n, c * j + 1, c * (j + 1))))).toBe(true);
        }
      }),
    );
  });

  it("eq. (153)'s index reads different bits when ρ ≠ c: the recorded case outputs 2, eq. (153) says 1", () => {
    const c = getClaim("ks.lemma-G.6.eq-153")!;
    const out = c.check(c.knownCounterexample!.input);
    expect(out.holds).toBe(false);
    expect(out.detail).toMatch(/outputs 2 = BIN_\{jc\+1:\(j\+1\)c\}\(w\), eq\. \(153\) says BIN_\{ρj\+1:ρ\(j\+1\)\}\(w\) = 1/);
    expect(c.check({ rho: 2, c: 2, n: 1, u: 2n, w: 3n, j: 0, half: true })).toEqual({ holds: true }); // ρ = c: no difference
  });

  it("binSegment counts bits from the left", () => {
    expect(binSegment(6n, 3, 1, 2)).toBe(3n);
    expect(binSegment(6n, 3, 3, 3)).toBe(0n);
    expect(binSegment(2n, 2, 1, 1)).toBe(1n);
  });
});

describe("label slots of log C bits", () => {
  it("fail exactly at y = C = 2^k", () => {
    const c = getClaim("ks.lemma-C.1.label-bits")!;
    for (let C = 1; C <= 64; C++)
      for (let y = 1; y <= C; y++) {
        const pow2 = (C & (C - 1)) === 0;
        expect(c.check([C, y]).holds, `C = ${C}, y = ${y}`).toBe(!(pow2 && y === C));
      }
  });
});

describe("Lemma B.2's proof step, exactly", () => {
  it("v = (−1, 0): h = (⌈−8√π⌉, 0) = (−14, 0), shift ⌊16√π⌋ = 28, f = (14, 28): counts (2,0), (0,1) collide at 28", async () => {
    const { lemmaB2ProofStep, ceilSqrtPiRational } = await import("../../../constructions/kajitsuka-sato/statement-checks.ts");
    const r = lemmaB2ProofStep(Math.PI, 2, 1);
    expect(r.premise).toBe("holds"); // (vᵀΔ)²·N⁴|S|·π = 4·32·π ≥ 8·5
    expect(r.h).toEqual([-14n, 0n]);
    expect(r.shift).toBe(28n);
    expect(r.sums).toEqual([28n, 28n]);
    // √π ≈ 1.7724538509: ⌈1.7724⌉ = 2, ⌈−1.7724⌉ = −1, ⌈10·√π⌉ = 18, ⌈(1/2)√π⌉ = 1
    expect(ceilSqrtPiRational(Rational.ONE)).toBe(2n);
    expect(ceilSqrtPiRational(Rational.of(-1n))).toBe(-1n);
    expect(ceilSqrtPiRational(Rational.of(10n))).toBe(18n);
    expect(ceilSqrtPiRational(Rational.of(1n, 2n))).toBe(1n);
    // a direction almost orthogonal to Δ fails Lemma G.1's premise: nothing is claimed there
    expect(lemmaB2ProofStep(Math.atan2(2, 1), 2, 1).premise).toBe("fails");
  });
});
