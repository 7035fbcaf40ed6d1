// Kajitsuka & Sato bounds as the paper states them: R (p. 20), citations, lower-bound hypotheses.
import { describe, expect, it } from "vitest";
import { q } from "../../src/numbers/rational.ts";
import { ksBounds } from "../../src/bounds/ks.ts";
import { lowerBoundHypotheses } from "../../src/bounds/ks-hypotheses.ts";
import type { Network } from "../../src/ir/network.ts";

const net = (attention: "uniform" | "softmax" | "hardmax", positions: "last" | "all"): Network =>
  ({
    format: "memcap-network",
    version: 1,
    input: { kind: "vectors", dim: 1 },
    layers: [{ type: "attention", attention, heads: [{ WQ: [], WK: [], WV: [["1"]], WO: [["1"]] }], residual: true, queries: "all", keys: "all" }],
    output: { positions, kind: "scalar" },
  }) as unknown as Network;

describe("ksBounds", () => {
  it("R = 400·√(3d)·n³·r·N⁵·δ⁻¹·π (p. 20, eq. (57)), not 400·√3·d·…", () => {
    const b = ksBounds({ N: 100, n: 4, d: 3, C: 2, r: q(2), delta: q("1/2") });
    const R = b.find((x) => x.id === "R")!;
    expect(Number(R.value)).toBeCloseTo(9650972631827844.8, -4);
    expect(R.source).toMatch(/p\. 20/);
    // √(3d) and √3·d differ by √d: at d = 3 a factor √3
    expect(Number(R.value) / (400 * Math.sqrt(3) * 3 * 64 * 2 * 1e10 * 2 * Math.PI)).toBeCloseTo(1 / Math.sqrt(3), 9);
  });
  it("every bound cites a page; the lower bounds carry no unconditional comparison", () => {
    const b = ksBounds({ N: 50, n: 3, d: 2, C: 2, r: q(1), delta: q(1) }, true);
    for (const x of b) expect(x.source).toMatch(/p\. \d+/);
    for (const id of ["thm4.2", "thm4.3-W"]) {
      const x = b.find((y) => y.id === id)!;
      expect(x.compare).toBeUndefined();
      expect(x.lowerBound).toBeDefined();
    }
    expect(b.find((y) => y.id === "thm4.2")!.what).toMatch(/memcap's/);
  });
});

describe("lowerBoundHypotheses", () => {
  const constant = { tokens: [[q(0)], [q(1)], [q(2)]], sequences: [[0, 0], [1, 1], [2, 2]] };
  const distinctTokens = { tokens: [[q(0)], [q(1)], [q(2)], [q(3)]], sequences: [[0, 1], [2, 3]] };
  it("Theorem 4.2 applies only to constant sequences, softmax/uniform attention, next-token, and a shown shattering", () => {
    expect(lowerBoundHypotheses(net("uniform", "last"), constant, { shatters: true }).thm42.applies).toBe(true);
    const h = lowerBoundHypotheses(net("uniform", "last"), constant, { shatters: false }).thm42;
    expect(h.applies).toBe(false);
    expect(h.failed.join()).toMatch(/shatters/);
    expect(lowerBoundHypotheses(net("hardmax", "last"), constant, { shatters: true }).thm42.failed.join()).toMatch(/softmax/);
    expect(lowerBoundHypotheses(net("uniform", "last"), distinctTokens, { shatters: true }).thm42.failed.join()).toMatch(/X_\{:,k\} = X_\{:,1\}/);
  });
  it("Theorem 4.3 applies only to hardmax/uniform, seq2seq, all nN tokens distinct, and a shown shattering", () => {
    expect(lowerBoundHypotheses(net("hardmax", "all"), distinctTokens, { shatters: true }).thm43.applies).toBe(true);
    expect(lowerBoundHypotheses(net("softmax", "all"), distinctTokens, { shatters: true }).thm43.failed.join()).toMatch(/hard attention/);
    const rep = lowerBoundHypotheses(net("uniform", "all"), constant, { shatters: true }).thm43;
    expect(rep.failed.join()).toMatch(/3 distinct token vectors among nN = 6/);
    expect(lowerBoundHypotheses(net("uniform", "last"), distinctTokens, { shatters: true }).thm43.failed.join()).toMatch(/seq2seq/);
  });
});

import { spawnSync } from "node:child_process";
describe("bounds ks refuses r < 1 and δ > 1 instead of clamping them", () => {
  it("exits 2 with one memcap: line", () => {
    for (const bad of [["--r", "1/2"], ["--delta", "2"]]) {
      const r = spawnSync(process.execPath, ["bin/memcap.mjs", "bounds", "ks", "--N", "100", "--n", "4", "--d", "3", ...bad], { encoding: "utf8" });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^memcap: /);
    }
  });
});
