/**
 * Mahdavi et al. construction end to end: build → certify → the independent checker VERIFIES;
 * tampering is caught; assumption witnesses are exact; the data file round-trips; the
 * Assumption-1 counterexample stays a counterexample.
 */
import { describe, expect, it } from "vitest";
import { Rational } from "../../../src/numbers/rational.ts";
import { generateMhaDataset, mhaDatasetToJson, parseMhaDataset, mhaSequences } from "../../../src/data/mha.ts";
import { UserError } from "../../../src/errors.ts";
import { countNetwork } from "../../../src/ir/count.ts";
import { irParameterCount, mahdaviCapacity } from "../../../src/bounds/mahdavi.ts";
import { certifyMha } from "../../../constructions/mahdavi/certify.ts";
import { checkAssumptions } from "../../../constructions/mahdavi/assumptions.ts";
import { plantKruskalViolation } from "../../../constructions/mahdavi/counterexample.ts";
import { checkCertificate } from "../../../proofs-check/check.ts";

describe("construct mha → memcap check", () => {
  for (const context of ["shared", "random"] as const) {
    it(`certifies T = H(min(n,d_h)−1)+1 with ${context} contexts and the checker verifies it`, () => {
      const H = 2;
      const n = 3;
      const T = mahdaviCapacity({ H, n, dh: n });
      const ds = generateMhaDataset({ d: 6, n, T, context, seed: 11 });
      const b = certifyMha(ds, { H, dh: n, seed: 11 });
      expect(b.status).toBe("CERTIFIED");
      expect(b.T).toBe(5);
      expect(b.rank!.certified).toBe(true);
      expect(b.rank!.sigmaMinLower).toBeGreaterThan(0);
      // counts come from the network and match the exact formula
      expect(countNetwork(b.network!).parameters).toBe(irParameterCount({ H, d: 6, dh: n, dv: 1, dout: 1 }));
      const r = checkCertificate(b.certificate);
      expect(r.verdict).toBe("VERIFIED");
      // tamper with one readout weight: the memorization claim must no longer verify
      const bad = structuredClone(b.certificate!);
      const layer = bad.network.layers[0]!;
      if (layer.type !== "attention") throw new Error("unexpected layer");
      layer.heads[0]!.WV[0]![0] = Rational.from(layer.heads[0]!.WV[0]![0]!).add(Rational.of(1, 1000)).toString();
      expect(checkCertificate(bad).verdict).not.toBe("VERIFIED");
    });
  }

  it("class labels: certified argmax, verified by the checker", () => {
    const ds = generateMhaDataset({ d: 6, n: 3, T: 5, context: "random", seed: 2, classes: 3 });
    const b = certifyMha(ds, { H: 2, dh: 3, seed: 2 });
    expect(b.status).toBe("CERTIFIED");
    expect(b.outputs!.worst).toBeGreaterThan(0.5);
    expect(checkCertificate(b.certificate).verdict).toBe("VERIFIED");
  });

  it("a fixed precision that is too low is INCONCLUSIVE with a reason, never CERTIFIED", () => {
    const ds = generateMhaDataset({ d: 6, n: 3, T: 5, context: "shared", seed: 3 });
    const b = certifyMha(ds, { H: 2, dh: 3, seed: 3, precision: 10, epsilon: "1e-30" });
    expect(b.status).toBe("INCONCLUSIVE");
    expect(b.reason).toMatch(/undecided|rank/);
    expect(b.certificate).toBeUndefined();
  });
});

describe("assumptions", () => {
  it("a planted dependence is reported with an exact witness (Σ c_i x_i = 0)", () => {
    const ds = plantKruskalViolation(generateMhaDataset({ d: 5, n: 3, T: 5, context: "shared", seed: 1 }), 2, 3, "span");
    const a = checkAssumptions(ds, { seed: 1 });
    expect(a.a1.holds).toBe(false);
    const w = a.a1.witness!;
    const c = w.dependence!.map((s) => Rational.parse(s));
    for (let i = 0; i < ds.d; i++) expect(w.indices.reduce((s, t, k) => s.add(c[k]!.mul(ds.queries[t]![i]!)), Rational.ZERO).isZero()).toBe(true);
    expect(a.a2.holds).toBe(true);
  });

  it("a rank-deficient context violates Assumption 2 with the example named", () => {
    const ds = generateMhaDataset({ d: 5, n: 3, T: 5, context: "random", seed: 1 });
    const E = ds.contexts[2]!.slice();
    E[2] = E[0]!.map((v, i) => v.sub(E[1]![i]!));
    ds.contexts[2] = E;
    const a = checkAssumptions(ds, { seed: 1 });
    expect(a.a2.holds).toBe(false);
    expect(a.a2.witness!.example).toBe(2);
  });
});

describe("data file", () => {
  it("round-trips through the JSON format and sequences put the query last", () => {
    const ds = generateMhaDataset({ d: 4, n: 2, T: 3, context: "random", seed: 7, classes: 2 });
    const back = parseMhaDataset(JSON.parse(JSON.stringify(mhaDatasetToJson(ds))), "x.json");
    expect(back.queries.map((r) => r.join())).toEqual(ds.queries.map((r) => r.join()));
    expect(back.labels).toEqual(ds.labels);
    const { vocabulary, sequences } = mhaSequences(back);
    expect(sequences[1]!.length).toBe(3);
    expect(vocabulary[sequences[1]![2]!]).toEqual(ds.queries[1]!.map(String));
  });

  it("bad files are one-line UserErrors", () => {
    expect(() => parseMhaDataset({ queries: [[1, 2]], labels: [1] }, "f.json")).toThrow(UserError);
    expect(() => parseMhaDataset({ queries: [[1, 2]], context: [[1]], labels: [1] }, "f.json")).toThrow(/context\[0\] has 1 entries/);
    expect(() => parseMhaDataset({ queries: [[1, 2]], context: [[1, 0]], labels: [5], classes: 2 }, "f.json")).toThrow(/class index/);
  });
});

describe("counterexample regression (Assumption 1 dropped)", () => {
  it("duplicate queries with a shared context: not certified, and the impossibility is exact", () => {
    const clean = generateMhaDataset({ d: 3, n: 2, T: 3, context: "shared", seed: 5 });
    const ds = plantKruskalViolation(clean, 2, 2, "duplicate");
    const b = certifyMha(ds, { H: 2, dh: 2, seed: 5, maxPrecision: 60 });
    expect(b.status).toBe("INCONCLUSIVE");
    const { sequences } = mhaSequences(ds);
    expect(sequences[0]).toEqual(sequences[2]);
    expect((ds.labels.values[0] as Rational).eq(ds.labels.values[2] as Rational)).toBe(false);
    // the same shape with Assumption 1 certifies
    expect(certifyMha(clean, { H: 2, dh: 2, seed: 5 }).status).toBe("CERTIFIED");
  });

  it("an old query in the span of a later head's new queries breaks the saturation step (g = 0) yet still certifies", () => {
    const ds = plantKruskalViolation(generateMhaDataset({ d: 4, n: 3, T: 5, context: "shared", seed: 5 }), 2, 3, "span");
    const b = certifyMha(ds, { H: 2, dh: 3, seed: 5 });
    expect(b.saturation.unsaturated).toContainEqual({ head: 1, example: 0 });
    expect(b.saturation.minGap).toBe(0);
    expect(b.status).toBe("CERTIFIED");
  });
});
