/**
 * GPU training throughput: memcap's WebGPU backend (Dawn on the machine's GPU, f32) against PyTorch CUDA
 * (bench/train_torch.py --device cuda, f32, eager, default AdamW) on the same machine, for the same models,
 * weights, data and batches as bench/train-throughput.ts. Prints steps/s, examples/s and the ratio
 * WebGPU / PyTorch CUDA; `--md FILE` writes the markdown table.
 *
 *   node_modules/.bin/esbuild --bundle --platform=node --format=esm --external:webgpu bench/train-throughput-gpu.ts --outfile=.gpu/bench.mjs
 *   node .gpu/bench.mjs --steps 500 --python python3 --torch-script bench/train_torch.py --md out.md
 *
 * (bundled so that a machine with only a node binary and the webgpu package can run it; see docs/training.md).
 */
import os from "node:os";
import { writeFileSync } from "node:fs";
import type { WebGpuBackend } from "../src/train/webgpu.ts";
import { setupTraining } from "../src/train/trainer.ts";
import { CASES, row, timeBackend, timeTorch, type Timing } from "./train-bench-lib.ts";

const args = process.argv.slice(2);
const flag = (n: string, dflt: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const STEPS = Number(flag("steps", "500"));
const MD = flag("md", "");
const PYTHON = flag("python", "python3");
const SCRIPT = flag("torch-script", "bench/train_torch.py");
const GPU_LABEL = flag("device-label", "");

let adapter = "";
const lines: string[] = [];
let torchInfo = "";
for (const c of CASES) {
  const s = setupTraining(c.config, c.batch, 1);
  process.stderr.write(`${c.label}: webgpu…`);
  let gpu: Timing | { error: string };
  try {
    gpu = await timeBackend("webgpu", s, STEPS, (be) => (adapter = (be as WebGpuBackend).adapterName));
  } catch (e) {
    gpu = { error: (e as Error).message.split("\n")[0]! };
  }
  process.stderr.write(` torch cuda…\n`);
  const torch = timeTorch(s, STEPS, { python: PYTHON, script: SCRIPT, device: "cuda", threads: 0 });
  if (!("error" in torch)) torchInfo = `PyTorch ${torch.torch} on ${torch.device}`;
  const ref = "error" in torch ? NaN : torch.stepsPerS;
  lines.push(row(c.label, s.batch, "memcap webgpu (Dawn, f32)", gpu, ref), row(c.label, s.batch, "pytorch cuda (f32, eager)", torch, ref));
  if (!("error" in torch) && !("error" in gpu) && Math.abs(torch.initLoss - gpu.initLoss) > 1e-3 * Math.max(1, gpu.initLoss))
    lines.push(`| ⚠ initial losses differ: webgpu ${gpu.initLoss} vs torch ${torch.initLoss} | | | | | | | |`);
  process.stderr.write(lines.slice(-2).join("\n") + "\n");
}
const machine = `${GPU_LABEL ? GPU_LABEL + "; " : ""}${os.cpus()[0]?.model ?? "unknown CPU"} (${os.cpus().length} logical cores), ${os.platform()} ${os.release()}, Node ${process.version}`;
const out = [
  `# Training throughput on a GPU: memcap WebGPU (Dawn) vs PyTorch CUDA, same machine`,
  ``,
  `Machine: ${machine}. WebGPU adapter: ${adapter || "none"}. ${torchInfo}.`,
  `Each engine trains the same model from the same initial weights on the same data with the same batch (AdamW, warmup + cosine);`,
  `${STEPS} timed steps after one warm-up step; the clock stops after the device has finished (buffer map / cuda.synchronize).`,
  ``,
  `| model | batch | engine | steps/s | examples/s | × PyTorch CUDA | initial loss | loss after ${STEPS} steps |`,
  `|---|---|---|---|---|---|---|---|`,
  ...lines,
].join("\n") + "\n";
process.stdout.write(out);
if (MD) writeFileSync(MD, out);
