// Certified rank lower bounds on interval boxes (src/linalg/interval-rank.ts): sound (never above the
// rank of a matrix the box contains), decisive on tight boxes, and the verifier rejects tampering.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rational } from "../../src/numbers/rational.ts";
import { certifiedRank, intervalRankLowerBound, matMul, ratMatrix, verifyIntervalRankWitness } from "../../src/linalg/index.ts";

const widen = (M: Rational[][], r: Rational) => ({ lo: M.map((row) => row.map((v) => v.sub(r))), hi: M.map((row) => row.map((v) => v.add(r))) });

describe("intervalRankLowerBound", () => {
  it("certifies full rank on a tight box around a nonsingular matrix, and the witness verifies", () => {
    const { lo, hi } = widen(ratMatrix([[2, 1], [1, 3]]), Rational.of(1n, 1000n));
    const w = intervalRankLowerBound(lo, hi);
    expect(w.rank).toBe(2);
    expect(w.contraction.lt(Rational.ONE)).toBe(true);
    expect(verifyIntervalRankWitness(lo, hi, w)).toBe(true);
  });

  it("refuses when the box reaches a singular matrix (radius too wide for the minor)", () => {
    // [[1, 1], [1, 1 + 1/10]] is nonsingular, but a box of radius 1/10 contains [[1, 1], [1, 1]]
    const { lo, hi } = widen(ratMatrix([[1, 1], [1, "11/10"]]), Rational.of(1n, 10n));
    const w = intervalRankLowerBound(lo, hi);
    expect(w.rank).toBeLessThan(2);
    expect(w.reason).toMatch(/too wide/);
    expect(verifyIntervalRankWitness(lo, hi, { rank: 2, rows: [0, 1], cols: [0, 1] })).toBe(false);
  });

  it("is sound: never certifies more than the rank of a matrix inside the box", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 1e6 }), fc.integer({ min: 1, max: 40 }), (m, n, r0, seed, k) => {
        let s = seed + 1;
        const next = () => ((s = (s * 1103515245 + 12345) % 2147483648), Rational.of((s % 7) - 3));
        const r = Math.min(r0, m, n);
        const M = r === 0 ? ratMatrix(Array.from({ length: m }, () => Array(n).fill(0))) : matMul(Array.from({ length: m }, () => Array.from({ length: r }, next)), Array.from({ length: r }, () => Array.from({ length: n }, next)));
        const { lo, hi } = widen(M, Rational.of(1n, 1n << BigInt(k)));
        const w = intervalRankLowerBound(lo, hi);
        expect(w.rank).toBeLessThanOrEqual(certifiedRank(M).rank);
        expect(verifyIntervalRankWitness(lo, hi, w)).toBe(true);
        if (k >= 30 && w.rank > 0) expect(w.rank).toBe(certifiedRank(M).rank); // tight boxes decide
      }),
      { numRuns: 150 },
    );
  });

  it("the verifier rejects a witness whose minor is singular at the midpoint or whose indices are out of range", () => {
    const { lo, hi } = widen(ratMatrix([[1, 2, 3], [2, 4, 6], [0, 0, 1]]), Rational.of(1n, 1n << 40n));
    const w = intervalRankLowerBound(lo, hi);
    expect(w.rank).toBe(2);
    expect(verifyIntervalRankWitness(lo, hi, { rank: 2, rows: [0, 1], cols: [0, 1] })).toBe(false); // rows 0, 1 are proportional
    expect(verifyIntervalRankWitness(lo, hi, { rank: 2, rows: [0, 5], cols: [0, 2] })).toBe(false);
    expect(verifyIntervalRankWitness(lo, hi, { rank: 3, rows: [0, 1, 2], cols: [0, 1, 2] })).toBe(false);
  });
});
