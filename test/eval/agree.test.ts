import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Decimal } from "decimal.js";
import { Rational } from "../../src/numbers/rational.ts";
import { IntervalArithmetic } from "../../src/numbers/interval.ts";
import { NETWORK_FORMAT, NETWORK_VERSION, type Network } from "../../src/ir/network.ts";
import { evaluateExact } from "../../src/eval/exact.ts";
import { evaluateInterval } from "../../src/eval/interval.ts";
import { evaluateFloat } from "../../src/eval/float.ts";
import { type Arith, evaluateGeneric, meanOf } from "../../src/eval/generic.ts";
import { randomNetwork } from "../../src/eval/random-network.ts";

const DIGITS = 30;
const I = new IntervalArithmetic(DIGITS);

/** A non-rigorous 100-digit reference (round to nearest), to judge float and interval on softmax networks. */
const H = Decimal.clone({ precision: 100, rounding: Decimal.ROUND_HALF_EVEN });
const highArith: Arith<Decimal> = {
  weight: (r) => new H(r.num.toString()).div(r.den.toString()),
  zero: new H(0),
  add: (a, b) => a.add(b),
  mul: (a, b) => a.mul(b),
  relu: (a) => (a.isNeg() ? new H(0) : a),
  invSqrt: (r) => new H(1).div(new H(r.num.toString()).div(r.den.toString()).sqrt()),
  rsqrt: (a) => new H(1).div(a.sqrt()),
  square: (a) => a.mul(a),
  divInt: (a, k) => a.div(k),
  hardmaxMix(scores, values) {
    const m = Decimal.max(...scores);
    return meanOf(highArith, values.filter((_, j) => scores[j]!.eq(m)));
  },
  softmaxMix(scores, values) {
    const m = Decimal.max(...scores);
    const e = scores.map((s) => s.sub(m).exp());
    const z = e.reduce((a, b) => a.add(b), new H(0));
    return values[0]!.map((_, c) => values.reduce((s, v, j) => s.add(e[j]!.div(z).mul(v[c]!)), new H(0)));
  },
};

const close = (f: number, x: number) => Math.abs(f - x) <= 1e-9 * Math.max(1, Math.abs(x));
const shape = fc.record({
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  depth: fc.integer({ min: 1, max: 6 }),
  width: fc.integer({ min: 1, max: 3 }),
  tokens: fc.boolean(),
  positions: fc.constantFrom<"last" | "all">("last", "all"),
});

describe("the three evaluators agree on random small networks", () => {
  it("piecewise-linear networks: float within 1e-9 of exact, exact inside the interval", () => {
    fc.assert(
      fc.property(shape, fc.boolean(), (s, nonDyadic) => {
        const { net, vocabulary, sequences } = randomNetwork({
          ...s,
          nonDyadic,
          // odd denominators round in float: an exact hardmax tie could split there, so those nets use uniform attention
          attention: nonDyadic ? ["uniform"] : ["hardmax", "uniform"],
          numBits: 3,
          denBits: 3,
          sequences: 3,
        });
        const exact = evaluateExact(net, sequences, vocabulary);
        const iv = evaluateInterval(net, sequences, vocabulary, { precisionDigits: DIGITS });
        const fl = evaluateFloat(net, sequences, vocabulary.map((r) => r.map((x) => x.toNumber())));
        exact.forEach((seq, i) =>
          seq.forEach((v, k) =>
            v.forEach((x, c) => {
              expect(I.contains(iv[i]![k]![c]!, x)).toBe(true);
              expect(close(fl[i]![k]![c]!, x.toNumber())).toBe(true);
            }),
          ),
        );
      }),
      { numRuns: 60 },
    );
  });

  it("softmax networks: the interval contains the 100-digit value, float is within 1e-9 of it", () => {
    fc.assert(
      fc.property(shape, (s) => {
        const { net, vocabulary, sequences } = randomNetwork({ ...s, attention: ["softmax", "softmax", "uniform"], numBits: 2, denBits: 2, sequences: 2 });
        const iv = evaluateInterval(net, sequences, vocabulary, { precisionDigits: DIGITS });
        const hi = evaluateGeneric(highArith, net, sequences, vocabulary.map((r) => r.map((x) => highArith.weight(x))));
        const fl = evaluateFloat(net, sequences, vocabulary.map((r) => r.map((x) => x.toNumber())));
        hi.forEach((seq, i) =>
          seq.forEach((v, k) =>
            v.forEach((x, c) => {
              const e = iv[i]![k]![c]!;
              expect(e.lo.lte(x) && x.lte(e.hi)).toBe(true);
              expect(close(fl[i]![k]![c]!, x.toNumber())).toBe(true);
            }),
          ),
        );
      }),
      { numRuns: 40 },
    );
  });

  it("hardmax ties: exact mean in all three, and a point-score tie stays exact in the interval evaluator", () => {
    const net: Network = {
      format: NETWORK_FORMAT,
      version: NETWORK_VERSION,
      input: { kind: "vectors", dim: 2 },
      layers: [
        {
          type: "attention",
          attention: "hardmax",
          heads: [{ WQ: [["1", "0"]], WK: [["1", "0"]], WV: [["0", "1"]], WO: [["0"], ["1"]] }],
          residual: false,
          queries: "last",
          keys: "all",
        },
      ],
      output: { positions: "last", kind: "vector" },
    };
    const vocab = [[1, 1], [1, 2], [0, 100]].map((r) => r.map((x) => Rational.of(x)));
    const seqs = [[2, 0, 1]];
    expect(evaluateExact(net, seqs, vocab)[0]![0]!.map(String)).toEqual(["0", "3/2"]);
    expect(evaluateFloat(net, seqs, vocab.map((r) => r.map((x) => x.toNumber())))[0]![0]).toEqual([0, 1.5]);
    const iv = evaluateInterval(net, seqs, vocab, { precisionDigits: 20 })[0]![0]!;
    expect(iv[1]!.lo.eq(1.5) && iv[1]!.hi.eq(1.5)).toBe(true);
  });

  it("hardmax with scores not separated by the precision gives the hull of the candidates (still an enclosure)", () => {
    // key scores 1/3 and 1/3 + 10^-40: not separable at 20 digits
    const net: Network = {
      format: NETWORK_FORMAT,
      version: NETWORK_VERSION,
      input: { kind: "vectors", dim: 2 },
      layers: [
        {
          type: "attention",
          attention: "hardmax",
          heads: [{ WQ: [["1", "0"]], WK: [["1", "0"]], WV: [["0", "1"]], WO: [["0"], ["1"]] }],
          residual: false,
          queries: "last",
          keys: "all-but-last",
        },
      ],
      output: { positions: "last", kind: "vector" },
    };
    const vocab = [
      [Rational.of(1, 3), Rational.of(5)],
      [Rational.of(1, 3).add(Rational.of(1n, 10n ** 40n)), Rational.of(7)],
      [Rational.ONE, Rational.ZERO],
    ];
    const exact = evaluateExact(net, [[0, 1, 2]], vocab)[0]![0]![1]!;
    expect(exact.toString()).toBe("7");
    const iv = evaluateInterval(net, [[0, 1, 2]], vocab, { precisionDigits: 20 })[0]![0]![1]!;
    expect(I.contains(iv, exact)).toBe(true);
    expect(iv.lo.toNumber()).toBe(5);
    // at 60 digits the scores separate and the enclosure is the point 7
    const iv60 = evaluateInterval(net, [[0, 1, 2]], vocab, { precisionDigits: 60 })[0]![0]![1]!;
    expect(iv60.lo.eq(7) && iv60.hi.eq(7)).toBe(true);
  });
});
