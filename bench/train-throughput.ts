/**
 * Training throughput of the same model, data, initial weights and batch on four engines, from one run:
 * memcap's CPU backend (float64, WebAssembly SIMD matmuls, one thread), memcap's WebGPU backend (Dawn;
 * lavapipe on a CPU-only machine, float32) and PyTorch on CPU (bench/train_torch.py, float32, Debian's
 * python3-torch through /usr/bin/python3) with 1 intra-op thread and with one thread per logical core.
 * The engines run interleaved, `--repeat R` rounds per model, and each engine's best round is reported
 * (the machine is shared: the best round is the least disturbed one). Prints steps/s, examples/s and the
 * ratios against PyTorch (1 thread); `--md FILE` also writes a markdown table.
 *
 *   XDG_RUNTIME_DIR=/tmp/memcap-xdg npx tsx bench/train-throughput.ts [--steps 300] [--repeat 3] [--md bench/results/train-throughput.md] [--no-webgpu]
 *
 * Sanity check: the initial whole-training-set loss must agree across engines (same weights, same data).
 */
import os from "node:os";
import { writeFileAtomic } from "../src/io/output.ts";
import { setupTraining } from "../src/train/trainer.ts";
import { CASES, cpuRow, timeBackend, timeTorch, type Timing } from "./train-bench-lib.ts";

const args = process.argv.slice(2);
const flag = (n: string, dflt: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const STEPS = Number(flag("steps", "300"));
const MD = flag("md", "");
const PYTHON = flag("python", "/usr/bin/python3");
const WEBGPU = !args.includes("--no-webgpu");
const REPEAT = Number(flag("repeat", "3"));
const CORES = os.cpus().length;

/** The best of two rounds, wall clock and CPU time each (errors lose). */
function best<T extends Timing>(x: T | { error: string } | undefined, y: T | { error: string }): T | { error: string } {
  if (!x || "error" in x) return y;
  if ("error" in y) return x;
  const b = y.stepsPerS > x.stepsPerS ? y : x;
  return { ...b, stepsPerCpuS: Math.max(x.stepsPerCpuS ?? 0, y.stepsPerCpuS ?? 0) };
}

const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} (${os.cpus().length} logical cores), ${os.platform()} ${os.release()}, Node ${process.version}`;
const lines: string[] = [];
let torchVersion = "";
const ONLY = flag("only", ""); // comma-separated case numbers (0-based), for quick checks
for (const c of ONLY ? ONLY.split(",").map((i) => CASES[Number(i)]!) : CASES) {
  const s = setupTraining(c.config, c.batch, 1);
  type TT = ReturnType<typeof timeTorch>;
  let torch1: TT | undefined, torchN: TT | undefined, cpu: Timing | { error: string } | undefined, gpu: Timing | { error: string } | undefined;
  for (let r = 0; r < REPEAT; r++) {
    process.stderr.write(`${c.label} round ${r + 1}/${REPEAT}: torch 1 thread…`);
    torch1 = best(torch1, timeTorch(s, STEPS, { python: PYTHON, device: "cpu", threads: 1 }));
    process.stderr.write(` cpu…`);
    cpu = best(cpu, await timeBackend("cpu", s, STEPS));
    process.stderr.write(` torch ${CORES} threads…`);
    torchN = best(torchN, timeTorch(s, STEPS, { python: PYTHON, device: "cpu", threads: CORES }));
    if (WEBGPU) {
      process.stderr.write(` webgpu…`);
      try {
        gpu = best(gpu, await timeBackend("webgpu", s, STEPS));
      } catch (e) {
        gpu = { error: (e as Error).message.split("\n")[0]! };
      }
    }
    process.stderr.write(`\n`);
  }
  if (!torch1 || !torchN || !cpu) throw new Error("--repeat must be at least 1");
  gpu ??= { error: "not run (--no-webgpu)" };
  if (!("error" in torch1)) torchVersion = torch1.torch;
  const torchName = (t: TT) => ("error" in t ? "pytorch cpu" : `pytorch cpu (${t.threads} thread${t.threads > 1 ? "s" : ""})`);
  lines.push(cpuRow(c.label, s.batch, "memcap cpu (f64, wasm simd, 1 thread)", cpu, torch1));
  if (WEBGPU) lines.push(cpuRow(c.label, s.batch, "memcap webgpu (lavapipe, f32)", gpu, torch1, false));
  lines.push(cpuRow(c.label, s.batch, torchName(torch1), torch1, torch1), cpuRow(c.label, s.batch, torchName(torchN), torchN, torch1, false));
  if (!("error" in torch1) && !("error" in cpu) && Math.abs(torch1.initLoss - cpu.initLoss) > 1e-4 * Math.max(1, cpu.initLoss)) lines.push(`| ⚠ initial losses differ: memcap ${cpu.initLoss} vs torch ${torch1.initLoss} | | | | | | | | | |`);
  process.stderr.write(lines.slice(WEBGPU ? -4 : -3).join("\n") + "\n");
}
const out = [
  `# Training throughput: memcap CPU backend vs WebGPU (lavapipe) vs PyTorch CPU`,
  ``,
  `Machine: ${machine}; load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(" / ")}. PyTorch ${torchVersion}.`,
  `Command: \`XDG_RUNTIME_DIR=/tmp/memcap-xdg npx tsx bench/train-throughput.ts --steps ${STEPS} --repeat ${REPEAT}${WEBGPU ? "" : " --no-webgpu"}\`.`,
  `Each engine trains the same model from the same initial weights on the same data with the same batch size (AdamW, warmup + cosine);`,
  `${STEPS} timed steps after one warm-up step; engines interleaved, ${REPEAT} rounds per model, best round per engine. memcap CPU runs in float64 on one thread; WebGPU and PyTorch in float32.`,
  `Ratios are against PyTorch CPU with 1 intra-op thread (torch.set_num_threads(1)), the like-for-like comparison:`,
  `wall clock (best round), and CPU time of the process (best round; robust to other jobs on a shared machine, shown`,
  `only for single-threaded engines — WebGPU's and multi-threaded PyTorch's CPU time is spread over threads).`,
  ``,
  `| model | batch | engine | steps/s (wall) | examples/s | × PyTorch 1 thread (wall) | steps per CPU-second | × PyTorch 1 thread (CPU time) | initial loss | loss after ${STEPS} steps |`,
  `|---|---|---|---|---|---|---|---|---|---|`,
  ...lines,
].join("\n") + "\n";
process.stdout.write(out);
if (MD) writeFileAtomic(MD, out);
