import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rational } from "../../src/numbers/rational.ts";
import { kruskalRank, kruskalEstimate, rank, rref } from "../../src/linalg/index.ts";

const entry = fc.oneof(fc.constant(0), fc.integer({ min: -3, max: 3 }), fc.integer({ min: -3, max: 3 }));
/** Small vector sets with many zeros and repeats, so that dependent subsets are common. */
const vectorSets = fc
  .tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 4 }))
  .chain(([N, d]) => fc.array(fc.array(entry.map((x) => Rational.of(x)), { minLength: d, maxLength: d }), { minLength: N, maxLength: N }));

function subsets(N: number, s: number): number[][] {
  const out: number[][] = [];
  const rec = (from: number, acc: number[]) => {
    if (acc.length === s) return void out.push([...acc]);
    for (let i = from; i < N; i++) rec(i + 1, [...acc, i]);
  };
  rec(0, []);
  return out;
}

/** Definition, literally: the largest k such that every k-subset has rank k. */
function bruteKruskal(V: Rational[][]): number {
  const N = V.length;
  const d = V[0]!.length;
  let k = 0;
  for (let s = 1; s <= Math.min(N, d); s++) {
    if (subsets(N, s).every((S) => rref(S.map((i) => V[i]!)).pivots.length === s)) k = s;
    else break;
  }
  return k;
}

function combination(V: Rational[][], idx: number[], coef: Rational[]): Rational[] {
  return V[0]!.map((_, j) => idx.reduce((acc, i, t) => acc.add(coef[t]!.mul(V[i]![j]!)), Rational.ZERO));
}

describe("Kruskal rank", () => {
  it("equals the definition (all subsets) and never exceeds the rank; the witness is an exact minimal dependence", () => {
    fc.assert(
      fc.property(vectorSets, fc.integer({ min: 0, max: 50 }), (V, seed) => {
        const r = kruskalRank(V, { seed });
        expect(r.kruskalRank).toBe(bruteKruskal(V));
        expect(r.kruskalRank).toBeLessThanOrEqual(rank(V));
        const K = Math.min(V.length, V[0]!.length);
        if (r.kruskalRank < K) {
          expect(r.witness!.length).toBe(r.kruskalRank + 1);
          expect(combination(V, r.witness!, r.dependence!).every((x) => x.isZero())).toBe(true);
          expect(r.dependence!.every((c) => !c.isZero())).toBe(true); // minimal: every vector takes part
        } else expect(r.witness).toBeUndefined();
      }),
      { numRuns: 250 },
    );
  });
  it("a planted dependency caps the Kruskal rank and is caught", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 7 }),
        fc.integer({ min: 2, max: 6 }),
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 60, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 6, maxLength: 6 }),
        (d, s0, vals, coefs) => {
          const N = d + 3;
          const s = Math.min(s0, d - 1);
          let t = 0;
          const V = Array.from({ length: N }, () => Array.from({ length: d }, () => Rational.of(vals[t++ % vals.length]! * 7919 + t * t)));
          // the last vector is a combination of the first s: a dependent (s+1)-subset
          const idx = Array.from({ length: s }, (_, i) => i);
          V[N - 1] = combination(V, idx, idx.map((i) => Rational.of(coefs[i]!)));
          const r = kruskalRank(V);
          expect(r.kruskalRank).toBeLessThanOrEqual(s);
          expect(combination(V, r.witness!, r.dependence!).every((x) => x.isZero())).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
  it("examples: parallel rows, and e1, e2, e3, e1+e2+e3", () => {
    const V = [[1, 0, 0], [0, 1, 0], [1, 1, 0], [2, 0, 0]].map((r) => r.map((x) => Rational.of(x)));
    const r = kruskalRank(V);
    expect(r.kruskalRank).toBe(1);
    expect(r.witness).toEqual([0, 3]);
    const W = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]].map((r) => r.map((x) => Rational.of(x)));
    expect(kruskalRank(W).kruskalRank).toBe(3);
  });
  it("the search limit is a clean RangeError, not a hang", () => {
    const V = Array.from({ length: 30 }, (_, i) => Array.from({ length: 12 }, (_, j) => Rational.of((i + 1) ** (j % 5) + j * i)));
    expect(() => kruskalRank(V, { maxSubsets: 1000 })).toThrow(RangeError);
  });
});

describe("randomized Kruskal estimate", () => {
  it("is consistent with the exact Kruskal rank on small sets", () => {
    fc.assert(
      fc.property(vectorSets, fc.integer({ min: 0, max: 1e6 }), (V, seed) => {
        const exact = kruskalRank(V).kruskalRank;
        const K = Math.min(V.length, V[0]!.length);
        for (let k = 1; k <= Math.min(K, exact); k++) {
          const e = kruskalEstimate(V, k, 50, seed);
          expect(e.fullRank).toBe(50);
          expect(e.fraction).toBe(1);
          expect(e.witness).toBeUndefined();
        }
        if (exact < K) {
          // at k = exact + 1 some subset is dependent; 400 seeded draws from ≤ 35 subsets find one
          const e = kruskalEstimate(V, exact + 1, 400, seed);
          expect(e.fullRank).toBeLessThan(400);
          expect(combination(V, e.witness!, e.dependence!).every((x) => x.isZero())).toBe(true);
        }
      }),
      { numRuns: 120 },
    );
  });
  it("is reproducible from its seed and reports what it tested", () => {
    const V = Array.from({ length: 12 }, (_, i) => [i % 3, (i * i) % 5, 1].map((x) => Rational.of(x)));
    const a = kruskalEstimate(V, 3, 200, 9);
    const b = kruskalEstimate(V, 3, 200, 9);
    expect(a).toEqual(b);
    expect(a.samples).toBe(200);
    expect(a.fraction).toBe(a.fullRank / 200);
  });
});
