/**
 * Training throughput of the same model, data, initial weights and batch on three engines, from one run:
 * memcap's CPU backend (float64), memcap's WebGPU backend (Dawn; lavapipe on a CPU-only machine, float32)
 * and PyTorch on CPU (bench/train_torch.py, float32, Debian's python3-torch through /usr/bin/python3).
 * Prints steps/s, examples/s and the ratios against PyTorch; `--md FILE` also writes a markdown table.
 *
 *   XDG_RUNTIME_DIR=/tmp/memcap-xdg npx tsx bench/train-throughput.ts [--steps 300] [--md bench/results/train-throughput.md]
 *
 * Sanity check: the initial whole-training-set loss must agree across engines (same weights, same data).
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import { writeFileAtomic } from "../src/io/json-input.ts";
import type { Backend } from "../src/train/backend.ts";
import { backendFactory, type BackendName } from "../src/train/backends.ts";
import { assembleBatch, MODEL_DEFAULTS, type ModelConfig } from "../src/train/models.ts";
import { learningRate } from "../src/train/schedule.ts";
import { batchOrder, evaluateAll, setupTraining, type TrainingSetup } from "../src/train/trainer.ts";

const args = process.argv.slice(2);
const flag = (n: string, dflt: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const STEPS = Number(flag("steps", "300"));
const MD = flag("md", "");
const PYTHON = flag("python", "/usr/bin/python3");

const CASES: { label: string; config: ModelConfig; batch: number }[] = [
  { label: "aot, memcap train default (vocab 10, S 2, d = d_h = 8, H 4)", config: MODEL_DEFAULTS.aot, batch: 100 },
  { label: "ks, memcap train default (N 100, n 10, d 6, 4+4 blocks)", config: MODEL_DEFAULTS.ks, batch: 100 },
  { label: "aot (Dana Exp. 1 size: vocab 50, S 2, d = d_h = 10, H 11)", config: { ...MODEL_DEFAULTS.aot, vocab: 50, d: 10, dh: 10, heads: 11 }, batch: 256 },
  { label: "transformer (vocab 50, S 2, d 32, H 4, d_h 8, MLP 128)", config: { ...MODEL_DEFAULTS.transformer, vocab: 50, d: 32, dh: 8, heads: 4, hidden: 128 }, batch: 256 },
  { label: "ks (K&S App. H: N 500, n 10, d 6, m 2, q 8, 4+4 blocks, uniform)", config: { ...MODEL_DEFAULTS.ks, examples: 500 }, batch: 500 },
];

async function timeBackend(name: BackendName, s: TrainingSetup): Promise<{ stepsPerS: number; initLoss: number; finalLoss: number }> {
  const be: Backend = await backendFactory(name)(s.program);
  try {
    await be.setParams(s.params);
    const initLoss = (await evaluateAll(be, s.data)).loss;
    await be.setParams(s.params);
    const next = batchOrder(s.data.size, s.batch, 1);
    const step = (t: number) => {
      be.setBatch(assembleBatch(s.data, next()));
      be.forwardBackward();
      be.adamStep({ lr: learningRate("cosine", 1e-2, 10, STEPS, t), beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: true, t: t + 1 });
    };
    step(0); // warm-up: pipelines compiled, JIT warmed
    await be.stats();
    const t0 = performance.now();
    for (let t = 1; t <= STEPS; t++) step(t);
    await be.stats(); // waits for the device
    const sec = (performance.now() - t0) / 1000;
    return { stepsPerS: STEPS / sec, initLoss, finalLoss: (await evaluateAll(be, s.data)).loss };
  } finally {
    be.dispose();
  }
}

function timeTorch(s: TrainingSetup): { stepsPerS: number; initLoss: number; finalLoss: number; threads: number; torch: string } | { error: string } {
  const params: Record<string, [number[], number[]]> = {};
  for (const t of s.program.graph.tensors.values()) if (t.role === "param") params[t.name] = [t.shape, Array.from(s.params.subarray(t.offset, t.offset + t.size))];
  const data: Record<string, number[]> = {};
  for (const [k, v] of s.data.floats) data[k] = Array.from(v.data);
  for (const [k, v] of s.data.ints) data[k] = Array.from(v.data);
  const job = { model: s.config.model, config: s.config, params, data, batch: s.batch, steps: STEPS, warmup: 10, lr: 1e-2 };
  const r = spawnSync(PYTHON, ["bench/train_torch.py"], { input: JSON.stringify(job), encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) return { error: (r.stderr || r.error?.message || "failed").trim().split("\n").pop()! };
  const o = JSON.parse(r.stdout.trim().split("\n").pop()!);
  return { stepsPerS: o.steps_per_s, initLoss: o.init_loss, finalLoss: o.final_loss, threads: o.threads, torch: o.torch };
}

const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} (${os.cpus().length} logical cores), ${os.platform()} ${os.release()}, Node ${process.version}`;
const lines: string[] = [
  `# Training throughput: memcap CPU backend vs WebGPU (lavapipe) vs PyTorch CPU`,
  ``,
  `Machine: ${machine}. Command: \`XDG_RUNTIME_DIR=/tmp/memcap-xdg npx tsx bench/train-throughput.ts --steps ${STEPS}\`.`,
  `Each engine trains the same model from the same initial weights on the same data with the same batch size (AdamW, warmup + cosine);`,
  `${STEPS} timed steps after one warm-up step. memcap CPU runs in float64 on one thread; WebGPU and PyTorch in float32.`,
  ``,
  `| model | batch | engine | steps/s | examples/s | × PyTorch CPU | initial loss | loss after ${STEPS} steps |`,
  `|---|---|---|---|---|---|---|---|`,
];
for (const c of CASES) {
  const s = setupTraining(c.config, c.batch, 1);
  process.stderr.write(`${c.label}: cpu…`);
  const cpu = await timeBackend("cpu", s);
  process.stderr.write(` webgpu…`);
  let gpu: Awaited<ReturnType<typeof timeBackend>> | { error: string };
  try {
    gpu = await timeBackend("webgpu", s);
  } catch (e) {
    gpu = { error: (e as Error).message };
  }
  process.stderr.write(` torch…\n`);
  const torch = timeTorch(s);
  const ref = "error" in torch ? NaN : torch.stepsPerS;
  const row = (engine: string, r: { stepsPerS: number; initLoss: number; finalLoss: number } | { error: string }) =>
    "error" in r
      ? `| ${c.label} | ${s.batch} | ${engine} | — | — | — | unavailable: ${r.error} | |`
      : `| ${c.label} | ${s.batch} | ${engine} | ${r.stepsPerS.toFixed(1)} | ${(r.stepsPerS * s.batch).toFixed(0)} | ${(r.stepsPerS / ref).toFixed(2)} | ${r.initLoss.toFixed(5)} | ${r.finalLoss.toFixed(4)} |`;
  lines.push(row("memcap cpu (f64)", cpu), row("memcap webgpu (lavapipe, f32)", gpu), row("error" in torch ? "pytorch cpu" : `pytorch ${torch.torch} cpu (${torch.threads} thread${torch.threads > 1 ? "s" : ""})`, torch));
  if (!("error" in torch) && Math.abs(torch.initLoss - cpu.initLoss) > 1e-4 * Math.max(1, cpu.initLoss)) lines.push(`| ⚠ initial losses differ: memcap ${cpu.initLoss} vs torch ${torch.initLoss} | | | | | | | |`);
}
const out = lines.join("\n") + "\n";
process.stdout.write(out);
if (MD) writeFileAtomic(MD, out);
