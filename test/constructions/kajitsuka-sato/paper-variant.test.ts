// Kajitsuka & Sato --variant paper (the proof's construction at its constants) and --variant baseline:
// exact memorization, per-lemma depths equal to the paper's formulas, the constants, Lemma B.2's paper f.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rational, q } from "../../../src/numbers/rational.ts";
import { generateSequenceDataset, type SequenceDataset } from "../../../src/data/sequences.ts";
import { buildKsVariant } from "../../../constructions/kajitsuka-sato/variants.ts";
import { floorR1, floorR2, lemmaB2PaperRange, lemmaB2PaperShift, paperC1, len } from "../../../constructions/kajitsuka-sato/paper-constants.ts";
import { lemmaC2PaperProjection, paperGroupSize, planLemmaC1Paper } from "../../../constructions/kajitsuka-sato/lemma-c1-paper.ts";
import { lemmaB2PaperWeights, weightedSum } from "../../../constructions/kajitsuka-sato/sequence-id.ts";
import { hatUnits, lookupReference } from "../../../constructions/kajitsuka-sato/baseline.ts";
import { evaluateExact } from "../../../src/eval/exact.ts";
import { countNetwork } from "../../../src/ir/count.ts";
import { NetworkSchema, type Network } from "../../../src/ir/network.ts";

function memorized(net: Network, ds: SequenceDataset): boolean {
  const out = evaluateExact(net, ds.sequences, ds.tokens);
  return out.every((o, i) => {
    const lab = ds.labels[i]!;
    const labs = Array.isArray(lab) ? lab : [lab];
    return o.length === labs.length && o.every((v, k) => v.length === 1 && v[0]!.eq(Rational.fromBigInt(labs[k]!)));
  });
}

/** Blocks of the network whose formula names this Lemma C.1 call and lemma (counted on the built network). */
const blocks = (net: Network, call: string, lemma: string) => net.layers.filter((l) => l.type === "ffn" && (l.name ?? "").startsWith(`${call} ${lemma}`)).length;

const shapes = fc
  .record({
    N: fc.integer({ min: 1, max: 14 }),
    n: fc.integer({ min: 1, max: 4 }),
    d: fc.integer({ min: 1, max: 3 }),
    classes: fc.integer({ min: 1, max: 4 }),
    vocab: fc.integer({ min: 2, max: 10 }),
    seed: fc.integer({ min: 0, max: 100000 }),
    seq2seq: fc.boolean(),
  })
  .filter((o) => o.vocab <= 17 ** o.d && o.N <= o.vocab ** o.n);

describe("--variant paper", () => {
  it("memorizes exactly, is a width-14 IR network with one uniform attention layer, and every Lemma G.3 / G.6 call has the paper's depth 3m + 2 / 3g·max{ρ,c} + 2g + 2", () => {
    fc.assert(
      fc.property(shapes, (o) => {
        const ds = generateSequenceDataset({ ...o });
        const { network, info } = buildKsVariant(ds, { variant: "paper", seq2seq: o.seq2seq, seed: o.seed });
        NetworkSchema.parse(network);
        expect(network.meta?.variant).toBe("paper");
        expect(countNetwork(network).width).toBeLessThanOrEqual(14);
        expect(network.layers.filter((l) => l.type === "attention").map((l) => l.type === "attention" && l.attention)).toEqual(["uniform"]);
        expect(memorized(network, ds)).toBe(true);
        const p = info.paper!;
        for (const [call, c] of [["F1 ϕ̃ (Lemma B.3 via C.1):", p.phi], ["F2 (Lemma C.1):", p.f2]] as const) {
          if (!c) continue;
          expect(blocks(network, call, "Lemma G.3")).toBe(3 * c.m + 2);
          expect(blocks(network, call, "Lemma G.6")).toBe(3 * c.g * Math.max(c.rho, c.c) + 2 * c.g + 2);
        }
        // ρ = LEN(⌊R₂⌋) with R₂ at the theorem's N (nN for Corollary 4.1), c = LEN(C)
        expect(p.f2.rho).toBe(len(BigInt(p.floorR2)));
        if (p.phi) {
          expect(p.phi.c).toBe(len(BigInt(p.C1)));
          expect(p.phi.g).toBe(Math.min(paperGroupSize(info.sizeA), info.sizeA)); // eq. (99) with Lemma C.1's N = |A|
          expect(p.phi.m).toBe(Math.ceil(info.sizeA / p.phi.g));
        }
      }),
      { numRuns: 12, seed: 15 },
    );
  }, 60_000);

  it("is deeper than the compact variant and uses the paper's group size ⌈√(N/log₂N)⌉ (N 60, n 4, d 3)", () => {
    const ds = generateSequenceDataset({ N: 60, n: 4, d: 3, classes: 2, vocab: 32, seed: 3 });
    const paper = buildKsVariant(ds, { variant: "paper", seq2seq: false, seed: 3 });
    const compact = buildKsVariant(ds, { variant: "compact", seq2seq: false, seed: 3 });
    expect(countNetwork(paper.network).depth).toBeGreaterThan(countNetwork(compact.network).depth);
    expect(countNetwork(paper.network).bitComplexity).toBeGreaterThan(countNetwork(compact.network).bitComplexity);
    // Lemma C.1's N for F2: the distinct (multiset, last token) pairs
    const P = new Set(ds.sequences.map((s) => `${[...s].sort((a, b) => a - b).join(",")}|${s[s.length - 1]}`)).size;
    expect(paper.info.paper!.f2.g).toBe(Math.ceil(Math.sqrt(P / Math.log2(P))));
    expect(paper.info.paper!.f2.m).toBe(Math.ceil(P / paper.info.paper!.f2.g));
  });

  it("constants: R₂ = 400·√(3d)·n³·r·N⁵·δ⁻¹·π, R₁ = 20r(nN)²δ⁻¹√(πd), C₁ = ⌈4N³√π⌉, Lemma B.2's shift and range", () => {
    // N 100, n 4, d 3, r 2, δ 1/2: R₂ = 9650972631827844.83… (80-digit decimal)
    expect(floorR2({ N: 100, n: 4, d: 3, r: q(2), delta: q("1/2") })).toBe(9650972631827844n);
    // R₁ = 20·2·(4·100)²·2·√(3π)
    expect(floorR1({ N: 100, n: 4, d: 3, r: q(2), delta: q("1/2") })).toBe(BigInt(Math.floor(20 * 2 * 400 ** 2 * 2 * Math.sqrt(3 * Math.PI))));
    expect(paperC1(1)).toBe(8n); // ⌈4√π⌉ = ⌈7.09⌉
    expect(paperC1(10)).toBe(BigInt(Math.ceil(4000 * Math.sqrt(Math.PI))));
    expect(lemmaB2PaperShift(2, 2)).toBe(28n); // ⌊16√π⌋, COUNTEREXAMPLES.md §1
    expect(lemmaB2PaperRange(2, 2)).toBe(57n); // ⌈32√π⌉
    expect(len(8n)).toBe(4); // LEN(C) for C = 8: log₂C = 3 would be one short
    expect(paperGroupSize(1)).toBe(1);
    expect(paperGroupSize(1000)).toBe(Math.ceil(Math.sqrt(1000 / Math.log2(1000))));
  });

  it("Lemma C.2 at the paper's scale: values ≥ 2, gaps ≥ 2, within [2, 2cr + 2]; refuses a point outside the norm bound", () => {
    const pts = [[q(1), q(0)], [q(0), q(1)], [q("1/2"), q("1/2")], [q(-1), q(0)]];
    const p = lemmaC2PaperProjection(pts, q(1), q("1/2"), 4, 7);
    const sorted = [...p.values].sort((a, b) => a.cmp(b));
    expect(sorted[0]!.ge(q(2))).toBe(true);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.sub(sorted[i - 1]!).ge(q(2))).toBe(true);
    expect(sorted[sorted.length - 1]!.le(Rational.fromBigInt(p.scale * 2n + 2n))).toBe(true);
    expect(() => lemmaC2PaperProjection([[q(3)]], q(1), q(1), 1, 1)).toThrow(/norm/);
  });

  it("Lemma C.1 refuses points closer than 2, below 2, or above R, and labels above C (naming the hypothesis)", () => {
    expect(() => planLemmaC1Paper([q(2), q("7/2")], [1n, 1n], [], { floorR: 100n, C: 2n })).toThrow(/closer than 2/);
    expect(() => planLemmaC1Paper([q(1)], [1n], [], { floorR: 100n, C: 2n })).toThrow(/below 2/);
    expect(() => planLemmaC1Paper([q(101)], [1n], [], { floorR: 100n, C: 2n })).toThrow(/above R/);
    expect(() => planLemmaC1Paper([q(5)], [3n], [], { floorR: 100n, C: 2n })).toThrow(/outside/);
  });

  it("Lemma B.2 (paper f = h + ⌊2N²|S|√π⌋, another G.1 direction where it fails): f in [1, ⌈4N²|S|√π⌉], pairwise distinct sums", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10000 }), fc.array(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }), { minLength: 2, maxLength: 8 }), (seed, raw) => {
        const counts = [...new Map(raw.map((m) => [m.join(","), m])).values()];
        if (counts.length < 2) return;
        const N = counts.length;
        const w = lemmaB2PaperWeights(counts, N, seed, lemmaB2PaperShift(N, 3), lemmaB2PaperRange(N, 3));
        expect(w.f.every((x) => x >= 1n && x <= w.range)).toBe(true);
        const sums = counts.map((m) => weightedSum(m, w.f).toString());
        expect(new Set(sums).size).toBe(counts.length);
        expect(w.f).toEqual(w.h.map((h) => h + w.shift));
      }),
      { numRuns: 40, seed: 4 },
    );
  });

  it("on the Lemma B.2 counterexample's multisets (counts (2,0) and (0,1)) the paper variant still memorizes", () => {
    const ds: SequenceDataset = { tokens: [[q(0)], [q(1)], [q(3)]], sequences: [[0, 0], [1, 2]], labels: [0n, 1n] };
    const { network } = buildKsVariant(ds, { variant: "paper", seq2seq: false, seed: 1 });
    expect(memorized(network, ds)).toBe(true);
  });
});

describe("--variant bounded-bits (Theorem F.1)", () => {
  it("memorizes exactly with ⌈P/B²⌉ Lemma C.1 sub-networks per call, each of the paper's depth, and fewer bits per weight than the paper variant", () => {
    const ds = generateSequenceDataset({ N: 36, n: 3, d: 2, classes: 3, vocab: 24, seed: 9 });
    const bb = buildKsVariant(ds, { variant: "bounded-bits", seq2seq: false, seed: 9, bitsB: 3 });
    const paper = buildKsVariant(ds, { variant: "paper", seq2seq: false, seed: 9 });
    expect(memorized(bb.network, ds)).toBe(true);
    expect(bb.network.meta?.variant).toBe("bounded-bits");
    const f2 = bb.info.paper!.f2;
    const P = new Set(ds.sequences.map((s) => `${[...s].sort((a, b) => a - b).join(",")}|${s[s.length - 1]}`)).size;
    expect(f2.B).toBe(3);
    expect(f2.subsets).toBe(Math.ceil(P / 9));
    expect(blocks(bb.network, "F2 (Lemma C.1): Lemma F.1 subset 0:", "Lemma G.6")).toBe(3 * f2.g * Math.max(f2.rho, f2.c) + 2 * f2.g + 2);
    expect(f2.blocksG3).toBe(f2.paperDepthG3);
    expect(f2.blocksG6).toBe(f2.paperDepthG6);
    expect(countNetwork(bb.network).bitComplexity).toBeLessThan(countNetwork(paper.network).bitComplexity);
    expect(countNetwork(bb.network).width).toBeLessThanOrEqual(14);
    expect(() => buildKsVariant(ds, { variant: "bounded-bits", seq2seq: false, seed: 9, bitsB: 7 })).toThrow(/B ∈ \[√N\]/);
  }, 60_000);
});

describe("--variant baseline", () => {
  it("memorizes exactly with one lookup block per Lemma C.1 call; 3 hidden units per point with a nonzero label", () => {
    fc.assert(
      fc.property(shapes, (o) => {
        const ds = generateSequenceDataset({ ...o });
        const { network, info } = buildKsVariant(ds, { variant: "baseline", seq2seq: o.seq2seq, seed: o.seed });
        NetworkSchema.parse(network);
        expect(memorized(network, ds)).toBe(true);
        const ffn = network.layers.filter((l) => l.type === "ffn");
        expect(ffn.length).toBeLessThanOrEqual(3);
        expect(info.baseline!.hatsPhi % 3).toBe(0);
        expect(info.baseline!.hatsPhi).toBe(3 * info.sizeA);
      }),
      { numRuns: 12, seed: 16 },
    );
  }, 60_000);

  it("hat lookup: label at its point, 0 at points ≥ 1 away", () => {
    const pts: [bigint, bigint][] = [[4n, 3n], [8n, 5n]];
    expect(lookupReference(pts, 4n)).toBe(3n);
    expect(lookupReference(pts, 8n)).toBe(5n);
    expect(lookupReference(pts, 6n)).toBe(0n);
    expect(lookupReference(pts, 2n)).toBe(0n);
    expect(hatUnits(0, 1, 4n, 3n).length).toBe(3);
  });
});
