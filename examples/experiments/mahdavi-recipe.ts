/**
 * Mahdavi, Liao & Thrampoulidis's recipe for accuracy vs number of heads, read from the authors' code
 * (smahdavi4/attention-memorization: src/main.py, src/attn_models.py, src/task_datasets.py, src/tasks.py,
 * src/trainers.py, reproduce.sh "Classification Number of Heads"), expressed in memcap's trainer; and the
 * same recipe run through the authors' own code (bench/mahdavi_authors.py imports their modules). Used by
 * `examples/experiments/mahdavi.ts --recipe authors` and `bench/authors-mahdavi.ts`.
 *
 *   data      RandomDataset (task_datasets.py l. 171–210): N examples, each a query e ~ U[0,1]^{n_dims} and
 *             n context tokens ~ U[0,1]^{n_dims} (a new context per example for context_type 'random',
 *             one shared context for 'fixed'), a class uniform over n_classes; the same seed for every H
 *             (reproduce.sh passes none, main.py's default seed 42 seeds data, weights and shuffling)
 *   model     BaselineAttention (attn_models.py): memcap `mha` with mhaArch "authors", init "torch"
 *   loss      cross-entropy of the query token's logits (tasks.py l. 34–39)
 *   training  Adam lr 1e-3 (main.py l. 38; trainers.py l. 102), batch 256 shuffled every epoch (main.py l. 31,
 *             85), train_steps = max(train_epochs·N // 256, min_train_steps) with 500 epochs and 50 000
 *             minimum steps (main.py l. 33–34, 122–130), warmup LinearLR(0.01 → 1) over steps // 20 then
 *             CosineAnnealingLR to 0 over the rest, stepped every step (trainers.py l. 99–111)
 *   accuracy  every 500 steps (main.py l. 36; trainers.py l. 62) the whole training set is evaluated; the
 *             weights of the lowest whole-set loss are kept (l. 125–133), training stops at the first
 *             evaluation with accuracy 1 (early_stop, l. 68); the reported figure is the whole-set argmax
 *             accuracy of the kept weights (main.py l. 103, 109: mem_acc)
 *   restarts  one seed per run in reproduce.sh (README: one seed each; 6 seeds take about 20 V100 GPU-days)
 *
 * Full size (their defaults): n_dims = d_model = 64, d_h = d_model, n = 32, 100 classes, H ∈ {1, 5, 10, 20,
 * 30, 40, 50, 60}, N from 30 000 to 130 000 (reproduce.sh) — days of GPU time (README).
 * Every number here is a float training measurement (FLOAT), not a certificate.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mahdaviCapacity } from "../../src/bounds/mahdavi.ts";
import { MODEL_DEFAULTS, mahdaviAuthorsParamCount, type ModelConfig } from "../../src/train/models.ts";
import { CpuBackend } from "../../src/train/cpu.ts";
import { assembleBatch } from "../../src/train/models.ts";
import { batchOrder, DEFAULT_TRAIN, setupTraining, train, type TrainingSetup, type TrainOptions } from "../../src/train/trainer.ts";
import { trainOnce } from "./common.ts";

/** The sizes of one run of the recipe (the authors' names in comments). */
export interface MahdaviSize {
  /** train_size */
  N: number;
  /** n_dims = d_model */
  d: number;
  /** context_size */
  n: number;
  /** dh (0 in their config means d_model) */
  dh: number;
  /** n_classes */
  classes: number;
  /** train_epochs */
  epochs: number;
  /** min_train_steps */
  minSteps: number;
  /** validate_every_n_steps */
  validateEvery: number;
  lr: number;
  batch: number;
  context: "random" | "fixed";
}

/** The authors' defaults (main.py l. 28–49; reproduce.sh's classification-vs-heads sizes). */
export const AUTHORS_FULL: MahdaviSize = { N: 30_000, d: 64, n: 32, dh: 64, classes: 100, epochs: 500, minSteps: 50_000, validateEvery: 500, lr: 1e-3, batch: 256, context: "random" };

/**
 * The reduced size this 2-core machine affords (minutes): d 64 → 16, n 32 → 8, d_h = d as theirs, 100 → 10
 * classes, N 30 000 → 512, min_train_steps 50 000 → 3000 (their 500 epochs would be 1000 steps here),
 * validation every 500 → 30 steps (their ≥ 100 validations per run kept); lr, batch, schedule, warmup
 * fraction, optimizer, initialization, checkpointing and early stop unchanged.
 */
export const REDUCED: MahdaviSize = { N: 512, d: 16, n: 8, dh: 16, classes: 10, epochs: 500, minSteps: 3000, validateEvery: 30, lr: 1e-3, batch: 256, context: "random" };

/** train_steps as main.py l. 122–130 computes it. @example trainSteps(AUTHORS_FULL) // 58593 */
export function trainSteps(s: MahdaviSize): number {
  return Math.max(Math.floor((s.epochs * s.N) / s.batch), s.minSteps);
}

/** memcap's config of the authors' model at this size. */
export function memcapConfig(s: MahdaviSize, H: number): ModelConfig {
  return { ...MODEL_DEFAULTS.mha, d: s.d, seqLen: s.n, dh: s.dh, heads: H, examples: s.N, classes: s.classes, mhaArch: "authors", init: "torch", context: s.context };
}

/** memcap's training options of the recipe (torch's Adam defaults: β 0.9, 0.999, ε 1e-8, no weight decay). */
export function memcapOptions(s: MahdaviSize): Partial<TrainOptions> {
  const steps = trainSteps(s);
  return {
    steps, batch: s.batch, lr: s.lr, optimizer: "adam", weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8,
    schedule: "cosine", warmup: Math.floor(steps / 20), warmupStart: 0.01,
    keepBest: { every: s.validateEvery, stopAtFull: true }, logEvery: steps,
  };
}

/** The authors' parameter count at this size (their shapes; the tests assert memcap's graph has it). */
export const authorsParameters = (s: MahdaviSize, H: number) => mahdaviAuthorsParamCount({ dIn: s.d, d: s.d, dh: s.dh, H, classes: s.classes });
/** The reconstruction's Theorem 1 count H(min(n, d_h) − 1) + 1 as a fraction of N (a reference line, capped at 1). */
export const theorem1Fraction = (s: MahdaviSize, H: number) => Math.min(1, mahdaviCapacity({ H, n: s.n, dh: s.dh }) / s.N);

export interface RunResult {
  H: number;
  seed: number;
  accuracy: number;
  loss: number;
  parameters: number;
  /** updates made (fewer than the recipe's steps after an early stop) — memcap only */
  steps?: number;
  wallS: number;
  cpuS?: number;
}

/** One memcap run: the seed draws the data, the initial weights and the batch order, as the authors' one seed does. */
export async function runMemcap(s: MahdaviSize, H: number, seed: number): Promise<RunResult> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await trainOnce(memcapConfig(s, H), memcapOptions(s), seed, seed);
  const cpu = process.cpuUsage(cpu0);
  return { H, seed, accuracy: r.accuracy, loss: r.loss, parameters: r.parameters, steps: r.steps, wallS: (performance.now() - t0) / 1000, cpuS: (cpu.user + cpu.system) / 1e6 };
}

/** Where the authors' code and a Python with torch are, or why they are not usable. */
export type AuthorsSetup = { dir: string; python: string } | { skip: string };

/** `dir`/`python`: from the flags, else MEMCAP_MAHDAVI_AUTHORS / MEMCAP_PYTHON; Python defaults to python3. */
export function findAuthors(dir?: string, python?: string, env: NodeJS.ProcessEnv = process.env): AuthorsSetup {
  const d = dir ?? env.MEMCAP_MAHDAVI_AUTHORS;
  const py = python ?? env.MEMCAP_PYTHON ?? "python3";
  if (!d) return { skip: "the authors' code is not given (pass --authors-dir DIR or set MEMCAP_MAHDAVI_AUTHORS to a checkout of smahdavi4/attention-memorization)" };
  for (const f of ["attn_models.py", "tasks.py", "trainers.py", "task_datasets.py"]) {
    if (!existsSync(join(d, "src", f))) return { skip: `the authors' code is not at ${d} (no src/${f}; pass --authors-dir DIR or set MEMCAP_MAHDAVI_AUTHORS to a checkout of smahdavi4/attention-memorization)` };
  }
  return { dir: d, python: py };
}

/** The environment that keeps PyTorch and its BLAS on one thread (with torch.set_num_threads(1) in the driver). */
export const ONE_THREAD = { OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" } as const;

/** The authors' code at this size (bench/mahdavi_authors.py): per-run results and their scheduler's rate per step. */
export async function runAuthors(a: { dir: string; python: string }, s: MahdaviSize, Hs: number[], seeds: number[], onRun?: (r: RunResult) => void): Promise<{ runs: RunResult[]; lrTrace: number[]; torch: string }> {
  const driver = new URL("../../bench/mahdavi_authors.py", import.meta.url).pathname;
  const args = [driver, "--authors-dir", a.dir, "--N", String(s.N), "--d", String(s.d), "--n", String(s.n), "--dh", String(s.dh), "--classes", String(s.classes), "--H", Hs.join(","), "--seeds", seeds.join(","), "--epochs", String(s.epochs), "--min-steps", String(s.minSteps), "--validate-every", String(s.validateEvery), "--lr", String(s.lr), "--batch", String(s.batch), "--context", s.context, "--threads", "1"];
  const child = spawn(a.python, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...ONE_THREAD } });
  const runs: RunResult[] = [];
  let lrTrace: number[] = [], torch = "", buf = "", err = "";
  child.stderr.on("data", (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  child.stdout.on("data", (b: Buffer) => {
    buf += b.toString();
    let i: number;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line.startsWith("{")) continue;
      const o = JSON.parse(line);
      if (o.lr_trace) (lrTrace = o.lr_trace), (torch = o.torch);
      else {
        const r: RunResult = { H: o.H, seed: o.seed, accuracy: o.accuracy, loss: o.loss, parameters: o.parameters, wallS: o.wall_s, cpuS: o.cpu_s };
        runs.push(r);
        onRun?.(r);
      }
    }
  });
  const code: number = await new Promise((res) => child.on("close", res));
  if (code !== 0) throw new Error(`the authors' code failed (exit ${code}): ${err.split("\n").filter(Boolean).slice(-3).join(" / ")}`);
  return { runs, lrTrace, torch };
}

/**
 * The same weights and inputs through memcap's forward pass and the authors' BaselineAttention (float64 both,
 * bench/mahdavi_authors.py --forward-check): the largest difference of per-example cross-entropy. Their
 * parameter names and shapes: embedding.weight (d × d, out × in), embedding.bias, attention.Wq/Wk (H × d × d_h),
 * attention.Wv (H × d × 1), attention.Wo (H × d), decoder.weight (classes × d), decoder.bias.
 */
export async function forwardCheck(a: { dir: string; python: string }, s: MahdaviSize, H: number, examples: number, seed: number): Promise<{ maxDiff: number; maxLoss: number; torchParameters: number; memcapParameters: number }> {
  const setup = setupTraining({ ...memcapConfig(s, H), examples }, examples, seed);
  const be = new CpuBackend(setup.program);
  await be.setParams(setup.params);
  be.setBatch(assembleBatch(setup.data, Array.from({ length: examples }, (_, i) => i)));
  be.forward();
  const ours = (await be.stats()).lossRows;
  const theirs = runDriver<{ losses: number[]; parameters: number }>(a, s, "--forward-check", authorsJob(setup, s, H), examples);
  let maxDiff = 0, maxLoss = 0;
  theirs.losses.forEach((l, i) => ((maxDiff = Math.max(maxDiff, Math.abs(l - ours[i]!))), (maxLoss = Math.max(maxLoss, l))));
  return { maxDiff, maxLoss, torchParameters: theirs.parameters, memcapParameters: setup.program.graph.paramCount };
}

/**
 * Training from the same weights on the same `examples` in the same batches (memcap's batch order, given to
 * their DataLoader as its batch_sampler; one full batch per step when examples ≤ batch): memcap's recipe
 * (float64) and the authors' Trainer (float32) — whole-set losses at every validation, and the kept
 * weights' loss and accuracy.
 */
export async function trainCheck(a: { dir: string; python: string }, s: MahdaviSize, H: number, examples: number, seed: number): Promise<{ memcap: { validationLosses: number[]; loss: number; accuracy: number }; torch: { validationLosses: number[]; loss: number; accuracy: number } }> {
  const setup = setupTraining({ ...memcapConfig(s, H), examples }, s.batch, seed);
  const o = { ...DEFAULT_TRAIN, ...memcapOptions({ ...s, N: examples }), seed };
  const next = batchOrder(setup.data.size, setup.batch, o.seed); // the trainer's own order for this seed
  const job = { ...authorsJob(setup, s, H), batches: examples > s.batch ? Array.from({ length: o.steps }, next) : null };
  const m = await train(setup, o, async (p) => new CpuBackend(p));
  const t = runDriver<{ val_losses: number[]; loss: number; accuracy: number }>(a, s, "--train-check", job, examples);
  return { memcap: { validationLosses: m.validationLosses!, loss: m.loss, accuracy: m.accuracy }, torch: { validationLosses: t.val_losses, loss: t.loss, accuracy: t.accuracy } };
}

/** memcap's initial weights and data in the authors' parameter names and shapes, and their (query, context) sequences. */
function authorsJob(setup: TrainingSetup, s: MahdaviSize, H: number): object {
  const g = setup.program.graph, p = setup.params;
  const get = (name: string) => {
    const t = g.tensors.get(name)!;
    return (i: number, j: number) => p[t.offset + i * t.shape[t.shape.length - 1]! + j]!;
  };
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const { d, dh, classes } = s, N = setup.data.size;
  const E = get("embed"), Eb = get("embed.b"), Q = get("W_Q"), K = get("W_K"), V = get("W_V"), O = get("W_O"), R = get("readout"), Rb = get("readout.b");
  const params = {
    "embedding.weight": range(d).map((o) => range(d).map((i) => E(i, o))),
    "embedding.bias": range(d).map((j) => Eb(0, j)),
    "attention.Wq": range(H).map((h) => range(d).map((i) => range(dh).map((k) => Q(i, h * dh + k)))),
    "attention.Wk": range(H).map((h) => range(d).map((i) => range(dh).map((k) => K(i, h * dh + k)))),
    "attention.Wv": range(H).map((h) => range(d).map((i) => [V(i, h)])),
    "attention.Wo": range(H).map((h) => range(d).map((j) => O(h, j))),
    "decoder.weight": range(classes).map((k) => range(d).map((i) => R(i, k))),
    "decoder.bias": range(classes).map((k) => Rb(0, k)),
  };
  const q = setup.data.floats.get("query")!.data, ctx = setup.data.floats.get("context")!.data;
  const X = range(N).map((e) => [Array.from(q.subarray(e * d, (e + 1) * d)), ...range(s.n).map((j) => Array.from(ctx.subarray((e * s.n + j) * d, (e * s.n + j + 1) * d)))]);
  return { H, params, X, y: Array.from(setup.data.ints.get("labels")!.data) };
}

/** One call of bench/mahdavi_authors.py with a job file; its last stdout line as JSON. */
function runDriver<T>(a: { dir: string; python: string }, s: MahdaviSize, mode: "--forward-check" | "--train-check", job: object, examples: number): T {
  const dir = mkdtempSync(join(tmpdir(), "memcap-mahdavi-"));
  const file = join(dir, "job.json");
  writeFileSync(file, JSON.stringify(job));
  const driver = new URL("../../bench/mahdavi_authors.py", import.meta.url).pathname;
  const args = [driver, "--authors-dir", a.dir, mode, file, "--N", String(examples), "--d", String(s.d), "--n", String(s.n), "--dh", String(s.dh), "--classes", String(s.classes), "--H", "0", "--seeds", "0", "--epochs", String(s.epochs), "--min-steps", String(s.minSteps), "--validate-every", String(s.validateEvery), "--lr", String(s.lr), "--batch", String(s.batch), "--context", s.context];
  const r = spawnSync(a.python, args, { encoding: "utf8", env: { ...process.env, ...ONE_THREAD }, maxBuffer: 1 << 26 });
  rmSync(dir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`bench/mahdavi_authors.py ${mode} failed: ${r.stderr.split("\n").filter(Boolean).slice(-2).join(" / ")}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!) as T;
}

/** Mean and sample standard deviation. @example meanSd([1, 3]) // { mean: 2, sd: 1.414… } */
export function meanSd(x: number[]): { mean: number; sd: number } {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  const sd = x.length > 1 ? Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / (x.length - 1)) : 0;
  return { mean, sd };
}
