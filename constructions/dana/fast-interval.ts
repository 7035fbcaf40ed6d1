/**
 * A fast rigorous float64 enclosure of the logits of an attention-only Transformer in the IR
 * (embedding → positional → one softmax attention layer → affine readout; the Dana et al. shape).
 *
 * Midpoint–radius arithmetic: a quantity is (m, r) and the exact value lies in [m − r, m + r].
 * Rigour rests on (1) IEEE-754 binary64 with round-to-nearest, which JavaScript guarantees: every
 * +, −, ×, ÷ has relative error ≤ u = 2⁻⁵³ (plus 2⁻¹⁰⁷⁵ absolute on underflow); a dot product of n
 * terms computed left to right errs by ≤ γ_n Σ|aᵢbᵢ| with γ_n = nu/(1 − nu); radii are themselves
 * computed and then inflated by (1 + c)·… with c = (3n + 8)·2⁻⁵² ≥ 2γ_{3n+3}, plus (n + 1)·2⁻¹⁰⁷⁰;
 * (2) Math.exp within 1 ulp (V8 uses the fdlibm algorithm, < 1 ulp): exp enclosures are widened by
 * the relative factor 2⁻⁴⁶ (= 64 ulps) on each side; (3) decimal strings of ≤ 20 significant digits
 * and p/q with |p|, q < 2¹⁰²⁴ convert to float within 2 ulps; inputs are widened by 2⁻⁵⁰ relative.
 * When the enclosure is too wide to decide an argmax the answer is "inconclusive", and the caller
 * falls back to decimal.js intervals (src/eval/interval.ts) at higher precision.
 *
 * @example
 *   const L = fastLogitEnclosures(net, [[0, 1]]);
 *   L[0]!.mid.length // vocabulary size N
 */
import type { Network, Q } from "../../src/ir/network.ts";
import { Rational } from "../../src/numbers/rational.ts";

const U52 = 2 ** -52;
const TINY = 2 ** -1070;

/** Exact value ∈ [m − r, m + r]. */
interface MR {
  m: Float64Array;
  r: Float64Array;
}

function toMR(v: Q): [number, number] {
  if (typeof v === "number") return Number.isSafeInteger(v) ? [v, 0] : [v, Math.abs(v) * 2 ** -50 + TINY];
  const s = v.trim();
  if (/^[+-]?\d+$/.test(s)) {
    const x = Number(s);
    return Number.isSafeInteger(x) ? [x, 0] : [x, Math.abs(x) * 2 ** -50 + TINY];
  }
  const frac = /^([+-]?\d+)\s*\/\s*(\d+)$/.exec(s);
  if (frac) {
    const p = Number(frac[1]!);
    const q = Number(frac[2]!);
    if (Number.isSafeInteger(p) && Number.isSafeInteger(q) && (q & (q - 1)) === 0) return [p / q, 0]; // dyadic: exact
    const x = Number(BigInt(frac[1]!)) / Number(BigInt(frac[2]!));
    if (!Number.isFinite(x)) throw new RangeError(`weight ${s} is outside the float64 range`);
    return [x, Math.abs(x) * 2 ** -50 + TINY];
  }
  const digits = s.replace(/[eE].*$/, "").replace(/[^0-9]/g, "").replace(/^0+/, "");
  if (digits.length > 20) {
    const x = Rational.parse(s).toNumber();
    return [x, Math.abs(x) * 2 ** -48 + TINY];
  }
  const x = Number(s);
  if (!Number.isFinite(x)) throw new RangeError(`weight ${s} is outside the float64 range`);
  return [x, Math.abs(x) * 2 ** -50 + TINY];
}

function matMR(M: Q[][]): { m: Float64Array; r: Float64Array; rows: number; cols: number } {
  const rows = M.length;
  const cols = M[0]?.length ?? 0;
  const m = new Float64Array(rows * cols);
  const r = new Float64Array(rows * cols);
  M.forEach((row, i) =>
    row.forEach((v, j) => {
      const [a, b] = toMR(v);
      m[i * cols + j] = a;
      r[i * cols + j] = b;
    }),
  );
  return { m, r, rows, cols };
}

/** y = A x + (b), A rows×cols as mid-rad, x mid-rad; rigorous radius (see header). */
function matVec(A: { m: Float64Array; r: Float64Array; rows: number; cols: number }, xm: Float64Array, xr: Float64Array, base?: MR): MR {
  const { rows, cols } = A;
  const n = cols + (base ? 1 : 0);
  const c = (3 * n + 8) * U52;
  const om = new Float64Array(rows);
  const or = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = base ? base.m[i]! : 0;
    let p = Math.abs(s);
    let rad = base ? base.r[i]! : 0;
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const am = A.m[o + j]!;
      const ar = A.r[o + j]!;
      const bm = xm[j]!;
      const br = xr[j]!;
      const prod = am * bm;
      s += prod;
      p += Math.abs(prod);
      rad += Math.abs(am) * br + ar * (Math.abs(bm) + br);
    }
    om[i] = s;
    or[i] = (rad + c * p) * (1 + c) + (n + 1) * TINY;
  }
  return { m: om, r: or };
}

const expDown = (x: number) => (x === -Infinity ? 0 : Math.exp(x) * (1 - 2 ** -46));
const expUp = (x: number) => Math.exp(x) * (1 + 2 ** -46) + TINY;

/** Compiled form of a supported network: the weights as mid-rad float arrays. */
export interface FastNet {
  N: number;
  d: number;
  emb: ReturnType<typeof matMR>;
  pos: ReturnType<typeof matMR>;
  heads: { WQ: ReturnType<typeof matMR>; WK: ReturnType<typeof matMR>; WV: ReturnType<typeof matMR>; WO: ReturnType<typeof matMR> }[];
  scale: [number, number];
  residual: boolean;
  readout: ReturnType<typeof matMR>;
  bias?: MR;
}

/**
 * Compiles a network of the supported shape or explains (RangeError) why it is not supported:
 * tokens → embedding → positional → attention(softmax, queries "last", keys "all") → affine, last/logits.
 */
export function compileFast(net: Network): FastNet {
  const L = net.layers;
  const shape = L.map((l) => l.type).join(",");
  if (net.input.kind !== "tokens" || shape !== "embedding,positional,attention,affine" || net.output.positions !== "last")
    throw new RangeError(`fast interval path supports tokens → embedding, positional, attention, affine (last position); got ${net.input.kind}: ${shape}`);
  const att = L[2]!;
  if (att.type !== "attention" || att.attention !== "softmax" || att.queries !== "last" || att.keys !== "all")
    throw new RangeError("fast interval path supports softmax attention with queries \"last\" and keys \"all\" only");
  const aff = L[3]!;
  if (aff.type !== "affine" || L[0]!.type !== "embedding" || L[1]!.type !== "positional") throw new RangeError("unsupported layer order");
  const emb = matMR(L[0]!.table);
  const pos = matMR(L[1]!.table);
  const readout = matMR(aff.W);
  const bias = aff.b ? (() => { const b = matMR([aff.b!]); return { m: b.m, r: b.r }; })() : undefined;
  return {
    N: readout.rows,
    d: emb.cols,
    emb,
    pos,
    heads: att.heads.map((h) => ({ WQ: matMR(h.WQ), WK: matMR(h.WK), WV: matMR(h.WV), WO: matMR(h.WO) })),
    scale: att.scale === undefined ? [1, 0] : toMR(att.scale),
    residual: att.residual,
    readout,
    bias,
  };
}

/** Mid-rad logits of one sequence. */
export function fastLogits(f: FastNet, tokens: number[]): MR {
  const d = f.d;
  const S = tokens.length;
  if (S > f.pos.rows) throw new RangeError(`sequence of length ${S} is longer than the positional table (${f.pos.rows})`);
  // x(t,s) = e(t_s) + pos_s
  const xm: Float64Array[] = [];
  const xr: Float64Array[] = [];
  for (let s = 0; s < S; s++) {
    const tok = tokens[s]!;
    if (tok >= f.emb.rows) throw new RangeError(`token ${tok} is outside the vocabulary (${f.emb.rows})`);
    const m = new Float64Array(d);
    const r = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      const a = f.emb.m[tok * d + i]!;
      const b = f.pos.m[s * d + i]!;
      m[i] = a + b;
      r[i] = (f.emb.r[tok * d + i]! + f.pos.r[s * d + i]! + Math.abs(m[i]!) * U52) * (1 + 4 * U52) + TINY;
    }
    xm.push(m);
    xr.push(r);
  }
  const last = S - 1;
  let acc: MR = f.residual ? { m: Float64Array.from(xm[last]!), r: Float64Array.from(xr[last]!) } : { m: new Float64Array(d), r: new Float64Array(d) };
  const sm = new Float64Array(S);
  const sr = new Float64Array(S);
  for (const h of f.heads) {
    const qv = matVec(h.WQ, xm[last]!, xr[last]!);
    for (let s = 0; s < S; s++) {
      const kv = matVec(h.WK, xm[s]!, xr[s]!);
      // score = scale · (W_Q x_S)·(W_K x_s)
      const dot = matVec({ m: qv.m, r: qv.r, rows: 1, cols: qv.m.length }, kv.m, kv.r);
      const sc = matVec({ m: Float64Array.of(f.scale[0]), r: Float64Array.of(f.scale[1]), rows: 1, cols: 1 }, dot.m, dot.r);
      sm[s] = sc.m[0]!;
      sr[s] = sc.r[0]!;
    }
    // a_s = 1 / Σ_j exp(score_j − score_s), enclosed through monotonicity of exp
    const am = new Float64Array(S);
    const ar = new Float64Array(S);
    const cs = (S + 4) * U52;
    for (let s = 0; s < S; s++) {
      let lo = 0;
      let hi = 0;
      for (let j = 0; j < S; j++) {
        if (j === s) {
          lo += 1;
          hi += 1;
          continue;
        }
        const dm = sm[j]! - sm[s]!;
        const dr = (sr[j]! + sr[s]! + Math.abs(dm) * U52) * (1 + 4 * U52) + TINY;
        lo += expDown(dm - dr - Math.abs(dm - dr) * U52 * 2 - TINY);
        hi += expUp(dm + dr + Math.abs(dm + dr) * U52 * 2 + TINY);
      }
      const aLo = Math.max(0, (1 / (hi * (1 + cs))) * (1 - 4 * U52));
      const aHi = Math.min(1, (1 / (lo * (1 - cs))) * (1 + 4 * U52) + TINY);
      const mid = (aLo + aHi) / 2;
      am[s] = mid;
      ar[s] = ((aHi - aLo) / 2 + Math.abs(mid) * U52) * (1 + 4 * U52) + TINY;
    }
    // A = Σ_s a_s x_s, coordinatewise
    const Am = new Float64Array(d);
    const Ar = new Float64Array(d);
    const c = (3 * S + 8) * U52;
    for (let i = 0; i < d; i++) {
      let s0 = 0;
      let p = 0;
      let rad = 0;
      for (let s = 0; s < S; s++) {
        const prod = am[s]! * xm[s]![i]!;
        s0 += prod;
        p += Math.abs(prod);
        rad += Math.abs(am[s]!) * xr[s]![i]! + ar[s]! * (Math.abs(xm[s]![i]!) + xr[s]![i]!);
      }
      Am[i] = s0;
      Ar[i] = (rad + c * p) * (1 + c) + (S + 1) * TINY;
    }
    const v = matVec(h.WV, Am, Ar);
    acc = matVec(h.WO, v.m, v.r, acc);
  }
  return matVec(f.readout, acc.m, acc.r, f.bias);
}

/** Rigorous lower/upper ends of m ∓ r (one rounding each, corrected outward). */
export const lowerEnd = (m: number, r: number) => { const x = m - r; return x - Math.abs(x) * 2 * U52 - TINY; };
export const upperEnd = (m: number, r: number) => { const x = m + r; return x + Math.abs(x) * 2 * U52 + TINY; };

/** Argmax verdict from logit enclosures: the label certified strictly largest, another certified larger, or undecided. */
export type Verdict = "certified" | "refuted" | "inconclusive";

/**
 * @example
 *   argmaxVerdict({ m: Float64Array.of(1, 0), r: Float64Array.of(0.1, 0.1) }, 0) // "certified"
 */
export function argmaxVerdict(L: { m: Float64Array; r: Float64Array }, label: number): Verdict {
  const lg = lowerEnd(L.m[label]!, L.r[label]!);
  const ug = upperEnd(L.m[label]!, L.r[label]!);
  let all = true;
  for (let j = 0; j < L.m.length; j++) {
    if (j === label) continue;
    if (lowerEnd(L.m[j]!, L.r[j]!) > ug) return "refuted";
    if (!(lg > upperEnd(L.m[j]!, L.r[j]!))) all = false;
  }
  return all ? "certified" : "inconclusive";
}

/** Enclosures of the logits of every sequence. */
export function fastLogitEnclosures(net: Network, sequences: number[][]): MR[] {
  const f = compileFast(net);
  return sequences.map((t) => fastLogits(f, t));
}
