/**
 * Training throughput of memcap's CPU backend against PyTorch on CPU, both on one thread, on the same model,
 * initial weights, data, batch and schedule: memcap f32 (f32x4 WebAssembly SIMD) and f64 (f64x2, the
 * reference) against PyTorch float32 (the target) and float64 (bench/train_torch.py).
 *
 * Every engine runs in a long-lived process of its own (memcap: bench/train-bench-worker.ts, one precision per
 * process, as `memcap train` runs; PyTorch: train_torch.py --serve), started once per model, then asked for one
 * timed block of --steps steps per round. Fairness on a shared machine: the engines run interleaved, round by
 * round (the order flips every round), and each ratio is the median over rounds of the ratio within a round (the
 * two runs of a pair see about the same load). PyTorch runs with torch.set_num_threads(1), set_num_interop_threads(1) and OPENBLAS_NUM_THREADS =
 * OMP_NUM_THREADS = MKL_NUM_THREADS = 1; its CPU time over wall time is printed and checked (≤ 1.10: one core).
 * Same work: the parameter count, batch rows and timed steps each side reports must agree, and the initial
 * whole-training-set loss (same weights, same data) must agree to float32 rounding.
 *
 *   npx tsx bench/train-throughput.ts [--steps 300] [--repeat 5] [--python python3] [--md bench/results/train-throughput.md]
 *        [--only 0,2] [--webgpu]
 *
 * --webgpu adds memcap's WebGPU backend (lavapipe on a CPU machine: a correctness path, not a speed target).
 */
import { spawnSync } from "node:child_process";
import os from "node:os";
import { writeFileAtomic } from "../src/io/output.ts";
import type { Precision } from "../src/train/kernels-wasm.ts";
import { setupTraining } from "../src/train/trainer.ts";
import { CASES, Engine, ONE_THREAD_ENV, type EngineInfo, type Timing } from "./train-bench-lib.ts";

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
// the peer is PyTorch: without it there is no ratio to print (the engines' pipes would break mid-run)
if (spawnSync(PYTHON, ["-c", "import torch"], { stdio: "ignore" }).status !== 0) {
  console.log(`train-throughput: skipped: ${PYTHON} cannot import torch (give --python PATH to an interpreter that can)`);
  process.exit(0);
}

type Result = (Timing & { busiestThreadShare?: number }) | { error: string };
type EngineId = "memcap f32" | "memcap f64" | "torch f32" | "torch f64" | "memcap webgpu";
const ENGINES: EngineId[] = ["memcap f32", "torch f32", "memcap f64", "torch f64", ...(WEBGPU ? ["memcap webgpu" as const] : [])];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b), n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
};
const ok = (r: Result | undefined): r is Timing & { busiestThreadShare?: number } => !!r && !("error" in r);
const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "—");

/** Starts one engine in its own long-lived process (memcap: bench/train-bench-worker.ts, one precision per process, as the CLI). */
async function startEngine(e: EngineId, caseIndex: number, s: ReturnType<typeof setupTraining>): Promise<{ engine: Engine; info: EngineInfo }> {
  if (e.startsWith("torch")) return Engine.torch(s, STEPS, PYTHON, e === "torch f32" ? "float32" : "float64");
  if (e === "memcap webgpu") return Engine.memcap(caseIndex, "f32", STEPS, "webgpu");
  return Engine.memcap(caseIndex, e.slice(-3) as Precision, STEPS);
}

const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} (${os.cpus().length} logical cores), ${os.platform()} ${os.release()}, Node ${process.version}`;
const table: string[] = [], summary: string[] = [], warnings: string[] = [];
let torchInfo = "";
const f32Ratios: number[] = [];
let torchShare = NaN;
for (const ci of ONLY ? ONLY.split(",").map(Number) : CASES.map((_, i) => i)) {
  const c = CASES[ci]!;
  const s = setupTraining(c.config, c.batch, 1);
  const rounds: Record<EngineId, Result[]> = { "memcap f32": [], "memcap f64": [], "torch f32": [], "torch f64": [], "memcap webgpu": [] };
  // every engine starts once (set-up, initial loss, one untimed warm-up step), then trains one timed block per round
  const engines = new Map<EngineId, { engine: Engine; info: EngineInfo } | { error: string }>();
  for (const e of ENGINES) engines.set(e, await startEngine(e, ci, s).catch((err: Error) => ({ error: err.message.split("\n")[0]! })));
  for (let r = 0; r < REPEAT; r++) {
    const order = r % 2 === 0 ? ENGINES : [...ENGINES].reverse();
    process.stderr.write(`${c.label} round ${r + 1}/${REPEAT}:`);
    for (const e of order) {
      process.stderr.write(` ${e}…`);
      const en = engines.get(e)!;
      if ("error" in en) {
        rounds[e].push(en);
        continue;
      }
      const t = await en.engine.round().catch((err: Error) => ({ error: err.message }));
      rounds[e].push("error" in t ? t : { ...t, initLoss: en.info.initLoss, finalLoss: NaN, parameters: en.info.parameters, batch: en.info.batch });
    }
    process.stderr.write("\n");
  }
  for (const e of ENGINES) {
    const en = engines.get(e)!;
    if ("error" in en) continue;
    const finalLoss = await en.engine.finish().catch(() => NaN);
    for (const r of rounds[e]) if (ok(r)) r.finalLoss = finalLoss;
    if (en.info.torch) torchInfo = `PyTorch ${en.info.torch} (BLAS ${en.info.blas}), ${en.info.threads} intra-op thread`;
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
      const shares: number[] = rs.flatMap((r) => (typeof r.busiestThreadShare === "number" ? [r.busiestThreadShare] : []));
      if (cpuPerWall > 1.1) warnings.push(`⚠ ${c.label}: ${e} used ${cpuPerWall.toFixed(2)} CPU-seconds per wall second: not one thread`);
      if (shares.length && Math.min(...shares) < 0.95) warnings.push(`⚠ ${c.label}: ${e}'s busiest thread did only ${(100 * Math.min(...shares)).toFixed(0)}% of its CPU time in a round: not one thread`);
      if (e === "torch f32") torchShare = shares.length ? Math.min(...shares) : NaN;
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
  const c32 = paired("memcap f32", "torch f32", "stepsPerCpuS"), c64 = paired("memcap f64", "torch f32", "stepsPerCpuS");
  f32Ratios.push(r32, c32);
  const torchCpu = median(rounds["torch f32"].filter(ok).map((r) => r.stepsPerS / r.stepsPerCpuS!));
  summary.push(
    `| ${c.label} | ${ref?.parameters ?? "—"} | ${s.batch} | ${STEPS} × ${REPEAT} | **${fmt(r32)}** / ${fmt(c32)} | ${fmt(r64)} / ${fmt(c64)} | ${fmt(r64l)} | ${fmt(torchCpu)} | ${Number.isFinite(torchShare) ? `${(100 * torchShare).toFixed(0)}%` : "—"} |`,
  );
  process.stderr.write(`${summary[summary.length - 1]}\n`);
}
const met = f32Ratios.every((r) => r >= 1);
const out = [
  `# Training throughput: memcap CPU backend (f32 and f64) vs PyTorch CPU, one thread each`,
  ``,
  `Machine: ${machine}; load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(" / ")} (${os.loadavg()[0]! > os.cpus().length ? "more jobs than cores: wall times include waiting for a core" : "no more jobs than cores"}). ${torchInfo}.`,
  `Command: \`npx tsx bench/train-throughput.ts --steps ${STEPS} --repeat ${REPEAT}${PYTHON !== "python3" ? ` --python ${PYTHON}` : ""}${WEBGPU ? " --webgpu" : ""}${ONLY ? ` --only ${ONLY}` : ""}\`.`,
  `Each engine trains the same model from the same initial weights on the same data with the same batch (AdamW, warmup + cosine),`,
  `one untimed warm-up step, then ${REPEAT} rounds of ${STEPS} timed steps per engine, each engine in a process of its own that`,
  `stays up for the model's rounds; engines interleaved round by round (order flipped every round);`,
  `steps/s is the median round (min–max); each ratio is the median over rounds of the ratio within one round.`,
  `PyTorch is on one thread: torch.set_num_threads(1), set_num_interop_threads(1) and ${Object.entries(ONE_THREAD_ENV).map(([k, v]) => `${k}=${v}`).join(", ")};`,
  `Checked in every round: its CPU time / wall time ≤ 1.10 (below 1: the process waited for a core, the machine being loaded) and`,
  `its busiest thread did ≥ 95% of its CPU time (per-thread CPU ticks from /proc). memcap's CPU time includes V8's compiler and GC threads.`,
  ``,
  `## Ratios (memcap / PyTorch, one thread each; > 1: memcap faster)`,
  ``,
  `Each cell: wall-clock ratio / CPU-time ratio (medians of the per-round ratios).`,
  ``,
  `| model | parameters | batch | steps × rounds | memcap f32 / PyTorch f32 | memcap f64 / PyTorch f32 | memcap f64 / PyTorch f64 (wall) | PyTorch CPU/wall | PyTorch's busiest thread (least round) |`,
  `|---|---|---|---|---|---|---|---|---|`,
  ...summary,
  ``,
  met ? `**Target met**: memcap f32 ≥ 1× PyTorch f32 (one thread) on every model, in wall clock and in CPU time.` : `**Target not met** on every model (a ratio above is below 1).`,
  ...(warnings.length ? ["", ...warnings] : ["", "Same work checked: every engine reported the same parameter count, batch and timed steps, and the same initial loss (to 1e-4 relative)."]),
  ``,
  `## Per engine`,
  ``,
  `| model | batch | engine | steps/s (wall, median (min–max)) | CPU/wall | × PyTorch f32 (wall) | × PyTorch f32 (CPU time) | × PyTorch f64 (wall) | initial loss | loss after ${STEPS * REPEAT} steps |`,
  `|---|---|---|---|---|---|---|---|---|---|`,
  ...table,
].join("\n") + "\n";
process.stdout.write(out);
if (MD) writeFileAtomic(MD, out);
