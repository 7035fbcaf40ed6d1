// The checker's irrational constants: an attention score factor 1/√r (scaleInvSqrt) and LayerNorm's
// 1/√(σ² + ε), enclosed in decimal and in float64 intervals; both must contain a 100-digit reference
// and decide what it decides, and malformed or mutated layers are refused.
import { describe, expect, it } from "vitest";
import { Decimal } from "decimal.js";
import { checkCertificate } from "../../proofs-check/check.ts";
import { invSqrtFloat } from "../../proofs-check/float.ts";
import { intervalArith, invSqrtEnclosure } from "../../proofs-check/interval.ts";
import { Invalid } from "../../proofs-check/validate.ts";
import type { Certificate } from "../../src/certificate/format.ts";
import { evaluateFloatInterval } from "../../src/eval/float-interval.ts";
import { evaluateInterval } from "../../src/eval/interval.ts";
import { q } from "../../src/numbers/rational.ts";

const H = Decimal.clone({ precision: 100 });

describe("irrational constants in the checker", () => {
  it("encloses 1/√r for perfect and non-perfect squares, in decimal and in float64", () => {
    const P = 40;
    const DN = Decimal.clone({ precision: P, rounding: Decimal.ROUND_FLOOR });
    const UP = Decimal.clone({ precision: P, rounding: Decimal.ROUND_CEIL });
    for (const r of ["2", "3", "4", "8", "1/3", "12345678901234567", "9/4"]) {
      const R = q(r);
      const ref = new H(1).div(new H(R.num.toString()).div(R.den.toString()).sqrt());
      const d = invSqrtEnclosure({ lo: DN.div(R.num.toString(), R.den.toString()), hi: UP.div(R.num.toString(), R.den.toString()) }, DN, UP);
      expect(d.lo.lte(ref) && ref.lte(d.hi), r).toBe(true);
      expect(UP.sub(d.hi, d.lo).lt(new Decimal(10).pow(-P + 3).mul(ref)), r).toBe(true);
      const f = invSqrtFloat(R);
      expect(new H(f.lo).lte(ref) && ref.lte(new H(f.hi)), r).toBe(true);
      expect(f.hi - f.lo).toBeLessThanOrEqual(4 * Number.EPSILON * f.hi);
    }
    expect(invSqrtFloat(q(4))).toEqual({ lo: 0.5, hi: 0.5 });
  });

  it("LayerNorm in decimal intervals contains a 100-digit reference (constant vectors included: σ² = 0)", () => {
    const A = intervalArith(40);
    for (const x of [["1", "2", "4"], ["3", "3", "3"], ["-1/3", "5", "0.125", "7"]]) {
      const v = x.map(q);
      const n = v.length;
      const gamma = v.map((_, i) => q(`${i + 1}/2`)), beta = v.map((_, i) => q(`-${i}`)), eps = q("1/100000");
      const out = A.layerNorm(A.input(v), gamma, beta, eps);
      const X = x.map((s) => { const r = q(s); return new H(r.num.toString()).div(r.den.toString()); });
      const mu = X.reduce((s, y) => s.add(y), new H(0)).div(n);
      const variance = X.reduce((s, y) => s.add(y.sub(mu).pow(2)), new H(0)).div(n);
      const r = new H(1).div(variance.add("0.00001").sqrt());
      out.forEach((iv, i) => {
        const ref = X[i]!.sub(mu).mul(r).mul(new H(i + 1).div(2)).sub(i);
        expect(iv.lo.lte(ref) && ref.lte(iv.hi), `${x} [${i}]`).toBe(true);
        expect(new H(iv.hi).sub(iv.lo).abs().lt("1e-30")).toBe(true);
      });
    }
  });

  /** A 2-token network: embedding, layernorm, softmax attention with 1/√3, readout; labels from its own argmax. */
  function cert(): Certificate {
    const net: Certificate["network"] = {
      format: "memcap-network", version: 1, input: { kind: "tokens", vocab: 3 },
      layers: [
        { type: "embedding", table: [["1", "-2", "0.5"], ["0", "3", "1"], ["2", "2", "-1"]] },
        { type: "layernorm", gamma: ["1", "0.5", "2"], beta: ["0", "0.25", "-1"], eps: "1/100000" },
        { type: "attention", attention: "softmax", residual: true, queries: "last", keys: "causal", scale: "1", scaleInvSqrt: "3",
          heads: [{ WQ: [["1", "0", "1"]], WK: [["0", "2", "1"]], WV: [["1", "1", "0"]], WO: [["1"], ["-1"], ["0.5"]] }] },
        { type: "affine", W: [["1", "0", "0"], ["0", "1", "0"], ["0", "0", "1"]] },
      ],
      output: { positions: "last", kind: "logits" },
    };
    const sequences = [[0, 1], [1, 2], [2, 0], [0, 0], [2, 2]];
    const outs = evaluateFloatInterval(net, sequences);
    const dec = evaluateInterval(net, sequences, undefined, { precisionDigits: 30 });
    const labels = dec.map((o) => {
      const v = o[0]!;
      return String(v.findIndex((x) => v.every((y) => y === x || x.lo.gt(y.hi))));
    });
    expect(labels.every((l) => l !== "-1")).toBe(true);
    outs.forEach((o, i) => o[0]!.forEach((f, c) => expect(dec[i]![0]![c]!.lo.lte(f.hi) && dec[i]![0]![c]!.hi.gte(f.lo)).toBe(true)));
    return {
      format: "memcap-certificate", version: 1, construction: { id: "test", paper: "test", options: {}, seed: null }, network: net,
      dataset: { sequences, labels }, evaluation: { mode: "interval", precisionDigits: 30 },
      claims: [{ kind: "memorizes", id: "m", criterion: { type: "argmax" }, examples: "all", count: sequences.length }, { kind: "count", id: "p", quantity: "parameters", value: 9 + 6 + 13 + 9 }],
    };
  }

  it("verifies a layernorm + 1/√3 softmax network in both checker paths, rejects a mutated γ", () => {
    const c = cert();
    const r = checkCertificate(c);
    expect(r.verdict, JSON.stringify(r.claims)).toBe("VERIFIED");
    expect(checkCertificate(c, { decimalOnly: true }).verdict).toBe("VERIFIED");
    // flipping the sign of γ reverses the normalized vector: some argmax must change
    const m = structuredClone(c);
    (m.network.layers[1] as { gamma: string[] }).gamma = ["-1", "-0.5", "-2"];
    expect(checkCertificate(m).verdict).toBe("REJECTED");
  });

  it("refuses ε ≤ 0, scaleInvSqrt ≤ 0 and layernorm under exact evaluation, each as Invalid", () => {
    const bad = (f: (c: Certificate) => void) => {
      const c = cert();
      f(c);
      return () => checkCertificate(c);
    };
    expect(bad((c) => ((c.network.layers[1] as { eps: string }).eps = "0"))).toThrow(Invalid);
    expect(bad((c) => ((c.network.layers[2] as { scaleInvSqrt: string }).scaleInvSqrt = "-3"))).toThrow(/scaleInvSqrt: must be a positive rational/);
    expect(bad((c) => (c.evaluation = { mode: "exact" }))).toThrow(/cannot be evaluated exactly/);
    expect(bad((c) => ((c.network.layers[1] as { gamma: string[] }).gamma = ["1"]))).toThrow(/gamma: expected 3 entries/);
  });
});
