/**
 * Searches one configuration (a CapacityJob) end to end: builds the example pool, runs the
 * exponential-then-binary search with restarts, and returns the JSONL record. Runs in a worker thread
 * (worker-main.ts) or in-process.
 *
 * @example const rec = await searchJob(makeJob("aot", { H: 1, d: 2, dh: 2, vocab: 4 }, DEFAULT_SEARCH));
 */
import { compileGraph } from "../../src/train/graph.ts";
import { buildModel } from "../../src/train/models.ts";
import { examplePool, runProbe, type CapacityJob, type ProbeRecord } from "./probe.ts";
import { runProbeBatched } from "./batched-probe.ts";
import { searchCapacity } from "./search.ts";
import { bestAccuracyAt, type BestAccuracy } from "./definition.ts";

/** One line of a capacity JSONL file. */
export interface CapacityRecord {
  key: string;
  model: string;
  point: Record<string, number | string>;
  index: number;
  capacity: number;
  capped: boolean;
  criterion: string;
  threshold: number | null;
  restarts: number;
  seed: number;
  dataSeed: number;
  range: [number, number];
  /** trainable parameters of the trained model (from its graph) */
  parameters: number;
  steps: number;
  lr: number;
  batch: number;
  probes: ProbeRecord[];
  seconds: number;
  /** training backend (absent in records written before backends were selectable: cpu) */
  backend?: "cpu" | "webgpu";
  /** restarts trained side by side in one set of dispatches (webgpu --batched) */
  batched?: boolean;
  arithmetic: "float64" | "float32";
  /** best restart at the smallest size NOT memorized: a separate figure, never the capacity */
  bestAccuracy?: BestAccuracy | null;
  note: string;
}

export const FLOAT_NOTE = "float training measurement (float64 on the CPU backend, float32 on WebGPU): 'memorized' means every example's float argmax/sign was correct (or the float loss was below the threshold); not a certificate";

/**
 * Runs the search for a job. `onProbe` is called after every probe (progress).
 * @example const rec = await searchJob(job, 0, (p) => console.error(p.n, p.ok));
 */
export async function searchJob(job: CapacityJob, index = 0, onProbe?: (p: ProbeRecord) => void): Promise<CapacityRecord> {
  const t0 = performance.now();
  const pool = examplePool(job);
  const res = await searchCapacity(async (n) => {
    // batched restarts only where they can share dispatches (webgpu, more than one restart)
    const batched = job.settings.batched && job.settings.backend === "webgpu" && job.settings.restarts > 1;
    const p = batched ? await runProbeBatched(job, n, pool) : await runProbe(job, n, pool);
    onProbe?.(p);
    return p;
  }, { min: job.min, max: job.max });
  const parameters = compileGraph(buildModel({ ...job.config, examples: 1 }, 1)).graph.paramCount;
  return {
    key: job.key, model: job.model, point: job.point, index, capacity: res.capacity, capped: res.capped,
    criterion: job.settings.criterion, threshold: job.settings.criterion === "loss" ? job.settings.threshold : null,
    restarts: job.settings.restarts, seed: job.settings.seed, dataSeed: job.dataSeed, range: [job.min, job.max], parameters,
    steps: job.train.steps, lr: job.train.lr, batch: job.train.batch, probes: res.probes,
    seconds: Math.round((performance.now() - t0)) / 1000, backend: job.settings.backend ?? "cpu", ...(job.settings.batched ? { batched: true } : {}),
    arithmetic: (job.settings.backend ?? "cpu") === "cpu" ? "float64" : "float32", bestAccuracy: bestAccuracyAt(res.probes), note: FLOAT_NOTE,
  };
}
