/**
 * Query/context datasets for the Mahdavi–Liao–Thrampoulidis setting (docs/mahdavi.md#data).
 *
 * Example t is a query x(t) ∈ Q^d, a context E(t) ∈ Q^{n×d} (n tokens) and a label: a rational
 * (regression) or a class index in [0, K) (classification). Contexts are either shared (one E for all
 * examples, the paper's "fixed" mode) or one per example ("random" mode).
 *
 * File format (`memcap construct mha --data FILE`), JSON:
 *   {
 *     "format": "memcap-mha-data", "version": 1,          (both optional)
 *     "queries":  [[x_11, …, x_1d], …],                     T rows of d rationals
 *     "context":  [[e_11, …, e_1d], …],                     n rows: ONE shared context, or
 *     "contexts": [[[…], …], …],                            T contexts of n rows each (per example)
 *     "labels":   ["0.25", "3/7", …],                       T rationals (regression), or
 *     "labels":   [0, 2, 1, …], "classes": K                T class indices in [0, K)
 *   }
 * Every number is an exact rational: a JSON integer, "p/q", or a finite decimal ("0.125", "1e-3").
 *
 * The generator draws U[0,1] coordinates on the dyadic grid 2^-bits (exact rationals, exactly
 * representable as doubles), from a seeded PRNG (never Math.random).
 *
 * @example
 *   const ds = generateMhaDataset({ d: 16, n: 5, T: 17, context: "shared", seed: 3 });
 *   ds.queries.length // 17
 */
import { z } from "zod";
import { SplitMix32 } from "../random.ts";
import { Rational } from "../numbers/rational.ts";
import { UserError } from "../errors.ts";
import { parseEntry, validate } from "../io/json-input.ts";

export const MHA_DATA_FORMAT = "memcap-mha-data";

export type MhaLabels = { kind: "regression"; values: Rational[] } | { kind: "classes"; classes: number; values: number[] };

export interface MhaDataset {
  d: number;
  n: number;
  /** T × d. */
  queries: Rational[][];
  /** T contexts of n × d; when `shared`, every entry is the same array object. */
  contexts: Rational[][][];
  shared: boolean;
  labels: MhaLabels;
  /** How it was made (generator options and seed), for the certificate. */
  origin: Record<string, unknown>;
}

/** U[0,1) on the grid 2^-bits, exactly (a dyadic rational; bits ≤ 30). */
export function dyadicUniform(rng: SplitMix32, bits: number): Rational {
  return Rational.of(BigInt(rng.u32() >>> (32 - bits)), 1n << BigInt(bits));
}

export interface MhaGenOptions {
  d: number;
  n: number;
  T: number;
  context: "shared" | "random";
  seed: number;
  /** Class labels in [0, classes) instead of U[0,1] regression labels. */
  classes?: number;
  /** Grid of the coordinates: 2^-bits (default 16). */
  bits?: number;
}

/**
 * Draws a dataset like the authors' experiments: queries and context tokens i.i.d. U[0,1]^d (dyadic),
 * labels U[0,1] (regression) or uniform classes.
 *
 * @example
 *   generateMhaDataset({ d: 8, n: 3, T: 5, context: "random", seed: 1, classes: 3 }).labels.kind // "classes"
 */
export function generateMhaDataset(o: MhaGenOptions): MhaDataset {
  const bits = o.bits ?? 16;
  if (!(bits >= 1 && bits <= 30)) throw new UserError(`bits must be in [1, 30], got ${bits}`);
  const rng = new SplitMix32(o.seed);
  const vec = () => Array.from({ length: o.d }, () => dyadicUniform(rng, bits));
  const queries = Array.from({ length: o.T }, vec);
  const sharedCtx = o.context === "shared" ? Array.from({ length: o.n }, vec) : null;
  const contexts = Array.from({ length: o.T }, () => sharedCtx ?? Array.from({ length: o.n }, vec));
  const labels: MhaLabels =
    o.classes !== undefined
      ? { kind: "classes", classes: o.classes, values: Array.from({ length: o.T }, () => rng.int(o.classes!)) }
      : { kind: "regression", values: Array.from({ length: o.T }, () => dyadicUniform(rng, bits)) };
  return {
    d: o.d,
    n: o.n,
    queries,
    contexts,
    shared: sharedCtx !== null,
    labels,
    origin: { generator: "uniform-dyadic", d: o.d, n: o.n, T: o.T, context: o.context, seed: o.seed, bits, ...(o.classes !== undefined ? { classes: o.classes } : {}) },
  };
}

const Num = z.union([z.number(), z.string()]);
const Row = z.array(Num).min(1);
export const MhaDataFileSchema = z
  .object({
    format: z.literal(MHA_DATA_FORMAT).optional(),
    version: z.literal(1).optional(),
    queries: z.array(Row).min(1),
    context: z.array(Row).min(1).optional(),
    contexts: z.array(z.array(Row).min(1)).min(1).optional(),
    labels: z.array(Num).min(1),
    classes: z.number().int().min(2).optional(),
  })
  .refine((f) => (f.context === undefined) !== (f.contexts === undefined), "give exactly one of \"context\" (shared) or \"contexts\" (one per example)");

/**
 * Parses and checks a dataset file's JSON (see the header for the format); every problem is a
 * one-line UserError naming the file and the entry.
 *
 * @example
 *   parseMhaDataset({ queries: [[1, 0]], context: [[0, 1]], labels: ["1/2"] }, "inline").shared // true
 */
export function parseMhaDataset(data: unknown, file: string): MhaDataset {
  const f = validate(MhaDataFileSchema, data, file);
  const T = f.queries.length;
  const d = f.queries[0]!.length;
  const mat = (rows: (string | number)[][], where: string, cols: number) =>
    rows.map((row, i) => {
      if (row.length !== cols) throw new UserError(`${file}: ${where}[${i}] has ${row.length} entries, expected ${cols} (d)`);
      return row.map((v, j) => parseEntry(v, `${file}: ${where}[${i}][${j}]`));
    });
  const queries = mat(f.queries, "queries", d);
  let contexts: Rational[][][];
  let n: number;
  if (f.context) {
    n = f.context.length;
    const E = mat(f.context, "context", d);
    contexts = Array.from({ length: T }, () => E);
  } else {
    const cs = f.contexts!;
    if (cs.length !== T) throw new UserError(`${file}: ${cs.length} contexts for ${T} queries`);
    n = cs[0]!.length;
    contexts = cs.map((c, t) => {
      if (c.length !== n) throw new UserError(`${file}: contexts[${t}] has ${c.length} tokens, contexts[0] has ${n}`);
      return mat(c, `contexts[${t}]`, d);
    });
  }
  if (f.labels.length !== T) throw new UserError(`${file}: ${f.labels.length} labels for ${T} queries`);
  let labels: MhaLabels;
  if (f.classes !== undefined) {
    const K = f.classes;
    const values = f.labels.map((v, t) => {
      if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v >= K) throw new UserError(`${file}: labels[${t}] must be a class index in [0, ${K}), got ${JSON.stringify(v)}`);
      return v;
    });
    labels = { kind: "classes", classes: K, values };
  } else {
    labels = { kind: "regression", values: f.labels.map((v, t) => parseEntry(v, `${file}: labels[${t}]`)) };
  }
  return { d, n, queries, contexts, shared: f.context !== undefined, labels, origin: { file } };
}

/**
 * The dataset as the file format's JSON (rationals as "p/q" strings).
 *
 * @example
 *   parseMhaDataset(mhaDatasetToJson(ds), "x") // round-trips
 */
export function mhaDatasetToJson(ds: MhaDataset): Record<string, unknown> {
  const m = (rows: Rational[][]) => rows.map((r) => r.map((v) => v.toString()));
  return {
    format: MHA_DATA_FORMAT,
    version: 1,
    queries: m(ds.queries),
    ...(ds.shared ? { context: m(ds.contexts[0]!) } : { contexts: ds.contexts.map(m) }),
    ...(ds.labels.kind === "classes" ? { classes: ds.labels.classes, labels: ds.labels.values } : { labels: ds.labels.values.map((v) => v.toString()) }),
  };
}

/**
 * The certificate's inline dataset: vocabulary = every distinct query and context vector, each
 * sequence = the n context token indices followed by the query's index (the query is last).
 *
 * @example
 *   const { vocabulary, sequences } = mhaSequences(ds); sequences[0].length // n + 1
 */
export function mhaSequences(ds: MhaDataset): { vocabulary: string[][]; sequences: number[][] } {
  const index = new Map<string, number>();
  const vocabulary: string[][] = [];
  const id = (v: Rational[]): number => {
    const row = v.map((x) => x.toString());
    const key = row.join(",");
    let i = index.get(key);
    if (i === undefined) {
      i = vocabulary.length;
      index.set(key, i);
      vocabulary.push(row);
    }
    return i;
  };
  const sequences = ds.queries.map((x, t) => [...ds.contexts[t]!.map(id), id(x)]);
  return { vocabulary, sequences };
}
