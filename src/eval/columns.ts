/**
 * Integer layers on many vectors at once: the exact evaluator's (exact.ts) fast path for long runs of
 * token-wise layers whose weights are all integers, such as the residual blocks of the Kajitsuka–Sato
 * networks (thousands of blocks of width 14). A batch is held coordinate by coordinate ("columns"),
 * so each layer is interpreted once per batch rather than once per vector, and small values use
 * double arithmetic. Same exact values as the per-vector path (tested against it).
 *
 * A column is either `split`: two Float64Arrays with value = high·2^32 + low, 0 ≤ low < 2^32, and
 * bounds hb ≥ |high|, lb ≥ low; or `exact`: a bigint per vector. A linear combination
 * b + Σ c_j·x_j runs on doubles only when, with c_j = ch_j·2^32 + cl_j (ch_j, cl_j carrying c_j's
 * sign, |cl_j| < 2^32) and b = bh·2^32 + bl (0 ≤ bl < 2^32), no term needs ch_j·high_j and
 *     L = bl + Σ |cl_j|·lb_j  ≤  2^53 − 1,      |bh| + Σ (|cl_j|·hb_j + |ch_j|·lb_j) + ⌊L/2^32⌋ + 1  ≤  2^53 − 1
 * (checked on bigints): then every double product and partial sum is an integer below 2^53 in
 * magnitude, so exact, and the carry ⌊low/2^32⌋ is an exact power-of-two division and floor.
 * Otherwise the combination is done on bigints.
 *
 * @example
 *   const tail = integerTail([{ type: "relu" }]); // { from: 0, run }
 *   tail?.run([[-3n, 4n]]) // [[0n, 4n]]
 */
import type { Layer, Q } from "../ir/network.ts";
import { Rational } from "../numbers/rational.ts";

const TWO32 = 4294967296;
const TWO32N = 1n << 32n;
const MASK32N = TWO32N - 1n;
const SAFE_N = (1n << 53n) - 1n;
const SPLIT_MAX_N = SAFE_N << 32n;

type Column = { kind: "split"; high: Float64Array; low: Float64Array; hb: number; lb: number } | { kind: "exact"; v: bigint[] };

/** One output coordinate of a linear map: bias + Σ coef[j]·input[from[j]]. */
interface Combination {
  from: number[];
  coef: bigint[];
  bias: bigint;
}
type IntegerLayer = { kind: "relu" } | { kind: "affine"; rows: Combination[] } | { kind: "ffn"; hidden: Combination[]; out: (Combination | null)[] };

const magnitude = (x: bigint): bigint => (x < 0n ? -x : x);

function largest(a: Float64Array): number {
  let m = 0;
  for (let t = 0; t < a.length; t++) m = Math.max(m, Math.abs(a[t]!));
  return m;
}

function column(v: bigint[]): Column {
  if (v.some((x) => x > SPLIT_MAX_N || x < -SPLIT_MAX_N)) return { kind: "exact", v };
  const high = new Float64Array(v.length);
  const low = new Float64Array(v.length);
  v.forEach((x, t) => {
    if (x <= SAFE_N && x >= -SAFE_N) {
      const d = Number(x);
      high[t] = Math.floor(d / TWO32); // exact: a power-of-two division and a floor; the low part is in [0, 2^32)
      low[t] = d - high[t]! * TWO32;
    } else {
      high[t] = Number(x >> 32n);
      low[t] = Number(x & MASK32N);
    }
  });
  return { kind: "split", high, low, hb: largest(high), lb: largest(low) };
}

function valueOf(c: Column, t: number): bigint {
  if (c.kind === "exact") return c.v[t]!;
  return c.high[t] === 0 ? BigInt(c.low[t]!) : (BigInt(c.high[t]!) << 32n) + BigInt(c.low[t]!);
}

const allZero = (c: Column): boolean => c.kind === "split" && c.hb === 0 && c.lb === 0;

function combination(input: Column[], k: Combination, size: number, D: bigint): Column {
  const terms: [Column, bigint][] = [];
  k.from.forEach((j, i) => allZero(input[j]!) || terms.push([input[j]!, k.coef[i]!]));
  if (terms.length === 1 && terms[0]![1] === 1n && k.bias === 0n) return terms[0]![0];
  const bias = k.bias * D;
  const bh = bias >> 32n;
  const bl = bias & MASK32N;
  let L = bl;
  let H = magnitude(bh);
  const parts: [number, number][] = [];
  let onDoubles = true;
  for (const [c, coef] of terms) {
    const ch = coef < 0n ? -(-coef >> 32n) : coef >> 32n;
    const cl = coef - (ch << 32n);
    if (c.kind === "exact" || (ch !== 0n && c.hb > 0)) {
      onDoubles = false;
      break;
    }
    L += magnitude(cl) * BigInt(c.lb);
    H += magnitude(cl) * BigInt(c.hb) + magnitude(ch) * BigInt(c.lb);
    parts.push([Number(ch), Number(cl)]);
  }
  if (onDoubles && L <= SAFE_N && H + (L >> 32n) + 1n <= SAFE_N) {
    const high = new Float64Array(size).fill(Number(bh));
    const low = new Float64Array(size).fill(Number(bl));
    terms.forEach(([c, _], i) => {
      const { high: xh, low: xl } = c as Extract<Column, { kind: "split" }>;
      const [ch, cl] = parts[i]!;
      if (c.kind === "split" && c.hb === 0 && ch === 0) for (let t = 0; t < size; t++) low[t]! += cl * xl[t]!;
      else
        for (let t = 0; t < size; t++) {
          low[t]! += cl * xl[t]!;
          high[t]! += cl * xh[t]! + ch * xl[t]!;
        }
    });
    for (let t = 0; t < size; t++) {
      const carry = Math.floor(low[t]! / TWO32);
      low[t]! -= carry * TWO32;
      high[t]! += carry;
    }
    return { kind: "split", high, low, hb: largest(high), lb: largest(low) };
  }
  const v = new Array<bigint>(size);
  for (let t = 0; t < size; t++) {
    let s = bias;
    for (const [c, coef] of terms) {
      if (c.kind === "split" && c.high[t] === 0 && c.low[t] === 0) continue;
      const x = valueOf(c, t);
      // the products by ±1 and the first term are the BigInt operations saved (each allocates)
      s = coef === 1n ? (s === 0n ? x : s + x) : coef === -1n ? s - x : s + coef * x;
    }
    v[t] = s;
  }
  return column(v);
}

function rectify(c: Column): Column {
  if (c.kind === "exact") return column(c.v.map((x) => (x > 0n ? x : 0n)));
  const high = c.high.slice();
  const low = c.low.slice();
  for (let t = 0; t < high.length; t++) if (high[t]! < 0) high[t] = low[t] = 0; // negative ⇔ high < 0
  return { kind: "split", high, low, hb: largest(high), lb: largest(low) };
}

function combinations(W: Rational[][], b: Rational[] | undefined, offset: number): Combination[] | null {
  const out: Combination[] = [];
  for (let i = 0; i < W.length; i++) {
    const from: number[] = [];
    const coef: bigint[] = [];
    for (let j = 0; j < W[i]!.length; j++) {
      const w = W[i]![j]!;
      if (w.den !== 1n) return null;
      if (w.num !== 0n) from.push(offset + j), coef.push(w.num);
    }
    const bi = b?.[i];
    if (bi && bi.den !== 1n) return null;
    out.push({ from, coef, bias: bi?.num ?? 0n });
  }
  return out;
}

const rats = (m: Q[][]): Rational[][] => m.map((r) => r.map((x) => Rational.from(x)));

/** The integer form of a layer, or null (a non-integer weight, or a layer kind that mixes positions). */
function integerLayer(L: Layer): IntegerLayer | null {
  if (L.type === "relu") return { kind: "relu" };
  if (L.type === "affine") {
    const rows = combinations(rats(L.W), L.b?.map((x) => Rational.from(x)), 0);
    return rows && { kind: "affine", rows };
  }
  if (L.type === "ffn") {
    const d = L.W1[0]?.length ?? 0;
    const hidden = combinations(rats(L.W1), L.b1.map((x) => Rational.from(x)), 0);
    const second = combinations(rats(L.W2), L.b2.map((x) => Rational.from(x)), d);
    if (!hidden || !second) return null;
    // x_r + Σ_u W2[r][u]·h_u + b2_r, with x_r as input r and h_u as input d + u
    return { kind: "ffn", hidden, out: second.map((k, r) => (k.from.length === 0 && k.bias === 0n ? null : { from: [r, ...k.from], coef: [1n, ...k.coef], bias: k.bias })) };
  }
  return null;
}

type IntegerRun = (batch: bigint[][], denominator?: bigint) => bigint[][];

/**
 * Compiled integer layers as one function on batches of vectors given by their integer numerators
 * over a common `denominator` D (default 1), returning the output numerators over the same D: with
 * integer weights W(n/D) + b = (Wn + bD)/D and σ(n/D) = σ(n)/D, so only the biases change (times D).
 */
function runOf(compiled: IntegerLayer[]): IntegerRun {
  return (batch, D = 1n) => {
    const size = batch.length;
    if (size === 0) return [];
    let cols = batch[0]!.map((_, r) => column(batch.map((x) => x[r]!)));
    for (const L of compiled) {
      if (L.kind === "relu") cols = cols.map(rectify);
      else if (L.kind === "affine") cols = L.rows.map((k) => combination(cols, k, size, D));
      else {
        const input = cols.concat(L.hidden.map((k) => rectify(combination(cols, k, size, D))));
        cols = L.out.map((k, r) => (k === null ? cols[r]! : combination(input, k, size, D)));
      }
    }
    return batch.map((_, t) => cols.map((c) => valueOf(c, t)));
  };
}

/**
 * The longest run of integer relu / affine / ffn layers at the end of `layers`, compiled once: where
 * it starts, and the function on batches (`runOf`); null when the last layer is not one.
 */
export function integerTail(layers: Layer[]): { from: number; run: IntegerRun } | null {
  const compiled: IntegerLayer[] = [];
  let from = layers.length;
  for (; from > 0; from--) {
    const c = integerLayer(layers[from - 1]!);
    if (!c) break;
    compiled.unshift(c);
  }
  return compiled.length ? { from, run: runOf(compiled) } : null;
}
