/**
 * The pieces of bench/authors-dana.ts that need neither PyTorch nor a training run: flag parsing, where the
 * authors' code and the Python come from, the job each side receives, and the table assembled from the JSON
 * the two sides print (bench/authors_dana.py for the authors' code, examples/experiments/dana.ts --json for
 * memcap). Every accuracy here is a float training measurement (FLOAT).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UserError } from "../src/errors.ts";

/** Dana et al.'s two experiments as their notebook runs them (experiments.ipynb, cells "Experiment 1" and "Experiment 6"). */
export const EXPERIMENTS = {
  1: { N: 50, d: 10, dh: 10, Hs: [1, 6, 11, 16, 21, 26, 31], notebookRestarts: 5, quickHs: [1, 16, 31] },
  6: { N: 10, d: 2, dh: 2, Hs: [1, 5, 9, 13, 17, 21], notebookRestarts: 20, quickHs: [1, 9, 17] },
} as const;
/** The recipe both sides share (experiments.ipynb "Common hyper-parameters"; train.py). */
export const RECIPE = { batchSize: 256, numBatch: 64, epochs: 64, lr: 0.1, lrLow: 0.1 * 5e-2, last: 100, notebookSeed: 2222 } as const;
/** The reduced budget of a default run (a few minutes on a 2-core machine); `--full` lifts it. */
export const QUICK = { epochs: 16, restarts: 3 } as const;

export interface BenchOptions {
  exp: 1 | 6;
  Hs: number[];
  restarts: number;
  epochs: number;
  /** memcap's dataset seed (dana.ts --seed; initial weights: seed + 1000·(restart + 1) + H) */
  seed: number;
  /** the seed the authors' code starts torch with (their notebook's: 2222) */
  authorsSeed: number;
  precisions: ("f32" | "f64")[];
  authorsDir: string | undefined;
  python: string;
  md: string | undefined;
  full: boolean;
}

const VALUE_FLAGS = ["exp", "H", "restarts", "epochs", "seed", "authors-seed", "precisions", "authors-dir", "python", "md"] as const;

/**
 * Parses the bench's flags over the environment's MEMCAP_DANA_AUTHORS / MEMCAP_PYTHON. Bad input: UserError.
 * @example parseBenchArgs(["--exp", "6", "--full"], {}).restarts // 20
 */
export function parseBenchArgs(argv: readonly string[], env: Record<string, string | undefined>): BenchOptions {
  const v = new Map<string, string>();
  let full = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--full") {
      full = true;
      continue;
    }
    const k = a.replace(/^--/, "");
    if (!a.startsWith("--") || !(VALUE_FLAGS as readonly string[]).includes(k)) throw new UserError(`unknown flag ${a} (known: --${VALUE_FLAGS.join(", --")}, --full)`);
    const val = argv[i + 1];
    if (val === undefined || val.startsWith("--")) throw new UserError(`--${k} needs a value`);
    v.set(k, val);
    i++;
  }
  const int = (k: string, dflt: number, min: number): number => {
    const s = v.get(k);
    if (s === undefined) return dflt;
    const n = Number(s);
    if (!Number.isInteger(n) || n < min) throw new UserError(`--${k} must be an integer ≥ ${min}, got "${s}"`);
    return n;
  };
  const exp = int("exp", 1, 1);
  if (exp !== 1 && exp !== 6) throw new UserError(`--exp must be 1 or 6, got ${exp}`);
  const spec = EXPERIMENTS[exp];
  const Hs = v.has("H")
    ? v.get("H")!.split(",").map((s) => {
        const n = Number(s);
        if (!Number.isInteger(n) || n < 1) throw new UserError(`--H takes a comma list of head counts ≥ 1, got "${v.get("H")}"`);
        return n;
      })
    : [...(full ? spec.Hs : spec.quickHs)];
  const epochs = int("epochs", full ? RECIPE.epochs : QUICK.epochs, 1);
  // the accuracy reads the last + 1 batches; an epoch is numBatch batches
  if (epochs * RECIPE.numBatch < RECIPE.last + 1) throw new UserError(`--epochs ${epochs} gives ${epochs * RECIPE.numBatch} batches, fewer than the ${RECIPE.last + 1} the accuracy reads`);
  const precisions = (v.get("precisions") ?? "f32,f64").split(",").map((p) => {
    if (p !== "f32" && p !== "f64") throw new UserError(`--precisions takes f32, f64 or f32,f64, got "${v.get("precisions")}"`);
    return p;
  });
  return {
    exp, Hs, epochs, full, precisions,
    restarts: int("restarts", full ? spec.notebookRestarts : QUICK.restarts, 1),
    seed: int("seed", 1, 0),
    authorsSeed: int("authors-seed", RECIPE.notebookSeed, 0),
    authorsDir: v.get("authors-dir") ?? (env.MEMCAP_DANA_AUTHORS || undefined),
    python: v.get("python") ?? (env.MEMCAP_PYTHON || "python3"),
    md: v.get("md"),
  };
}

/** What is missing on the authors' side before Python is asked (null: nothing found missing yet). */
export function missingAuthorsDir(dir: string | undefined): string | null {
  if (!dir) return "the authors' code is not given (--authors-dir DIR or MEMCAP_DANA_AUTHORS, a checkout of leodana2000/Transformer_Attentional_Memory)";
  if (!existsSync(dir)) return `the authors' directory ${dir} does not exist`;
  for (const f of ["models.py", "train.py", "utils.py"]) if (!existsSync(join(dir, f))) return `${f} is not in ${dir} (expected a checkout of leodana2000/Transformer_Attentional_Memory)`;
  return null;
}

/** The job bench/authors_dana.py reads on stdin. */
export function authorsJob(o: BenchOptions): Record<string, unknown> {
  const s = EXPERIMENTS[o.exp];
  return { exp: o.exp, N: s.N, d: s.d, dh: s.dh, Hs: o.Hs, restarts: o.restarts, epochs: o.epochs, batch_size: RECIPE.batchSize, num_batch: RECIPE.numBatch, lr: RECIPE.lr, lr_low: RECIPE.lrLow, seed: o.authorsSeed, last: RECIPE.last };
}

/** The arguments of memcap's side: examples/experiments/dana.ts at the same settings, one precision. */
export function memcapArgs(o: BenchOptions, precision: "f32" | "f64"): string[] {
  return ["examples/experiments/dana.ts", "--exp", String(o.exp), "--H", o.Hs.join(","), "--restarts", String(o.restarts), "--epochs", String(o.epochs), "--seed", String(o.seed), "--precision", precision, "--json"];
}

/** What bench/authors_dana.py prints (its last stdout line). */
export interface AuthorsResult {
  torch: string;
  threads: number;
  blas: string;
  dtype: string;
  seed: number;
  rows: { H: number; runs: { accuracy: number; wall_s: number; cpu_s: number; batches: number }[]; parameters_total: number; parameters_used: number; unused: string[] }[];
}
/** What examples/experiments/dana.ts --json prints (the fields read here). */
export interface MemcapResult {
  N: number;
  d: number;
  dh: number;
  seed: number;
  epochs: number;
  batch: number;
  examples: number;
  arithmetic: string;
  rows: { H: number; accuracy: number; restarts: number[]; parameters: number; seconds: number; cpuSeconds: number }[];
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
/** Sample standard deviation (n − 1); 0 for a single value. */
export const sd = (xs: readonly number[]) => {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1));
};

export interface ComparisonRow {
  H: number;
  authors: { mean: number; sd: number; n: number; wall: number; cpu: number; parametersUsed: number; parametersTotal: number; unused: string[] };
  memcap: Partial<Record<"f32" | "f64", { mean: number; sd: number; n: number; wall: number; cpu: number; parameters: number }>>;
}

/**
 * Pairs the two sides' rows by H and checks that they did the same work: the same H values, restarts, epochs
 * (batches recorded), and the same number of trained parameters — the authors' parameters that their forward
 * pass reaches against memcap's count. Throws an Error naming the first disagreement.
 */
export function compare(o: BenchOptions, a: AuthorsResult, m: Partial<Record<"f32" | "f64", MemcapResult>>): ComparisonRow[] {
  const spec = EXPERIMENTS[o.exp];
  for (const [p, r] of Object.entries(m)) {
    if (r.N !== spec.N || r.d !== spec.d || r.dh !== spec.dh) throw new Error(`memcap ${p} ran N ${r.N}, d ${r.d}, d_h ${r.dh}, not Experiment ${o.exp}'s ${spec.N}, ${spec.d}, ${spec.dh}`);
    if (r.epochs !== o.epochs || r.batch !== RECIPE.batchSize || r.examples !== RECIPE.batchSize * RECIPE.numBatch) throw new Error(`memcap ${p} ran ${r.epochs} epochs of batch ${r.batch} on ${r.examples} sequences, not ${o.epochs} of ${RECIPE.batchSize} on ${RECIPE.batchSize * RECIPE.numBatch}`);
  }
  return o.Hs.map((H) => {
    const ar = a.rows.find((r) => r.H === H);
    if (!ar) throw new Error(`the authors' run has no row for H = ${H}`);
    if (ar.runs.length !== o.restarts) throw new Error(`the authors' run did ${ar.runs.length} restarts at H = ${H}, not ${o.restarts}`);
    for (const run of ar.runs) if (run.batches !== o.epochs * RECIPE.numBatch) throw new Error(`the authors' run recorded ${run.batches} batches at H = ${H}, not ${o.epochs} × ${RECIPE.numBatch}`);
    const accs = ar.runs.map((r) => r.accuracy);
    const row: ComparisonRow = {
      H,
      authors: { mean: mean(accs), sd: sd(accs), n: accs.length, wall: ar.runs.reduce((s, r) => s + r.wall_s, 0), cpu: ar.runs.reduce((s, r) => s + r.cpu_s, 0), parametersUsed: ar.parameters_used, parametersTotal: ar.parameters_total, unused: ar.unused },
      memcap: {},
    };
    for (const [p, r] of Object.entries(m) as ["f32" | "f64", MemcapResult][]) {
      const mr = r.rows.find((x) => x.H === H);
      if (!mr) throw new Error(`memcap ${p} has no row for H = ${H}`);
      if (mr.restarts.length !== o.restarts) throw new Error(`memcap ${p} did ${mr.restarts.length} restarts at H = ${H}, not ${o.restarts}`);
      if (mr.parameters !== ar.parameters_used) throw new Error(`parameter counts differ at H = ${H}: the authors' AoT trains ${ar.parameters_used} (of ${ar.parameters_total}), memcap ${p} ${mr.parameters}`);
      row.memcap[p] = { mean: mean(mr.restarts), sd: sd(mr.restarts), n: mr.restarts.length, wall: mr.seconds, cpu: mr.cpuSeconds, parameters: mr.parameters };
    }
    return row;
  });
}

/** |memcap − authors| within twice the sample sd of the authors' restarts ("—" with one restart). */
export function withinSpread(memcapMean: number, authors: { mean: number; sd: number; n: number }): "yes" | "no" | "—" {
  if (authors.n < 2) return "—";
  return Math.abs(memcapMean - authors.mean) <= 2 * authors.sd ? "yes" : "no";
}

/**
 * The Markdown tables of a comparison: accuracy (with the parameter counts) and time; `outside` lists the H
 * values where memcap's mean is outside 2 sd of the authors' restarts, `warnings` a PyTorch run off one thread.
 */
export function comparisonTables(rows: readonly ComparisonRow[], precisions: readonly ("f32" | "f64")[]): { accuracy: string[]; time: string[]; warnings: string[]; outside: string[] } {
  const f3 = (x: number) => x.toFixed(3), f1 = (x: number) => x.toFixed(1), f2 = (x: number) => x.toFixed(2), sgn = (x: number) => (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(3);
  const table = (head: string[], body: string[][]) => [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...body.map((c) => `| ${c.join(" | ")} |`)];
  const warnings: string[] = [], outside: string[] = [];
  const accHead = ["H", "authors (mean ± sd)", ...precisions.flatMap((p) => [`memcap ${p} (mean ± sd)`, `${p} − authors`, `${p} within 2 sd`]), "parameters trained (authors = memcap)", "authors' module total"];
  const timeHead = ["H", "authors wall s", "authors CPU s", "authors CPU/wall", ...precisions.flatMap((p) => [`memcap ${p} wall s`, `memcap ${p} CPU s`, `authors / memcap ${p}: wall`, `: CPU`])];
  const accBody: string[][] = [], timeBody: string[][] = [];
  for (const r of rows) {
    const acc = [String(r.H), `${f3(r.authors.mean)} ± ${f3(r.authors.sd)}`];
    const time = [String(r.H), f1(r.authors.wall), f1(r.authors.cpu), f2(r.authors.cpu / r.authors.wall)];
    for (const p of precisions) {
      const m = r.memcap[p]!;
      const w = withinSpread(m.mean, r.authors);
      if (w === "no") outside.push(`H = ${r.H} (${p}: ${sgn(m.mean - r.authors.mean)}, authors' sd ${f3(r.authors.sd)})`);
      acc.push(`${f3(m.mean)} ± ${f3(m.sd)}`, sgn(m.mean - r.authors.mean), w);
      time.push(f1(m.wall), f1(m.cpu), f2(r.authors.wall / m.wall), f2(r.authors.cpu / m.cpu));
    }
    acc.push(String(r.authors.parametersUsed), `${r.authors.parametersTotal}${r.authors.unused.length ? ` (${r.authors.unused.join(", ")} never read)` : ""}`);
    if (r.authors.cpu / r.authors.wall > 1.1) warnings.push(`⚠ H = ${r.H}: the authors' run used ${f2(r.authors.cpu / r.authors.wall)} CPU-seconds per wall second: not one thread`);
    accBody.push(acc);
    timeBody.push(time);
  }
  return { accuracy: table(accHead, accBody), time: table(timeHead, timeBody), warnings, outside };
}
