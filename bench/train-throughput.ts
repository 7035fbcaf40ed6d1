/**
 * Training throughput of memcap's CPU backend against PyTorch on CPU, both on one thread, on the same model,
 * initial weights, data, batch and schedule: memcap f32 (f32x4 WebAssembly SIMD) and f64 (f64x2, the
 * reference) against PyTorch float32 (the target) and float64 (bench/train_torch.py).
 *
 * Fairness on a shared machine: the engines run interleaved, round by round (the order flips every round), and
 * each ratio is the median over rounds of the ratio within a round (the two runs of a pair see about the same
 * load). PyTorch runs with torch.set_num_threads(1), set_num_interop_threads(1) and OPENBLAS_NUM_THREADS =
 * OMP_NUM_THREADS = MKL_NUM_THREADS = 1; its CPU time over wall time is printed and checked (≤ 1.10: one core).
 * Same work: the parameter count, batch rows and timed steps each side reports must agree, and the initial
 * whole-training-set loss (same weights, same data) must agree to float32 rounding.
 *
 *   npx tsx bench/train-throughput.ts [--steps 300] [--repeat 5] [--python python3] [--md bench/results/train-throughput.md]
 *        [--only 0,2] [--webgpu]
 *
 * --webgpu adds memcap's WebGPU backend (lavapipe on a CPU machine: a correctness path, not a speed target).
 */
import os from "node:os";
import { writeFileAtomic } from "../src/io/json-input.ts";
import type { Precision } from "../src/train/kernels-wasm.ts";
import { setupTraining } from "../src/train/trainer.ts";
import { CASES, ONE_THREAD_ENV, timeBackendIsolated, timeTorch, type Timing, type TorchTiming } from "./train-bench-lib.ts";

const args = process.argv.slice(2);
const flag = (n: string, dflt: string) => {
  const i = args.indexOf(`--${n}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const STEPS = Number(flag("steps", "300"));
const REPEAT = Number(flag("repeat", "5"));
const MD = flag("md", "");
const PYTHON = flag("python", "python3");
const WEBGPU = args.includes("--webgpu");
const ONLY = flag("only", ""); // comma-separated case numbers (0-based), for quick checks
if (!(STEPS >= 1 && REPEAT >= 1)) throw new Error("--steps and --repeat must be at least 1");

type Result = Timing | { error: string };
type EngineId = "memcap f32" | "memcap f64" | "torch f32" | "torch f64" | "memcap webgpu";
const ENGINES: EngineId[] = ["memcap f32", "torch f32", "memcap f64", "torch f64", ...(WEBGPU ? ["memcap webgpu" as const] : [])];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b), n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};
const ok = (r: Result | undefined): r is Timing => !!r && !("error" in r);
const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "—");

/** One timed run; every engine in a process of its own (memcap: bench/train-bench-worker.ts, one precision per process, as the CLI). */
function runEngine(e: EngineId, caseIndex: number, s: ReturnType<typeof setupTraining>): Result {
  if (e.startsWith("torch")) return timeTorch(s, STEPS, { python: PYTHON, device: "cpu", threads: 1, dtype: e === "torch f32" ? "float32" : "float64" });
  if (e === "memcap webgpu") return timeBackendIsolated(caseIndex, "f32", STEPS, "webgpu");
  return timeBackendIsolated(caseIndex, e.slice(-3) as Precision, STEPS);
}

const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} (${os.cpus().length} logical cores), ${os.platform()} ${os.release()}, Node ${process.version}`;
const table: string[] = [], summary: string[] = [], warnings: string[] = [];
let torchInfo = "";
const f32Ratios: number[] = [];
for (const ci of ONLY ? ONLY.split(",").map(Number) : CASES.map((_, i) => i)) {
  const c = CASES[ci]!;
  const s = setupTraining(c.config, c.batch, 1);
  const rounds: Record<EngineId, Result[]> = { "memcap f32": [], "memcap f64": [], "torch f32": [], "torch f64": [], "memcap webgpu": [] };
  for (let r = 0; r < REPEAT; r++) {
    const order = r % 2 === 0 ? ENGINES : [...ENGINES].reverse();
    process.stderr.write(`${c.label} round ${r + 1}/${REPEAT}:`);
    for (const e of order) {
      process.stderr.write(` ${e}…`);
      rounds[e].push(runEngine(e, ci, s));
    }
    process.stderr.write("\n");
  }
  // paired ratios: engine x against reference y within the same round
  const paired = (x: EngineId, y: EngineId, field: "stepsPerS" | "stepsPerCpuS") =>
    median(rounds[x].flatMap((rx, i) => { const ry = rounds[y][i]; return ok(rx) && ok(ry) ? [rx[field]! / ry[field]!] : []; }));
  for (const e of ENGINES) {
    const rs = rounds[e].filter(ok);
    const err = rounds[e].find((r) => !ok(r)) as { error: string } | undefined;
    if (rs.length === 0) {
      table.push(`| ${c.label} | ${s.batch} | ${e} | — | — | — | — | — | unavailable: ${(err?.error ?? "?").replaceAll("|", "/")} | |`);
      continue;
    }
    const walls = rs.map((r) => r.stepsPerS), cpuPerWall = median(rs.map((r) => r.stepsPerS / r.stepsPerCpuS!));
    const vs32 = e === "torch f32" ? 1 : paired(e, "torch f32", "stepsPerS"), vs32cpu = e === "torch f32" ? 1 : paired(e, "torch f32", "stepsPerCpuS");
    const vs64 = e === "memcap f64" ? paired(e, "torch f64", "stepsPerS") : NaN;
    const last = rs[rs.length - 1]!;
    table.push(
      `| ${c.label} | ${s.batch} | ${e} | ${fmt(median(walls), 1)} (${fmt(Math.min(...walls), 0)}–${fmt(Math.max(...walls), 0)}) | ${fmt(cpuPerWall)} | ${fmt(vs32)} | ${fmt(vs32cpu)} | ${fmt(vs64)} | ${last.initLoss.toFixed(5)} | ${last.finalLoss.toFixed(4)} |`,
    );
    if (e.startsWith("torch")) {
      const t = last as TorchTiming;
      torchInfo = `PyTorch ${t.torch} (BLAS ${t.blas}), ${t.threads} intra-op thread`;
      if (cpuPerWall > 1.1) warnings.push(`⚠ ${c.label}: ${e} used ${cpuPerWall.toFixed(2)} CPU-seconds per wall second: not one thread`);
    }
  }
  // same work: parameters, batch rows, timed steps; the same initial loss
  const all = ENGINES.flatMap((e) => rounds[e].filter(ok).map((r) => [e, r] as const));
  const ref = all.find(([e]) => e === "memcap f64")?.[1] ?? all[0]?.[1];
  for (const [e, r] of all) {
    if (!ref) break;
    if (r.parameters !== ref.parameters || r.batch !== ref.batch || r.steps !== ref.steps) warnings.push(`⚠ ${c.label}: ${e} did other work (${r.parameters} parameters, batch ${r.batch}, ${r.steps} steps) than memcap (${ref.parameters}, ${ref.batch}, ${ref.steps})`);
    if (Math.abs(r.initLoss - ref.initLoss) > 1e-4 * Math.max(1, Math.abs(ref.initLoss))) warnings.push(`⚠ ${c.label}: initial loss ${r.initLoss} on ${e} against ${ref.initLoss}`);
  }
  const r32 = paired("memcap f32", "torch f32", "stepsPerS"), r64 = paired("memcap f64", "torch f32", "stepsPerS"), r64l = paired("memcap f64", "torch f64", "stepsPerS");
  f32Ratios.push(r32);
  const torchCpu = median(rounds["torch f32"].filter(ok).map((r) => r.stepsPerS / r.stepsPerCpuS!));
  summary.push(
    `| ${c.label} | ${ref?.parameters ?? "—"} | ${s.batch} | ${STEPS} | ${fmt(r32)} | ${fmt(r64)} | ${fmt(r64l)} | ${fmt(torchCpu)} |`,
  );
  process.stderr.write(`${summary[summary.length - 1]}\n`);
}
const met = f32Ratios.every((r) => r >= 1);
const out = [
  `# Training throughput: memcap CPU backend (f32 and f64) vs PyTorch CPU, one thread each`,
  ``,
  `Machine: ${machine}; load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(" / ")} (shared with other jobs). ${torchInfo}.`,
  `Command: \`npx tsx bench/train-throughput.ts --steps ${STEPS} --repeat ${REPEAT}${PYTHON !== "python3" ? ` --python ${PYTHON}` : ""}${WEBGPU ? " --webgpu" : ""}${ONLY ? ` --only ${ONLY}` : ""}\`.`,
  `Each engine trains the same model from the same initial weights on the same data with the same batch (AdamW, warmup + cosine),`,
  `${STEPS} timed steps after one warm-up step. Engines interleaved (order flipped every round), ${REPEAT} rounds per model;`,
  `steps/s is the median round (min–max); each ratio is the median over rounds of the ratio within one round.`,
  `PyTorch is on one thread: torch.set_num_threads(1), set_num_interop_threads(1) and ${Object.entries(ONE_THREAD_ENV).map(([k, v]) => `${k}=${v}`).join(", ")};`,
  `its CPU time / wall time (column "CPU/wall") is checked to be ≤ 1.10. memcap's CPU/wall includes V8's compiler and GC threads.`,
  ``,
  `## Ratios (memcap / PyTorch, one thread each; > 1: memcap faster)`,
  ``,
  `| model | parameters | batch | steps | memcap f32 / PyTorch f32 | memcap f64 / PyTorch f32 | memcap f64 / PyTorch f64 | PyTorch CPU/wall |`,
  `|---|---|---|---|---|---|---|---|`,
  ...summary,
  ``,
  met ? `**Target met**: memcap f32 ≥ 1× PyTorch f32 (one thread) on every model (${f32Ratios.map((r) => fmt(r)).join(", ")}).` : `**Target not met** on every model: memcap f32 / PyTorch f32 = ${f32Ratios.map((r) => fmt(r)).join(", ")}.`,
  ...(warnings.length ? ["", ...warnings] : ["", "Same work checked: every engine reported the same parameter count, batch and timed steps, and the same initial loss (to 1e-4 relative)."]),
  ``,
  `## Per engine`,
  ``,
  `| model | batch | engine | steps/s (wall, median (min–max)) | CPU/wall | × PyTorch f32 (wall) | × PyTorch f32 (CPU time) | × PyTorch f64 (wall) | initial loss | loss after ${STEPS} steps |`,
  `|---|---|---|---|---|---|---|---|---|---|`,
  ...table,
].join("\n") + "\n";
process.stdout.write(out);
if (MD) writeFileAtomic(MD, out);
