/**
 * Exact evaluation of piecewise-linear networks (ReLU, affine, FFN, embeddings, uniform and
 * hardmax attention) over the rationals: docs/network-ir.md#evaluation.
 *
 * Built for the Kajitsuka–Sato networks (thousands of blocks, width ≤ 14, weights of thousands of
 * bits, N = 10⁴ sequences):
 *  - weights are parsed once (`compileExact`) into sparse integer rows over a per-matrix common
 *    denominator, and token states are integers with per-entry power-of-two exponents over one odd
 *    denominator (src/eval/dyadic.ts): dyadic weights cost a multiply or a shift, never a gcd per
 *    entry, and a residual block rewrites only the coordinates it changes;
 *  - token-wise layers map equal vectors to equal vectors, so the evaluator keeps a pool of
 *    DISTINCT token states and, per sequence, references into it: before the first attention layer
 *    only the distinct input tokens are evaluated, after the last one only the positions that are
 *    read; the pool is deduplicated (hash + exact equality of canonical forms) after every
 *    attention or positional layer and at the end of every run of token-wise layers;
 *  - after the last attention layer, the longest run of integer-weight ffn / affine / relu layers is
 *    evaluated on 512 vectors at a time, coordinate by coordinate, with doubles where a bound proves
 *    them exact (src/eval/columns.ts, which states the rule).
 *
 * Softmax attention has no exact value (exp of rationals is irrational): it throws, pointing to the
 * interval evaluator.
 *
 * @example
 *   const out = evaluateExact(net, [[0, 1, 2]], vocab); // out[0][0]: the output at the last position
 */
import { Rational } from "../numbers/rational.ts";
import type { Layer, Network, Q } from "../ir/network.ts";
import {
  type DMat,
  type DScalar,
  type DVec,
  addVec,
  cmpScalar,
  divInt,
  dmatFromRationals,
  dvecEquals,
  dvecFromRationals,
  dvecHash,
  dvecToRationals,
  dvecNumerators,
  dvecOver,
  lcm,
  matVec,
  ffnBlock,
  dotScalar,
  isZeroVec,
  reluVec,
} from "./dyadic.ts";
import { integerTail } from "./columns.ts";

type TokenOp = (x: DVec) => DVec;

/** A token-wise stage's integer tail: ops[from…] as one columns.ts run on batches of vectors. */
type Batched = NonNullable<ReturnType<typeof integerTail>>;

/** Vectors per batch of the integer fast path. */
const BATCH = 512;

interface CHead {
  WQ: DMat;
  WK: DMat;
  WV: DMat;
  WO: DMat;
}

type Stage =
  | { kind: "tokenwise"; ops: TokenOp[]; layers: number[]; batched?: Batched }
  | { kind: "positional"; table: DVec[]; layer: number }
  | {
      kind: "attention";
      layer: number;
      attention: "hardmax" | "uniform";
      heads: CHead[];
      residual: boolean;
      scale: DScalar;
      queries: "all" | "last";
      keys: "all" | "all-but-last" | "causal";
      outDim: number;
    };

/** Progress of a long evaluation: `done` of `total` distinct vectors in stage `stage` of `stages`. */
export interface ExactProgress {
  stage: number;
  stages: number;
  done: number;
  total: number;
}

export interface ExactOptions {
  /** Called at each stage start and every 256 vectors within token-wise stages (e.g. to draw a progress bar on stderr). */
  onProgress?: (p: ExactProgress) => void;
}

/** A compiled network: call `evaluate` as often as needed; weights are parsed only once. */
export interface ExactEvaluator {
  readonly net: Network;
  /** Same contract as `evaluateExact`. */
  evaluate(sequences: number[][], vocabulary?: Rational[][], options?: ExactOptions): Rational[][][];
  /** Same, but returns the canonical DVec of every read output (no conversion to Rational). */
  evaluateDVec(sequences: number[][], vocabulary?: Rational[][], options?: ExactOptions): DVec[][];
}

const rat = (v: Q): Rational => Rational.from(v);
const ratMatrix = (m: Q[][]): Rational[][] => m.map((r) => r.map(rat));

function compileMatrix(m: Q[][], cols: number, what: string): DMat {
  try {
    return dmatFromRationals(ratMatrix(m), cols);
  } catch (e) {
    throw new RangeError(`${what}: ${(e as Error).message}`);
  }
}

function compileVector(v: Q[], dim: number, what: string): DVec {
  if (v.length !== dim) throw new RangeError(`${what}: has ${v.length} entries, expected ${dim}`);
  return dvecFromRationals(v.map(rat));
}

function compileAffine(W: DMat, b: DVec | undefined): TokenOp {
  if (!b || isZeroVec(b)) return (x) => matVec(W, x);
  return (x) => addVec(matVec(W, x), b);
}

/** Compiles a residual FFN block x + W2 ReLU(W1 x + b1) + b2 (K&S eq. (3)). */
function compileFfn(W1: DMat, b1: DVec, W2: DMat, b2: DVec): TokenOp {
  const b2Zero = isZeroVec(b2);
  return (x) => ffnBlock(x, W1, b1, W2, b2, b2Zero);
}

/** Parses a network once into stages of exact operations. Throws on softmax attention or dimension mismatches. */
export function compileExact(net: Network): ExactEvaluator {
  const stages: Stage[] = [];
  let dim = net.input.kind === "vectors" ? net.input.dim : -1;
  let embedding: DVec[] | undefined;
  const pushTokenwise = (op: TokenOp, li: number) => {
    const last = stages[stages.length - 1];
    if (last && last.kind === "tokenwise") {
      last.ops.push(op);
      last.layers.push(li);
    } else stages.push({ kind: "tokenwise", ops: [op], layers: [li] });
  };
  net.layers.forEach((layer: Layer, li) => {
    const where = `layer ${li} (${layer.type})`;
    if (layer.type === "embedding") {
      if (li !== 0 || net.input.kind !== "tokens")
        throw new RangeError(`${where}: an embedding layer must be the first layer of a network with token input`);
      if (layer.table.length !== net.input.vocab)
        throw new RangeError(`${where}: table has ${layer.table.length} rows, vocabulary has ${net.input.vocab} tokens`);
      embedding = layer.table.map((r) => dvecFromRationals(r.map(rat)));
      dim = layer.table[0]?.length ?? 0;
      return;
    }
    if (dim < 0) throw new RangeError(`${where}: a network with token input must start with an embedding layer`);
    switch (layer.type) {
      case "positional":
        stages.push({ kind: "positional", table: layer.table.map((r, p) => compileVector(r, dim, `${where} row ${p}`)), layer: li });
        return;
      case "affine": {
        const W = compileMatrix(layer.W, dim, where);
        const b = layer.b ? compileVector(layer.b, W.rows, `${where} bias`) : undefined;
        pushTokenwise(compileAffine(W, b), li);
        dim = W.rows;
        return;
      }
      case "relu":
        pushTokenwise(reluVec, li);
        return;
      case "layernorm":
        throw new Error(`${where}: layernorm (a square root) has no exact rational value in general; use the interval evaluator (evaluateInterval in src/eval/interval.ts)`);
      case "ffn": {
        const W1 = compileMatrix(layer.W1, dim, `${where} W1`);
        const W2 = compileMatrix(layer.W2, W1.rows, `${where} W2`);
        if (W2.rows !== dim) throw new RangeError(`${where}: W2 has ${W2.rows} rows, the residual needs ${dim}`);
        pushTokenwise(compileFfn(W1, compileVector(layer.b1, W1.rows, `${where} b1`), W2, compileVector(layer.b2, dim, `${where} b2`)), li);
        return;
      }
      case "attention": {
        if (layer.attention === "softmax")
          throw new Error(
            `${where}: softmax attention has no exact rational value; exact evaluation needs the interval evaluator (evaluateInterval in src/eval/interval.ts)`,
          );
        const heads = layer.heads.map((h, hi) => {
          const WQ = compileMatrix(h.WQ, dim, `${where} head ${hi} WQ`);
          const WK = compileMatrix(h.WK, dim, `${where} head ${hi} WK`);
          const WV = compileMatrix(h.WV, dim, `${where} head ${hi} WV`);
          const WO = compileMatrix(h.WO, WV.rows, `${where} head ${hi} WO`);
          if (WQ.rows !== WK.rows) throw new RangeError(`${where} head ${hi}: WQ has ${WQ.rows} rows, WK has ${WK.rows}`);
          return { WQ, WK, WV, WO };
        });
        const outDim = heads[0]!.WO.rows;
        heads.forEach((h, hi) => {
          if (h.WO.rows !== outDim) throw new RangeError(`${where} head ${hi}: WO has ${h.WO.rows} rows, head 0 has ${outDim}`);
        });
        if (layer.residual && outDim !== dim) throw new RangeError(`${where}: residual attention needs WO with ${dim} rows, got ${outDim}`);
        const s = rat(layer.scale ?? "1");
        const sv = dvecFromRationals([s]);
        stages.push({
          kind: "attention",
          layer: li,
          attention: layer.attention,
          heads,
          residual: layer.residual,
          scale: { n: sv.n[0]!, e: sv.e[0]!, o: sv.o },
          queries: layer.queries ?? "all",
          keys: layer.keys ?? "all",
          outDim,
        });
        dim = outDim;
        return;
      }
    }
  });
  const lastMixing = stages.reduce((m, s, i) => (s.kind === "attention" ? i : m), -1);
  // after the last attention layer, the longest integer tail of each token-wise stage runs in batches (columns.ts)
  stages.forEach((s, si) => {
    if (s.kind !== "tokenwise" || si < lastMixing) return;
    const tail = integerTail(s.layers.map((li) => net.layers[li]!));
    if (tail) s.batched = tail;
  });

  function run(sequences: number[][], vocabulary?: Rational[][], options: ExactOptions = {}): DVec[][] {
    const progress = options.onProgress;
    // --- initial pool: distinct input tokens only
    const pool: DVec[] = [];
    const refs: Int32Array[] = [];
    const seen = new Map<number, number>();
    let source: (t: number, where: string) => DVec;
    if (net.input.kind === "tokens") {
      const table = embedding!;
      source = (t, where) => {
        if (!Number.isInteger(t) || t < 0 || t >= table.length) throw new RangeError(`${where}: token ${t} is not in 0..${table.length - 1}`);
        return table[t]!;
      };
    } else {
      if (!vocabulary) throw new RangeError("a network with vector input needs a vocabulary (the rows sequences index)");
      const d = net.input.dim;
      source = (t, where) => {
        if (!Number.isInteger(t) || t < 0 || t >= vocabulary.length) throw new RangeError(`${where}: index ${t} is not a vocabulary row (0..${vocabulary.length - 1})`);
        const row = vocabulary[t]!;
        if (row.length !== d) throw new RangeError(`vocabulary row ${t} has ${row.length} entries, the network expects ${d}`);
        return dvecFromRationals(row);
      };
    }
    sequences.forEach((seq, s) => {
      if (seq.length === 0) throw new RangeError(`sequence ${s} is empty`);
      const r = new Int32Array(seq.length);
      seq.forEach((t, p) => {
        let k = seen.get(t);
        if (k === undefined) {
          k = pool.length;
          pool.push(source(t, `sequence ${s} position ${p}`));
          seen.set(t, k);
        }
        r[p] = k;
      });
      refs.push(r);
    });
    // Token inputs map distinct ids to possibly equal rows; dedupe from the start.
    let state = dedupe(pool, refs);

    stages.forEach((stage, si) => {
      const allLive = si <= lastMixing;
      if (!allLive) dropUnread(state.refs);
      if (stage.kind === "tokenwise") {
        const live = liveEntries(state.pool.length, state.refs);
        const next: DVec[] = new Array(state.pool.length);
        progress?.({ stage: si, stages: stages.length, done: 0, total: live.length });
        const batched = stage.batched;
        const end = batched ? batched.from : stage.ops.length;
        live.forEach((k, c) => {
          let x = state.pool[k]!;
          for (let i = 0; i < end; i++) x = stage.ops[i]!(x);
          next[k] = x;
          if (progress && !batched && (c + 1) % 256 === 0) progress({ stage: si, stages: stages.length, done: c + 1, total: live.length });
        });
        if (batched) {
          const run = batched.run;
          for (let a = 0; a < live.length; a += BATCH) {
            const part = live.slice(a, a + BATCH);
            // the integer tail on numerators over one denominator 2^e·o: W(n/D) + b = (Wn + bD)/D, σ(n/D) = σ(n)/D
            let e = 0;
            let o = 1n;
            for (const k of part) for (const x of next[k]!.e) e = Math.max(e, x);
            for (const k of part) o = lcm(o, next[k]!.o);
            const out = run(part.map((k) => dvecNumerators(next[k]!, e, o)), o << BigInt(e));
            part.forEach((k, t) => (next[k] = dvecOver(out[t]!, e, o)));
            progress?.({ stage: si, stages: stages.length, done: a + part.length, total: live.length });
          }
        }
        state = dedupe(next, state.refs);
      } else if (stage.kind === "positional") {
        const out: DVec[] = [];
        const cache = new Map<number, number>();
        const refs2 = state.refs.map((r) => {
          const r2 = new Int32Array(r.length).fill(-1);
          r.forEach((k, p) => {
            if (k < 0) return;
            if (p >= stage.table.length) throw new RangeError(`layer ${stage.layer} (positional): position ${p} beyond the table (${stage.table.length} rows)`);
            const key = k * stage.table.length + p;
            let j = cache.get(key);
            if (j === undefined) {
              j = out.length;
              out.push(addVec(state.pool[k]!, stage.table[p]!));
              cache.set(key, j);
            }
            r2[p] = j;
          });
          return r2;
        });
        state = dedupe(out, refs2);
      } else {
        progress?.({ stage: si, stages: stages.length, done: 0, total: state.refs.length });
        state = attention(stage, state.pool, state.refs);
      }
    });
    if (lastMixing === stages.length - 1 || stages.length === 0) dropUnread(state.refs);
    return state.refs.map((r) => {
      const out: DVec[] = [];
      r.forEach((k) => {
        if (k >= 0) out.push(state.pool[k]!);
      });
      return out;
    });
  }

  /** After the last attention layer only the read positions matter. */
  function dropUnread(refs: Int32Array[]): void {
    if (net.output.positions === "all") return;
    for (const r of refs) r.fill(-1, 0, r.length - 1);
  }

  return {
    net,
    evaluateDVec: run,
    evaluate(sequences, vocabulary, options) {
      const outs = run(sequences, vocabulary, options);
      const cache = new Map<DVec, Rational[]>();
      return outs.map((seq) =>
        seq.map((v) => {
          let r = cache.get(v);
          if (!r) cache.set(v, (r = dvecToRationals(v)));
          return r;
        }),
      );
    },
  };
}

function liveEntries(size: number, refs: Int32Array[]): number[] {
  const mark = new Uint8Array(size);
  for (const r of refs) for (let p = 0; p < r.length; p++) if (r[p]! >= 0) mark[r[p]!] = 1;
  const live: number[] = [];
  for (let k = 0; k < size; k++) if (mark[k]) live.push(k);
  return live;
}

/** Keeps one copy of each distinct live vector and remaps the references. */
function dedupe(pool: DVec[], refs: Int32Array[]): { pool: DVec[]; refs: Int32Array[] } {
  const out: DVec[] = [];
  const buckets = new Map<string, number[]>();
  const remap = new Int32Array(pool.length).fill(-1);
  for (const k of liveEntries(pool.length, refs)) {
    const v = pool[k]!;
    const h = dvecHash(v);
    let b = buckets.get(h);
    if (!b) buckets.set(h, (b = []));
    let j = b.find((i) => dvecEquals(out[i]!, v));
    if (j === undefined) {
      j = out.length;
      out.push(v);
      b.push(j);
    }
    remap[k] = j;
  }
  return { pool: out, refs: refs.map((r) => r.map((k) => (k < 0 ? -1 : remap[k]!))) };
}

/** The key positions a query at position i of a length-n sequence attends to. */
function keyRange(keys: "all" | "all-but-last" | "causal", i: number, n: number): [number, number] {
  if (keys === "all") return [0, n];
  if (keys === "all-but-last") return [0, n - 1];
  return [0, i + 1];
}

function attention(stage: Extract<Stage, { kind: "attention" }>, pool: DVec[], refs: Int32Array[]): { pool: DVec[]; refs: Int32Array[] } {
  const { heads } = stage;
  // q, k, v of every distinct live token state, computed once for all sequences
  const live = liveEntries(pool.length, refs);
  const Q: DVec[][] = heads.map(() => new Array(pool.length));
  const K: DVec[][] = heads.map(() => new Array(pool.length));
  const V: DVec[][] = heads.map(() => new Array(pool.length));
  heads.forEach((h, hi) => {
    for (const k of live) {
      if (stage.attention === "hardmax") {
        Q[hi]![k] = matVec(h.WQ, pool[k]!);
        K[hi]![k] = matVec(h.WK, pool[k]!);
      }
      V[hi]![k] = matVec(h.WV, pool[k]!);
    }
  });
  const out: DVec[] = [];
  const passthrough = new Map<number, number>();
  const refs2 = refs.map((r, s) => {
    const n = r.length;
    const r2 = new Int32Array(n).fill(-1);
    // uniform attention over a key set shared by all queries: one mean per sequence and head
    const meanCache = new Map<string, DVec>();
    for (let i = 0; i < n; i++) {
      if (r[i]! < 0) continue;
      const isQuery = stage.queries === "all" || i === n - 1;
      if (!isQuery) {
        let j = passthrough.get(r[i]!);
        if (j === undefined) {
          j = out.length;
          out.push(pool[r[i]!]!);
          passthrough.set(r[i]!, j);
        }
        r2[i] = j;
        continue;
      }
      const [lo, hi] = keyRange(stage.keys, i, n);
      if (hi <= lo) throw new RangeError(`layer ${stage.layer} (attention): the query at position ${i} of sequence ${s} has no key positions`);
      for (let p = lo; p < hi; p++) if (r[p]! < 0) throw new Error("internal: a key position was dropped before the last attention layer");
      let y: DVec | undefined = stage.residual ? pool[r[i]!] : undefined;
      heads.forEach((h, hj) => {
        let mean: DVec;
        if (stage.attention === "uniform") {
          const key = `${hj}:${lo}:${hi}`;
          let m = meanCache.get(key);
          if (!m) {
            let acc = V[hj]![r[lo]!]!;
            for (let p = lo + 1; p < hi; p++) acc = addVec(acc, V[hj]![r[p]!]!);
            m = divInt(acc, hi - lo);
            meanCache.set(key, m);
          }
          mean = m;
        } else {
          // hardmax: a column is 1/|I| on the exact argmax set I (ties are exact)
          const q = Q[hj]![r[i]!]!;
          let best: DScalar | undefined;
          let arg: number[] = [];
          for (let p = lo; p < hi; p++) {
            const sc = dotScalar(q, K[hj]![r[p]!]!, stage.scale);
            const c = best === undefined ? 1 : cmpScalar(sc, best);
            if (c > 0) {
              best = sc;
              arg = [p];
            } else if (c === 0) arg.push(p);
          }
          let acc = V[hj]![r[arg[0]!]!]!;
          for (let t = 1; t < arg.length; t++) acc = addVec(acc, V[hj]![r[arg[t]!]!]!);
          mean = arg.length === 1 ? acc : divInt(acc, arg.length);
        }
        const o = matVec(h.WO, mean);
        y = y === undefined ? o : addVec(y, o);
      });
      out.push(y!);
      r2[i] = out.length - 1;
    }
    return r2;
  });
  return dedupe(out, refs2);
}

/**
 * Exact outputs of a piecewise-linear network: result[i][k] is the output vector at the k-th read
 * position of sequence i (output.positions "last" → one position, "all" → every position).
 * Sequence entries are vocabulary row indices (input.kind "vectors") or token ids (input.kind "tokens").
 * Throws on softmax attention (use the interval evaluator) and on malformed inputs.
 *
 * @example
 *   evaluateExact(net, [[0, 1]], [[q(1)], [q("1/2")]])[0][0].map(String) // e.g. ["3/4"]
 */
export function evaluateExact(net: Network, sequences: number[][], vocabulary?: Rational[][], options?: ExactOptions): Rational[][][] {
  return compileExact(net).evaluate(sequences, vocabulary, options);
}
