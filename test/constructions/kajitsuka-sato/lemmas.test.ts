// Kajitsuka & Sato: one fast-check property per lemma guarantee the construction relies on.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rational } from "../../../src/numbers/rational.ts";
import { scaledEncoding, bitSegment, bitSegmentScaled, stepUnit, tentMap, tentMapResidual, xorUnit, bitEncoding, stepConstants } from "../../../constructions/kajitsuka-sato/bit-extraction.ts";
import { intervalIndicator, segmentIndicator, planLemmaC1, lemmaC1Reference, lemmaC1Depth, emitLemmaC1, emitStageII, c1Registers } from "../../../constructions/kajitsuka-sato/lemma-c1.ts";
import { Chamber } from "../../../constructions/kajitsuka-sato/chamber.ts";
import { greedyDistinguishingTokens, restrictedCounts, lemmaB2Weights, lemmaB2h, weightedSum, tokenIdProjection, floorSqrtPiTimes } from "../../../constructions/kajitsuka-sato/sequence-id.ts";
import { searchLemmaB2Counterexample } from "../../../constructions/kajitsuka-sato/counterexamples.ts";
import { evaluateExact } from "../../../src/eval/exact.ts";
import { countNetwork } from "../../../src/ir/count.ts";
import { generateSeparatedVocabulary, multisetKey, separation } from "../../../src/data/sequences.ts";
import type { Network } from "../../../src/ir/network.ts";

const q = (v: string | number | bigint) => Rational.from(v);
const unitInterval = fc.tuple(fc.bigInt({ min: 0n, max: 1n << 40n }), fc.bigInt({ min: 1n, max: 1n << 40n })).map(([a, b]) => (a > b ? Rational.of(b, a) : Rational.of(a, b)));

describe("Lemma G.4 machinery: tent map ψ, exact steps, XOR", () => {
  it("ψ maps [0,1] to [0,1] and the one-residual-block form equals Telgarsky's two-layer ψ there", () => {
    fc.assert(fc.property(unitInterval, (z) => {
      const a = tentMap(z);
      expect(a.ge(Rational.ZERO) && a.le(Rational.ONE)).toBe(true);
      expect(tentMapResidual(z).eq(a)).toBe(true);
      expect(a.eq(z.le(q("1/2")) ? z.mulPow2(1) : Rational.of(2).sub(z.mulPow2(1)))).toBe(true);
    }), { numRuns: 300 });
  });
  it("step_K(τ) is exactly 1 for τ ≥ 1/K, 0 for τ ≤ 0, and in [0,1] between", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 60 }), fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }), fc.bigInt({ min: 1n, max: 1n << 70n }), (k, a, b) => {
      const K = 1n << BigInt(k);
      const tau = Rational.of(a, b);
      const s = stepUnit(tau, K);
      if (tau.ge(Rational.of(1n, K))) expect(s.eq(Rational.ONE)).toBe(true);
      else if (tau.le(Rational.ZERO)) expect(s.isZero()).toBe(true);
      else expect(s.ge(Rational.ZERO) && s.le(Rational.ONE)).toBe(true);
    }), { numRuns: 300 });
  });
  it("XOR(a,b) = σ(a−b) + σ(b−a) on {0,1}", () => {
    for (const a of [0, 1]) for (const b of [0, 1]) expect(xorUnit(q(a), q(b)).eq(q(a ^ b))).toBe(true);
  });
  it("Lemma G.4: BIN_{i:j}(u) from ψ iterates, steps and XOR equals the binary substring (j−i+1 bits)", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 48 }).chain((L) => fc.tuple(fc.constant(L), fc.bigInt({ min: 0n, max: (1n << BigInt(L)) - 1n }), fc.integer({ min: 1, max: L }), fc.integer({ min: 1, max: L }))), ([L, u, x, y]) => {
      const [i, j] = x <= y ? [x, y] : [y, x];
      const s = u.toString(2).padStart(L, "0");
      const want = BigInt("0b" + s.slice(i - 1, j));
      const got = bitSegment(u, L, i, j);
      expect(got).toBe(want);
      expect(got < 1n << BigInt(j - i + 1)).toBe(true);
    }), { numRuns: 300 });
  });
  it("the chamber's integer coordinates Z = 2^{L+2}·z give the same bits as the literal Lemma G.4 arithmetic", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 64 }).chain((L) => fc.tuple(fc.constant(L), fc.bigInt({ min: 0n, max: (1n << BigInt(L)) - 1n }), fc.integer({ min: 1, max: L }))), ([L, u, i]) => {
      expect(bitSegmentScaled(u, L, i, L)).toBe(bitSegment(u, L, i, L));
    }), { numRuns: 200 });
  });
  it("Lemma G.4 margins: |ψ^{k−1}(z1) − ½| ≥ 2^{−L−1} and |ψ^{k−1}(z2) − ψ^{k−1}(z1)| ≥ 2^{−L−2} (so K₁, K₂ make the steps exact)", () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 24 }).chain((L) => fc.tuple(fc.constant(L), fc.bigInt({ min: 0n, max: (1n << BigInt(L)) - 1n }))), ([L, u]) => {
      let [z1, z2] = bitEncoding(u, L);
      const [K1, K2] = stepConstants(L);
      for (let k = 1; k <= L; k++) {
        expect(z1.sub(q("1/2")).abs().ge(Rational.of(1n, K1))).toBe(true);
        expect(z2.sub(z1).abs().ge(Rational.of(1n, K2))).toBe(true);
        z1 = tentMap(z1);
        z2 = tentMap(z2);
      }
    }), { numRuns: 100 });
  });
});

describe("Lemmas G.2 / G.5: interval indicators", () => {
  const rat = fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 64 })).map(([a, b]) => Rational.of(a, b));
  it("G.2: σ(1 − 2σ(a−x) − 2σ(x−b)) is 1 on [a,b], 0 outside [a−½, b+½], in [0,1]", () => {
    fc.assert(fc.property(rat, rat, rat, (a0, b0, x) => {
      const [a, b] = a0.le(b0) ? [a0, b0] : [b0, a0];
      const v = intervalIndicator(x, a, b);
      expect(v.ge(Rational.ZERO) && v.le(Rational.ONE)).toBe(true);
      if (x.ge(a) && x.le(b)) expect(v.eq(Rational.ONE)).toBe(true);
      if (x.le(a.sub(q("1/2"))) || x.ge(b.add(q("1/2")))) expect(v.isZero()).toBe(true);
    }), { numRuns: 300 });
  });
  it("G.5: the indicator of [u, u+1] is 1 there and 0 at integers ≥ 2 away", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: -5, max: 5 }), (u, k) => {
      const v = segmentIndicator(q(u + k), q(u));
      expect(v.eq(k === 0 || k === 1 ? Rational.ONE : Rational.ZERO)).toBe(true);
    }));
  });
});

/** Random Lemma C.1 inputs: distinct integers ≥ 2 with gaps ≥ 2, labels, extras. */
const c1Input = fc
  .tuple(fc.uniqueArray(fc.integer({ min: 1, max: 400 }), { minLength: 2, maxLength: 14 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 1000 }))
  .map(([raw, cbits, seed]) => {
    const xs = raw.map((v) => BigInt(2 * v + (seed % 2)));
    const nx = Math.max(1, Math.floor(xs.length / 3));
    const extras = xs.slice(0, nx);
    const pts = xs.slice(nx);
    const labels = pts.map((_, i) => BigInt((seed * 7919 + i * 104729) % (1 << cbits)));
    return { pts, labels, extras, g: 1 + (seed % 4) };
  });

function c1Net(plan: ReturnType<typeof planLemmaC1>): Network {
  const ch = new Chamber(14);
  emitLemmaC1(ch, c1Registers(0, 1, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]), plan);
  return {
    format: "memcap-network",
    version: 1,
    input: { kind: "vectors", dim: 1 },
    layers: [{ type: "affine", W: Array.from({ length: 14 }, (_, i) => [i === 0 ? "1" : "0"]) }, ...ch.layers, { type: "affine", W: [Array.from({ length: 14 }, (_, i) => (i === 1 ? "1" : "0"))] }],
    output: { positions: "last", kind: "scalar" },
  };
}

describe("Lemma C.1 (Stages II and III)", () => {
  it("the arithmetic (G.2 selection, G.4 segments, G.5/G.6 scan) maps points to labels and extras to 0", () => {
    fc.assert(fc.property(c1Input, ({ pts, labels, extras, g }) => {
      const plan = planLemmaC1(pts, labels, extras, { groupSize: g });
      pts.forEach((x, i) => expect(lemmaC1Reference(plan, x)).toBe(labels[i]));
      for (const x of extras) expect(lemmaC1Reference(plan, x)).toBe(0n);
    }), { numRuns: 60 });
  });
  it("the emitted residual blocks realize it exactly: width ≤ 14, depth as planned, bits ≤ 2(gρ + 3)", () => {
    fc.assert(fc.property(c1Input, ({ pts, labels, extras, g }) => {
      const plan = planLemmaC1(pts, labels, extras, { groupSize: g });
      const net = c1Net(plan);
      const all = [...pts, ...extras];
      const out = evaluateExact(net, all.map((_, i) => [i]), all.map((x) => [Rational.fromBigInt(x)]));
      all.forEach((x, i) => expect(out[i]![0]![0]!.eq(Rational.fromBigInt(i < pts.length ? labels[i]! : 0n))).toBe(true));
      const c = countNetwork(net);
      expect(c.width).toBeLessThanOrEqual(14);
      expect(c.depth).toBe(lemmaC1Depth(pts.length, plan.g, plan.rho, plan.c));
      expect(c.bitComplexity).toBeLessThanOrEqual(2 * (plan.g * Math.max(plan.rho, plan.c) + 3));
    }), { numRuns: 15 });
  });
  it("Lemma G.3 (Stage II alone): x in group j's interval gets the encodings of (u_j, w_j), x in no interval gets zeros, scratch registers end at 0", () => {
    fc.assert(fc.property(c1Input, ({ pts, labels, extras, g }) => {
      const plan = planLemmaC1(pts, labels, extras, { groupSize: g });
      const regs = c1Registers(0, 1, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
      const ch = new Chamber(14);
      emitStageII(ch, regs, plan);
      const net: Network = { format: "memcap-network", version: 1, input: { kind: "vectors", dim: 1 }, layers: [{ type: "affine", W: Array.from({ length: 14 }, (_, i) => [i === 0 ? "1" : "0"]) }, ...ch.layers], output: { positions: "last", kind: "vector" } };
      const all = [...plan.points, ...extras];
      const out = evaluateExact(net, all.map((_, i) => [i]), all.map((x) => [Rational.fromBigInt(x)]));
      all.forEach((x, i) => {
        const v = out[i]![0]!.map((r) => r.toString());
        const j = plan.groups.findIndex((gr) => gr.a <= x && x <= gr.b); // extras inside a group's interval are selected too (Stage III then gives 0)
        if (i < plan.points.length) expect(j).toBe(Math.floor(i / plan.g));
        const [u1, u2] = j >= 0 ? scaledEncoding(plan.groups[j]!.u) : [0n, 0n];
        const [w1, w2] = j >= 0 ? scaledEncoding(plan.groups[j]!.w) : [0n, 0n];
        expect([v[regs.u.z1], v[regs.u.z2], v[regs.w.z1], v[regs.w.z2]]).toEqual([u1, u2, w1, w2].map(String));
        for (const r of [regs.u.a, regs.u.p, regs.u.seg, regs.w.a, regs.w.p, regs.w.seg, regs.r1, regs.r2, regs.out]) expect(v[r]).toBe("0");
        expect(v[regs.x]).toBe(x.toString());
      });
    }), { numRuns: 20 });
  });
  it("refuses points below 2 or closer than 2", () => {
    expect(() => planLemmaC1([1n, 5n], [0n, 1n])).toThrow(/below 2/);
    expect(() => planLemmaC1([4n, 5n], [0n, 1n])).toThrow(/closer than 2/);
    expect(() => planLemmaC1([4n, 8n], [0n, 1n], [9n])).toThrow(/closer than 2/);
  });
  it("COUNTEREXAMPLE (G.6 ρ/c swap): the literal call (u in log C-bit slots, w in log R-bit slots) mislabels; the repaired widths do not", () => {
    // minimal (found by exhaustive search over ≤ 3 points < 40): one point x = 3 with label 1, C = 2, R = 3
    const pts = [3n];
    const labels = [1n];
    const literal = planLemmaC1(pts, labels, [], { swapWidths: true, groupSize: 1 });
    const repaired = planLemmaC1(pts, labels, [], { groupSize: 1 });
    expect(pts.map((x) => lemmaC1Reference(repaired, x))).toEqual(labels);
    expect(pts.map((x) => lemmaC1Reference(literal, x))).not.toEqual(labels);
  });
});

describe("Lemma C.2 (token id) on generated separated vocabularies", () => {
  it("integer ids ≥ 2 with gaps ≥ 2, and max id ≤ 10·r·V²·δ⁻¹·√(πd) (the lemma's range with nN → V tokens)", () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 10000 }), (V, d, seed) => {
      fc.pre(V <= 17 ** d);
      const tokens = generateSeparatedVocabulary(V, d, seed);
      const tid = tokenIdProjection(tokens, seed);
      const vs = [...tid.values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(vs[0]! >= 2n).toBe(true);
      for (let i = 1; i < vs.length; i++) expect(vs[i]! - vs[i - 1]! >= 2n).toBe(true);
      // the affine map is what E_in uses: check it reproduces the ids exactly
      tokens.forEach((x, i) => expect(x.reduce((s, xi, j) => s.add(xi.mul(tid.row[j]!)), tid.bias).eq(Rational.fromBigInt(tid.values[i]!))).toBe(true));
      const sep = separation(tokens);
      // tmax² ≤ 100·r²·V⁴·δ⁻²·π·d with π > 3.14159 (exact rational comparison)
      const tmax = Rational.fromBigInt(vs[vs.length - 1]!);
      const rhs = q(100).mul(sep.r.mul(sep.r)).mul(q(V ** 4)).div(sep.delta.mul(sep.delta)).mul(q("3.14159")).mul(q(d));
      expect(tmax.mul(tmax).le(rhs)).toBe(true);
    }), { numRuns: 40 });
  });
});

const multisets = fc.tuple(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 0, max: 1e6 })).map(([V, n, N, seed]) => {
  let s = seed;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648);
  return Array.from({ length: N }, () => Array.from({ length: n }, () => next() % V));
});

describe("Lemma B.1 (greedy distinguishing tokens)", () => {
  it("distinct multisets get distinct count vectors on A, and |A| ≤ #distinct multisets − 1", () => {
    fc.assert(fc.property(multisets, (seqs) => {
      const A = greedyDistinguishingTokens(seqs);
      const byKey = new Map<string, string>();
      for (const s of seqs) {
        const r = restrictedCounts(s, A).join(",");
        const ms = multisetKey(s);
        if (byKey.has(r)) expect(byKey.get(r)).toBe(ms);
        byKey.set(r, ms);
      }
      const distinct = new Set(seqs.map(multisetKey)).size;
      expect(A.length).toBeLessThanOrEqual(Math.max(0, distinct - 1));
    }), { numRuns: 100 });
  });
});

describe("Lemma B.2 (sequence-id token weights) with a Lemma G.1 direction", () => {
  it("h-sums are separated by √|A|·‖Δ‖ whenever v satisfies G.1 on the differences (checked exactly on integers)", () => {
    fc.assert(fc.property(multisets, fc.integer({ min: 0, max: 1e6 }), (seqs, seed) => {
      const A = greedyDistinguishingTokens(seqs);
      fc.pre(A.length > 0);
      const distinct = [...new Map(seqs.map((s) => [multisetKey(s), s])).values()].map((s) => restrictedCounts(s, A));
      const N = seqs.length;
      const w = lemmaB2Weights(distinct, N, seqs[0]!.length, seed);
      const h = lemmaB2h(w.v, N);
      const k = A.length;
      for (let i = 0; i < distinct.length; i++)
        for (let j = i + 1; j < distinct.length; j++) {
          const D = distinct[i]!.map((x, t) => x - distinct[j]![t]!);
          const norm2 = D.reduce((s, x) => s + x * x, 0);
          const vd = Math.abs(D.reduce((s, x, t) => s + x * w.v[t]!, 0));
          if (vd < (1.0001 / (N * N)) * Math.sqrt((8 / (Math.PI * k)) * norm2)) continue; // G.1 premise not met for this pair
          const dS = weightedSum(distinct[i]!, h) - weightedSum(distinct[j]!, h);
          expect(dS * dS >= BigInt(k) * BigInt(norm2)).toBe(true);
        }
    }), { numRuns: 60 });
  });
  it("repaired f = h + (2n·max|h| + 1): positive weights and pairwise distinct sums Σ m f", () => {
    fc.assert(fc.property(multisets, fc.integer({ min: 0, max: 1e6 }), (seqs, seed) => {
      const A = greedyDistinguishingTokens(seqs);
      fc.pre(A.length > 0);
      const distinct = [...new Map(seqs.map((s) => [multisetKey(s), s])).values()].map((s) => restrictedCounts(s, A));
      const w = lemmaB2Weights(distinct, seqs.length, seqs[0]!.length, seed);
      for (const f of w.fRepaired) expect(f > 0n).toBe(true);
      const sums = distinct.map((m) => weightedSum(m, w.fRepaired));
      expect(new Set(sums.map(String)).size).toBe(sums.length);
    }), { numRuns: 60 });
  });
  it("COUNTEREXAMPLE (literal f = h + ⌊2N²|A|√π⌋): seed 1 gives N = 2, n = 2, m = (2,0), m' = (0,1) with equal sums", () => {
    const cx = searchLemmaB2Counterexample(1)!;
    expect(cx).not.toBeNull();
    expect(cx.n).toBe(2);
    expect(cx.g1.value).toBeGreaterThan(cx.g1.lowerBound);
    expect(weightedSum(cx.m, cx.h)).not.toBe(weightedSum(cx.mPrime, cx.h)); // h itself separates them …
    expect(weightedSum(cx.m, cx.fLiteral)).toBe(weightedSum(cx.mPrime, cx.fLiteral)); // … the shift destroys it
    const maxAbs = cx.h.reduce((a, b) => (a > (b < 0n ? -b : b) ? a : b < 0n ? -b : b), 0n);
    const fRep = cx.h.map((x) => x + 2n * BigInt(cx.n) * maxAbs + 1n);
    expect(weightedSum(cx.m, fRep)).not.toBe(weightedSum(cx.mPrime, fRep));
  });
  it("⌊k√π⌋ is exact (checked against k²π bounds)", () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 1n << 60n }), (k) => {
      const f = floorSqrtPiTimes(k);
      // f ≤ k√π < f + 1  ⇔  f² ≤ k²π < (f+1)²; π ∈ (3.14159265358979, 3.14159265358980)
      expect(Rational.fromBigInt(f * f).le(Rational.fromBigInt(k * k).mul(q("3.14159265358980")))).toBe(true);
      expect(Rational.fromBigInt((f + 1n) * (f + 1n)).gt(Rational.fromBigInt(k * k).mul(q("3.14159265358979")))).toBe(true);
    }));
  });
});
