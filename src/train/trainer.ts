/**
 * The training loop, identical for every backend: seeded data and initial weights, batches drawn as
 * consecutive windows of per-epoch seeded permutations (so every batch has the graph's static size),
 * Adam/AdamW with a warmup + decay schedule, periodic logging of the batch loss and accuracy, and a
 * final pass over the whole training set. Accuracies are float measurements of a float model.
 */
import type { AdamStep, Backend, BatchStats } from "./backend.ts";
import { compileGraph, initParams, type Program } from "./graph.ts";
import type { Precision } from "./kernels-wasm.ts";
import { assembleBatch, buildModel, datasetSize, makeDataset, type Dataset, type ModelConfig } from "./models.ts";
import { trainerRng } from "../random.ts";
import { epochLinear, learningRate, type Schedule } from "./schedule.ts";

export interface TrainOptions {
  steps: number;
  lr: number;
  batch: number;
  schedule: Schedule;
  warmup: number;
  seed: number;
  optimizer: "adam" | "adamw";
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** log every k steps (the first and last step are always logged) */
  logEvery: number;
  /** stop early once a logged full-batch step reaches accuracy 1 */
  stopAtFullAccuracy?: boolean;
  /** the backend's arithmetic (absent: the backend's default, float64 on the CPU backend) */
  precision?: Precision;
  /**
   * PyTorch's LinearLR stepped once per epoch (an epoch = ⌈examples / batch⌉ steps), replacing `schedule`
   * and `warmup`: the authors' recipe of Dana et al. uses lr 0.1, start 0.1, end 0.005 over 64 epochs.
   */
  epochLinear?: { start: number; end: number; epochs: number };
  /**
   * Keep the on-batch accuracy (measured on each step's batch before its update) of the last k steps; the
   * summary's `recentBatchAccuracy` averages the k − 1 steps before the final one, as the authors'
   * `sum(Acc[-101:-1])/100` does for k = 101.
   */
  recentBatches?: number;
  /**
   * PyTorch LinearLR's start_factor for the warmup (see `learningRate`); absent: memcap's lr·(t + 1)/warmup.
   * The authors' Mahdavi recipe warms up from 0.01 (trainers.py l. 106).
   */
  warmupStart?: number;
  /**
   * The authors' Mahdavi checkpointing (trainers.py l. 62–73, 125–133; main.py l. 103, 109): after the update
   * of every 0-based step t with t mod `every` = 0, evaluate the whole training set; keep the parameters of
   * the lowest whole-set loss seen (strictly lower replaces); with `stopAtFull`, stop at the first such
   * evaluation where every example is correct. The summary's loss and accuracy are then those of the kept
   * parameters, evaluated on the whole set again.
   */
  keepBest?: { every: number; stopAtFull: boolean };
}

export const DEFAULT_TRAIN: TrainOptions = {
  steps: 200, lr: 1e-2, batch: 256, schedule: "cosine", warmup: 10, seed: 1, optimizer: "adamw",
  weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8, logEvery: 10,
};

export interface StepRecord {
  step: number;
  loss: number;
  accuracy: number;
  lr: number;
}

export interface TrainSummary {
  summary: true;
  model: string;
  backend: string;
  seed: number;
  steps: number;
  examples: number;
  batch: number;
  parameters: number;
  /** loss over the whole training set after training */
  loss: number;
  /** fraction of training examples counted correct after training (float measurement) */
  accuracy: number;
  correct: number;
  firstLoss: number;
  /** wall seconds of the training loop and the final whole-set pass */
  seconds: number;
  /** this process's CPU seconds (every thread) over the same window as `seconds` */
  cpuSeconds: number;
  stepsPerSecond: number;
  examplesPerSecond: number;
  arithmetic: string;
  /** Mean on-batch accuracy of the steps before the last, when `recentBatches` was set (float measurement). */
  recentBatchAccuracy?: number;
  /** With `keepBest`: the number of updates the kept parameters had, how many evaluations were made, and their whole-set losses. */
  keptAfterSteps?: number;
  validations?: number;
  validationLosses?: number[];
}

/** Makes a backend for a program; `precision` absent: the backend's default. */
export type BackendFactory = (program: Program, precision?: Precision) => Promise<Backend>;

/** Everything needed to run a training job, built once (also used by tests and the benchmark). */
export interface TrainingSetup {
  config: ModelConfig;
  data: Dataset;
  batch: number;
  program: Program;
  params: Float64Array;
}

/**
 * Builds data, graph and initial weights from a config and a seed; `initSeed` (default: `seed`) draws
 * the initial weights alone, so that restarts can vary the initialization on the same data.
 * @example const s = setupTraining(MODEL_DEFAULTS.aot, 256, 1); s.batch === 100
 */
export function setupTraining(config: ModelConfig, batch: number, seed: number, initSeed = seed): TrainingSetup {
  const data = makeDataset(config, seed);
  const B = Math.min(batch, datasetSize(config));
  const program = compileGraph(buildModel(config, B));
  return { config, data, batch: B, program, params: initParams(program.graph, initSeed) };
}

/** Seeded batch order: windows of per-epoch permutations. @example const next = batchOrder(10, 4, 1); next() */
export function batchOrder(N: number, B: number, seed: number): () => number[] {
  const rng = trainerRng(seed ^ 0xba7c4);
  if (B >= N) {
    const all = Array.from({ length: N }, (_, i) => i);
    return () => all;
  }
  let perm = rng.permutation(N), pos = 0;
  return () => {
    const out: number[] = [];
    while (out.length < B) {
      if (pos === N) {
        perm = rng.permutation(N);
        pos = 0;
      }
      out.push(perm[pos++]!);
    }
    return out;
  };
}

/**
 * Loss and accuracy over the whole training set, in windows of the graph's batch size (the last window is
 * shifted back to stay full; rows already counted are skipped).
 * @example const { loss, accuracy } = await evaluateAll(backend, data);
 */
export async function evaluateAll(be: Backend, data: Dataset): Promise<{ loss: number; accuracy: number; correct: number; perExample: Uint8Array }> {
  const B = be.program.graph.batch, N = data.size;
  let loss = 0, correct = 0, done = 0;
  const perExample = new Uint8Array(N);
  while (done < N) {
    const start = Math.min(done, N - B);
    const idx = Array.from({ length: B }, (_, i) => start + i);
    be.setBatch(assembleBatch(data, idx));
    be.forward();
    const st: BatchStats = await be.stats();
    for (let r = done - start; r < B; r++) {
      loss += st.lossRows[r]!;
      correct += st.correct[r]!;
      perExample[start + r] = st.correct[r]! > 0 ? 1 : 0;
    }
    done = start + B;
  }
  return { loss: loss / N, accuracy: correct / N, correct, perExample };
}

/** What training leaves besides its summary: the trained parameters and the float verdict per example. */
export interface TrainedModel {
  /** the parameters after the last step (float64; the f32 backend's values exactly) */
  params: Float64Array;
  /** 1 where the final float pass counts the example correct */
  floatCorrect: Uint8Array;
}

/**
 * Trains a model on its seeded task; `onTrained` receives the trained parameters and per-example float results.
 * @example const summary = await train(setupTraining(MODEL_DEFAULTS.aot, 256, 1), DEFAULT_TRAIN, async (p) => new CpuBackend(p));
 */
export async function train(setup: TrainingSetup, o: TrainOptions, makeBackend: BackendFactory, onLog?: (r: StepRecord) => void, onTrained?: (m: TrainedModel) => void): Promise<TrainSummary> {
  const be = await makeBackend(setup.program, o.precision);
  try {
    if (o.precision && be.precision !== o.precision) throw new Error(`the backend factory gave a ${be.precision} backend for precision ${o.precision}`);
    await be.setParams(setup.params);
    const next = batchOrder(setup.data.size, setup.batch, o.seed);
    let firstLoss = NaN, steps = 0;
    const recent: number[] = [];
    let best: Float64Array | undefined, bestLoss = Infinity, keptAfterSteps = 0, validations = 0;
    const validationLosses: number[] = [];
    const perEpoch = Math.ceil(setup.data.size / setup.batch);
    const t0 = performance.now(), cpu0 = process.cpuUsage();
    let lastYield = performance.now();
    for (let t = 0; t < o.steps; t++) {
      // let the event loop run every ~0.2 s, so that an interrupt (SIGINT) is handled during a long run
      if (performance.now() - lastYield > 200) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
      be.setBatch(assembleBatch(setup.data, next()));
      be.forwardBackward();
      if (o.recentBatches && t >= o.steps - o.recentBatches) recent.push((await be.stats()).accuracy); // this batch, before its update
      const lr = o.epochLinear ? epochLinear(o.lr, o.epochLinear, Math.floor(t / perEpoch)) : learningRate(o.schedule, o.lr, o.warmup, o.steps, t, o.warmupStart);
      const h: AdamStep = { lr, beta1: o.beta1, beta2: o.beta2, eps: o.eps, weightDecay: o.weightDecay, decoupled: o.optimizer === "adamw", t: t + 1 };
      be.adamStep(h);
      steps = t + 1;
      if (t === 0 || (t + 1) % o.logEvery === 0 || t === o.steps - 1) {
        const st = await be.stats(); // statistics of this step's batch, before its update
        if (t === 0) firstLoss = st.loss;
        onLog?.({ step: t + 1, loss: st.loss, accuracy: st.accuracy, lr });
        if (o.stopAtFullAccuracy && st.accuracy === 1 && setup.batch === setup.data.size) break;
      }
      if (o.keepBest && t % o.keepBest.every === 0) {
        // after the logging above: evaluateAll overwrites the batch statistics that it reads
        const v = await evaluateAll(be, setup.data);
        validations++;
        validationLosses.push(v.loss);
        if (v.loss < bestLoss) {
          bestLoss = v.loss;
          best = (await be.readMemory()).slice(0, setup.program.graph.paramCount);
          keptAfterSteps = t + 1;
        }
        if (o.keepBest.stopAtFull && v.correct === setup.data.size) break;
      }
    }
    if (best) await be.setParams(best);
    const ev = await evaluateAll(be, setup.data);
    const seconds = (performance.now() - t0) / 1000, cpu = process.cpuUsage(cpu0);
    if (onTrained) onTrained({ params: (await be.readMemory()).slice(0, setup.program.graph.paramCount), floatCorrect: ev.perExample });
    return {
      summary: true, model: setup.config.model, backend: be.name, seed: o.seed, steps, examples: setup.data.size, batch: setup.batch,
      parameters: setup.program.graph.paramCount, loss: ev.loss, accuracy: ev.accuracy, correct: ev.correct, firstLoss, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6,
      stepsPerSecond: steps / seconds, examplesPerSecond: (steps * setup.batch) / seconds,
      arithmetic: be.precision === "f64" ? "float64" : "float32",
      ...(o.keepBest ? { keptAfterSteps, validations, validationLosses } : {}),
      ...(o.recentBatches ? { recentBatchAccuracy: recent.slice(0, -1).reduce((a, b) => a + b, 0) / Math.max(1, recent.length - 1) } : {}),
    };
  } finally {
    be.dispose();
  }
}
