// The exact evaluator's batched integer layers (src/eval/columns.ts) against the tests' naive reference,
// on random integer stacks whose values cross the two-double limits (2^53, 2^85) both ways, and the
// exact evaluator's outputs (which use them after the last attention layer) against the same reference.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { integerTail } from "../../src/eval/columns.ts";
import { compileExact } from "../../src/eval/exact.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { integerTailCert, refOutputs, rng } from "../fixtures/checker.ts";

describe("integerTail", () => {
  it("equals the naive reference on random integer stacks, and so does compileExact", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 1, max: 12 }), (seed, depth) => {
        const cert = integerTailCert(rng(seed), 7, depth, seed % 2 === 0);
        const ref = refOutputs(cert);
        const vocab = cert.dataset.vocabulary!.map((r) => r.map((x) => Rational.from(x)));
        const got = compileExact(cert.network).evaluate(cert.dataset.sequences, vocab);
        got.forEach((o, i) => expect(o.map((v) => v.map(String).join())).toEqual(ref[i]!.map((v) => v.map(String).join())));
      }),
      { numRuns: 120 },
    );
  });

  it("keeps a multiple of 2^32 (zero low word) beside a BigInt column, and values at the limits", () => {
    const big = (k: bigint) => k.toString();
    const layers = [
      { type: "affine" as const, W: [[big(1n << 32n), "0"], ["0", big(1n << 90n)]] },
      { type: "affine" as const, W: [["1", "1"], ["1", "-1"]], b: [big(-(1n << 90n)), "0"] },
      { type: "relu" as const },
    ];
    const tail = integerTail(layers)!;
    expect(tail.from).toBe(0);
    const run = tail.run;
    const xs = [[1n, 1n], [-3n, 2n], [(1n << 52n) + 3n, -1n], [-(1n << 53n), 0n], [0n, 5n]];
    const naive = (x: bigint[]) => {
      const a = [x[0]! << 32n, x[1]! << 90n];
      const b = [a[0]! + a[1]! - (1n << 90n), a[0]! - a[1]!];
      return b.map((v) => (v > 0n ? v : 0n));
    };
    expect(run(xs).map((v) => v.join())).toEqual(xs.map((x) => naive(x).join()));
    expect(integerTail([{ type: "affine", W: [["1/2"]] }])).toBeNull();
    expect(integerTail([...layers, { type: "affine", W: [["1/2", "0"]] }])).toBeNull(); // the tail must reach the end
    expect(integerTail([{ type: "affine", W: [["1/2", "0"], ["0", "1"]] }, ...layers])!.from).toBe(1);
  });
});
