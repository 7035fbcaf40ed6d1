// The seeded generators are part of every recorded result (datasets, counterexamples, training
// runs): their streams are pinned here so that a refactor cannot silently change what a seed means.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fisherYates, mulberry32, SplitMix32 } from "../src/random.ts";
import { Rng } from "../src/train/prng.ts";
import { seededRng } from "../src/data/mha.ts";
import { SeededRandom } from "../src/data/associations.ts";

describe("seeded generators", () => {
  it("keep their recorded streams", () => {
    const m = mulberry32(1);
    expect([m(), m(), m()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
    const t = new Rng(0);
    expect([t.u32(), t.uniform(), t.int(10)]).toEqual([1020716019, 0.10578142392844858, 2]);
    const h = seededRng(0);
    expect([h.uint32(), h.float()]).toEqual([2462723854, 0.2376539677162145]);
    const a = new SeededRandom(0);
    expect([a.next(), a.int(50)]).toEqual([0.6225702704396099, 17]);
  });
  it("are deterministic per seed, in range, and permutations are permutations", () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 50 }), (seed, n) => {
        const a = mulberry32(seed);
        const b = mulberry32(seed);
        for (let i = 0; i < 20; i++) {
          const x = a();
          expect(x).toBe(b());
          expect(x >= 0 && x < 1).toBe(true);
        }
        const g = new SplitMix32(seed);
        const u = g.uniform();
        expect(u >= 0 && u < 1).toBe(true);
        expect(Number.isFinite(g.normal())).toBe(true);
        expect([...g.permutation(n)].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(fisherYates(n, () => 0)).toHaveLength(n);
      }),
    );
  });
});
