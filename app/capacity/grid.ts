/**
 * Capacity grids: the set of model configurations a capacity sweep visits, and the deterministic
 * slicing of that set into shards (for Slurm array jobs and the like).
 *
 * Syntax: `key=values;key=values;…`, values a comma-separated list of items, each item an integer,
 * an inclusive range `a..b` (step 1) or `a..b:step`, a float (lr) or a word (attn). Example:
 *   `H=1..31:5;d=10;dh=10;vocab=50`   (Dana et al. Experiment 1: H = 1, 6, …, 31)
 * Keys (which ones a model accepts is in GRID_KEYS):
 *   H heads · d model dim · dh head dim · S (alias n) sequence length · vocab (alias N, aot family: the
 *   paper's dictionary size N) · classes (mha) · blocks, m (width), q (hidden; transformer: MLP width) ·
 *   attn softmax|hardmax|uniform · steps, lr, batch, warmup (training, per configuration).
 * The number of training EXAMPLES is never a grid key: it is what the capacity search looks for.
 * Configurations enumerate as the Cartesian product in the order the keys are written, the last key
 * varying fastest; configuration j belongs to shard j mod k (round robin, so that a grid ordered by
 * growing size spreads its expensive end over every shard).
 *
 * @example
 *   const g = parseGrid("H=1..11:5;d=10", "aot"); g.points.length === 3 && g.points[1]!.H === 6
 */
import { MODEL_NAMES, type ModelName } from "../../src/train/models.ts";

export type GridValue = number | string;
export type GridPoint = Record<string, GridValue>;

export interface Grid {
  model: ModelName;
  /** keys in the order written (aliases resolved) */
  keys: string[];
  /** the Cartesian product, last key fastest */
  points: GridPoint[];
}

const AOT_FAMILY: ModelName[] = ["aot", "aot-code", "transformer"];
const COMMON = ["H", "d", "dh", "S", "attn", "steps", "lr", "batch", "warmup"];
const TRAINING_KEYS = new Set(["steps", "lr", "batch", "warmup"]);

/** The keys each model accepts. */
export const GRID_KEYS: Record<ModelName, string[]> = {
  aot: [...COMMON, "vocab"],
  "aot-code": [...COMMON, "vocab"],
  transformer: [...COMMON, "vocab", "q"],
  mha: [...COMMON, "classes"],
  ks: ["d", "S", "blocks", "m", "q", "attn", "steps", "lr", "batch", "warmup"],
};

const ALIASES: Record<string, string> = { n: "S", heads: "H", width: "m", hidden: "q" };
/** Largest grid accepted (a typo like `H=1..100000` should fail fast, not allocate). */
export const MAX_GRID_POINTS = 100_000;

export class GridError extends Error {}

function canonicalKey(raw: string, model: ModelName): string {
  if (raw === "N") {
    if (AOT_FAMILY.includes(model)) return "vocab";
    throw new GridError(`grid: N is the number of training examples for --model ${model}, which the capacity search finds; it cannot be a grid key`);
  }
  return ALIASES[raw] ?? raw;
}

function parseItem(key: string, item: string): GridValue[] {
  if (key === "attn") {
    if (!["softmax", "hardmax", "uniform"].includes(item)) throw new GridError(`grid: attn must be softmax, hardmax or uniform, got "${item}"`);
    return [item];
  }
  if (key === "lr") {
    const x = Number(item);
    if (item === "" || !Number.isFinite(x) || x <= 0) throw new GridError(`grid: lr must be a positive number, got "${item}"`);
    return [x];
  }
  const m = /^(\d+)\.\.(\d+)(?::(\d+))?$/.exec(item);
  if (m) {
    const a = Number(m[1]), b = Number(m[2]), step = m[3] === undefined ? 1 : Number(m[3]);
    if (step < 1) throw new GridError(`grid: ${key}: range step must be at least 1, got "${item}"`);
    if (b < a) throw new GridError(`grid: ${key}: empty range "${item}" (end below start)`);
    if ((b - a) / step >= MAX_GRID_POINTS) throw new GridError(`grid: ${key}: range "${item}" has more than ${MAX_GRID_POINTS} values`);
    const out: number[] = [];
    for (let v = a; v <= b; v += step) out.push(v);
    return out.map((v) => checkInt(key, v, item));
  }
  if (!/^\d+$/.test(item)) throw new GridError(`grid: ${key} takes integers or ranges a..b[:step], got "${item}"`);
  return [checkInt(key, Number(item), item)];
}

function checkInt(key: string, v: number, item: string): number {
  const min = key === "blocks" || key === "warmup" || key === "classes" ? 0 : 1;
  if (!Number.isSafeInteger(v) || v < min || v > 1 << 24) throw new GridError(`grid: ${key} must be an integer in [${min}, ${1 << 24}], got "${item}"`);
  return v;
}

/**
 * Parses a grid spec for a model; throws GridError with one line naming the problem.
 * @example parseGrid("H=1,6;d=10;dh=10;N=50", "aot").points.length === 2
 */
export function parseGrid(spec: string, model: ModelName): Grid {
  if (!MODEL_NAMES.includes(model)) throw new GridError(`grid: unknown model "${model}"`);
  const parts = spec.split(";").map((s) => s.trim()).filter((s) => s !== "");
  if (parts.length === 0) throw new GridError('grid: empty spec (expected e.g. "H=1,6,11;d=10")');
  const keys: string[] = [];
  const values: GridValue[][] = [];
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw new GridError(`grid: "${part}" is not key=values`);
    const key = canonicalKey(part.slice(0, eq).trim(), model);
    if (!GRID_KEYS[model].includes(key)) throw new GridError(`grid: unknown key "${part.slice(0, eq).trim()}" for --model ${model} (allowed: ${GRID_KEYS[model].join(", ")})`);
    if (keys.includes(key)) throw new GridError(`grid: key ${key} given twice`);
    const items = part.slice(eq + 1).split(",").map((s) => s.trim());
    if (items.some((s) => s === "")) throw new GridError(`grid: ${key} has an empty value`);
    const vals = items.flatMap((it) => parseItem(key, it));
    if (new Set(vals).size !== vals.length) throw new GridError(`grid: ${key} lists a value twice`);
    keys.push(key);
    values.push(vals);
  }
  const total = values.reduce((a, v) => a * v.length, 1);
  if (total > MAX_GRID_POINTS) throw new GridError(`grid: ${total} configurations exceed the limit of ${MAX_GRID_POINTS}`);
  const points: GridPoint[] = [];
  const rec = (i: number, acc: GridPoint) => {
    if (i === keys.length) return void points.push({ ...acc });
    for (const v of values[i]!) rec(i + 1, { ...acc, [keys[i]!]: v });
  };
  rec(0, {});
  return { model, keys, points };
}

/** Whether a grid key is a training option rather than an architecture parameter. */
export function isTrainingKey(key: string): boolean {
  return TRAINING_KEYS.has(key);
}

export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `i/k` (0 ≤ i < k, 0-based like SLURM_ARRAY_TASK_ID). @example parseShard("1/4") // { index: 1, count: 4 }
 */
export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (!m) throw new GridError(`--shard must be i/k with 0 ≤ i < k, got "${s}"`);
  const index = Number(m[1]), count = Number(m[2]);
  if (count < 1 || index >= count) throw new GridError(`--shard must be i/k with 0 ≤ i < k, got "${s}"`);
  return { index, count };
}

/**
 * Indices of the grid's configurations that belong to a shard (round robin: j mod k = i).
 * @example shardIndices(5, { index: 1, count: 2 }) // [1, 3]
 */
export function shardIndices(total: number, shard: Shard): number[] {
  const out: number[] = [];
  for (let j = shard.index; j < total; j += shard.count) out.push(j);
  return out;
}

/** A configuration point written as `k=v k=v` in grid order. @example describePoint({ H: 1, d: 10 }) // "H=1 d=10" */
export function describePoint(p: GridPoint): string {
  return Object.entries(p).map(([k, v]) => `${k}=${v}`).join(" ");
}
