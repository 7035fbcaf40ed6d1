/**
 * Look-up tables g: [N]^S → [N] (Dana et al., Assumption 1) and full-support conditionals π(· | t)
 * (Assumption 2): seeded generators and the JSON file format `--data FILE` reads (docs/dana.md).
 *
 * Association file:
 *   { "format": "memcap-associations", "version": 1, "N": 10, "S": 2,
 *     "sequences": [[0, 3], [7, 7], …], "next": [4, 1, …] }
 * Distribution file (conditionals are rationals or numbers, positive, each row summing to 1 within 1e-9;
 * they are used as exact rationals, renormalized exactly; `weights` π(t) default to uniform):
 *   { "format": "memcap-distribution", "version": 1, "N": 6, "S": 2,
 *     "sequences": [[0, 1], …], "conditionals": [["1/2", "1/4", …], …], "weights": ["1/19", …] }
 *
 * @example
 *   const table = randomLookupTable({ N: 10, S: 2, T: 100, seed: 1 });
 *   table.sequences.length // 100, distinct, each of length 2
 */
import { z } from "zod";
import { Rational } from "../numbers/rational.ts";
import { QSchema } from "../ir/network.ts";
import { readJsonFile, validate } from "../io/json-input.ts";
import { UserError } from "../errors.ts";
import { tableRng } from "../random.ts";

/** A look-up table restricted to the T₀ sequences that have nonzero probability. */
export interface LookupTable {
  N: number;
  S: number;
  sequences: number[][];
  next: number[];
}

/** Full-support conditionals π(· | t) on T sequences with sequence weights π(t) (exact rationals). */
export interface Conditionals {
  N: number;
  S: number;
  sequences: number[][];
  conditionals: Rational[][];
  weights: Rational[];
}

/** The i-th sequence of [N]^S in lexicographic order (base-N digits, first token most significant). */
export function sequenceAt(i: number, N: number, S: number): number[] {
  const t = new Array<number>(S);
  for (let s = S - 1; s >= 0; s--) {
    t[s] = i % N;
    i = Math.floor(i / N);
  }
  return t;
}

/**
 * T distinct sequences of [N]^S, seeded: the first T of a random permutation of all N^S, so that
 * tables of growing T are nested (the edge-of-capacity table relies on this).
 */
export function randomSequences(N: number, S: number, T: number, seed: number): number[][] {
  const total = N ** S;
  if (!Number.isSafeInteger(total) || total > 50_000_000) throw new UserError(`N^S = ${N}^${S} is too large to enumerate`);
  if (T > total) throw new UserError(`T = ${T} exceeds the number of sequences N^S = ${total}`);
  const rng = tableRng(seed ^ 0x5eed);
  // partial Fisher–Yates on an implicit identity array, so memory stays O(T)
  const swapped = new Map<number, number>();
  const out: number[][] = [];
  for (let i = 0; i < T; i++) {
    const j = i + rng.int(total - i);
    const vj = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out.push(sequenceAt(vj, N, S));
  }
  return out;
}

/**
 * A uniformly random look-up table g on T distinct sequences (the paper's experiments: t₁…t_S ~ Unif[N],
 * t_{S+1} = g(t) a random function).
 *
 * @example
 *   randomLookupTable({ N: 4, S: 2, T: 16, seed: 3 }).next.every((v) => v < 4) // true
 */
export function randomLookupTable(o: { N: number; S: number; T: number; seed: number }): LookupTable {
  const sequences = randomSequences(o.N, o.S, o.T, o.seed);
  const rng = tableRng(o.seed ^ 0x7ab1e);
  return { N: o.N, S: o.S, sequences, next: sequences.map(() => rng.int(o.N)) };
}

/**
 * Random full-support conditionals (Dirichlet(α = 1) via normalized −log U, quantized to exact rationals
 * with every entry ≥ 1/(N·10⁶)), on T distinct sequences with uniform weights 1/T.
 *
 * @example
 *   const c = randomConditionals({ N: 6, S: 2, T: 19, seed: 2 });
 *   c.conditionals[0]!.reduce((a, b) => a.add(b)).toString() // "1"
 */
export function randomConditionals(o: { N: number; S: number; T: number; seed: number }): Conditionals {
  const sequences = randomSequences(o.N, o.S, o.T, o.seed);
  const rng = tableRng(o.seed ^ 0xd1c1e7);
  const conditionals = sequences.map(() => {
    const m = Array.from({ length: o.N }, () => BigInt(Math.max(1, Math.round(-Math.log(1 - rng.uniform()) * 1e6))));
    const total = m.reduce((a, b) => a + b, 0n);
    return m.map((v) => Rational.of(v, total));
  });
  const w = Rational.of(1n, BigInt(o.T));
  return { N: o.N, S: o.S, sequences, conditionals, weights: sequences.map(() => w) };
}

const Header = { version: z.literal(1), N: z.number().int().min(2).max(100000), S: z.number().int().min(1).max(4096) };
const SeqList = z.array(z.array(z.number().int().nonnegative()).min(1)).min(1);

export const AssociationFileSchema = z.object({ format: z.literal("memcap-associations"), ...Header, sequences: SeqList, next: z.array(z.number().int().nonnegative()) });
export const DistributionFileSchema = z.object({
  format: z.literal("memcap-distribution"),
  ...Header,
  sequences: SeqList,
  conditionals: z.array(z.array(QSchema)),
  weights: z.array(QSchema).optional(),
});

function checkSequences(file: string, N: number, S: number, sequences: number[][]): void {
  const seen = new Set<string>();
  sequences.forEach((t, i) => {
    if (t.length !== S) throw new UserError(`${file}: sequence ${i} has length ${t.length}, expected S = ${S}`);
    const bad = t.find((v) => v >= N);
    if (bad !== undefined) throw new UserError(`${file}: sequence ${i} has token ${bad} ≥ N = ${N}`);
    const key = t.join(",");
    if (seen.has(key)) throw new UserError(`${file}: sequence ${i} (${key}) appears twice: a look-up table has one next token per sequence`);
    seen.add(key);
  });
}

/** Reads and validates an association file (see header); every problem is a one-line UserError. */
export function readLookupTable(file: string): LookupTable {
  const d = validate(AssociationFileSchema, readJsonFile(file), file);
  checkSequences(file, d.N, d.S, d.sequences);
  if (d.next.length !== d.sequences.length) throw new UserError(`${file}: ${d.next.length} next tokens for ${d.sequences.length} sequences`);
  const bad = d.next.findIndex((v) => v >= d.N);
  if (bad >= 0) throw new UserError(`${file}: next token ${d.next[bad]} of sequence ${bad} is ≥ N = ${d.N}`);
  return { N: d.N, S: d.S, sequences: d.sequences, next: d.next };
}

/** Reads a distribution file: positive conditionals summing to 1 (±1e-9), renormalized exactly. */
export function readConditionals(file: string): Conditionals {
  const d = validate(DistributionFileSchema, readJsonFile(file), file);
  checkSequences(file, d.N, d.S, d.sequences);
  if (d.conditionals.length !== d.sequences.length) throw new UserError(`${file}: ${d.conditionals.length} conditionals for ${d.sequences.length} sequences`);
  const tol = Rational.parse("1e-9");
  const conditionals = d.conditionals.map((row, i) => {
    if (row.length !== d.N) throw new UserError(`${file}: conditional ${i} has ${row.length} entries, expected N = ${d.N}`);
    const r = row.map((v) => Rational.from(v));
    if (r.some((v) => v.le(Rational.ZERO))) throw new UserError(`${file}: conditional ${i} is not full-support (Assumption 2 needs every π(j | t) > 0)`);
    const total = r.reduce((a, b) => a.add(b), Rational.ZERO);
    if (total.sub(Rational.ONE).abs().gt(tol)) throw new UserError(`${file}: conditional ${i} sums to ${total.toNumber()}, not 1`);
    return r.map((v) => v.div(total));
  });
  let weights: Rational[];
  if (d.weights) {
    if (d.weights.length !== d.sequences.length) throw new UserError(`${file}: ${d.weights.length} weights for ${d.sequences.length} sequences`);
    weights = d.weights.map((v) => Rational.from(v));
    if (weights.some((v) => v.le(Rational.ZERO))) throw new UserError(`${file}: sequence weights must be positive`);
    const total = weights.reduce((a, b) => a.add(b), Rational.ZERO);
    weights = weights.map((v) => v.div(total));
  } else {
    const w = Rational.of(1n, BigInt(d.sequences.length));
    weights = d.sequences.map(() => w);
  }
  return { N: d.N, S: d.S, sequences: d.sequences, conditionals, weights };
}
