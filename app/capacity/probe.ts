/**
 * One capacity probe: train a model on the first n examples of a configuration's seeded example pool,
 * with up to R restarts, and decide whether it memorized them (every training example counted correct,
 * or whole-set loss below a threshold). The verdict is a FLOAT measurement of a float model (float64 on
 * the CPU backend, float32 on WebGPU) — never a certificate (crosscheck re-checks candidates exactly).
 *
 * Seeds: the pool (data) seed depends on the base seed and the configuration only, so every probe of a
 * configuration sees nested prefixes of the same data; each restart's initialization/batch-order seed is
 * derived from (base seed, configuration, n, restart) and recorded in the probe.
 *
 * @example
 *   const job = makeJob("aot", { H: 2, d: 4, dh: 4, vocab: 5 }, { ...DEFAULT_SEARCH, max: 25 });
 *   const p = await runProbe(job, 10); // { n: 10, ok: …, restarts: [{ seed, accuracy, loss, … }] }
 */
import { UserError } from "../../src/errors.ts";
import type { Backend } from "../../src/train/backend.ts";
import { backendFactory, type BackendName } from "../../src/train/backends.ts";
import { compileGraph, initParams } from "../../src/train/graph.ts";
import { buildModel, datasetSize, makeDataset, MODEL_DEFAULTS, validateConfig, type Dataset, type ModelConfig, type ModelName } from "../../src/train/models.ts";
import { trainerRng } from "../../src/random.ts";
import { DEFAULT_TRAIN, train, type TrainOptions, type TrainingSetup } from "../../src/train/trainer.ts";
import type { GridPoint } from "./grid.ts";

export interface SearchSettings {
  criterion: "acc" | "loss";
  /** loss threshold (criterion "loss") */
  threshold: number;
  restarts: number;
  seed: number;
  min: number;
  /** largest n probed; 0 = the model's default (aot family: vocab^S; ks, mha: 4096) */
  max: number;
  /** training defaults a grid point may override (steps, lr, batch, warmup) */
  steps: number;
  lr: number;
  batch: number;
  warmup: number;
  /** training backend (absent: cpu); part of the job key when not cpu, since float32 and float64 runs differ */
  backend?: BackendName;
  /**
   * webgpu only: train all restarts of a probe side by side in one set of dispatches (BatchedWebGpuBackend,
   * ./batched-probe.ts; searchJob picks it) instead of one after another; the probe record is the same
   * (restarts listed up to the first success).
   */
  batched?: boolean;
}

export const DEFAULT_SEARCH: SearchSettings = { criterion: "acc", threshold: 0.01, restarts: 2, seed: 1, min: 1, max: 0, steps: 500, lr: 1e-2, batch: 256, warmup: 10 };

/** Everything a worker needs to search one configuration (structured-clone friendly). */
export interface CapacityJob {
  model: ModelName;
  point: GridPoint;
  settings: SearchSettings;
  /** identity of the (configuration, settings) pair: what resume matches on */
  key: string;
  /** the key without backend choices: what the data and restart seeds derive from */
  seedKey: string;
  config: ModelConfig;
  train: TrainOptions;
  /** resolved search range */
  min: number;
  max: number;
  dataSeed: number;
}

export interface RestartRecord {
  seed: number;
  accuracy: number;
  correct: number;
  loss: number;
  steps: number;
  seconds: number;
}

export interface ProbeRecord {
  n: number;
  ok: boolean;
  restarts: RestartRecord[];
}

/**
 * 31-bit FNV-1a hash of a string: the seed-derivation function. @example deriveSeed("1|aot|H=1") >= 0
 */
export function deriveSeed(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}

/** Grid point → model config (grid keys over the model's defaults). @example pointConfig("aot", { H: 3 }).heads === 3 */
export function pointConfig(model: ModelName, p: GridPoint): ModelConfig {
  const c: ModelConfig = { ...MODEL_DEFAULTS[model] };
  const num = (k: string) => p[k] as number;
  if ("H" in p) c.heads = num("H");
  if ("d" in p) c.d = num("d");
  if ("dh" in p) c.dh = num("dh");
  if ("S" in p) c.seqLen = num("S");
  if ("vocab" in p) c.vocab = num("vocab");
  if ("classes" in p) c.classes = num("classes");
  if ("blocks" in p) c.blocks = num("blocks");
  if ("m" in p) c.width = num("m");
  if ("q" in p) c.hidden = num("q");
  if ("attn" in p) c.attention = p.attn as ModelConfig["attention"];
  return c;
}

/** The canonical identity of a configuration under given settings: sorted keys, so the written order does not matter. */
export function jobKey(model: ModelName, p: GridPoint, s: SearchSettings): string {
  const pt = Object.keys(p).sort().map((k) => `${k}=${p[k]}`).join(",");
  const st = [`crit=${s.criterion}`, s.criterion === "loss" ? `thr=${s.threshold}` : "", `R=${s.restarts}`, `seed=${s.seed}`, `range=${s.min}..${s.max || "auto"}`, `steps=${s.steps}`, `lr=${s.lr}`, `batch=${s.batch}`, `warmup=${s.warmup}`, s.backend && s.backend !== "cpu" ? `backend=${s.backend}` : "", s.batched ? "batched" : ""].filter(Boolean).join(",");
  return `${model}|${pt}|${st}`;
}

/**
 * Resolves a grid point into a job; throws RangeError (one line) when the configuration is invalid.
 * @example makeJob("ks", { blocks: 2 }, DEFAULT_SEARCH).config.blocks === 2
 */
export function makeJob(model: ModelName, point: GridPoint, settings: SearchSettings): CapacityJob {
  const config = pointConfig(model, point);
  validateConfig(config);
  const aot = model === "aot" || model === "aot-code" || model === "transformer";
  const all = aot ? config.vocab ** config.seqLen : Infinity;
  const max = settings.max > 0 ? Math.min(settings.max, all) : aot ? Math.min(all, 1 << 16) : 4096;
  if (settings.min > max) throw new UserError(`--min-examples ${settings.min} exceeds the largest probe ${max} for ${model} ${JSON.stringify(point)}`);
  const num = (k: string, dflt: number) => (k in point ? (point[k] as number) : dflt);
  const trainOpts: TrainOptions = {
    ...DEFAULT_TRAIN, steps: num("steps", settings.steps), lr: num("lr", settings.lr), batch: num("batch", settings.batch), warmup: num("warmup", settings.warmup),
    logEvery: 25, stopAtFullAccuracy: settings.criterion === "acc",
  };
  const key = jobKey(model, point, settings);
  // seeds derive from the key WITHOUT the backend, so a cpu and a webgpu search see the same data and initial weights
  const seedKey = jobKey(model, point, { ...settings, backend: undefined, batched: undefined });
  const dataSeed = deriveSeed(`${settings.seed}|data|${seedKey}`);
  return { model, point, settings, key, seedKey, config: { ...config, examples: max }, train: trainOpts, min: settings.min, max, dataSeed };
}

/** The first n examples of a dataset (a view copy). */
function prefixDataset(pool: Dataset, n: number): Dataset {
  const floats = new Map([...pool.floats].map(([k, v]) => [k, { per: v.per, data: v.data.slice(0, n * v.per) }] as const));
  const ints = new Map([...pool.ints].map(([k, v]) => [k, { per: v.per, data: v.data.slice(0, n * v.per) }] as const));
  return { size: n, floats, ints };
}

/** The dataset permuted by a seeded permutation (aot-family pools come out sorted by sequence id). */
function shuffleDataset(ds: Dataset, seed: number): Dataset {
  const perm = trainerRng(seed).permutation(ds.size);
  const mv = <A extends Float64Array | Int32Array>(per: number, data: A): A => {
    const out = data.slice() as A;
    perm.forEach((src, dst) => out.set(data.subarray(src * per, (src + 1) * per), dst * per));
    return out;
  };
  return {
    size: ds.size,
    floats: new Map([...ds.floats].map(([k, v]) => [k, { per: v.per, data: mv(v.per, v.data) }] as const)),
    ints: new Map([...ds.ints].map(([k, v]) => [k, { per: v.per, data: mv(v.per, v.data) }] as const)),
  };
}

/** A job's example pool (max examples, seeded, shuffled); probes take prefixes of it. */
export function examplePool(job: CapacityJob): Dataset {
  const pool = makeDataset(job.config, job.dataSeed);
  if (pool.size !== datasetSize(job.config)) throw new Error("pool size mismatch");
  return shuffleDataset(pool, job.dataSeed ^ 0x51f7);
}

export interface TrainedModel {
  setup: TrainingSetup;
  /** trained parameters (float64) */
  params: Float64Array;
  record: RestartRecord;
}

/**
 * Trains one restart on the first n examples of the pool and returns the trained weights too.
 * @example const m = await trainRestart(job, examplePool(job), 10, 0); m.record.accuracy
 */
export async function trainRestart(job: CapacityJob, pool: Dataset, n: number, restart: number): Promise<TrainedModel> {
  const setup = restartSetup(job, pool, n, restart);
  const seed = restartSeed(job, n, restart);
  const make = backendFactory(job.settings.backend ?? "cpu");
  // keep the backend alive past train()'s dispose() so that the trained weights can be read back (WebGPU)
  let be: Backend | null = null, release = () => {};
  const s = await train(setup, { ...job.train, seed }, async (p) => {
    const b = await make(p);
    release = b.dispose.bind(b);
    b.dispose = () => {};
    return (be = b);
  });
  try {
    const params = (await (be as Backend | null)!.readMemory()).slice(0, setup.program.graph.paramCount);
    return { setup, params, record: { seed, accuracy: s.accuracy, correct: s.correct, loss: s.loss, steps: s.steps, seconds: Math.round(s.seconds * 1000) / 1000 } };
  } finally {
    release();
  }
}

/** The seed of restart r at size n (initial weights and batch order). */
export function restartSeed(job: CapacityJob, n: number, restart: number): number {
  return deriveSeed(`${job.settings.seed}|${job.seedKey}|n=${n}|r=${restart}`);
}

/** Data, graph and initial weights of restart r at size n: the first n pool examples, full batch up to job.train.batch. */
export function restartSetup(job: CapacityJob, pool: Dataset, n: number, restart: number): TrainingSetup {
  const data = prefixDataset(pool, n);
  const B = Math.min(job.train.batch, n);
  const program = compileGraph(buildModel({ ...job.config, examples: n }, B));
  return { config: { ...job.config, examples: n }, data, batch: B, program, params: initParams(program.graph, restartSeed(job, n, restart)) };
}

/** Whether a restart meets the job's criterion (integer count for "acc"). */
export function meetsCriterion(job: CapacityJob, r: RestartRecord, n: number): boolean {
  return job.settings.criterion === "acc" ? r.correct === n : r.loss < job.settings.threshold;
}

/**
 * Probes size n: restarts until one meets the criterion (at most settings.restarts).
 * @example const p = await runProbe(job, 10, examplePool(job)); p.ok
 */
export async function runProbe(job: CapacityJob, n: number, pool: Dataset): Promise<ProbeRecord> {
  const restarts: RestartRecord[] = [];
  for (let r = 0; r < job.settings.restarts; r++) {
    const { record } = await trainRestart(job, pool, n, r);
    restarts.push(record);
    if (meetsCriterion(job, record, n)) return { n, ok: true, restarts };
  }
  return { n, ok: false, restarts };
}
