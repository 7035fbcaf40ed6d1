/**
 * The tuning procedure of Kajitsuka & Sato's experiments (App. H, pp. 40–42) as memcap runs it: per (n, #blocks),
 * K trials, each a full-batch AdamW training of eq. (165)'s model for `epochs` epochs with its own learning rate and
 * warmup interval; the best trial (lowest final training MSE) is kept, as the paper keeps "the best-performing model"
 * of its Optuna trials (captions of Figs. 1–3, pp. 41–42).
 *
 * Sampler: seeded random search — the learning rate log-uniform over `space.lr`, the warmup interval a uniform integer
 * over `space.warmup` (epochs; full batch, so one step per epoch). Optuna's default TPESampler draws its first
 * n_startup_trials = 10 trials at random, so with the paper's two or ten trials its sampler is random search too.
 *
 * Trials are independent, so they run on a pool of worker threads (memcap trials) or one-thread child processes
 * (the PyTorch peer, bench/ks_random_torch.py), `workers` at a time. Every seed is recorded in the result.
 *
 * @example
 *   const specs = trialSpecs({ seed: 1, n: 10, blocks: 4, trials: 2, space: DEFAULT_SPACE });
 *   const r = await runMemcapTrial(memcapJob({ N: 500, n: 10, blocks: 4, epochs: 1000, dataSeed: 1, precision: "f32", weightDecay: 0.01, schedule: "cosine" }, specs[0]!));
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { backendFactory } from "../../src/train/backends.ts";
import type { Precision } from "../../src/train/kernels-wasm.ts";
import { MODEL_DEFAULTS, type ModelConfig } from "../../src/train/models.ts";
import type { Schedule } from "../../src/train/schedule.ts";
import { DEFAULT_TRAIN, setupTraining, train } from "../../src/train/trainer.ts";
import { scramble32, trainerRng } from "../../src/random.ts";

/** The search space: learning rate [lo, hi] (log-uniform), warmup interval [lo, hi] epochs (uniform integer). */
export interface SearchSpace {
  lr: [number, number];
  warmup: [number, number];
}
/** memcap's choice (the paper states no ranges): lr 1e-3 … 1e-1 (above ~0.2 runs diverged in trial runs), warmup 0 … 200 epochs. */
export const DEFAULT_SPACE: SearchSpace = { lr: [1e-3, 1e-1], warmup: [0, 200] };

/** One trial's sampled hyperparameters and seeds. */
export interface TrialSpec {
  n: number;
  blocks: number;
  trial: number;
  /** seed of this trial's hyperparameter draw */
  sampleSeed: number;
  /** seed of this trial's initial weights */
  initSeed: number;
  lr: number;
  warmup: number;
}

/** A 32-bit seed derived from the run's seed and the trial's coordinates (distinct coordinates, unrelated streams). */
function derive(seed: number, ...parts: number[]): number {
  let h = scramble32(seed ^ 0x6b53);
  for (const p of parts) h = scramble32((h ^ Math.imul(p + 1, 0x9e3779b1)) >>> 0);
  return h >>> 0;
}

/**
 * The K trials of one (n, #blocks) study. Trial k's draw depends only on (seed, n, #blocks, k), so a trial is
 * reproduced from the recorded seed alone and adding trials leaves the first ones unchanged.
 * @example trialSpecs({ seed: 1, n: 10, blocks: 4, trials: 2, space: DEFAULT_SPACE }).length // 2
 */
export function trialSpecs(o: { seed: number; n: number; blocks: number; trials: number; space: SearchSpace }): TrialSpec[] {
  const [lrLo, lrHi] = o.space.lr, [wLo, wHi] = o.space.warmup;
  if (!(lrLo > 0 && lrHi >= lrLo)) throw new RangeError(`learning-rate range must satisfy 0 < lo ≤ hi, got ${lrLo} … ${lrHi}`);
  if (!(Number.isInteger(wLo) && Number.isInteger(wHi) && wLo >= 0 && wHi >= wLo)) throw new RangeError(`warmup range must be integers 0 ≤ lo ≤ hi, got ${wLo} … ${wHi}`);
  return Array.from({ length: o.trials }, (_, k) => {
    const sampleSeed = derive(o.seed, 1, o.n, o.blocks, k);
    const rng = trainerRng(sampleSeed);
    const u = rng.uniform();
    const lr = lrLo === lrHi ? lrLo : Math.exp(Math.log(lrLo) + u * (Math.log(lrHi) - Math.log(lrLo)));
    const warmup = wLo + rng.int(wHi - wLo + 1);
    return { n: o.n, blocks: o.blocks, trial: k, sampleSeed, initSeed: derive(o.seed, 2, o.n, o.blocks, k), lr, warmup };
  });
}

/** The run-wide settings every trial shares. */
export interface TrialSettings {
  N: number;
  n: number;
  blocks: number;
  epochs: number;
  /** seed of the dataset (the same data for every #blocks and trial at one n) */
  dataSeed: number;
  precision: Precision;
  weightDecay: number;
  schedule: Schedule;
}

/** Everything one trial needs, serialisable for a worker thread. */
export interface TrialJob extends TrialSettings {
  lr: number;
  warmup: number;
  initSeed: number;
}

export interface TrialOutcome {
  /** whole-set training MSE after the last epoch (float measurement) */
  mse: number;
  /** fraction of examples whose output has the wrong sign (float measurement) */
  signError: number;
  /** MSE of the initial weights on the whole set */
  initMse: number;
  parameters: number;
  seconds: number;
}

export const memcapJob = (s: TrialSettings, t: TrialSpec): TrialJob => ({ ...s, lr: t.lr, warmup: t.warmup, initSeed: t.initSeed });

/** memcap's `ks` model on the paper's random task: d = 6, m = 2, q = 4m = 8 (App. H, p. 40). */
export function ksConfig(j: Pick<TrialSettings, "N" | "n" | "blocks">): ModelConfig {
  return { ...MODEL_DEFAULTS.ks, d: 6, width: 2, hidden: 8, attention: "uniform", seqLen: j.n, examples: j.N, blocks: j.blocks };
}

/** One memcap trial in this thread (the worker body calls it). */
export async function runMemcapTrial(j: TrialJob): Promise<TrialOutcome> {
  const setup = setupTraining(ksConfig(j), j.N, j.dataSeed, j.initSeed);
  const s = await train(setup, { ...DEFAULT_TRAIN, steps: j.epochs, batch: j.N, lr: j.lr, warmup: j.warmup, schedule: j.schedule, optimizer: "adamw", weightDecay: j.weightDecay, seed: j.initSeed, precision: j.precision, logEvery: j.epochs }, backendFactory("cpu"));
  return { mse: s.loss, signError: 1 - s.accuracy, initMse: s.firstLoss, parameters: s.parameters, seconds: s.seconds };
}

/** The PyTorch peer's input files: the trial's dataset written once per (n, data seed) as raw float64. */
export class PeerData {
  readonly dir = mkdtempSync(join(tmpdir(), "memcap-ks-peer-"));
  private files = new Map<string, { x: string; y: string }>();
  filesFor(j: TrialSettings): { x: string; y: string } {
    const key = `${j.N}-${j.n}-${j.dataSeed}`;
    let f = this.files.get(key);
    if (!f) {
      const setup = setupTraining(ksConfig({ ...j, blocks: 0 }), j.N, j.dataSeed);
      f = { x: join(this.dir, `x-${key}.f64`), y: join(this.dir, `y-${key}.f64`) };
      writeFileSync(f.x, new Uint8Array(setup.data.floats.get("x")!.data.buffer));
      writeFileSync(f.y, new Uint8Array(setup.data.floats.get("y")!.data.buffer));
      this.files.set(key, f);
    }
    return f;
  }
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * One PyTorch-peer trial: same data, same hyperparameters, one thread, float32 or float64, and memcap's initial
 * weights (`init` "memcap") or PyTorch's nn.Linear defaults drawn from the trial's init seed (`init` "torch").
 */
export function runPeerTrial(j: TrialJob, data: PeerData, python: string, script: string, init: "memcap" | "torch" = "memcap"): Promise<TrialOutcome & { cpuSeconds: number; torch: string }> {
  const setup = setupTraining(ksConfig(j), j.N, j.dataSeed, j.initSeed);
  const params: Record<string, [number[], number[]]> = {};
  for (const t of setup.program.graph.tensors.values()) if (t.role === "param") params[t.name] = [t.shape, Array.from(setup.params.subarray(t.offset, t.offset + t.size))];
  const f = data.filesFor(j);
  const job = { x_file: f.x, y_file: f.y, N: j.N, n: j.n, d: 6, blocks: j.blocks, epochs: j.epochs, lr: j.lr, warmup: j.warmup, weight_decay: j.weightDecay, schedule: j.schedule, dtype: j.precision === "f32" ? "float32" : "float64", params, init, init_seed: j.initSeed };
  return new Promise((resolve, reject) => {
    const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
    const p = spawn(python, [script], { env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "", err = "";
    p.stdout.on("data", (b: Buffer) => (out += b.toString()));
    p.stderr.on("data", (b: Buffer) => (err += b.toString()));
    p.on("error", (e) => reject(new Error(`PyTorch peer (${python}) did not start: ${e.message}`)));
    p.on("close", (code) => {
      if (code !== 0) return reject(new Error(`PyTorch peer exited ${code}: ${err.trim().split("\n").pop()}`));
      const r = JSON.parse(out.trim().split("\n").pop()!) as { init_mse: number; mse: number; sign_error: number; parameters: number; seconds: number; cpu_seconds: number; torch: string };
      resolve({ mse: r.mse, signError: r.sign_error, initMse: r.init_mse, parameters: r.parameters, seconds: r.seconds, cpuSeconds: r.cpu_seconds, torch: r.torch });
    });
    p.stdin.end(JSON.stringify(job));
  });
}

/** A task for the pool: memcap trials go to a worker thread, peer trials run as a child process from this thread. */
export type PoolTask<R> = { kind: "memcap"; job: TrialJob } | { kind: "peer"; run: () => Promise<R> };

/**
 * Runs tasks with at most `workers` at a time (memcap ones on worker threads; `workers` 0: everything in this
 * thread, one at a time) and calls `done(i, result)` as each finishes.
 */
export async function runTasks<R>(tasks: PoolTask<R>[], workers: number, done: (i: number, r: R | TrialOutcome) => void): Promise<void> {
  if (workers <= 0) {
    for (let i = 0; i < tasks.length; i++) {
      const t = tasks[i]!;
      done(i, t.kind === "memcap" ? await runMemcapTrial(t.job) : await t.run());
    }
    return;
  }
  const threads: Worker[] = [];
  const idle: Worker[] = [];
  let next = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let active = 0, failed = false;
      const fail = (e: unknown) => {
        if (!failed) reject(e);
        failed = true;
      };
      const launch = () => {
        while (!failed && active < workers && next < tasks.length) {
          const i = next++, t = tasks[i]!;
          active++;
          const finish = (r: R | TrialOutcome) => {
            active--;
            try {
              done(i, r);
            } catch (e) {
              return fail(e);
            }
            if (next >= tasks.length && active === 0) resolve();
            else launch();
          };
          if (t.kind === "peer") t.run().then(finish, fail);
          else {
            const w = idle.pop() ?? spawnWorker(threads);
            const onMessage = (m: { ok: true; outcome: TrialOutcome } | { ok: false; message: string }) => {
              w.off("message", onMessage);
              w.off("error", fail);
              idle.push(w);
              if (m.ok) finish(m.outcome);
              else fail(new Error(`memcap trial: ${m.message}`));
            };
            w.on("message", onMessage);
            w.on("error", fail);
            w.postMessage(t.job);
          }
        }
      };
      if (tasks.length === 0) resolve();
      else launch();
    });
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
  }
}

function spawnWorker(threads: Worker[]): Worker {
  const w = new Worker(new URL("../../bin/ts-worker.mjs", import.meta.url), { workerData: { module: new URL("./ks-trial-worker-main.ts", import.meta.url).href } });
  threads.push(w);
  return w;
}

/** The index of the best trial: lowest final MSE (a NaN never wins; ties go to the earlier trial). */
export function bestTrial(mses: readonly number[]): number {
  let best = -1;
  mses.forEach((m, i) => {
    if (Number.isNaN(m)) return;
    if (best < 0 || m < mses[best]!) best = i;
  });
  return best;
}

/** The smallest #blocks whose best MSE is below the threshold, or null. */
export function minimumBlocks(bestByBlocks: ReadonlyMap<number, number>, threshold: number): number | null {
  const ok = [...bestByBlocks].filter(([, m]) => m < threshold).map(([b]) => b);
  return ok.length ? Math.min(...ok) : null;
}
