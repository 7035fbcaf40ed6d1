/**
 * A module of your own claims, for `memcap claims --from examples/user-claims.ts [--run]` and
 * `memcap counterexample user.uniform-is-last-token --from examples/user-claims.ts`
 * (docs/library.md). The default export is an array of defineClaim results; each claim has valid
 * inputs (a fast-check arbitrary) and a checker that decides it on one input, exactly.
 */
import { defineClaim, evaluateExact, fc, q, Rational, type Network } from "memcap";

const rational = fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 50 })).map(([n, d]) => Rational.of(n, d));

/** A vector-input network: one uniform-attention layer without residual (the mean of the sequence). */
const meanNetwork: Network = {
  format: "memcap-network",
  version: 1,
  input: { kind: "vectors", dim: 1 },
  layers: [{ type: "attention", attention: "uniform", residual: false, queries: "all", keys: "all", heads: [{ WQ: [], WK: [], WV: [["1"]], WO: [["1"]] }] }],
  output: { positions: "last", kind: "vector" },
};
const meanOf = (xs: Rational[]) => evaluateExact(meanNetwork, [xs.map((_, i) => i)], xs.map((x) => [x]))[0]![0]![0]!;
const sequence = fc.array(rational, { minLength: 1, maxLength: 5 });

export default [
  defineClaim({
    id: "user.mediant-between",
    paper: "user",
    source: "examples/user-claims.ts",
    statement: "for a/b < c/d with b, d > 0 the mediant (a+c)/(b+d) lies strictly between them",
    arbitrary: fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 50 })).filter(([a, b, c, d]) => a * d < c * b),
    check: ([a, b, c, d]) => {
      const m = Rational.of(a + c, b + d);
      return { holds: Rational.of(a, b).lt(m) && m.lt(Rational.of(c, d)), detail: `mediant ${m}` };
    },
    expected: "holds",
  }),
  defineClaim({
    id: "user.uniform-is-mean",
    paper: "user",
    source: "examples/user-claims.ts",
    statement: "uniform attention without residual outputs the mean of the sequence at the last position",
    arbitrary: sequence,
    check: (xs) => {
      const mean = xs.reduce((s, x) => s.add(x), q(0)).div(Rational.of(xs.length));
      const out = meanOf(xs);
      return { holds: out.eq(mean), detail: `output ${out}, mean ${mean}` };
    },
    expected: "holds",
  }),
  defineClaim({
    id: "user.uniform-is-last-token",
    paper: "user",
    source: "examples/user-claims.ts",
    statement: "uniform attention without residual outputs the last token (false: it is the mean)",
    arbitrary: sequence,
    check: (xs) => {
      const out = meanOf(xs);
      return { holds: out.eq(xs[xs.length - 1]!), detail: `output ${out}, last token ${xs[xs.length - 1]}` };
    },
    describe: (xs) => `[${xs.join(", ")}]`,
    expected: "fails",
  }),
];
