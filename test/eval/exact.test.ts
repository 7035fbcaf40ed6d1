import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Rational, q } from "../../src/numbers/rational.ts";
import { NETWORK_FORMAT, NETWORK_VERSION, type Network, type Layer } from "../../src/ir/network.ts";
import { compileExact, evaluateExact } from "../../src/eval/exact.ts";
import { evaluateNaiveExact } from "../../src/eval/generic.ts";
import { randomNetwork } from "../../src/eval/random-network.ts";

const show = (out: Rational[][][]) => out.map((s) => s.map((v) => v.map(String)));

function vecNet(dim: number, layers: Layer[], positions: "last" | "all" = "last"): Network {
  return { format: NETWORK_FORMAT, version: NETWORK_VERSION, input: { kind: "vectors", dim }, layers, output: { positions, kind: "vector" } };
}

describe("evaluateExact", () => {
  it("agrees exactly with the naive Rational evaluator on random piecewise-linear networks", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom<"last" | "all">("last", "all"),
        (seed, depth, width, tokens, nonDyadic, positions) => {
          const { net, vocabulary, sequences } = randomNetwork({ seed, depth, width, tokens, nonDyadic, positions, numBits: 2, denBits: 2 });
          expect(show(evaluateExact(net, sequences, vocabulary))).toEqual(show(evaluateNaiveExact(net, sequences, vocabulary)));
        },
      ),
      { numRuns: 150 },
    );
  });

  it("hardmax splits a column equally over an exact tie", () => {
    const net = vecNet(1, [
      { type: "affine", W: [["1"]] },
      {
        type: "attention",
        attention: "hardmax",
        heads: [{ WQ: [["1"]], WK: [["1"]], WV: [["1"]], WO: [["1"]] }],
        residual: false,
        queries: "all",
        keys: "all",
      },
    ], "all");
    const vocab = [[q(1)], [q(1)], [q(0)]];
    // queries 0, 1 tie on keys 0, 1 → (1+1)/2; query 2 (x = 0) scores 0 everywhere → three-way tie (1+1+0)/3
    expect(show(evaluateExact(net, [[0, 1, 2]], vocab))).toEqual([[["1"], ["1"], ["2/3"]]]);
    // the last query (1, 3) scores keys by their first coordinate: (0,100) → 0, (1,1) and (1,3) tie at 1 → (1+3)/2
    const net2 = vecNet(2, [
      {
        type: "attention",
        attention: "hardmax",
        heads: [{ WQ: [["1", "0"]], WK: [["1", "0"]], WV: [["0", "1"]], WO: [["0"], ["1"]] }],
        residual: false,
        queries: "last",
        keys: "all",
      },
    ]);
    const v2 = [[q(1), q(1)], [q(1), q(3)], [q(0), q(100)]];
    expect(show(evaluateExact(net2, [[2, 0, 1]], v2))).toEqual([[["0", "2"]]]);
    // the naive reference agrees
    expect(show(evaluateNaiveExact(net2, [[2, 0, 1]], v2))).toEqual([[["0", "2"]]]);
  });

  it("uniform attention averages over the key set (all-but-last, causal)", () => {
    const mk = (keys: "all" | "all-but-last" | "causal") =>
      vecNet(1, [{ type: "attention", attention: "uniform", heads: [{ WQ: [], WK: [], WV: [["1"]], WO: [["1"]] }], residual: true, keys, queries: "all" }], "all");
    const v = [[q(1)], [q(2)], [q(6)]];
    expect(show(evaluateExact(mk("all"), [[0, 1, 2]], v))).toEqual([[["4"], ["5"], ["9"]]]);
    expect(show(evaluateExact(mk("all-but-last"), [[0, 1, 2]], v))).toEqual([[["5/2"], ["7/2"], ["15/2"]]]);
    expect(show(evaluateExact(mk("causal"), [[0, 1, 2]], v))).toEqual([[["2"], ["7/2"], ["9"]]]);
  });

  it("refuses softmax attention and points to the interval evaluator", () => {
    const net = vecNet(1, [{ type: "attention", attention: "softmax", heads: [{ WQ: [["1"]], WK: [["1"]], WV: [["1"]], WO: [["1"]] }], residual: false, queries: "all", keys: "all" }]);
    expect(() => compileExact(net)).toThrow(/interval evaluator/);
  });

  it("rejects out-of-range tokens and a missing vocabulary", () => {
    const net = vecNet(1, [{ type: "relu" }]);
    expect(() => evaluateExact(net, [[0]])).toThrow(/vocabulary/);
    expect(() => evaluateExact(net, [[3]], [[q(1)]])).toThrow(/not a vocabulary row/);
  });

  it("handles weights of thousands of bits exactly", () => {
    const big = (1n << 3000n) + 12345n;
    const net = vecNet(1, [
      { type: "affine", W: [[`${big}/${1n << 2999n}`]], b: [`-1/${1n << 2000n}`] },
      { type: "ffn", W1: [["1"]], b1: ["0"], W2: [[`1/${1n << 1000n}`]], b2: ["0"] },
    ]);
    const x = Rational.of(3, 7);
    const y1 = x.mul(Rational.of(big, 1n << 2999n)).sub(Rational.of(1n, 1n << 2000n));
    const y2 = y1.add(y1.max(Rational.ZERO).mul(Rational.of(1n, 1n << 1000n)));
    expect(evaluateExact(net, [[0]], [[x]])[0]![0]![0]!.eq(y2)).toBe(true);
  });
});

describe("dyadic helpers", () => {
  it("trailingZeros finds the lowest set bit (capped), for any sign and size", async () => {
    const { trailingZeros } = await import("../../src/eval/dyadic.ts");
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 400n), max: 1n << 400n }).filter((m) => m !== 0n), fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 4000 }), (m, t, cap) => {
        const odd = m / (m & -m);
        expect(trailingZeros(odd << BigInt(t), cap)).toBe(Math.min(t, cap));
      }),
      { numRuns: 300 },
    );
  });
});

describe("evaluateExact progress", () => {
  it("reports every stage and ends each token-wise stage's count at its number of distinct vectors", () => {
    const { net, vocabulary, sequences } = randomNetwork({ seed: 3, depth: 6, width: 2, kinds: ["ffn", "relu"], attention: ["uniform"], sequences: 5 });
    const seen: { stage: number; stages: number; done: number; total: number }[] = [];
    const out = evaluateExact(net, sequences, vocabulary, { onProgress: (p) => seen.push(p) });
    expect(show(out)).toEqual(show(evaluateNaiveExact(net, sequences, vocabulary)));
    const stages = seen[0]!.stages;
    expect(new Set(seen.map((p) => p.stage)).size).toBe(stages);
    for (const p of seen) expect(p.done <= p.total).toBe(true);
  });
});
