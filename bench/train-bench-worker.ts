/**
 * One memcap timing in a process of its own, for bench/train-throughput.ts: the CLI trains one precision per
 * process, and a process that ran both would leave V8's inline caches polymorphic over Float32Array and
 * Float64Array (and would share a warmed-up JIT between engines). Prints one JSON line: a Timing.
 *
 *   node --import tsx bench/train-bench-worker.ts CASE_INDEX PRECISION STEPS [BACKEND]
 */
import type { BackendName } from "../src/train/backends.ts";
import type { Precision } from "../src/train/kernels-wasm.ts";
import { setupTraining } from "../src/train/trainer.ts";
import { CASES, timeBackend } from "./train-bench-lib.ts";

const [ci, precision, steps, backend] = process.argv.slice(2);
const c = CASES[Number(ci)];
if (!c || !(Number(steps) >= 1)) throw new Error("usage: train-bench-worker.ts CASE_INDEX PRECISION STEPS [BACKEND]");
const s = setupTraining(c.config, c.batch, 1);
const t = await timeBackend((backend ?? "cpu") as BackendName, s, Number(steps), undefined, precision as Precision);
process.stdout.write(JSON.stringify(t) + "\n");
