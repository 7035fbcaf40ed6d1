/**
 * One memcap engine in a process of its own, for bench/train-throughput.ts: the CLI trains one precision per
 * process, and a process that ran both would leave V8's inline caches polymorphic over Float32Array and
 * Float64Array (and would share a warmed-up JIT between engines).
 *
 *   node --import tsx bench/train-bench-worker.ts CASE_INDEX PRECISION STEPS [BACKEND]
 *
 * Sets up CASES[CASE_INDEX] (the benchmark's seed 1), measures the initial whole-training-set loss, takes one
 * untimed warm-up step and prints {ready, initLoss, parameters, batch}; then, for each "go" line on stdin, trains
 * STEPS timed steps and prints {stepsPerS, stepsPerCpuS, steps}; on "end" (or end of input) prints {finalLoss}.
 * The same protocol as bench/train_torch.py --serve.
 */
import { createInterface } from "node:readline";
import type { Backend } from "../src/train/backend.ts";
import { backendFactory, type BackendName } from "../src/train/backends.ts";
import type { Precision } from "../src/train/kernels-wasm.ts";
import { evaluateAll, setupTraining } from "../src/train/trainer.ts";
import { CASES, prepareSteps } from "./train-bench-lib.ts";

const [ci, precision, stepsArg, backend] = process.argv.slice(2);
const c = CASES[Number(ci)], STEPS = Number(stepsArg);
if (!c || !(STEPS >= 1)) throw new Error("usage: train-bench-worker.ts CASE_INDEX PRECISION STEPS [BACKEND]");
const s = setupTraining(c.config, c.batch, 1);
const be: Backend = await backendFactory((backend ?? "cpu") as BackendName)(s.program, precision as Precision);
const { initLoss, step } = await prepareSteps(be, s, STEPS);
const say = (o: object) => process.stdout.write(JSON.stringify(o) + "\n");
say({ ready: true, initLoss, parameters: s.program.graph.paramCount, batch: s.batch, precision: be.precision });
let t = 1;
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== "go") break;
  const t0 = performance.now(), c0 = process.cpuUsage();
  for (let i = 0; i < STEPS; i++) step(t++);
  await be.stats(); // waits for the device
  const sec = (performance.now() - t0) / 1000, cpu = process.cpuUsage(c0);
  say({ stepsPerS: STEPS / sec, stepsPerCpuS: STEPS / ((cpu.user + cpu.system) / 1e6), steps: STEPS });
}
say({ finalLoss: (await evaluateAll(be, s.data)).loss });
be.dispose();
