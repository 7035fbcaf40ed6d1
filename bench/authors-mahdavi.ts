/**
 * Mahdavi et al.'s accuracy-vs-H recipe, memcap against the authors' own PyTorch code, side by side on the
 * same reduced recipe (examples/experiments/mahdavi-recipe.ts REDUCED): per-H accuracy of both (whole
 * training set, the kept best-loss weights — FLOAT measurements), their difference, wall and CPU time of
 * both and the wall-time ratio torch/memcap. The authors' code runs through bench/mahdavi_authors.py,
 * which imports their modules from their checkout, with torch.set_num_threads(1) and OPENBLAS/OMP/MKL
 * threads 1; CPU time ≈ wall time is checked and printed. Also checked: memcap's weights loaded into their
 * model give the same per-example loss (the same function), training both from the same weights on the same
 * examples in the same batches gives the same validation losses (the same optimizer, schedule and
 * checkpointing), torch's
 * parameter count equals memcap's, and
 * their scheduler's rate at every step equals memcap's `learningRate(…, warmupStart)`.
 *
 * Skips with one line (exit 0) when the authors' code or a Python with torch is missing.
 *
 *   npx tsx bench/authors-mahdavi.ts [--H 1,4] [--seed 42] [--restarts 1] [--minSteps 3000]
 *       [--authors-dir DIR | MEMCAP_MAHDAVI_AUTHORS=DIR] [--python PY | MEMCAP_PYTHON=PY (default python3)]
 */
import { spawnSync } from "node:child_process";
import { learningRate } from "../src/train/schedule.ts";
import { authorsParameters, findAuthors, forwardCheck, trainCheck, memcapOptions, REDUCED, runAuthors, runMemcap, trainSteps, type MahdaviSize, type RunResult } from "../examples/experiments/mahdavi-recipe.ts";

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const KNOWN = ["H", "seed", "restarts", "minSteps", "authors-dir", "python"];
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i]!;
  if (!k.startsWith("--") || !KNOWN.includes(k.slice(2)) || process.argv[i + 1] === undefined) {
    console.error(`memcap: unknown or incomplete flag ${k} (known: ${KNOWN.map((x) => `--${x} VALUE`).join(", ")})`);
    process.exit(2);
  }
}
const nums = (s: string) => s.split(",").map(Number);
const Hs = nums(arg("H") ?? "1,4");
const seed = Number(arg("seed") ?? 42), restarts = Number(arg("restarts") ?? 1);
const size: MahdaviSize = { ...REDUCED, minSteps: Number(arg("minSteps") ?? REDUCED.minSteps) };
if ([...Hs, seed, restarts, size.minSteps].some((x) => !Number.isInteger(x) || x < 0) || restarts < 1) {
  console.error("memcap: --H, --seed, --restarts and --minSteps take non-negative integers (restarts ≥ 1)");
  process.exit(2);
}
const seeds = Array.from({ length: restarts }, (_, r) => seed + r);

const setup = findAuthors(arg("authors-dir"), arg("python"));
if ("skip" in setup) {
  console.log(`authors-mahdavi skipped: ${setup.skip}`);
  process.exit(0);
}
const probe = spawnSync(setup.python, ["-c", "import torch, numpy; print(torch.__version__)"], { encoding: "utf8" });
if (probe.status !== 0) {
  console.log(`authors-mahdavi skipped: ${setup.python} cannot import torch and numpy (pass --python PY or set MEMCAP_PYTHON)`);
  process.exit(0);
}

const steps = trainSteps(size);
console.log(`Mahdavi et al. accuracy vs H, the authors' recipe at reduced size: N ${size.N}, d ${size.d}, n ${size.n}, d_h ${size.dh}, ${size.classes} classes, batch ${size.batch}, up to ${steps} steps (early stop at accuracy 1), validation every ${size.validateEvery}; seeds ${seeds.join(", ")}`);
console.log(`memcap: CPU backend, float64, one thread. Authors' code: ${setup.dir} through bench/mahdavi_authors.py, torch ${probe.stdout.trim()} float32, torch.set_num_threads(1), OPENBLAS/OMP/MKL_NUM_THREADS=1. The machine is shared and may be loaded.`);
console.log("Accuracies are whole-training-set argmax accuracies of the kept weights: FLOAT measurements.\n");

let failed = false;
// the same function: memcap's weights loaded into their BaselineAttention give the same per-example loss
for (const [H, sz] of [...Hs.map((H) => [H, size] as const), [2, { ...size, dh: 6 }] as const]) {
  const fc = await forwardCheck(setup, sz, H, 16, seed);
  const ok = fc.maxDiff <= 1e-6 && fc.torchParameters === fc.memcapParameters;
  if (!ok) failed = true;
  console.log(`forward pass, same weights and 16 inputs, H ${H}, d_h ${sz.dh}: max |cross-entropy difference| ${fc.maxDiff.toExponential(1)} (losses up to ${fc.maxLoss.toFixed(2)}; float64 both, their positional table float32); parameters ${fc.memcapParameters} memcap, ${fc.torchParameters} torch${ok ? "" : " — DIFFERS"}`);
}
// the same training: from the same weights on the same examples in the same batches (memcap's order given to their DataLoader)
{
  const tc = await trainCheck(setup, { ...size, epochs: 100, minSteps: 200, validateEvery: 10 }, 2, size.N, seed);
  const n = Math.min(tc.memcap.validationLosses.length, tc.torch.validationLosses.length);
  let worst = 0;
  for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(tc.memcap.validationLosses[i]! - tc.torch.validationLosses[i]!));
  const ok = tc.memcap.validationLosses.length === tc.torch.validationLosses.length && worst < 1e-3;
  if (!ok) failed = true;
  console.log(`training, same weights, ${size.N} examples, same batches of ${size.batch}, H 2, 200 steps, validation every 10: ${n} whole-set losses, max |difference| ${worst.toExponential(1)} (memcap float64, torch float32); kept weights: loss ${tc.memcap.loss.toFixed(5)} / ${tc.torch.loss.toFixed(5)}, accuracy ${tc.memcap.accuracy.toFixed(4)} / ${tc.torch.accuracy.toFixed(4)} (memcap / torch)${ok ? "" : " — DIFFERS"}`);
}
console.log("");

const memcap: RunResult[] = [];
for (const H of Hs) for (const s of seeds) memcap.push(await runMemcap(size, H, s));
const torch = await runAuthors(setup, size, Hs, seeds);

// the same work: parameter counts, and the learning rate at every step
const badCounts = [...memcap.map((r) => ({ who: "memcap", r })), ...torch.runs.map((r) => ({ who: "torch", r }))].filter(({ r }) => r.parameters !== authorsParameters(size, r.H));
if (badCounts.length) failed = true;
const o = memcapOptions(size);
let worstLr = 0;
torch.lrTrace.forEach((lr, t) => (worstLr = Math.max(worstLr, Math.abs(learningRate("cosine", o.lr!, o.warmup!, steps, t, o.warmupStart) - lr) / lr)));
const lrOk = torch.lrTrace.length === steps && worstLr < 1e-9;
if (!lrOk) failed = true;

const f3 = (x: number) => x.toFixed(3), f1 = (x: number) => x.toFixed(1);
const rows: string[][] = [["H", "params", "memcap acc", "torch acc", "difference", "memcap wall s", "torch wall s", "torch/memcap wall", "memcap cpu/wall", "torch cpu/wall"]];
for (const H of Hs) {
  const m = memcap.filter((r) => r.H === H), a = torch.runs.filter((r) => r.H === H);
  const mean = (rs: RunResult[], k: "accuracy" | "wallS" | "cpuS") => rs.reduce((s, r) => s + (r[k] ?? 0), 0) / rs.length;
  const mw = mean(m, "wallS"), aw = mean(a, "wallS");
  rows.push([String(H), String(m[0]!.parameters), f3(mean(m, "accuracy")), f3(mean(a, "accuracy")), (mean(m, "accuracy") - mean(a, "accuracy") >= 0 ? "+" : "") + f3(mean(m, "accuracy") - mean(a, "accuracy")), f1(mw), f1(aw), (aw / mw).toFixed(2), (mean(m, "cpuS") / mw).toFixed(2), (mean(a, "cpuS") / aw).toFixed(2)]);
}
const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => r[j]!.length)));
for (const r of rows) console.log(r.map((c, j) => c.padStart(widths[j]!)).join("  "));
const torchCpu = torch.runs.reduce((s, r) => s + (r.cpuS ?? 0), 0), torchWall = torch.runs.reduce((s, r) => s + r.wallS, 0);
const memWall = memcap.reduce((s, r) => s + r.wallS, 0), memCpu = memcap.reduce((s, r) => s + (r.cpuS ?? 0), 0);
console.log(`\nsteps made by memcap: ${memcap.map((r) => `H${r.H}/seed ${r.seed}: ${r.steps}`).join(", ")}`);
console.log(badCounts.length ? `parameter counts DIFFER: ${badCounts.map(({ who, r }) => `${who} H${r.H} ${r.parameters} vs ${authorsParameters(size, r.H)}`).join(", ")}` : `parameter counts: memcap = torch = the shape formula d² + d + H(2·d·d_h + 2d) + classes·(d + 1): ${Hs.map((H) => `H${H} ${authorsParameters(size, H)}`).join(", ")}`);
console.log(`learning rate, every one of ${steps} steps: max relative difference memcap vs torch's scheduler ${worstLr.toExponential(1)}${lrOk ? "" : " — DIFFERS"}`);
console.log(`torch one thread: CPU ${f1(torchCpu)} s over wall ${f1(torchWall)} s = ${(torchCpu / torchWall).toFixed(2)} (≤ 1 means one core at most; below 1 the process waited for a core on the loaded machine)${torchCpu / torchWall > 1.2 ? " — MORE THAN ONE THREAD BUSY" : ""}`);
console.log(`total wall: memcap ${f1(memWall)} s, torch ${f1(torchWall)} s, torch/memcap ${(torchWall / memWall).toFixed(2)}; CPU time: memcap ${f1(memCpu)} s, torch ${f1(torchCpu)} s, torch/memcap ${(torchCpu / memCpu).toFixed(2)} (the ratio that the load on a shared machine disturbs less)`);
if (torchCpu / torchWall > 1.2) failed = true;
process.exit(failed ? 1 : 0);
