// Kajitsuka & Sato Theorem 4.1 / Corollary 4.1 networks: structure, the attention-layer guarantee, exact memorization.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rational } from "../../../src/numbers/rational.ts";
import { generateSequenceDataset, multisetKey, findInconsistency, separation, type SequenceDataset } from "../../../src/data/sequences.ts";
import { buildKsNetwork } from "../../../constructions/kajitsuka-sato/theorem-4-1.ts";
import { parseSequenceData } from "../../../constructions/kajitsuka-sato/data-file.ts";
import { evaluateExact } from "../../../src/eval/exact.ts";
import { countNetwork } from "../../../src/ir/count.ts";
import { NetworkSchema, type Network } from "../../../src/ir/network.ts";
import { UserError } from "../../../src/errors.ts";

const shapes = fc.record({
  N: fc.integer({ min: 1, max: 25 }),
  n: fc.integer({ min: 1, max: 5 }),
  d: fc.integer({ min: 1, max: 3 }),
  classes: fc.integer({ min: 1, max: 4 }),
  vocab: fc.integer({ min: 2, max: 12 }),
  seed: fc.integer({ min: 0, max: 100000 }),
  seq2seq: fc.boolean(),
}).filter((o) => o.vocab <= 17 ** o.d && o.N <= o.vocab ** o.n);

function memorized(net: Network, ds: SequenceDataset): boolean {
  const out = evaluateExact(net, ds.sequences, ds.tokens);
  return out.every((o, i) => {
    const lab = ds.labels[i]!;
    const labs = Array.isArray(lab) ? lab : [lab];
    return o.length === labs.length && o.every((v, k) => v.length === 1 && v[0]!.eq(Rational.fromBigInt(labs[k]!)));
  });
}

describe("Theorem 4.1 / Corollary 4.1 network", () => {
  it("is a valid IR network of width ≤ 14 with exactly one (uniform) attention layer and memorizes every label exactly", () => {
    fc.assert(fc.property(shapes, (o) => {
      const ds = generateSequenceDataset(o);
      expect(findInconsistency(ds)).toBeNull();
      const { network } = buildKsNetwork(ds, { seq2seq: o.seq2seq, seed: o.seed });
      expect(NetworkSchema.safeParse(network).success).toBe(true);
      const c = countNetwork(network);
      expect(c.width).toBeLessThanOrEqual(Math.max(14, o.d));
      const att = network.layers.filter((l) => l.type === "attention");
      expect(att.length).toBe(1);
      expect(att[0]!.type === "attention" && att[0]!.attention).toBe("uniform");
      expect(network.layers.every((l) => l.type === "ffn" || l.type === "attention" || l.type === "affine")).toBe(true);
      expect(network.output.positions).toBe(o.seq2seq ? "all" : "last");
      expect(memorized(network, ds)).toBe(true);
    }), { numRuns: 25 });
  });

  it("attention output s_n: ‖s(i) − s(j)‖ ≥ 1/n when the last tokens or the multisets differ, equal otherwise; ‖s‖ ≤ 20·r·n²·N³·δ⁻¹·√(πd)", () => {
    fc.assert(fc.property(shapes, (o) => {
      const ds = generateSequenceDataset({ ...o, seq2seq: false });
      const { network } = buildKsNetwork(ds, { seq2seq: false, seed: o.seed });
      const upto = network.layers.findIndex((l) => l.type === "attention");
      const prefix: Network = { ...network, layers: network.layers.slice(0, upto + 1), output: { positions: "last", kind: "vector" } };
      const s = evaluateExact(prefix, ds.sequences, ds.tokens).map((o2) => o2[0]!.slice(0, 3));
      const n = o.n;
      const sep = separation(ds.tokens);
      // ‖s‖² ≤ 400·r²·n⁴·N⁶·δ⁻²·π·d, with π ≥ 3.14159
      const bound2 = Rational.of(400).mul(sep.r.mul(sep.r)).mul(Rational.of(n ** 4)).mul(Rational.of(BigInt(o.N) ** 6n)).div(sep.delta.mul(sep.delta)).mul(Rational.parse("3.14159")).mul(Rational.of(o.d));
      for (const v of s) expect(v.reduce((a, x) => a.add(x.mul(x)), Rational.ZERO).le(bound2)).toBe(true);
      for (let i = 0; i < s.length; i++)
        for (let j = i + 1; j < s.length; j++) {
          const same = multisetKey(ds.sequences[i]!) === multisetKey(ds.sequences[j]!) && ds.sequences[i]![n - 1] === ds.sequences[j]![n - 1];
          const d2 = s[i]!.reduce((a, x, k) => a.add(x.sub(s[j]![k]!).mul(x.sub(s[j]![k]!))), Rational.ZERO);
          if (same) expect(d2.isZero()).toBe(true);
          else expect(d2.ge(Rational.of(1, n * n))).toBe(true);
        }
    }), { numRuns: 15 });
  });

  it("works on a hand-written dataset file, including negative labels", () => {
    const ds = parseSequenceData({ tokens: [[1, 0], ["1/2", "-1/3"], [0, 1]], sequences: [[0, 1, 2], [2, 1, 0], [1, 1, 1], [0, 0, 2]], labels: [-3, 5, 0, 5] }, "inline", false);
    const { network } = buildKsNetwork(ds, { seq2seq: false, seed: 3 });
    expect(memorized(network, ds)).toBe(true);
  });

  it("refuses an inconsistent dataset naming the two sequences, and duplicate token vectors", () => {
    const bad = { tokens: [[1, 0], [0, 1]], sequences: [[0, 1, 1], [1, 0, 1]], labels: [1, 2] };
    expect(() => parseSequenceData(bad, "bad.json", false)).toThrow(UserError);
    expect(() => parseSequenceData(bad, "bad.json", false)).toThrow(/sequences 0 and 1/);
    const ok = { tokens: [[1, 0], [0, 1]], sequences: [[0, 1, 1], [1, 0, 1]], labels: [2, 2] };
    expect(() => parseSequenceData(ok, "ok.json", false)).not.toThrow();
    const s2s = { tokens: [[1, 0], [0, 1]], sequences: [[0, 1], [1, 0]], labels: [[1, 2], [2, 3]] };
    expect(() => parseSequenceData(s2s, "s.json", true)).toThrow(/sequences 0 and 1/);
    expect(() => parseSequenceData({ tokens: [[1, 0], [1, 0]], sequences: [[0, 1]], labels: [1] }, "dup.json", false)).toThrow(/same vector/);
    expect(() => parseSequenceData({ tokens: [[1, 0]], sequences: [[0, 1]], labels: [1] }, "idx.json", false)).toThrow(/token index/);
    expect(() => parseSequenceData({ tokens: [[1, 0]], sequences: [[0], [0, 0]], labels: [1, 1] }, "len.json", false)).toThrow(/same length/);
    expect(() => parseSequenceData({ tokens: [[1, 0]], sequences: [[0]], labels: ["1/2"] }, "lab.json", false)).toThrow(/integers/);
  });
});
