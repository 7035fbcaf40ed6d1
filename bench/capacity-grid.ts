/**
 * Capacity-grid benchmark (issue: capacity/crosscheck):
 *  1. a grid of 24 small aot configurations, searched on W worker threads (default: all cores) and on
 *     1 worker thread in the same run: configurations per minute and the ratio;
 *  2. kill-and-resume: the CLI is spawned on another grid writing a JSONL file, killed with SIGKILL
 *     once at least 2 configurations are finished, and restarted; the script checks that every
 *     configuration finished before the kill is still there, none is repeated, and all are present.
 *
 *   npx tsx bench/capacity-grid.ts [--workers W] [--steps K]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseGrid } from "../app/capacity/grid.ts";
import { DEFAULT_SEARCH } from "../app/capacity/probe.ts";
import { runSweep } from "../app/capacity/run.ts";

const arg = (k: string, d: number) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const W = arg("workers", availableParallelism());
const steps = arg("steps", 150);
const grid = parseGrid("H=1..4;d=2,3;vocab=4,5,6;dh=2", "aot"); // 24 configurations
const settings = { ...DEFAULT_SEARCH, steps, restarts: 1 };

async function timed(workers: number): Promise<{ perMin: number; seconds: number; caps: number[] }> {
  const r = await runSweep({ grid, settings, shard: { index: 0, count: 1 }, workers });
  return { perMin: (grid.points.length / r.seconds) * 60, seconds: r.seconds, caps: r.records.map((x) => x.capacity) };
}

console.log(`capacity grid: ${grid.points.length} configurations (aot, ${steps} steps/restart, 1 restart), ${availableParallelism()} cores`);
const one = await timed(1);
const many = await timed(W);
console.log(`  1 worker : ${one.seconds.toFixed(1)} s, ${one.perMin.toFixed(1)} configurations/min`);
console.log(`  ${W} workers: ${many.seconds.toFixed(1)} s, ${many.perMin.toFixed(1)} configurations/min`);
console.log(`  speedup ${W} vs 1 worker: ${(many.perMin / one.perMin).toFixed(2)}x`);
console.log(`  same capacities on both runs (seeded): ${JSON.stringify(one.caps) === JSON.stringify(many.caps)}`);

// --- kill and resume -----------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), "memcap-bench-"));
const out = join(dir, "sweep.jsonl");
const spec = "H=1..5;d=2,3;vocab=5,6;dh=2"; // 20 configurations
const args = ["bin/memcap.mjs", "capacity", "--model", "aot", "--grid", spec, "--steps", String(steps), "--restarts", "1", "--out", out, "--workers", String(W)];
const lines = () => (existsSync(out) ? readFileSync(out, "utf8").split("\n").filter((l) => l.endsWith("}")) : []);
const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "ignore"] });
const t0 = Date.now();
await new Promise<void>((resolve) => {
  const iv = setInterval(() => {
    if (lines().length >= 2 || Date.now() - t0 > 300_000) {
      clearInterval(iv);
      child.kill("SIGKILL");
      resolve();
    }
  }, 50);
});
await new Promise((r) => child.once("exit", r));
const before = readFileSync(out, "utf8");
const finishedBefore = before.split("\n").slice(0, -1).map((l) => JSON.parse(l).key as string); // complete lines only
console.log(`kill/resume: SIGKILL after ${finishedBefore.length} finished configuration(s); file ends ${before.endsWith("\n") ? "with a complete line" : "mid-line"}`);
const rerun = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
let err = "";
rerun.stderr.on("data", (c) => (err += c));
const code = await new Promise((r) => rerun.once("exit", r));
const keys = readFileSync(out, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l).key as string);
const lost = finishedBefore.filter((k) => !keys.includes(k));
const repeated = keys.length - new Set(keys).size;
const ok = code === 0 && lost.length === 0 && repeated === 0 && new Set(keys).size === 20;
console.log(`  restart exit ${code}; ${keys.length} lines, ${new Set(keys).size}/20 distinct configurations; lost ${lost.length}, repeated ${repeated}; resumed: ${/(\d+) already in/.exec(err)?.[1] ?? "?"} skipped`);
console.log(`  kill/resume check: ${ok ? "PASS" : "FAIL"}`);
if (!ok) process.exitCode = 1;
