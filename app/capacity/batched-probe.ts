/**
 * A capacity probe whose R restarts train side by side in one set of WebGPU dispatches
 * (src/train/webgpu-batched.ts) instead of one after another. The record is the sequential probe's:
 * restarts listed in order up to the first that meets the criterion (the later ones were trained too,
 * in the same dispatches, and are dropped so that the record — and the search — do not depend on
 * batching); the seconds of each listed restart are the batch's wall time divided by R.
 *
 * @example const p = await runProbeBatched(job, 10, examplePool(job)); // same n / ok / restarts as runProbe on webgpu
 */
import type { Dataset } from "../../src/train/models.ts";
import { trainBatched } from "../../src/train/webgpu-batched.ts";
import { meetsCriterion, restartSeed, restartSetup, type CapacityJob, type ProbeRecord, type RestartRecord } from "./probe.ts";

export async function runProbeBatched(job: CapacityJob, n: number, pool: Dataset): Promise<ProbeRecord> {
  const R = job.settings.restarts;
  const setups = Array.from({ length: R }, (_, r) => restartSetup(job, pool, n, r));
  const opts = setups.map((_, r) => ({ ...job.train, seed: restartSeed(job, n, r) }));
  const t0 = performance.now();
  const results = await trainBatched(setups, opts);
  const each = Math.round((performance.now() - t0) / R) / 1000;
  const restarts: RestartRecord[] = [];
  for (const res of results) {
    const record: RestartRecord = { seed: res.seed, accuracy: res.accuracy, correct: res.correct, loss: res.loss, steps: res.steps, seconds: each };
    restarts.push(record);
    if (meetsCriterion(job, record, n)) return { n, ok: true, restarts };
  }
  return { n, ok: false, restarts };
}
