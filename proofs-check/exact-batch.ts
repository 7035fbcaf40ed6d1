/**
 * Accelerator: the token-wise tail of an exact network (ffn / affine / relu layers after the last
 * attention layer, every weight an integer) evaluated on many examples at once, one register at a
 * time over the batch ("columns"), instead of one example at a time. It computes the same exact
 * integers as exact.ts; it only removes the per-example interpretation of every layer, which
 * dominates deep integer networks such as Kajitsuka & Sato's (thousands of small residual blocks).
 *
 * Every value is an exact integer. A column is held as two double arrays (`hi`, `lo`), the value
 * being hi·2^32 + lo with lo an integer in [0, 2^32) and hi an integer, while that fits the bounds
 * below, and as a list of BigInts (`b`) otherwise. The one rule, in `combine`: a linear combination
 * bias + Σ c_j·x_j, each c = c_hi·2^32 + c_lo (both with the sign of c, |c_lo| < 2^32) and the bias
 * b = b_hi·2^32 + b_lo (0 ≤ b_lo < 2^32), is computed on doubles only when no term needs c_hi·hi
 * (c_hi = 0 or the column's hi are all 0) and, computed exactly in BigInt beforehand from the
 * columns' bounds (maxLo, maxHi),
 *     LO = b_lo + Σ |c_lo|·maxLo_j ≤ 2^53 − 1   and   |b_hi| + Σ (|c_lo|·maxHi_j + |c_hi|·maxLo_j) + ⌊LO/2^32⌋ + 1 ≤ 2^53 − 1.
 * Every product and every partial sum of either half is then an integer of magnitude ≤ 2^53 − 1,
 * hence a double, so each double operation is exact; the carry ⌊lo/2^32⌋ (|carry| ≤ ⌊LO/2^32⌋ + 1)
 * moves into hi with a division by a power of two and a floor, both exact.
 * Otherwise the combination is computed on BigInts. ReLU is exact in both (hi·2^32 + lo < 0 ⇔ hi < 0).
 *
 * Examples enter the batch at the first layer from which every remaining layer is such an integer
 * layer; the layers before that run one example at a time through the core's evaluator
 * (evaluate.ts), so the semantics stay written once. Their vectors are brought to one denominator D
 * for the batch and the tail runs on the numerators: with integer weights W(n/D) + b = (Wn + bD)/D
 * and σ(n/D) = σ(n)/D, so the biases are multiplied by D and the outputs are the numerators over D.
 *
 * @example
 *   const run = batchTail(checked, evaluator);
 *   run?.([0, 1, 2]) // per example, per read position, the exact output vector (exact.ts XV)
 */
import { Evaluator } from "./evaluate.ts";
import { exactArith, lcm, toRationals, type XM, type XV } from "./exact.ts";
import type { Checked, LayerQ, Mat } from "./validate.ts";
import type { Rational } from "../src/numbers/rational.ts";

const R = 2 ** 32;
const RB = 1n << 32n;
const LIMIT = 2n ** 53n - 1n;
/** The largest magnitude a two-double column holds: hi within ±(2^53 − 1). */
const PAIR_MAX = LIMIT * RB;

type Col = { hi: Float64Array; lo: Float64Array; maxHi: number; maxLo: number; b?: undefined } | { b: bigint[]; hi?: undefined };

/** One output of a linear map: bias + Σ coef[j]·(source src[j]). */
interface Row {
  src: number[];
  coef: bigint[];
  bias: bigint;
}
type Step = { kind: "affine"; rows: Row[] } | { kind: "relu" } | { kind: "ffn"; hidden: Row[]; out: (Row | null)[] };

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

/** The larger |x| of a double array (its entries are integers). */
function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let t = 0; t < a.length; t++) {
    const x = a[t]! < 0 ? -a[t]! : a[t]!;
    if (x > m) m = x;
  }
  return m;
}

/** The column of exact values, on two doubles when they all fit. */
function fromBig(b: bigint[]): Col {
  for (const x of b) if (x > PAIR_MAX || x < -PAIR_MAX) return { b };
  const hi = new Float64Array(b.length);
  const lo = new Float64Array(b.length);
  for (let t = 0; t < b.length; t++) {
    const x = b[t]!;
    if (x <= LIMIT && x >= -LIMIT) {
      const v = Number(x);
      const h = Math.floor(v / R); // exact: a division by 2^32 and a floor of a safe integer
      (hi[t] = h), (lo[t] = v - h * R);
    } else (hi[t] = Number(x >> 32n)), (lo[t] = Number(x & (RB - 1n)));
  }
  return { hi, lo, maxHi: maxAbs(hi), maxLo: maxAbs(lo) };
}

/** The exact value at t of a column. */
function valueAt(c: Col, t: number): bigint {
  if (c.b) return c.b[t]!;
  const h = c.hi[t]!;
  return h === 0 ? BigInt(c.lo[t]!) : BigInt(h) * RB + BigInt(c.lo[t]!);
}

const isZero = (c: Col): boolean => !c.b && c.maxHi === 0 && c.maxLo === 0;

/** bias + Σ coef[j]·cols[src[j]] over the batch (the header's rule decides doubles or BigInt). */
function combine(cols: Col[], row: Row, B: number, D: bigint): Col {
  const src: Col[] = [];
  const coef: bigint[] = [];
  row.src.forEach((s, j) => {
    const c = cols[s]!;
    if (isZero(c)) return; // an all-zero column adds nothing
    src.push(c), coef.push(row.coef[j]!);
  });
  if (src.length === 1 && coef[0] === 1n && row.bias === 0n) return src[0]!; // x ↦ x (a residual block that adds nothing here)
  const bias = D === 1n ? row.bias : row.bias * D;
  const bHi = bias >> 32n;
  const bLo = bias & (RB - 1n);
  let loBound = bLo;
  let hiBound = abs(bHi);
  let doubles = true;
  const split: [number, number][] = [];
  for (let j = 0; j < src.length && doubles; j++) {
    const c = src[j]!;
    const k = coef[j]!;
    const cHi = k < 0n ? -(-k >> 32n) : k >> 32n; // c = c_hi·2^32 + c_lo, both with the sign of c
    const cLo = k - (cHi << 32n);
    if (c.b || (cHi !== 0n && c.maxHi !== 0)) doubles = false;
    else {
      loBound += abs(cLo) * BigInt(c.maxLo);
      hiBound += abs(cLo) * BigInt(c.maxHi) + abs(cHi) * BigInt(c.maxLo);
      split.push([Number(cHi), Number(cLo)]);
    }
  }
  if (doubles && loBound <= LIMIT && hiBound + loBound / RB + 1n <= LIMIT) {
    const HI = new Float64Array(B).fill(Number(bHi));
    const LO = new Float64Array(B).fill(Number(bLo));
    src.forEach((c, j) => {
      const [kh, kl] = split[j]!;
      const { hi, lo } = c as Extract<Col, { hi: Float64Array }>;
      if (kl === 1) for (let t = 0; t < B; t++) (LO[t]! += lo[t]!), (HI[t]! += hi[t]!);
      else if (kl !== 0) for (let t = 0; t < B; t++) (LO[t]! += kl * lo[t]!), (HI[t]! += kl * hi[t]!);
      if (kh !== 0) for (let t = 0; t < B; t++) HI[t]! += kh * lo[t]!;
    });
    for (let t = 0; t < B; t++) {
      const carry = Math.floor(LO[t]! / R);
      (LO[t]! -= carry * R), (HI[t]! += carry);
    }
    return { hi: HI, lo: LO, maxHi: maxAbs(HI), maxLo: maxAbs(LO) };
  }
  const out = new Array<bigint>(B);
  for (let t = 0; t < B; t++) {
    let acc = bias;
    for (let j = 0; j < src.length; j++) {
      const c = src[j]!;
      if (!c.b && c.hi[t] === 0 && c.lo[t] === 0) continue;
      const x = valueAt(c, t);
      if (x === 0n) continue;
      const k = coef[j]!;
      acc = k === 1n ? (acc === 0n ? x : acc + x) : k === -1n ? acc - x : acc + k * x;
    }
    out[t] = acc;
  }
  return fromBig(out);
}

function relu(c: Col): Col {
  if (c.b) return fromBig(c.b.map((x) => (x < 0n ? 0n : x)));
  const hi = c.hi.slice();
  const lo = c.lo.slice();
  for (let t = 0; t < hi.length; t++) if (hi[t]! < 0) (hi[t] = 0), (lo[t] = 0);
  return { hi, lo, maxHi: maxAbs(hi), maxLo: maxAbs(lo) };
}

/** The rows of W (zero entries skipped) with bias b, or null when a weight is not an integer. */
function rowsOf(W: Mat, b: Rational[] | null, offset = 0): Row[] | null {
  const rows: Row[] = [];
  for (let i = 0; i < W.length; i++) {
    const src: number[] = [];
    const coef: bigint[] = [];
    for (let j = 0; j < W[i]!.length; j++) {
      const w = W[i]![j]!;
      if (w.den !== 1n) return null;
      if (w.num !== 0n) src.push(j + offset), coef.push(w.num);
    }
    const bi = b ? b[i]! : null;
    if (bi && bi.den !== 1n) return null;
    rows.push({ src, coef, bias: bi ? bi.num : 0n });
  }
  return rows;
}

/** The batch form of one layer, or null when it is not an integer ffn / affine / relu layer. */
function stepOf(L: LayerQ): Step | null {
  if (L.type === "relu") return { kind: "relu" };
  if (L.type === "affine") {
    const rows = rowsOf(L.W, L.b);
    return rows && { kind: "affine", rows };
  }
  if (L.type === "ffn") {
    const hidden = rowsOf(L.W1, L.b1);
    // out_r = x_r + Σ_u W2[r][u]·h_u + b2_r: the register itself is source r, hidden unit u is source d + u
    const d = L.W1[0]?.length ?? 0;
    const w2 = rowsOf(L.W2, L.b2, d);
    if (!hidden || !w2) return null;
    const out = w2.map((r, i) => (r.src.length === 0 && r.bias === 0n ? null : { src: [i, ...r.src], coef: [1n, ...r.coef], bias: r.bias }));
    return { kind: "ffn", hidden, out };
  }
  return null;
}

/** One layer on the numerators over D (integer weights: W(n/D) + b = (Wn + bD)/D, and ReLU commutes with 1/D). */
function runStep(s: Step, cols: Col[], B: number, D: bigint): Col[] {
  if (s.kind === "relu") return cols.map(relu);
  if (s.kind === "affine") return s.rows.map((r) => combine(cols, r, B, D));
  const all = cols.concat(s.hidden.map((r) => relu(combine(cols, r, B, D))));
  return s.out.map((r, i) => (r === null ? cols[i]! : combine(all, r, B, D)));
}

/**
 * A batched evaluator of example outputs for an exact network, or null when its tail after the last
 * attention layer has no integer ffn / affine / relu layers (then nothing is gained).
 */
export function batchTail(c: { layers: LayerQ[] }, ev: Evaluator<XV, Rational, XM>): ((ids: number[]) => XV[][]) | null {
  const L = c.layers;
  const last = ev.lastAttention();
  if (last < 0) return null;
  let from = L.length;
  const steps: Step[] = new Array(L.length);
  for (let s = L.length - 1; s > last; s--) {
    const st = stepOf(L[s]!);
    if (!st) break;
    steps[s] = st;
    from = s;
  }
  if (from === L.length) return null;
  return (ids) => {
    const examples = ids.map((i) => ev.afterAttention(i).map(({ pos, v }) => ev.tokenwise(v, pos, last + 1, from)));
    const vs = examples.flat();
    if (vs.length === 0) return examples;
    // one denominator for the batch, 2^E·O: the numerators over it, and the biases times it
    let E = 0;
    let O = 1n;
    for (const v of vs) (E = Math.max(E, v.e)), (O = lcm(O, v.o));
    const D = O << BigInt(E);
    const B = vs.length;
    let cols: Col[] = Array.from({ length: vs[0]!.n.length }, (_, r) => fromBig(vs.map((v) => (v.e === E && v.o === O ? v.n[r]! : v.n[r]! * ((O / v.o) << BigInt(E - v.e))))));
    for (let s = from; s < L.length; s++) cols = runStep(steps[s]!, cols, B, D);
    // the numerators over D, in the order of `vs`; not reduced to lowest terms (toRationals reduces)
    let t = 0;
    return examples.map((per) =>
      per.map(() => {
        const k = t++;
        return { n: cols.map((col) => valueAt(col, k)), e: E, o: O };
      }),
    );
  };
}

/** Examples per batch: enough to amortize a layer's interpretation, few enough to keep the columns small. */
export const BATCH_EXAMPLES = 512;

/**
 * The exact outputs of examples through the batched tail, BATCH_EXAMPLES at a time, each batch passed
 * to `each` as pairs (example, per read position its exact values); false when the network has no
 * integer tail (nothing is evaluated then).
 */
export function batchedOutputs(c: Checked, ids: number[], each: (batch: [number, Rational[][]][]) => void): boolean {
  const tail = batchTail(c, new Evaluator(c, exactArith()));
  if (!tail) return false;
  for (let a = 0; a < ids.length; a += BATCH_EXAMPLES) {
    const part = ids.slice(a, a + BATCH_EXAMPLES);
    const outs = tail(part);
    each(part.map((i, k) => [i, outs[k]!.map(toRationals)]));
  }
  return true;
}
