/**
 * Batched training of M independent copies of one model graph in one set of dispatches: restarts
 * (different initial weights and batch orders) side by side in one buffer, every kernel dispatched
 * once for all M (the workgroup z index is the model index, ./wgsl.ts batchedWgsl). A capacity sweep is
 * thousands of tiny models; one model per dispatch leaves a GPU mostly idle between launches.
 *
 * `trainBatched` is the trainer's loop (./trainer.ts `train`) run for M models at once: the same seeded
 * batch order per model, the same schedule, the same early stop (a model that reaches 100% on a full
 * batch at a logged step keeps the parameters it had then: they are copied aside and restored before the
 * final evaluation, while the other models go on), the same whole-set evaluation. Each model's result
 * equals a separate WebGpuBackend run of that model (same f32 kernels on its own slice of memory).
 *
 * Limits: all M models share one graph (same shape and training-set size) and one learning-rate
 * schedule; grid configurations of different shapes are separate batches.
 *
 * @example
 *   const out = await trainBatched(setups, opts); // one TrainSummary-like result per setup
 */
import type { AdamStep, BatchStats } from "./backend.ts";
import { assembleBatch } from "./models.ts";
import { epochLinear, learningRate } from "./schedule.ts";
import { batchOrder, type TrainOptions, type TrainingSetup } from "./trainer.ts";
import { WebGpuBackend } from "./webgpu.ts";

export interface BatchedResult {
  seed: number;
  steps: number;
  loss: number;
  accuracy: number;
  correct: number;
  firstLoss: number;
  /** trained parameters (from float32) */
  params: Float64Array;
}

/** M copies of one Program in one WebGPU buffer (see header). */
export class BatchedWebGpuBackend {
  private constructor(private readonly core: WebGpuBackend) {}

  /** @example const be = await BatchedWebGpuBackend.create(program, 8); */
  static async create(program: TrainingSetup["program"], models: number): Promise<BatchedWebGpuBackend> {
    if (!(Number.isInteger(models) && models >= 1 && models <= 65535)) throw new RangeError(`models per dispatch must be an integer in [1, 65535], got ${models}`);
    return new BatchedWebGpuBackend(await WebGpuBackend.create(program, models));
  }
  get models(): number {
    return this.core.models;
  }
  get program() {
    return this.core.program;
  }
  get adapterName(): string {
    return this.core.adapterName;
  }
  setParams(m: number, p: Float64Array): void {
    this.core.setParamsOf(m, p);
  }
  setBatch(m: number, b: Parameters<WebGpuBackend["setBatch"]>[0]): void {
    this.core.setBatchOf(m, b);
  }
  /** forward + backward of all M models */
  forwardBackward(): void {
    this.core.forwardBackward();
  }
  forward(): void {
    this.core.forward();
  }
  /** one Adam(W) step of all M models (one schedule) */
  adamStep(h: AdamStep): void {
    this.core.adamStep(h);
  }
  stats(models: number[]): Promise<BatchStats[]> {
    return this.core.statsOf(models);
  }
  readMemory(m: number): Promise<Float64Array> {
    return this.core.readMemoryOf(m);
  }
  freeze(m: number): void {
    this.core.freeze(m);
  }
  restoreFrozen(models: number[]): void {
    this.core.restoreFrozen(models);
  }
  dispose(): void {
    this.core.dispose();
  }
}

/**
 * Trains every setup (all with the same program, data size and batch) with its own options' seed; the
 * other options (steps, lr, schedule, optimizer, logEvery, stopAtFullAccuracy) must agree.
 * `onBackend` sees the backend (the benchmark reads its adapter name).
 */
export async function trainBatched(setups: TrainingSetup[], opts: TrainOptions[], onBackend?: (be: BatchedWebGpuBackend) => void): Promise<BatchedResult[]> {
  const M = setups.length;
  if (M === 0 || opts.length !== M) throw new RangeError("trainBatched: one option set per setup, at least one");
  const s0 = setups[0]!, o = opts[0]!;
  for (const s of setups) if (s.data.size !== s0.data.size || s.batch !== s0.batch || s.program.graph.memSize !== s0.program.graph.memSize) throw new RangeError("trainBatched: every setup must share the graph, data size and batch");
  for (const x of opts) if (x.steps !== o.steps || x.lr !== o.lr || x.schedule !== o.schedule || x.warmup !== o.warmup || x.optimizer !== o.optimizer || x.logEvery !== o.logEvery || !!x.stopAtFullAccuracy !== !!o.stopAtFullAccuracy || JSON.stringify(x.epochLinear) !== JSON.stringify(o.epochLinear)) throw new RangeError("trainBatched: options other than the seed must agree");
  const be = await BatchedWebGpuBackend.create(s0.program, M);
  onBackend?.(be);
  try {
    setups.forEach((s, m) => be.setParams(m, s.params));
    const next = setups.map((s, m) => batchOrder(s.data.size, s.batch, opts[m]!.seed));
    const all = setups.map((_, m) => m);
    const steps = new Array<number>(M).fill(0), firstLoss = new Array<number>(M).fill(NaN);
    const stopped = new Set<number>();
    const perEpoch = Math.ceil(s0.data.size / s0.batch);
    const fullBatch = s0.batch === s0.data.size;
    for (let t = 0; t < o.steps && stopped.size < M; t++) {
      for (const m of all) if (!stopped.has(m)) be.setBatch(m, assembleBatch(setups[m]!.data, next[m]!()));
      be.forwardBackward();
      const lr = o.epochLinear ? epochLinear(o.lr, o.epochLinear, Math.floor(t / perEpoch)) : learningRate(o.schedule, o.lr, o.warmup, o.steps, t);
      be.adamStep({ lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay, decoupled: o.optimizer === "adamw", t: t + 1 });
      for (const m of all) if (!stopped.has(m)) steps[m] = t + 1;
      if (t === 0 || (t + 1) % o.logEvery === 0 || t === o.steps - 1) {
        const active = all.filter((m) => !stopped.has(m));
        const st = await be.stats(active); // each model's batch statistics, before its update
        active.forEach((m, i) => {
          if (t === 0) firstLoss[m] = st[i]!.loss;
          if (o.stopAtFullAccuracy && fullBatch && st[i]!.accuracy === 1) {
            be.freeze(m); // the parameters after this step's update, as train() stops here
            stopped.add(m);
          }
        });
      }
    }
    be.restoreFrozen([...stopped]);
    const ev = await evaluateAllBatched(be, setups);
    const P = s0.program.graph.paramCount;
    const out: BatchedResult[] = [];
    for (const m of all) {
      const params = (await be.readMemory(m)).slice(0, P);
      out.push({ seed: opts[m]!.seed, steps: steps[m]!, firstLoss: firstLoss[m]!, ...ev[m]!, params });
    }
    return out;
  } finally {
    be.dispose();
  }
}

/** The trainer's evaluateAll for every model at once (same windows over each model's own data). */
async function evaluateAllBatched(be: BatchedWebGpuBackend, setups: TrainingSetup[]): Promise<{ loss: number; accuracy: number; correct: number }[]> {
  const B = be.program.graph.batch, N = setups[0]!.data.size, M = setups.length;
  const loss = new Array<number>(M).fill(0), correct = new Array<number>(M).fill(0);
  const all = setups.map((_, m) => m);
  let done = 0;
  while (done < N) {
    const start = Math.min(done, N - B);
    const idx = Array.from({ length: B }, (_, i) => start + i);
    for (const m of all) be.setBatch(m, assembleBatch(setups[m]!.data, idx));
    be.forward();
    const st = await be.stats(all);
    for (const m of all)
      for (let r = done - start; r < B; r++) {
        loss[m] = loss[m]! + st[m]!.lossRows[r]!;
        correct[m] = correct[m]! + st[m]!.correct[r]!;
      }
    done = start + B;
  }
  return all.map((m) => ({ loss: loss[m]! / N, accuracy: correct[m]! / N, correct: correct[m]! }));
}
