/**
 * A capacity sweep: the pending configurations of a grid shard (those not already finished in the
 * JSONL file) are searched on a pool of worker threads (or in-process with `workers: 0`), and each
 * finished configuration is appended to the file the moment it finishes. Records come back in
 * completion order; `runSweep` returns them with the already-finished ones, in grid order.
 *
 * @example
 *   const grid = parseGrid("H=1,2;d=4;dh=4;vocab=5", "aot");
 *   const r = await runSweep({ grid, settings: DEFAULT_SEARCH, shard: { index: 0, count: 1 }, out: "s.jsonl", workers: 2 });
 */
import { UserError } from "../../src/errors.ts";
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { describePoint, shardIndices, type Grid, type Shard } from "./grid.ts";
import { makeJob, type CapacityJob, type ProbeRecord, type SearchSettings } from "./probe.ts";
import { searchJob, type CapacityRecord } from "./search-job.ts";
import { appendRecord, loadFinished } from "./store.ts";

export type SweepEvent =
  | { type: "start"; total: number; pending: number; skipped: number; truncatedBytes: number; workers: number }
  | { type: "probe"; index: number; point: string; probe: ProbeRecord }
  | { type: "done"; index: number; point: string; record: CapacityRecord; finished: number; pending: number };

/** Searches one job; the default is `searchJob` (tests substitute a fake trainer). */
export type Executor = (job: CapacityJob, index: number, onProbe: (p: ProbeRecord) => void) => Promise<CapacityRecord>;

export interface SweepOptions {
  grid: Grid;
  settings: SearchSettings;
  shard: Shard;
  /** JSONL file (absent: nothing written, nothing resumed) */
  out?: string;
  /** worker threads; 0 = run in this thread (with `executor`) */
  workers: number;
  executor?: Executor;
  onEvent?: (e: SweepEvent) => void;
}

export interface SweepResult {
  /** every configuration of the shard that is finished now, in grid order */
  records: CapacityRecord[];
  skipped: number;
  computed: number;
  seconds: number;
}

/** Default worker count: the machine's available parallelism. @example defaultWorkers() >= 1 */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Resolves every configuration of the shard into a job first, so that an invalid configuration fails
 * the whole command before anything runs (one-line RangeError).
 */
export function shardJobs(grid: Grid, settings: SearchSettings, shard: Shard): { index: number; job: CapacityJob }[] {
  return shardIndices(grid.points.length, shard).map((index) => {
    const point = grid.points[index]!;
    try {
      return { index, job: makeJob(grid.model, point, settings) };
    } catch (e) {
      throw new UserError(`configuration ${describePoint(point)}: ${e instanceof Error ? e.message : String(e)}`);
    }
  });
}

/**
 * Runs a sweep (see header). Rejects on the first failing configuration (already-written lines stay).
 */
export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const jobs = shardJobs(o.grid, o.settings, o.shard);
  const loaded = o.out ? loadFinished(o.out) : { finished: new Map<string, CapacityRecord>(), truncatedBytes: 0, badLines: 0 };
  const done = new Map<number, CapacityRecord>();
  const pending: { index: number; job: CapacityJob }[] = [];
  for (const j of jobs) {
    const r = loaded.finished.get(j.job.key);
    if (r) done.set(j.index, r);
    else pending.push(j);
  }
  const skipped = done.size;
  // one WebGPU device per process: a webgpu sweep runs its configurations in this thread
  const workers = (o.settings.backend ?? "cpu") === "webgpu" ? 0 : Math.min(o.workers, pending.length);
  o.onEvent?.({ type: "start", total: jobs.length, pending: pending.length, skipped, truncatedBytes: loaded.truncatedBytes, workers });
  let finished = 0;
  const finish = (index: number, record: CapacityRecord) => {
    if (o.out) appendRecord(o.out, record);
    done.set(index, record);
    finished++;
    o.onEvent?.({ type: "done", index, point: describePoint(o.grid.points[index]!), record, finished, pending: pending.length });
  };
  const onProbe = (index: number) => (probe: ProbeRecord) => o.onEvent?.({ type: "probe", index, point: describePoint(o.grid.points[index]!), probe });
  if (workers === 0 || o.executor) {
    const exec = o.executor ?? searchJob;
    for (const { index, job } of pending) finish(index, await exec(job, index, onProbe(index)));
  } else {
    await runPool(pending, workers, finish, (i, p) => onProbe(i)(p));
  }
  const records = [...done.entries()].sort((a, b) => a[0] - b[0]).map(([, r]) => r);
  return { records, skipped, computed: finished, seconds: (performance.now() - t0) / 1000 };
}

/** Hands jobs to `workers` worker threads, one at a time each, until all are done. */
function runPool(queue: { index: number; job: CapacityJob }[], workers: number, finish: (index: number, r: CapacityRecord) => void, probe: (index: number, p: ProbeRecord) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = 0, active = 0, failed = false;
    const pool: Worker[] = [];
    const stopAll = () => pool.forEach((w) => void w.terminate());
    const feed = (w: Worker) => {
      if (failed) return;
      if (next >= queue.length) {
        void w.terminate();
        if (--active === 0) resolve();
        return;
      }
      const { index, job } = queue[next++]!;
      w.postMessage({ index, job });
    };
    for (let i = 0; i < workers; i++) {
      const w = new Worker(new URL("../../bin/ts-worker.mjs", import.meta.url), { workerData: { module: new URL("./worker-main.ts", import.meta.url).href } });
      pool.push(w);
      active++;
      w.on("message", (m: { type: string; index: number; probe?: ProbeRecord; record?: CapacityRecord; message?: string }) => {
        if (m.type === "probe") probe(m.index, m.probe!);
        else if (m.type === "done") {
          try {
            finish(m.index, m.record!);
          } catch (e) {
            failed = true;
            stopAll();
            return reject(e);
          }
          feed(w);
        } else if (m.type === "error") {
          failed = true;
          stopAll();
          reject(new RangeError(`configuration ${m.index}: ${m.message}`));
        }
      });
      w.on("error", (e) => {
        failed = true;
        stopAll();
        reject(e);
      });
      feed(w);
    }
  });
}
