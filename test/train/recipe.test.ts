// The pieces of Dana et al.'s training recipe (examples/experiments/dana.ts): the authors' AoT shape and
// initialization, data drawn with replacement, LinearLR stepped per epoch, on-batch accuracy of the last batches.
import { describe, expect, it } from "vitest";
import { buildModel, datasetSize, makeDataset, MODEL_DEFAULTS, type ModelConfig } from "../../src/train/models.ts";
import { epochLinear } from "../../src/train/schedule.ts";
import { initParams } from "../../src/train/graph.ts";
import { DEFAULT_TRAIN, setupTraining, train } from "../../src/train/trainer.ts";
import { CpuBackend } from "../../src/train/cpu.ts";

const authors = (N: number, d: number, dh: number, H: number): ModelConfig => ({ ...MODEL_DEFAULTS["aot-code"], vocab: N, seqLen: 2, d, dh, heads: H, examples: 512, draw: "replacement", init: "torch" });

describe("Dana et al.'s recipe", () => {
  it("aot-code has the authors' parameter count: N·d (embedding) + 3·d_h (positions) + H·4·d_h² + N·d (unembedding) [+ 2·d·d_h]", () => {
    for (const [N, d, dh, H] of [[10, 2, 2, 1], [10, 2, 2, 21], [50, 10, 10, 31], [20, 6, 3, 4]] as const) {
      const g = buildModel(authors(N, d, dh, H), 8);
      expect(g.paramCount).toBe(N * d + 3 * dh + H * 4 * dh * dh + N * d + (d !== dh ? 2 * d * dh : 0));
    }
  });
  it("initializes every weight as PyTorch's defaults would: inside U(±1/√fan_in), Xavier for the in-projection", () => {
    const c = authors(10, 4, 4, 3);
    const g = buildModel(c, 4);
    const p = initParams(g, 7);
    for (const t of g.tensors.values()) {
      if (t.role !== "param") continue;
      const bound = t.init?.kind === "uniform" ? t.init.hi : NaN;
      const want = /W_Q|W_K|W_V/.test(t.name) ? Math.sqrt(6 / 16) : t.name === "pos" || t.name === "W_O" ? 1 / 2 : 1 / 2; // d = d_h = 4
      expect(bound, t.name).toBeCloseTo(want, 12);
      for (let i = 0; i < t.size; i++) expect(Math.abs(p[t.offset + i]!)).toBeLessThanOrEqual(bound);
    }
  });
  it("draws sequences with replacement, labels from one map g", () => {
    const c = authors(4, 2, 2, 1);
    const data = makeDataset(c, 3);
    expect(datasetSize(c)).toBe(512);
    const toks = data.ints.get("tokens")!.data, labels = data.ints.get("labels")!.data;
    const seen = new Map<number, number>();
    let repeats = 0;
    for (let e = 0; e < 512; e++) {
      const id = toks[2 * e]! * 4 + toks[2 * e + 1]!;
      if (seen.has(id)) {
        repeats++;
        expect(labels[e]).toBe(seen.get(id));
      } else seen.set(id, labels[e]!);
    }
    expect(repeats).toBeGreaterThan(400); // 16 distinct sequences, 512 draws
  });
  it("LinearLR per epoch: lr·(start + (end − start)·min(e, E)/E)", () => {
    const f = { start: 0.1, end: 0.005, epochs: 64 };
    expect(epochLinear(0.1, f, 0)).toBeCloseTo(0.01, 15);
    expect(epochLinear(0.1, f, 63)).toBeCloseTo(0.1 * (0.1 + (0.005 - 0.1) * (63 / 64)), 15);
    expect(epochLinear(0.1, f, 100)).toBeCloseTo(0.0005, 15);
  });
  it("reports the on-batch accuracy of the batches before the last, and training on the recipe's data learns", async () => {
    const c = authors(4, 4, 4, 2);
    const setup = setupTraining(c, 64, 1, 2);
    const s = await train(setup, { ...DEFAULT_TRAIN, steps: 160, batch: 64, lr: 0.1, optimizer: "adam", epochLinear: { start: 0.1, end: 0.005, epochs: 20 }, recentBatches: 21, logEvery: 1000 }, async (p) => new CpuBackend(p));
    expect(s.recentBatchAccuracy).toBeGreaterThan(0.5); // 16 associations, 2 heads of width 4
    expect(s.recentBatchAccuracy).toBeLessThanOrEqual(1);
  });
});
