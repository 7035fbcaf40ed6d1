/**
 * Batched WebGPU training (M models in one set of dispatches) against one model per dispatch and
 * against the CPU float64 reference: after forward + backward + one AdamW step, each of the M models'
 * memory equals a separate WebGpuBackend run of that model bit for bit (same f32 kernels on its own
 * slice), and the CPU's within float32 tolerance; a whole batched training run (with early stops at
 * different steps) gives each model the summary and weights of its separate run. Runs on lavapipe
 * here; fails without an adapter unless MEMCAP_SKIP_WEBGPU=1 (as test/train/webgpu.test.ts).
 */
import { describe, expect, it } from "vitest";
import type { AdamStep } from "../../src/train/backend.ts";
import { CpuBackend } from "../../src/train/cpu.ts";
import { compileGraph, initParams } from "../../src/train/graph.ts";
import { assembleBatch, buildModel, makeDataset, MODEL_DEFAULTS, type ModelConfig } from "../../src/train/models.ts";
import { batchOrder, DEFAULT_TRAIN, train, type TrainingSetup } from "../../src/train/trainer.ts";
import { WebGpuBackend } from "../../src/train/webgpu.ts";
import { BatchedWebGpuBackend, trainBatched } from "../../src/train/webgpu-batched.ts";
import { batchedWgsl, WGSL } from "../../src/train/wgsl.ts";

const OPT_OUT = process.env.MEMCAP_SKIP_WEBGPU === "1";
const STEP: AdamStep = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, decoupled: true, t: 1 };

const CASES: Record<string, ModelConfig> = {
  aot: { ...MODEL_DEFAULTS.aot, vocab: 7, seqLen: 3, examples: 40, heads: 3, dh: 5 },
  "aot hardmax": { ...MODEL_DEFAULTS.aot, vocab: 6, examples: 30, attention: "hardmax" },
  "ks softmax": { ...MODEL_DEFAULTS.ks, examples: 24, blocks: 2, attention: "softmax" },
  "mha regression": { ...MODEL_DEFAULTS.mha, examples: 20, classes: 0 },
};

function maxScaledDiff(a: Float64Array, b: Float64Array, from: number, to: number): number {
  let scale = 1, worst = 0;
  for (let i = from; i < to; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = from; i < to; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst / scale;
}

describe("batchedWgsl", () => {
  it("shifts every memory and int access by the model's base and leaves the arithmetic alone", () => {
    const code = batchedWgsl(WGSL.gatherF, 1000, 7);
    expect(code).toContain("MB = id.z * 1000u; IB = id.z * 7u;");
    expect(code).toContain("mem[MB + u(3u) + t] = mem[MB + u(1u) + u32(ints[IB + u(2u) + r]) * cols + j];");
    expect(code.match(/mem\[(?!MB \+ )/g)).toBeNull();
  });
});

describe.skipIf(OPT_OUT)("BatchedWebGpuBackend", () => {
  for (const [name, cfg] of Object.entries(CASES)) {
    it(`${name}: each of 3 models after forward+backward+AdamW equals its own single-model run exactly and the CPU within float32 tolerance`, async () => {
      const M = 3, B = 8;
      const prog = compileGraph(buildModel(cfg, B));
      const g = prog.graph;
      const data = makeDataset(cfg, 5);
      const params = Array.from({ length: M }, (_, m) => initParams(g, 100 + m));
      const batches = Array.from({ length: M }, (_, m) => assembleBatch(data, batchOrder(data.size, B, 200 + m)()));
      const be = await BatchedWebGpuBackend.create(prog, M);
      const mems: Float64Array[] = [];
      try {
        for (let m = 0; m < M; m++) {
          be.setParams(m, params[m]!);
          be.setBatch(m, batches[m]!);
        }
        be.forwardBackward();
        be.adamStep(STEP);
        for (let m = 0; m < M; m++) mems.push(await be.readMemory(m));
      } finally {
        be.dispose();
      }
      for (let m = 0; m < M; m++) {
        const one = await WebGpuBackend.create(prog);
        const cpu = new CpuBackend(prog);
        try {
          await one.setParams(params[m]!);
          one.setBatch(batches[m]!);
          one.forwardBackward();
          one.adamStep(STEP);
          const single = await one.readMemory();
          expect(Array.from(mems[m]!)).toEqual(Array.from(single));
          await cpu.setParams(Float64Array.from(new Float32Array(params[m]!)));
          cpu.setBatch(batches[m]!);
          cpu.forwardBackward();
          cpu.adamStep(STEP);
          const ref = await cpu.readMemory();
          expect(maxScaledDiff(mems[m]!, ref, g.actGradEnd, g.mOffset)).toBeLessThan(1e-4); // forward
          expect(maxScaledDiff(mems[m]!, ref, g.paramCount, 2 * g.paramCount)).toBeLessThan(1e-4); // gradients
          expect(maxScaledDiff(mems[m]!, ref, 0, g.paramCount)).toBeLessThan(1e-4); // updated weights
        } finally {
          one.dispose();
        }
      }
      // the models really differ (a shared-slice bug would make them equal)
      expect(maxScaledDiff(mems[0]!, mems[1]!, 0, g.paramCount)).toBeGreaterThan(1e-3);
    }, 120_000);
  }

  it("trainBatched: every model's summary and weights equal its separate WebGPU run, early stops included, and the CPU run's within tolerance", async () => {
    const cfg: ModelConfig = { ...MODEL_DEFAULTS.aot, vocab: 5, seqLen: 2, examples: 12, heads: 2, d: 4, dh: 4 };
    const M = 4;
    const prog = compileGraph(buildModel(cfg, cfg.examples));
    const data = makeDataset(cfg, 3);
    const setups: TrainingSetup[] = Array.from({ length: M }, (_, m) => ({ config: cfg, data, batch: cfg.examples, program: prog, params: initParams(prog.graph, 40 + m) }));
    const opts = setups.map((_, m) => ({ ...DEFAULT_TRAIN, steps: 150, lr: 0.05, logEvery: 5, stopAtFullAccuracy: true, seed: 70 + m }));
    const batched = await trainBatched(setups, opts);
    const stepsSeen = new Set<number>();
    for (let m = 0; m < M; m++) {
      let gpuParams: Float64Array | null = null;
      const single = await train(setups[m]!, opts[m]!, async (p) => {
        const b = await WebGpuBackend.create(p);
        const dispose = b.dispose.bind(b);
        b.dispose = () => void b.readMemory().then((mem) => ((gpuParams = mem.slice(0, p.graph.paramCount)), dispose()));
        return b;
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(batched[m]!.steps).toBe(single.steps);
      expect(batched[m]!.correct).toBe(single.correct);
      expect(batched[m]!.loss).toBeCloseTo(single.loss, 6);
      expect(maxScaledDiff(batched[m]!.params, gpuParams!, 0, prog.graph.paramCount)).toBe(0);
      stepsSeen.add(single.steps);
      const cpu = await train({ ...setups[m]!, params: Float64Array.from(new Float32Array(setups[m]!.params)) }, opts[m]!, async (p) => new CpuBackend(p));
      // float32 vs float64 over a whole run: same outcome here, loss within a loose bound
      expect(Math.abs(batched[m]!.accuracy - cpu.accuracy)).toBeLessThanOrEqual(1 / cfg.examples);
      expect(Math.abs(batched[m]!.loss - cpu.loss)).toBeLessThan(0.05 + 0.05 * cpu.loss);
    }
    expect(batched.some((r) => r.steps < 150)).toBe(true); // some model stopped early, so freezing was exercised
  }, 300_000);
});
