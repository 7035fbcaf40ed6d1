// Dana et al.'s Lemma 2 as the paper states it (constructions/dana/lemma-2.ts): the enclosure of the
// attention before output contains the float value and is tight; for S = 1 it is exact and rank ≤ d;
// the registered claims' decisive cases (W_V rank step, last-token gap) replay; and aot-distribution
// names the failing step in terms of the table.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { spawnSync } from "node:child_process";
import { Rational } from "../../../src/numbers/rational.ts";
import { certifiedRank, intervalRankLowerBound } from "../../../src/linalg/index.ts";
import { randomLookupTable } from "../../../src/data/associations.ts";
import { genericWeights } from "../../../constructions/dana/aot.ts";
import { attentionBeforeOutputEnclosure } from "../../../constructions/dana/lemma-2.ts";
import { getClaim } from "../../../constructions/claims.ts";

/** A(t) in float64, written out independently of the enclosure code. */
function attentionFloat(w: ReturnType<typeof genericWeights>, seq: number[]): number[] {
  const X = seq.map((tok, s) => w.e[tok]!.map((v, i) => v + w.pos[s]![i]!));
  const xS = X[X.length - 1]!;
  const out: number[] = [];
  for (let h = 0; h < w.H; h++) {
    const qx = xS.reduce((a, v, i) => a + v * w.q[h]![i]!, 0);
    const sc = X.map((x) => qx * x.reduce((a, v, i) => a + v * w.k[h]![i]!, 0));
    const mx = Math.max(...sc);
    const ex = sc.map((v) => Math.exp(v - mx));
    const z = ex.reduce((a, b) => a + b, 0);
    for (let i = 0; i < w.d; i++) out.push(X.reduce((a, x, s) => a + (ex[s]! / z) * x[i]!, 0));
  }
  return out;
}

describe("Lemma 2: the attention before output, enclosed", () => {
  it("encloses the float value within its width and the box is narrow", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e5 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 3 }), (seed, H, d, S) => {
        const w = genericWeights({ N: 4, S, d, dh: 1, H, seed, qkScale: 8 });
        const seqs = randomLookupTable({ N: 4, S, T: 5, seed }).sequences;
        const { lo, hi } = attentionBeforeOutputEnclosure(w, seqs, 40);
        seqs.forEach((s, t) => {
          const f = attentionFloat(w, s);
          f.forEach((v, r) => {
            const tol = 1e-12 * (1 + Math.abs(v)); // float error of the independent float evaluation
            expect(lo[r]![t]!.toNumber()).toBeLessThanOrEqual(v + tol);
            expect(hi[r]![t]!.toNumber()).toBeGreaterThanOrEqual(v - tol);
            expect(hi[r]![t]!.sub(lo[r]![t]!).toNumber()).toBeLessThan(1e-30);
          });
        });
      }),
      { numRuns: 15 },
    );
  });

  it("proves rank{A(t)} = min(T₀, H·d) on a generic instance (the paper's quantity, not W_V·A)", () => {
    const w = genericWeights({ N: 4, S: 2, d: 2, dh: 1, H: 3, seed: 11, qkScale: 8 });
    const seqs = randomLookupTable({ N: 4, S: 2, T: 8, seed: 11 }).sequences;
    const { lo, hi } = attentionBeforeOutputEnclosure(w, seqs, 50);
    expect(lo.length).toBe(6); // H·d rows: before W_V, not H·d_h
    expect(intervalRankLowerBound(lo, hi).rank).toBe(6);
  });

  it("for S = 1 the matrix is exact and its rank is at most d whatever the heads: the literal statement fails", () => {
    const w = genericWeights({ N: 6, S: 1, d: 2, dh: 1, H: 3, seed: 4, qkScale: 8 });
    const seqs = randomLookupTable({ N: 6, S: 1, T: 6, seed: 4 }).sequences;
    const { lo, hi } = attentionBeforeOutputEnclosure(w, seqs, 40);
    lo.forEach((row, r) => row.forEach((v, t) => expect(v.eq(hi[r]![t]!)).toBe(true)));
    expect(certifiedRank(lo).rank).toBeLessThanOrEqual(2);
    const c = getClaim("dana.lemma-2.S1")!;
    expect(c.check({ seed: 3, H: 3, d: 2, N: 6, T: 5 })).toMatchObject({ holds: false });
    expect(c.check({ seed: 3, H: 3, d: 2, N: 6, T: 2 })).toEqual({ holds: true }); // T₀ ≤ d: nothing claimed
  });

  it("the W_V rank step's counterexample is exact: rank A′ = T₀, full-rank blocks, rank W_V·A′ < T₀", () => {
    const c = getClaim("dana.thm-1.wv-rank-step")!;
    const out = c.check(c.knownCounterexample!.input);
    expect(out.holds).toBe(false);
    const mats = [...out.detail!.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]!.split("; ").map((r) => r.split(" ").map((v) => Rational.parse(v))));
    const [A, WV] = mats as [Rational[][], Rational[][]];
    expect(certifiedRank(A).rank).toBe(3);
    for (let b = 0; b < 2; b++) expect(certifiedRank(A.slice(2 * b, 2 * b + 2)).rank).toBe(2); // no last-token gap
    const prod = WV.map((row) => A[0]!.map((_, j) => row.reduce((s, v, k) => s.add(v.mul(A[k]![j]!)), Rational.ZERO)));
    expect(certifiedRank(prod).rank).toBe(2);
  });
});

describe("aot-distribution names the failing step", () => {
  it("a table whose kept sequences share last tokens: step 5, the tokens, the rank bound (exit 2, one line)", () => {
    const r = spawnSync(process.execPath, ["bin/memcap.mjs", "construct", "aot-distribution", "--N", "6", "--S", "2", "--d", "3", "--dh", "1", "--H", "1", "--seed", "2", "--fit-steps", "20"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    const last = r.stderr.trim().split("\n").pop()!;
    expect(last).toMatch(/^memcap: aot-distribution, step 5/);
    expect(last).toMatch(/end in only 2 distinct token\(s\) \(2, 3\) < d = 3/);
    expect(last).toMatch(/rank M ≤ 2 \+ H·d_h = 3 < 4/);
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });
});
