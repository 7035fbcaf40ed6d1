/**
 * Where a CPU training step spends its time: runs the benchmark's cases on memcap's CPU backend and
 * prints the time per primitive kernel kind (forward, backward, Adam), summed over `--steps` steps.
 *
 *   npx tsx bench/train-cpu-profile.ts [--steps 50] [--case i] [--precision f32|f64]
 *
 * Kernels run one by one here; a real step fuses elementwise neighbours into one closure (cpu.ts).
 */
import { CpuBackend } from "../src/train/cpu.ts";
import type { Kernel } from "../src/train/graph.ts";
import { assembleBatch } from "../src/train/models.ts";
import { batchOrder, setupTraining } from "../src/train/trainer.ts";
import type { Precision } from "../src/train/kernels-wasm.ts";
import { CASES } from "./train-bench-lib.ts";

const i = process.argv.indexOf("--steps");
const STEPS = i >= 0 ? Number(process.argv[i + 1]) : 50;
const only = process.argv.indexOf("--case");
const pi = process.argv.indexOf("--precision");
const PRECISION = (pi >= 0 ? process.argv[pi + 1] : "f64") as Precision;
for (const c of only >= 0 ? [CASES[Number(process.argv[only + 1])]!] : CASES) {
  const s = setupTraining(c.config, c.batch, 1);
  const be = new CpuBackend(s.program, PRECISION);
  await be.setParams(s.params);
  const next = batchOrder(s.data.size, s.batch, 1);
  const acc = new Map<string, number>(), cur = new Map<string, number>();
  const time = (label: string, f: () => void) => {
    const t0 = performance.now();
    f();
    cur.set(label, (cur.get(label) ?? 0) + performance.now() - t0);
  };
  const kernels: [string, Kernel][] = [
    ["zero", s.program.zeroGrads],
    ...s.program.forward.map((k) => [`F ${k.k}`, k] as [string, Kernel]),
    ...s.program.backward.map((k) => [`B ${k.k}`, k] as [string, Kernel]),
  ];
  for (let t = 0; t < STEPS + 5; t++) {
    if (t >= 5) for (const [k, v] of cur) acc.set(k, Math.min(acc.get(k) ?? Infinity, v));
    cur.clear();
    time("batch", () => be.setBatch(assembleBatch(s.data, next())));
    for (const [label, k] of kernels) time(label, () => be.run(k));
    time("adam", () => be.adamStep({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: true, t: t + 1 }));
  }
  const total = [...acc.values()].reduce((a, b) => a + b, 0);
  console.log(`${c.label} (${PRECISION}): ${total.toFixed(2)} ms/step (sum of per-kind minima), ${kernels.length} kernels, P = ${s.program.graph.paramCount}`);
  for (const [k, v] of [...acc].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(14)} ${v.toFixed(3)} ms  ${((100 * v) / total).toFixed(1)}%`);
}
