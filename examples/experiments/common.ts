/**
 * Shared helpers of the experiment scripts: flag parsing (`--seed S --steps K …`), one seeded training
 * run, and writing a Markdown table next to the script. Every script accepts `--backend cpu|webgpu`
 * (default cpu, float64; webgpu trains in float32) and `--precision f32|f64` (the backend's arithmetic; the
 * CPU backend runs both, f64 by default): common.ts takes them out of argv before the script's own flags are
 * parsed. Every number these scripts print is a float training measurement.
 *
 * @example
 *   const f = flags({ seed: 1, steps: 500 }); const r = await trainOnce(MODEL_DEFAULTS.aot, { steps: f.steps }, f.seed);
 */
import { writeFileAtomic } from "../../src/io/output.ts";
import { BACKEND_PRECISIONS, BACKENDS, backendFactory, type BackendName } from "../../src/train/backends.ts";
import type { Precision } from "../../src/train/kernels-wasm.ts";
import type { ModelConfig } from "../../src/train/models.ts";
import { DEFAULT_TRAIN, setupTraining, train, type TrainOptions, type TrainSummary } from "../../src/train/trainer.ts";

/** `--backend cpu|webgpu`, removed from process.argv at load so that every script's `flags()` accepts it. */
export const BACKEND: BackendName = takeChoiceFlag(process.argv, "backend", BACKENDS) ?? "cpu";
/** `--precision f32|f64`, removed from process.argv at load; absent: the backend's default (cpu f64, webgpu f32). */
export const PRECISION: Precision = takeChoiceFlag(process.argv, "precision", BACKEND_PRECISIONS[BACKEND]) ?? BACKEND_PRECISIONS[BACKEND][0]!;
/** The arithmetic the chosen backend trains in, for the tables' notes. */
export const ARITHMETIC = BACKEND === "cpu" ? (PRECISION === "f64" ? "float64" : "float32") : "float32 (WebGPU)";

function takeChoiceFlag<T extends string>(argv: string[], name: string, choices: readonly T[]): T | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = argv[i + 1] ?? "";
  if (!(choices as readonly string[]).includes(v)) {
    // bad input: one line naming the script and exit 2, no stack trace (this runs at module load, before any script code)
    const script = (argv[1] ?? "experiment").replace(/^.*\//, "").replace(/\.ts$/, "");
    process.stderr.write(`${script}: --${name} must be one of ${choices.join(", ")}, got "${v}"\n`);
    process.exit(2);
  }
  argv.splice(i, 2);
  return v as T;
}

/**
 * Takes `--name value` (a string flag such as a path) out of process.argv before `flags()` parses the rest;
 * undefined when absent. @example const dir = takeStringFlag("authors-dir");
 */
export function takeStringFlag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`--${name} needs a value`);
  process.argv.splice(i, 2);
  return v;
}

/** Parses `--key value` pairs over defaults (numbers, comma lists of numbers, or strings) and bare `--key` switches (booleans). */
export function flags<T extends Record<string, number | number[] | boolean | string>>(defaults: T): T {
  const out: Record<string, number | number[] | boolean | string> = { ...defaults };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    const k = a[i]!.replace(/^--/, "");
    if (!(k in defaults)) throw new Error(`unknown flag --${k} (known: ${Object.keys(defaults).join(", ")})`);
    if (typeof defaults[k] === "boolean") {
      out[k] = true;
      i--;
      continue;
    }
    const v = a[i + 1] ?? "";
    if (typeof defaults[k] === "string") {
      out[k] = v;
      continue;
    }
    const nums = v.split(",").map(Number);
    if (nums.some((x) => !Number.isFinite(x))) throw new Error(`--${k} needs a number, got "${v}"`);
    out[k] = Array.isArray(defaults[k]) ? nums : nums[0]!;
  }
  return out as T;
}

/** One seeded training run on `backend` (default: the script's --backend and --precision; cpu float64, webgpu float32). */
export async function trainOnce(config: ModelConfig, o: Partial<TrainOptions>, seed: number, initSeed = seed, backend: BackendName = BACKEND): Promise<TrainSummary> {
  const opts = { ...DEFAULT_TRAIN, logEvery: 50, ...(backend === BACKEND ? { precision: PRECISION } : {}), ...o, seed: initSeed };
  const setup = setupTraining(config, opts.batch, seed, initSeed);
  return train(setup, opts, backendFactory(backend));
}

/** Writes `<name>.md` next to the scripts (atomically) and echoes it. */
export function writeTable(name: string, md: string): void {
  const path = new URL(`./${name}.md`, import.meta.url).pathname;
  writeFileAtomic(path, md.replace(/\n?$/, "\n"));
  process.stdout.write(md + "\n");
  process.stderr.write(`wrote ${path}\n`);
}

/** Least-squares slope and intercept of y on x. @example fitLine([0, 1], [1, 3]) // { slope: 2, intercept: 1 } */
export function fitLine(x: number[], y: number[]): { slope: number; intercept: number } {
  const n = x.length, mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

export const say = (s: string) => process.stderr.write(s + "\n");
