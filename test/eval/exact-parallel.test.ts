import { describe, expect, it } from "vitest";
import { generateSequenceDataset } from "../../src/data/sequences.ts";
import { buildKsNetwork } from "../../constructions/kajitsuka-sato/theorem-4-1.ts";
import { compileExact } from "../../src/eval/exact.ts";
import { evaluateExactInParallel } from "../../src/eval/exact-parallel.ts";

const N = 207;
const minPerThread = 100;
const ds = generateSequenceDataset({ N, n: 5, d: 3, classes: 4, vocab: 40, seed: 3 });
const { network } = buildKsNetwork(ds, { seq2seq: false, seed: 3 });

describe("evaluateExactInParallel", () => {
  it("gives the in-process evaluator's exact outputs, in order, on 2 threads", async () => {
    const one = compileExact(network).evaluate(ds.sequences, ds.tokens);
    const seen: number[] = [];
    const two = await evaluateExactInParallel(network, ds.sequences, ds.tokens, { threads: 2, minPerThread, onProgress: (d) => seen.push(d) });
    expect(two.length).toBe(N);
    expect(two.map((s) => s.map((v) => v.map((q) => q.toString())))).toEqual(one.map((s) => s.map((v) => v.map((q) => q.toString()))));
    for (let k = 1; k < seen.length; k++) expect(seen[k]!).toBeLessThanOrEqual(N);
  }, 120_000);

  it("passes a worker's error on, and the calling thread's own (a token outside the vocabulary)", async () => {
    for (const at of [N - 1, 0]) {
      const bad = ds.sequences.map((s) => s.slice());
      bad[at]![0] = ds.tokens.length + 5;
      await expect(evaluateExactInParallel(network, bad, ds.tokens, { threads: 2, minPerThread })).rejects.toThrow(/not a vocabulary row/);
    }
  }, 120_000);
});
