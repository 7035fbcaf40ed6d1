/**
 * Shared parts of the training-throughput benchmarks (bench/train-throughput.ts on CPU,
 * bench/train-throughput-gpu.ts on a GPU machine): the benchmark cases, timing one memcap backend,
 * and timing the PyTorch twin (bench/train_torch.py) on the same weights, data and batch.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import type { Backend } from "../src/train/backend.ts";
import { backendFactory, type BackendName } from "../src/train/backends.ts";
import type { Precision } from "../src/train/kernels-wasm.ts";
import { assembleBatch, MODEL_DEFAULTS, type ModelConfig } from "../src/train/models.ts";
import { learningRate } from "../src/train/schedule.ts";
import { batchOrder, evaluateAll, type TrainingSetup } from "../src/train/trainer.ts";

/** The benchmark's models and batches (the `memcap train` defaults and the papers' experiment sizes). */
export const CASES: { label: string; config: ModelConfig; batch: number }[] = [
  { label: "aot, memcap train default (vocab 10, S 2, d = d_h = 8, H 4)", config: MODEL_DEFAULTS.aot, batch: 100 },
  { label: "ks, memcap train default (N 100, n 10, d 6, 4+4 blocks)", config: MODEL_DEFAULTS.ks, batch: 100 },
  { label: "aot (Dana Exp. 1 size: vocab 50, S 2, d = d_h = 10, H 11)", config: { ...MODEL_DEFAULTS.aot, vocab: 50, d: 10, dh: 10, heads: 11 }, batch: 256 },
  { label: "aot (Dana Exp. 1 size, the most heads: vocab 50, S 2, d = d_h = 10, H 31)", config: { ...MODEL_DEFAULTS.aot, vocab: 50, d: 10, dh: 10, heads: 31 }, batch: 256 },
  { label: "transformer (vocab 50, S 2, d 32, H 4, d_h 8, MLP 128)", config: { ...MODEL_DEFAULTS.transformer, vocab: 50, d: 32, dh: 8, heads: 4, hidden: 128 }, batch: 256 },
  { label: "ks (K&S App. H: N 500, n 10, d 6, m 2, q 8, 4+4 blocks, uniform)", config: { ...MODEL_DEFAULTS.ks, examples: 500 }, batch: 500 },
];

export interface Timing {
  /** steps per wall-clock second */
  stepsPerS: number;
  /** steps per second of CPU time used by the process (all its threads): robust to other jobs on a shared machine */
  stepsPerCpuS?: number;
  initLoss: number;
  finalLoss: number;
  /** the work done, for the same-work check: trained parameters, batch rows per step, timed steps */
  parameters: number;
  batch: number;
  steps: number;
}

/**
 * The benchmark's training step on an opened engine: the initial whole-set loss, then `step(t)` (Adam, cosine
 * schedule over `steps`, seed-1 batch order) after one untimed warm-up step (pipelines compiled, JIT warmed).
 * Shared by timeBackend and bench/train-bench-worker.ts, so both engines time the same work.
 */
export async function prepareSteps(be: Backend, s: TrainingSetup, steps: number): Promise<{ initLoss: number; step: (t: number) => void }> {
  await be.setParams(s.params);
  const initLoss = (await evaluateAll(be, s.data)).loss;
  await be.setParams(s.params);
  const next = batchOrder(s.data.size, s.batch, 1);
  // full batch: the data is written once, as train_torch.py uses the whole tensors without indexing
  const full = s.batch >= s.data.size;
  if (full) be.setBatch(assembleBatch(s.data, next()));
  const step = (t: number) => {
    if (!full) be.setBatch(assembleBatch(s.data, next()));
    be.forwardBackward();
    be.adamStep({ lr: learningRate("cosine", 1e-2, 10, steps, t), beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: true, t: t + 1 });
  };
  step(0);
  await be.stats();
  return { initLoss, step };
}

/**
 * Trains `steps` timed steps (after one warm-up step) of a memcap backend from the setup's weights.
 * @example const t = await timeBackend("cpu", setupTraining(MODEL_DEFAULTS.aot, 100, 1), 100);
 */
export async function timeBackend(name: BackendName, s: TrainingSetup, steps: number, onOpen?: (be: Backend) => void, precision?: Precision): Promise<Timing> {
  const be: Backend = await backendFactory(name)(s.program, precision);
  try {
    onOpen?.(be);
    const { initLoss, step } = await prepareSteps(be, s, steps);
    const t0 = performance.now(), c0 = process.cpuUsage();
    for (let t = 1; t <= steps; t++) step(t);
    await be.stats(); // waits for the device
    const sec = (performance.now() - t0) / 1000, cpu = process.cpuUsage(c0);
    const cpuSec = (cpu.user + cpu.system) / 1e6;
    return {
      stepsPerS: steps / sec, stepsPerCpuS: steps / cpuSec, initLoss, finalLoss: (await evaluateAll(be, s.data)).loss,
      parameters: s.program.graph.paramCount, batch: s.batch, steps,
    };
  } finally {
    be.dispose();
  }
}

/** What a served engine reports once ready (bench/train-bench-worker.ts, bench/train_torch.py --serve). */
export interface EngineInfo {
  initLoss: number;
  parameters: number;
  batch: number;
  /** PyTorch only */
  torch?: string;
  blas?: string;
  threads?: number;
}
/** One timed block of a served engine. */
export interface RoundTiming {
  stepsPerS: number;
  stepsPerCpuS: number;
  steps: number;
  /** PyTorch on Linux: the busiest thread's share of the process's CPU time in the block (1: one thread did all the work) */
  busiestThreadShare?: number;
}

/**
 * An engine in a long-lived process that trains one timed block of `steps` per round(): the benchmark interleaves
 * engines round by round without paying a process start-up (Node + tsx, or Python + torch) in every round.
 * @example const e = await Engine.memcap(0, "f32", 300); const r = await e.round(); await e.finish();
 */
export class Engine {
  private readonly lines: string[] = [];
  private waiting: ((l: string | null) => void) | null = null;
  private done = false;
  private err = "";
  private constructor(private readonly proc: ChildProcess) {
    let buf = "";
    proc.stdout!.setEncoding("utf8").on("data", (d: string) => {
      buf += d;
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        this.push(buf.slice(0, i));
        buf = buf.slice(i + 1);
      }
    });
    proc.stderr!.setEncoding("utf8").on("data", (d: string) => (this.err = (this.err + d).slice(-2000)));
    proc.on("close", () => {
      this.done = true;
      this.waiting?.(null);
    });
  }
  private push(l: string): void {
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w(l);
    } else this.lines.push(l);
  }
  private next(): Promise<string> {
    const l = this.lines.shift();
    if (l !== undefined) return Promise.resolve(l);
    if (this.done) return Promise.reject(new Error(this.err.trim().split("\n").pop() || "engine exited"));
    return new Promise((res, rej) => (this.waiting = (x) => (x === null ? rej(new Error(this.err.trim().split("\n").pop() || "engine exited")) : res(x))));
  }
  private async start(job?: string): Promise<EngineInfo> {
    if (job !== undefined) this.proc.stdin!.write(job + "\n");
    const o = JSON.parse(await this.next());
    return { initLoss: o.initLoss ?? o.init_loss, parameters: o.parameters, batch: o.batch, torch: o.torch, blas: o.blas, threads: o.threads };
  }
  /** memcap's CPU (or WebGPU) backend on CASES[caseIndex] */
  static async memcap(caseIndex: number, precision: Precision, steps: number, backend: BackendName = "cpu"): Promise<{ engine: Engine; info: EngineInfo }> {
    const e = new Engine(spawn(process.execPath, ["--import", "tsx", "bench/train-bench-worker.ts", String(caseIndex), precision, String(steps), backend], { stdio: ["pipe", "pipe", "pipe"] }));
    return { engine: e, info: await e.start() };
  }
  /** bench/train_torch.py --serve on one thread (ONE_THREAD_ENV) with the setup's weights and data */
  static async torch(s: TrainingSetup, steps: number, python: string, dtype: "float32" | "float64"): Promise<{ engine: Engine; info: EngineInfo }> {
    const e = new Engine(spawn(python, ["bench/train_torch.py", "--device", "cpu", "--threads", "1", "--dtype", dtype, "--serve"], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...ONE_THREAD_ENV } }));
    return { engine: e, info: await e.start(JSON.stringify(torchJob(s, steps))) };
  }
  async round(): Promise<RoundTiming> {
    this.proc.stdin!.write("go\n");
    const o = JSON.parse(await this.next());
    return { stepsPerS: o.stepsPerS ?? o.steps_per_s, stepsPerCpuS: o.stepsPerCpuS ?? o.steps_per_cpu_s, steps: o.steps, busiestThreadShare: o.busiest_thread_share ?? undefined };
  }
  /** ends the process; the loss on the whole training set after all rounds */
  async finish(): Promise<number> {
    this.proc.stdin!.end("end\n");
    const o = JSON.parse(await this.next());
    return o.finalLoss ?? o.final_loss;
  }
}

/** The job bench/train_torch.py reads: the model, the setup's initial weights and data, batch, steps, schedule. */
function torchJob(s: TrainingSetup, steps: number): object {
  const params: Record<string, [number[], number[]]> = {};
  for (const t of s.program.graph.tensors.values()) if (t.role === "param") params[t.name] = [t.shape, Array.from(s.params.subarray(t.offset, t.offset + t.size))];
  const data: Record<string, number[]> = {};
  for (const [k, v] of s.data.floats) data[k] = Array.from(v.data);
  for (const [k, v] of s.data.ints) data[k] = Array.from(v.data);
  return { model: s.config.model, config: s.config, params, data, batch: s.batch, steps, warmup: 10, lr: 1e-2 };
}

export type TorchTiming = Timing & { threads: number; torch: string; device: string; dtype: string; blas: string; cpuPerWall: number };

/** The environment that keeps a PyTorch process on one thread: torch.set_num_threads(1) alone does not bind BLAS's threads. */
export const ONE_THREAD_ENV = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" } as const;

/**
 * Runs bench/train_torch.py (or `script`) on the same weights and data; `threads` 0 = PyTorch's default,
 * 1 = one thread (intra-op and inter-op, and the BLAS/OpenMP environment of ONE_THREAD_ENV).
 * @example const r = timeTorch(setup, 100, { python: "/usr/bin/python3", device: "cpu", threads: 1 });
 */
export function timeTorch(
  s: TrainingSetup,
  steps: number,
  o: { python: string; script?: string; device: "cpu" | "cuda"; threads: number; dtype?: "float32" | "float64" },
): TorchTiming | { error: string } {
  const job = torchJob(s, steps);
  const r = spawnSync(o.python, [o.script ?? "bench/train_torch.py", "--device", o.device, "--threads", String(o.threads), "--dtype", o.dtype ?? "float32"], {
    input: JSON.stringify(job), encoding: "utf8", maxBuffer: 1 << 26, env: o.threads === 1 ? { ...process.env, ...ONE_THREAD_ENV } : process.env,
  });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || "failed").trim().split("\n").pop()! };
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
  return {
    stepsPerS: out.steps_per_s, stepsPerCpuS: out.steps_per_cpu_s, initLoss: out.init_loss, finalLoss: out.final_loss, threads: out.threads, torch: out.torch, device: out.device,
    dtype: out.dtype ?? "float32", blas: out.blas ?? "?", cpuPerWall: out.cpu_per_wall ?? out.steps_per_s / out.steps_per_cpu_s,
    parameters: out.parameters ?? NaN, batch: out.batch ?? NaN, steps: out.steps ?? NaN,
  };
}

/** One markdown table row (GPU table: wall clock only). @example row("aot", 100, "memcap cpu", t, 50) */
export function row(label: string, batch: number, engine: string, r: Timing | { error: string }, ref: number): string {
  return "error" in r
    ? `| ${label} | ${batch} | ${engine} | — | — | — | unavailable: ${r.error.replaceAll("|", "/")} | |`
    : `| ${label} | ${batch} | ${engine} | ${r.stepsPerS.toFixed(1)} | ${(r.stepsPerS * batch).toFixed(0)} | ${(r.stepsPerS / ref).toFixed(2)} | ${r.initLoss.toFixed(5)} | ${r.finalLoss.toFixed(4)} |`;
}

/**
 * One markdown row of the CPU table: wall-clock and CPU-time throughput, each with its ratio to the reference.
 * @example cpuRow("aot", 100, "memcap cpu", t, ref)
 */
export function cpuRow(label: string, batch: number, engine: string, r: Timing | { error: string }, ref: Timing | { error: string }, cpuRatio = true): string {
  if ("error" in r) return `| ${label} | ${batch} | ${engine} | — | — | — | — | — | unavailable: ${r.error.replaceAll("|", "/")} | |`;
  const wall = "error" in ref ? NaN : r.stepsPerS / ref.stepsPerS;
  const cpu = "error" in ref || !cpuRatio ? NaN : r.stepsPerCpuS! / ref.stepsPerCpuS!;
  return `| ${label} | ${batch} | ${engine} | ${r.stepsPerS.toFixed(1)} | ${(r.stepsPerS * batch).toFixed(0)} | ${wall.toFixed(2)} | ${cpuRatio ? r.stepsPerCpuS!.toFixed(1) : "—"} | ${cpuRatio ? cpu.toFixed(2) : "—"} | ${r.initLoss.toFixed(5)} | ${r.finalLoss.toFixed(4)} |`;
}
