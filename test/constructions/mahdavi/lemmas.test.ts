/**
 * Mahdavi et al.: every step the construction relies on, as exact properties over Q
 * (interpolation lemma, c-independence of the new examples' logits, Proposition 2), plus the
 * soundness of the fixed-point softmax / feature enclosure.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rational } from "../../../src/numbers/rational.ts";
import { certifiedRank, matMul, nullSpace, transpose } from "../../../src/linalg/index.ts";
import { generateMhaDataset } from "../../../src/data/mha.ts";
import { interpolationLemmaExact, logitsExact, saturationDirectionExact, headGroups, theoremCapacity } from "../../../constructions/mahdavi/construction.ts";
import { encloseFeatures, scaleRationals, softmaxFixed, expFixed } from "../../../constructions/mahdavi/enclosure.ts";
import { proposition2Bound } from "../../../src/bounds/mahdavi.ts";

const small = fc.integer({ min: -8, max: 8 });
const ratVec = (d: number) => fc.array(fc.tuple(small, fc.integer({ min: 1, max: 4 })).map(([p, q]) => Rational.of(p, q)), { minLength: d, maxLength: d });
const rat = (k: number) => Rational.of(k, 7);

describe("interpolation lemma (exact over Q)", () => {
  it("E(t)·(Σ_s v_s u_sᵀ)·x(t) = ℓ_t for every t in the group, whenever A1/A2 hold on the group", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 2, max: 3 }), (seed, n) => {
        const d = n + 2;
        const ds = generateMhaDataset({ d, n, T: n, context: "random", seed, bits: 4 });
        const group = Array.from({ length: n }, (_, i) => i);
        const logits = group.map((t) => Array.from({ length: n }, (_, j) => rat(((seed + 3 * t + 5 * j) % 11) - 5)));
        const r = interpolationLemmaExact(ds.queries, ds.contexts, group, logits);
        // with 4-bit data the queries or a context may be degenerate: then the lemma must say so exactly
        const a1 = certifiedRank(ds.queries).rank === n;
        const a2 = ds.contexts.every((E) => certifiedRank(E).rank === n);
        if (!a1) {
          expect(r).toBeNull();
          return true;
        }
        if (!a2) return true;
        expect(r).not.toBeNull();
        group.forEach((t, k) => {
          const got = logitsExact(ds.contexts[t]!, r!.V, r!.U, ds.queries[t]!);
          got.forEach((v, j) => expect(v.eq(logits[k]![j]!)).toBe(true));
        });
        return true;
      }),
      { numRuns: 25 },
    );
  });

  it("fails exactly (returns null) when the group's queries are dependent (Assumption 1 violated)", () => {
    const ds = generateMhaDataset({ d: 5, n: 3, T: 3, context: "shared", seed: 4 });
    const X = ds.queries.slice();
    X[2] = X[0]!.map((v, i) => v.add(X[1]![i]!));
    const logits = [0, 1, 2].map(() => [rat(1), rat(2), rat(3)]);
    expect(interpolationLemmaExact(X, ds.contexts, [0, 1, 2], logits)).toBeNull();
  });
});

describe("saturation column: new examples' logits do not depend on c (exact)", () => {
  it("for u0 ⊥ the new queries, E(s)(VUᵀ + c·v0u0ᵀ)x(s) is the same for every c", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), ratVec(6), ratVec(6), fc.integer({ min: 1, max: 1000 }), (seed, g, v0, c) => {
        const n = 3;
        const ds = generateMhaDataset({ d: 6, n, T: 2 * n, context: "random", seed, bits: 6 });
        const group = [n, n + 1]; // head 2's m − 1 = 2 new examples
        const logits = group.map((t) => [rat(t), rat(-1), rat(2)]);
        const r = interpolationLemmaExact(ds.queries, ds.contexts, group, logits);
        if (!r) return true;
        const u0 = saturationDirectionExact(group.map((t) => ds.queries[t]!), g);
        for (const t of group) expect(u0.reduce((s, v, i) => s.add(v.mul(ds.queries[t]![i]!)), Rational.ZERO).isZero()).toBe(true);
        const withC = (cc: Rational) => ({ WK: r.V.map((row, i) => [...row, v0[i]!.mul(cc)]), WQ: r.U.map((row, i) => [...row, u0[i]!]) });
        const a = withC(Rational.of(c));
        const b = withC(Rational.of(c * 37 + 1, 3));
        group.forEach((t, k) => {
          const la = logitsExact(ds.contexts[t]!, a.WK, a.WQ, ds.queries[t]!);
          const lb = logitsExact(ds.contexts[t]!, b.WK, b.WQ, ds.queries[t]!);
          la.forEach((v, j) => {
            expect(v.eq(lb[j]!)).toBe(true);
            expect(v.eq(logits[k]![j]!)).toBe(true);
          });
        });
        return true;
      }),
      { numRuns: 20 },
    );
  });
});

describe("Proposition 2: shared context ⇒ rank(Z) ≤ H(n − 1) + 1 for any attention weights", () => {
  /** Exact rational stand-ins for attention rows: positive weights normalized onto the simplex. */
  const simplexRows = (T: number, n: number, seed: number) =>
    Array.from({ length: T }, (_, t) => {
      const w = Array.from({ length: n }, (_, j) => BigInt(1 + ((seed * 31 + t * 17 + j * 13 + t * j * 7) % 23)));
      const s = w.reduce((a, b) => a + b, 0n);
      return w.map((v) => Rational.of(v, s));
    });

  it("the H − 1 vectors (1_n, −1_n at block h) are exact null vectors of [A_1 … A_H], independent, and rank(Z) ≤ H(n−1)+1", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 2, max: 3 }), fc.integer({ min: 2, max: 3 }), (seed, n, H) => {
        const d = n + 2;
        const bound = proposition2Bound({ H, n });
        const T = bound + 2; // more examples than the bound allows
        const E = generateMhaDataset({ d, n, T: 1, context: "shared", seed, bits: 8 }).contexts[0]!;
        const A = Array.from({ length: H }, (_, h) => simplexRows(T, n, seed + 101 * h));
        const Acat = A[0]!.map((_, t) => A.flatMap((Ah) => Ah[t]!));
        const nulls = Array.from({ length: H - 1 }, (_, h) => Array.from({ length: H * n }, (_, k) => (k < n ? Rational.ONE : Math.floor(k / n) === h + 1 ? Rational.ONE.neg() : Rational.ZERO)));
        for (const v of nulls) for (const row of Acat) expect(row.reduce((s, a, k) => s.add(a.mul(v[k]!)), Rational.ZERO).isZero()).toBe(true);
        expect(certifiedRank(nulls).rank).toBe(H - 1);
        // Z = [A_1 E, …, A_H E]: its rank is at most rank [A_1 … A_H] ≤ Hn − (H − 1)
        const Z = Acat.map((_, t) => A.flatMap((Ah) => matMul([Ah[t]!], E)[0]!));
        const rz = certifiedRank(Z).rank;
        expect(rz).toBeLessThanOrEqual(bound);
        // and the left null space of Z is at least T − bound dimensional (exact)
        expect(nullSpace(transpose(Z)).length).toBeGreaterThanOrEqual(T - bound);
        return true;
      }),
      { numRuns: 15 },
    );
  });

  it("the bound is attained by generic weights (so the property above is not vacuous)", () => {
    const n = 3;
    const H = 2;
    const bound = proposition2Bound({ H, n });
    const E = generateMhaDataset({ d: 6, n, T: 1, context: "shared", seed: 9, bits: 8 }).contexts[0]!;
    const A = [simplexRows(bound + 2, n, 5), simplexRows(bound + 2, n, 77)];
    const Z = A[0]!.map((_, t) => A.flatMap((Ah) => matMul([Ah[t]!], E)[0]!));
    expect(certifiedRank(Z).rank).toBe(bound);
  });
});

describe("fixed-point enclosures", () => {
  it("expFixed brackets exp and softmaxFixed brackets a probability vector", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -4000, max: 4000 }), { minLength: 2, maxLength: 6 }), (s) => {
        const F = 80;
        const S = s.map(BigInt);
        const den = 100n;
        const a = softmaxFixed(S, den, F);
        const one = 1n << BigInt(F);
        const lo = a.lo.reduce((x, y) => x + y, 0n);
        const hi = a.hi.reduce((x, y) => x + y, 0n);
        expect(lo <= one && one <= hi).toBe(true);
        a.lo.forEach((l, j) => expect(l <= a.hi[j]!).toBe(true));
        const f = s.map((v) => v / 100);
        const mx = Math.max(...f);
        const e = f.map((v) => Math.exp(v - mx));
        const sum = e.reduce((x, y) => x + y, 0);
        e.forEach((v, j) => {
          const p = v / sum;
          expect(Number(a.lo[j]!) / 2 ** F).toBeLessThanOrEqual(p * (1 + 1e-12) + 1e-300);
          expect(Number(a.hi[j]!) / 2 ** F).toBeGreaterThanOrEqual(p * (1 - 1e-12));
        });
        const [el, eh] = expFixed(-123n, 10n, 60, 50);
        expect(Number(el) / 2 ** 60 <= Math.exp(-12.3) * (1 + 1e-14) && Number(eh) / 2 ** 60 >= Math.exp(-12.3) * (1 - 1e-14)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it("feature enclosures at two precisions intersect, and the finer one is narrower", () => {
    const ds = generateMhaDataset({ d: 6, n: 3, T: 5, context: "random", seed: 2 });
    const [X, ...E] = scaleRationals(ds.queries, ...ds.contexts);
    const W = (k: number) => scaleRationals(Array.from({ length: 3 }, (_, a) => Array.from({ length: 6 }, (_, i) => Rational.of(((a * 7 + i * 3 + k) % 9) - 4, 2))))[0]!;
    const heads = [{ WQ: W(1), WK: W(2) }, { WQ: W(3), WK: W(5) }];
    const e1 = encloseFeatures(X!.num, E.map((e) => e.num), X!.den, heads, 60);
    const e2 = encloseFeatures(X!.num, E.map((e) => e.num), X!.den, heads, 160);
    const sh = 100n;
    e1.lo.forEach((row, t) =>
      row.forEach((l, k) => {
        const l2 = e2.lo[t]![k]!;
        const h2 = e2.hi[t]![k]!;
        // e1 scale 2^60·Dx, e2 scale 2^160·Dx: compare l ≤ h2 and l2 ≤ h across scales
        expect(l << sh <= h2 && l2 <= e1.hi[t]![k]! << sh).toBe(true);
        expect(h2 - l2 <= (e1.hi[t]![k]! - l) << sh).toBe(true);
      }),
    );
  });

  it("head groups: m, then m − 1 per head, covering T = H(m − 1) + 1", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 8 }), (H, n, dh) => {
        const m = Math.min(n, dh);
        const T = theoremCapacity(H, n, dh);
        const g = headGroups(T, H, m);
        expect(g.flat()).toEqual(Array.from({ length: T }, (_, i) => i));
        expect(g[0]!.length).toBe(m);
        return g.slice(1).every((x) => x.length === m - 1);
      }),
    );
  });
});
