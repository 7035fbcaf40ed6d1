/**
 * Dana et al. construction: every step it relies on as a property (small sizes, modest runs).
 *  - tables: nested random look-up tables (the edge-of-capacity table needs them nested);
 *  - the float64 interval path encloses the 50-digit decimal enclosure (soundness cross-check);
 *  - Corollary 1: T₀ = H·d_h + d associations certified for random tables;
 *  - Lemma 2 (p. 4): rank of the attention before output ≥ min(T₀, H·d) for generic weights, proven on the
 *    interval enclosure (src/linalg/interval-rank.ts; more in lemma-2.test.ts);
 *  - Proposition 2: d ≥ N − 1 ⇒ the rank-d encoder reaches KL 0;
 *  - Proposition 3: deterministic tables, d = 2, circle encoder: the rigorous KL upper bound decreases in λ
 *    and stays below (N − 1)·exp(−λ·gap).
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Decimal } from "decimal.js";
import { randomConditionals, randomLookupTable } from "../../../src/data/associations.ts";
import { Rational } from "../../../src/numbers/rational.ts";
import { rationalCirclePoint } from "../../../src/numbers/circle.ts";
import { intervalRankLowerBound } from "../../../src/linalg/index.ts";
import { attentionBeforeOutputEnclosure } from "../../../constructions/dana/lemma-2.ts";
import { buildAssociationNetwork, constructAot, skipBlockRank } from "../../../constructions/dana/association.ts";
import { featureMatrixDecimal, genericWeights } from "../../../constructions/dana/aot.ts";
import { decimalLogitEnclosures } from "../../../constructions/dana/decimal-interval.ts";
import { fastLogitEnclosures, lowerEnd, upperEnd } from "../../../constructions/dana/fast-interval.ts";
import { fitLowRankEncoder } from "../../../constructions/dana/encoders.ts";
import { klEnclosure } from "../../../constructions/dana/distribution.ts";

describe("look-up tables", () => {
  it("are distinct and nested in T for a fixed seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 7 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1000 }), (N, S, seed) => {
        const total = N ** S;
        const T = Math.max(1, Math.floor(total / 2));
        const a = randomLookupTable({ N, S, T, seed });
        const b = randomLookupTable({ N, S, T: total, seed });
        expect(new Set(b.sequences.map((t) => t.join())).size).toBe(total);
        expect(b.sequences.slice(0, T)).toEqual(a.sequences);
        expect(b.next.slice(0, T)).toEqual(a.next);
      }),
      { numRuns: 30 },
    );
  });
});

describe("float64 interval path", () => {
  it("encloses the 50-digit decimal enclosure of the same network", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10000 }), (seed) => {
        const table = randomLookupTable({ N: 4, S: 2, T: 5, seed });
        fc.pre(skipBlockRank(table.sequences, 2) === 2 && new Set(table.next).size >= 2); // tables the construction accepts (dana.construction-rank.literal; ≥ d distinct next tokens for step 4)
        const { network } = buildAssociationNetwork(table, { d: 2, dh: 1, H: 3, seed }, { kind: "float64" }, 20);
        const fast = fastLogitEnclosures(network, table.sequences);
        const dec = decimalLogitEnclosures(network, table.sequences, 50);
        fast.forEach((L, i) =>
          L.m.forEach((m, j) => {
            expect(new Decimal(lowerEnd(m, L.r[j]!)).lte(dec[i]!.lo[j]!)).toBe(true);
            expect(new Decimal(upperEnd(m, L.r[j]!)).gte(dec[i]!.hi[j]!)).toBe(true);
          }),
        );
      }),
      { numRuns: 8 },
    );
  });
});

describe("Corollary 1", () => {
  it("certifies T₀ = H·d_h + d associations of random tables", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10000 }), (seed) => {
        const table = randomLookupTable({ N: 5, S: 2, T: 10, seed });
        const r = constructAot(table, { d: 2, dh: 2, H: 4, seed, decimalEnclosure: decimalLogitEnclosures, maxPrecision: 80 });
        expect(r.capacity).toBe(10);
        expect(r.certified).toBe(10);
      }),
      { numRuns: 3 },
    );
  }, 60_000);
});

describe("Lemma 2", () => {
  it("rank of the attention before output ≥ min(T₀, H·d) for generic weights (certified on the enclosure)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10000 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 2, max: 9 }), (seed, H, T) => {
        const w = genericWeights({ N: 4, S: 2, d: 2, dh: 2, H, seed, qkScale: 8 });
        const table = randomLookupTable({ N: 4, S: 2, T, seed });
        const { lo, hi } = attentionBeforeOutputEnclosure(w, table.sequences, 50);
        expect(intervalRankLowerBound(lo, hi).rank).toBeGreaterThanOrEqual(Math.min(T, H * 2));
      }),
      { numRuns: 20 },
    );
  });
});

describe("Proposition 2", () => {
  it("d ≥ N − 1: the rank-d encoder reaches KL 0 for every full-support π", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 0, max: 10000 }), (N, seed) => {
        const c = randomConditionals({ N, S: 2, T: Math.min(N * N, 12), seed });
        const fit = fitLowRankEncoder(c.conditionals.map((r) => r.map((v) => v.toNumber())), c.weights.map((v) => v.toNumber()), N - 1);
        expect(fit.kl).toBeLessThan(1e-12);
      }),
      { numRuns: 20 },
    );
  });
});

describe("Proposition 3", () => {
  it("deterministic tables, d = 2: the circle encoder's KL → 0 as λ grows (rigorous bounds)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 10000 }), (N, seed) => {
        const W = Array.from({ length: N }, (_, j) => rationalCirclePoint(((2 * Math.PI * j) / N + Math.PI) % (2 * Math.PI) - Math.PI));
        W.forEach(([x, y]) => expect(x.mul(x).add(y.mul(y)).eq(Rational.ONE)).toBe(true));
        const table = randomLookupTable({ N, S: 2, T: Math.min(N * N, 6), seed });
        const pi = table.next.map((g) => Array.from({ length: N }, (_, j) => (j === g ? Rational.ONE : Rational.ZERO)));
        const w = table.next.map(() => Rational.of(1n, BigInt(table.next.length)));
        const gap = Math.min(...W.flatMap((a, g) => W.map((b, j) => (j === g ? Infinity : 1 - a[0].mul(b[0]).add(a[1].mul(b[1])).toNumber()))));
        const Dn = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_FLOOR });
        const Up = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_CEIL });
        let prev = Infinity;
        for (const lambda of [1, 4, 16, 64]) {
          const logits = table.next.map((g) => {
            const z = W.map((wj) => wj[0].mul(W[g]![0]).add(wj[1].mul(W[g]![1])).mul(Rational.of(BigInt(lambda))));
            return { lo: z.map((r) => Dn.div(r.num.toString(), r.den.toString())), hi: z.map((r) => Up.div(r.num.toString(), r.den.toString())) };
          });
          // klEnclosure needs full support: δ_g smoothed by 10⁻³⁰ (KL moves by < 10⁻²⁷)
          const tiny = Rational.of(1n, 10n ** 30n);
          const smooth = pi.map((p) => p.map((v) => (v.isZero() ? tiny : Rational.ONE.sub(tiny.mul(Rational.of(BigInt(N - 1)))))));
          const [lo, hi] = klEnclosure(smooth, w, logits, 40);
          expect(lo.lte(hi)).toBe(true);
          const bound = (N - 1) * Math.exp(-lambda * gap) + 1e-25 * N * lambda + 1e-20;
          expect(hi.toNumber()).toBeLessThanOrEqual(bound * 1.0001 + 1e-6);
          expect(hi.toNumber()).toBeLessThanOrEqual(prev + 1e-12);
          prev = hi.toNumber();
        }
      }),
      { numRuns: 10 },
    );
  });
});
