/**
 * The float32 CPU path against the float64 reference: same model, data, initial weights and batches.
 * A float measurement of how far float32 rounding moves training, bounded by stated tolerances (this is a
 * test of float agreement, not a decision anywhere in memcap: f64 stays the reference for everything
 * downstream of a trained model):
 *  - gradients of the first batch: max |g32 − g64| ≤ 1e-5 · max |g64| (float32's unit roundoff is 6e-8;
 *    observed 1.1e-7 … 1.1e-6 on these models);
 *  - the logged batch losses of the first 60 steps (AdamW at lr 1e-2): |ℓ32 − ℓ64| ≤ 1e-4 · max(1, ℓ64)
 *    (observed 7e-7 … 3.4e-6; later steps of a non-convex trajectory may drift further apart, and are not bounded here).
 */
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../../src/train/cpu.ts";
import { PRECISIONS, type Precision } from "../../src/train/kernels-wasm.ts";
import { assembleBatch, MODEL_DEFAULTS, type ModelConfig } from "../../src/train/models.ts";
import { batchOrder, DEFAULT_TRAIN, setupTraining, train, type StepRecord } from "../../src/train/trainer.ts";

const MODELS: Record<string, { config: ModelConfig; batch: number }> = {
  "aot (default)": { config: MODEL_DEFAULTS.aot, batch: 100 },
  "aot-code": { config: MODEL_DEFAULTS["aot-code"], batch: 100 },
  "transformer (causal softmax, MLP)": { config: { ...MODEL_DEFAULTS.transformer, vocab: 7, d: 8, dh: 4, heads: 2, hidden: 16 }, batch: 49 },
  "ks (FFN blocks, uniform attention, MSE)": { config: { ...MODEL_DEFAULTS.ks, examples: 40 }, batch: 40 },
  "ks softmax attention": { config: { ...MODEL_DEFAULTS.ks, examples: 30, attention: "softmax" }, batch: 30 },
  "mha (cross-entropy over 10 classes)": { config: MODEL_DEFAULTS.mha, batch: 64 },
};

describe("float32 CPU path against the float64 reference", () => {
  for (const [name, { config, batch }] of Object.entries(MODELS)) {
    it(`${name}: first-batch gradients agree to 1e-5 relative`, async () => {
      const s = setupTraining(config, batch, 2);
      const b = assembleBatch(s.data, batchOrder(s.data.size, s.batch, 2)());
      const grads = await Promise.all(
        PRECISIONS.map(async (p) => {
          const be = new CpuBackend(s.program, p);
          await be.setParams(s.params);
          be.setBatch(b);
          be.forwardBackward();
          const P = s.program.graph.paramCount;
          return Float64Array.from(be.mem.subarray(P, 2 * P));
        }),
      );
      const [g32, g64] = PRECISIONS[0] === "f32" ? grads : [grads[1]!, grads[0]!];
      let diff = 0, scale = 0;
      for (let i = 0; i < g64!.length; i++) {
        diff = Math.max(diff, Math.abs(g32![i]! - g64![i]!));
        scale = Math.max(scale, Math.abs(g64![i]!));
      }
      expect(scale).toBeGreaterThan(0);
      expect(diff).toBeLessThanOrEqual(1e-5 * scale);
    });

    it(`${name}: loss curves of 60 steps agree to 1e-4 relative`, async () => {
      const s = setupTraining(config, batch, 3);
      const curve = async (precision: Precision) => {
        const log: StepRecord[] = [];
        const sum = await train(s, { ...DEFAULT_TRAIN, steps: 60, logEvery: 5, seed: 3, precision }, async (p, q) => new CpuBackend(p, q), (r) => log.push(r));
        expect(sum.arithmetic).toBe(precision === "f32" ? "float32" : "float64");
        return log;
      };
      const c32 = await curve("f32"), c64 = await curve("f64");
      expect(c32.map((r) => r.step)).toEqual(c64.map((r) => r.step));
      // training moved: the comparison is not between two untouched initial losses
      expect(c64[c64.length - 1]!.loss).toBeLessThan(c64[0]!.loss);
      for (let i = 0; i < c64.length; i++) expect(Math.abs(c32[i]!.loss - c64[i]!.loss)).toBeLessThanOrEqual(1e-4 * Math.max(1, c64[i]!.loss));
    });
  }

  it("a factory that ignores the precision asked for is refused", async () => {
    const s = setupTraining(MODEL_DEFAULTS.aot, 100, 1);
    await expect(train(s, { ...DEFAULT_TRAIN, steps: 1, precision: "f32" }, async (p) => new CpuBackend(p))).rejects.toThrow(/f64 backend for precision f32/);
  });
});
