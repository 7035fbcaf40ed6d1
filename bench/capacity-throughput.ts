/**
 * Capacity-sweep throughput: models·steps per second for M independent small models of one shape (the
 * restarts of a capacity probe, or grid configurations sharing a graph), trained
 *   - batched on WebGPU: all M in one set of dispatches (BatchedWebGpuBackend),
 *   - one model per dispatch on WebGPU (WebGpuBackend, one model after another),
 *   - on the CPU backend (float64 reference and float32 path, one model after another, one thread),
 *   - with PyTorch on the CPU (bench/train_torch.py, 1 intra-op thread and OPENBLAS_NUM_THREADS=1), when
 *     torch imports from --python (default /tmp/train-f32-venv/bin/python, then /usr/bin/python3);
 *     skipped with a message otherwise.
 * Every engine starts from the same initial weights and data; the warm-up step (pipeline compilation,
 * JIT) is not timed. Sequential engines' models·steps/s is measured on --sample models (they are
 * independent and the same shape, so the rate does not depend on M); the batched figure is for all M.
 * Ratios are against the CPU backend in the same run. On a shared machine figures move; say so.
 *
 *   XDG_RUNTIME_DIR=/tmp/memcap-xdg npx tsx bench/capacity-throughput.ts [--models 32] [--steps 100] [--sample 2] [--python PATH]
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { compileGraph, initParams } from "../src/train/graph.ts";
import { assembleBatch, buildModel, makeDataset, MODEL_DEFAULTS, type ModelConfig } from "../src/train/models.ts";
import { learningRate } from "../src/train/schedule.ts";
import { batchOrder, evaluateAll, type TrainingSetup } from "../src/train/trainer.ts";
import { BatchedWebGpuBackend } from "../src/train/webgpu-batched.ts";
import { timeBackend, timeTorch } from "./train-bench-lib.ts";

const arg = (k: string, d: string) => (process.argv.includes(`--${k}`) ? process.argv[process.argv.indexOf(`--${k}`) + 1]! : d);
const M = Number(arg("models", "32")), STEPS = Number(arg("steps", "100")), SAMPLE = Math.min(M, Number(arg("sample", "2")));

const CASES: { label: string; config: ModelConfig }[] = [
  { label: "aot probe (vocab 5, S 2, d = d_h = 4, H 2, n 16, full batch)", config: { ...MODEL_DEFAULTS.aot, vocab: 5, seqLen: 2, d: 4, dh: 4, heads: 2, examples: 16 } },
  { label: "aot probe (vocab 10, S 2, d = d_h = 8, H 4, n 64, full batch)", config: { ...MODEL_DEFAULTS.aot, vocab: 10, seqLen: 2, d: 8, dh: 8, heads: 4, examples: 64 } },
];

function setups(config: ModelConfig): TrainingSetup[] {
  const program = compileGraph(buildModel(config, config.examples));
  const data = makeDataset(config, 1);
  return Array.from({ length: M }, (_, m) => ({ config, data, batch: config.examples, program, params: initParams(program.graph, 100 + m) }));
}

/** All M models in one set of dispatches: same loop as timeBackend (full batch written once). */
async function timeBatched(ss: TrainingSetup[]): Promise<{ modelStepsPerS: number; finalLoss: number; adapter: string }> {
  const be = await BatchedWebGpuBackend.create(ss[0]!.program, ss.length);
  try {
    ss.forEach((s, m) => {
      be.setParams(m, s.params);
      be.setBatch(m, assembleBatch(s.data, batchOrder(s.data.size, s.batch, 1)()));
    });
    const step = (t: number) => {
      be.forwardBackward();
      be.adamStep({ lr: learningRate("cosine", 1e-2, 10, STEPS, t), beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: true, t: t + 1 });
    };
    step(0);
    await be.stats([0]);
    const t0 = performance.now();
    for (let t = 1; t <= STEPS; t++) step(t);
    await be.stats(ss.map((_, m) => m)); // waits for the device
    const sec = (performance.now() - t0) / 1000;
    const losses = await be.stats(ss.map((_, m) => m));
    return { modelStepsPerS: (ss.length * STEPS) / sec, finalLoss: losses.reduce((a, b) => a + b.loss, 0) / ss.length, adapter: be.adapterName };
  } finally {
    be.dispose();
  }
}

function findPython(): string | null {
  for (const p of [arg("python", ""), "/tmp/train-f32-venv/bin/python", "/usr/bin/python3"].filter(Boolean)) {
    if (!existsSync(p)) continue;
    if (spawnSync(p, ["-c", "import torch"], { encoding: "utf8" }).status === 0) return p;
  }
  return null;
}

const python = findPython();
process.env.OPENBLAS_NUM_THREADS = "1"; // inherited by the PyTorch child: truly one thread
const lines: string[] = [
  `capacity-sweep throughput: ${M} models × ${STEPS} steps (sequential engines sampled on ${SAMPLE} models); machine shared and loaded: figures are indicative`,
  "",
  "| sweep | engine | models·steps/s | × CPU backend | × PyTorch CPU |",
  "|---|---|---|---|---|",
];
let adapter = "";
for (const c of CASES) {
  const ss = setups(c.config);
  const seq = async (name: "cpu" | "webgpu", precision?: "f32" | "f64") => {
    let sec = 0;
    for (const s of ss.slice(0, SAMPLE)) sec += STEPS / (await timeBackend(name, s, STEPS, undefined, precision)).stepsPerS;
    return (SAMPLE * STEPS) / sec;
  };
  const cpu = await seq("cpu", "f64");
  const cpu32 = await seq("cpu", "f32");
  const single = await seq("webgpu");
  const batched = await timeBatched(ss);
  adapter = batched.adapter;
  const out: [string, number | string][] = [["memcap cpu (float64, 1 thread)", cpu], ["memcap cpu (float32, 1 thread)", cpu32], ["memcap webgpu, one model per dispatch", single], [`memcap webgpu batched, ${M} models per dispatch`, batched.modelStepsPerS]];
  if (python) {
    let sec = 0, err = "";
    for (const s of ss.slice(0, SAMPLE)) {
      const r = timeTorch(s, STEPS, { python, device: "cpu", threads: 1 });
      if ("error" in r) err = r.error;
      else sec += STEPS / r.stepsPerS;
    }
    out.push([`PyTorch CPU (float32, 1 thread; ${python})`, err ? `unavailable: ${err}` : (SAMPLE * STEPS) / sec]);
  } else out.push(["PyTorch CPU", "skipped: torch not importable (pass --python PATH to a venv with torch)"]);
  const torch = typeof out[4]![1] === "number" ? out[4]![1] : NaN;
  for (const [engine, v] of out) lines.push(typeof v === "number" ? `| ${c.label} | ${engine} | ${v.toFixed(0)} | ${(v / cpu).toFixed(2)} | ${Number.isNaN(torch) ? "—" : (v / torch).toFixed(2)} |` : `| ${c.label} | ${engine} | ${v} | | |`);
  process.stderr.write(`done: ${c.label}\n`);
}
lines.push("", `WebGPU adapter: ${adapter}`);
console.log(lines.join("\n"));
