/**
 * The network semantics of docs/network-ir.md#evaluation written once, over an abstract number
 * system: the float64 evaluator, the interval evaluator and the naive Rational reference (the peer
 * the exact evaluator is tested and benchmarked against) are this code with different `Arith`s.
 *
 * Every position of every sequence is evaluated entry by entry: plain and obviously right, slow.
 *
 * @example
 *   evaluateGeneric(floatArith, net, [[0, 1]], [[1], [0.5]]) // number[][][]
 */
import { Rational, sqrtExact } from "../numbers/rational.ts";
import type { Network, Q } from "../ir/network.ts";

/** What the evaluator needs from a number system. */
export interface Arith<T> {
  /** The value of an exact weight (a point interval, the nearest double, the rational itself). */
  weight(r: Rational): T;
  zero: T;
  add(a: T, b: T): T;
  mul(a: T, b: T): T;
  relu(a: T): T;
  /** An enclosure (or the value) of 1/√r for a positive rational r; throws where the system cannot represent it. */
  invSqrt(r: Rational): T;
  /** a² (an interval square is ≥ 0, tighter than a·a). */
  square(a: T): T;
  /** 1/√a for a > 0 (LayerNorm); throws where the system cannot represent it or a may be ≤ 0. */
  rsqrt(a: T): T;
  /** a / k for a positive integer k. */
  divInt(a: T, k: number): T;
  /** Σ_j a_j v_j with a = hardmax(scores): mean of the v_j on the argmax set. */
  hardmaxMix(scores: T[], values: T[][]): T[];
  /** Σ_j a_j v_j with a = softmax(scores). Throws where the number system cannot (exact rationals). */
  softmaxMix(scores: T[], values: T[][]): T[];
}

/** Exact rationals, one Rational per entry (the naive reference). */
export const rationalArith: Arith<Rational> = {
  weight: (r) => r,
  zero: Rational.ZERO,
  add: (a, b) => a.add(b),
  mul: (a, b) => a.mul(b),
  relu: (a) => (a.sign() < 0 ? Rational.ZERO : a),
  invSqrt(r) {
    const s = sqrtExact(r);
    if (!s || s.isZero()) throw new Error(`1/√${r} is irrational: exact evaluation of a softmax scale needs the interval evaluator`);
    return s.inv();
  },
  rsqrt(a) {
    return rationalArith.invSqrt(a);
  },
  square: (a) => a.mul(a),
  divInt: (a, k) => a.div(Rational.of(k)),
  hardmaxMix(scores, values) {
    let best = scores[0]!;
    for (const s of scores) if (s.gt(best)) best = s;
    const arg = values.filter((_, j) => scores[j]!.eq(best));
    return meanOf(rationalArith, arg);
  },
  softmaxMix() {
    throw new Error("softmax attention has no exact rational value; exact evaluation needs the interval evaluator (evaluateInterval)");
  },
};

function positive(r: Rational): Rational {
  if (r.sign() <= 0) throw new RangeError(`attention scaleInvSqrt must be a positive rational, got ${r}`);
  return r;
}

/** Componentwise mean of non-empty equal-length vectors. */
export function meanOf<T>(A: Arith<T>, vs: T[][]): T[] {
  const d = vs[0]!.length;
  const out: T[] = [];
  for (let c = 0; c < d; c++) {
    let s = A.zero;
    for (const v of vs) s = A.add(s, v[c]!);
    out.push(vs.length === 1 ? s : A.divInt(s, vs.length));
  }
  return out;
}

function matVec<T>(A: Arith<T>, W: T[][], x: T[]): T[] {
  return W.map((row) => {
    let s = A.zero;
    row.forEach((w, j) => {
      s = A.add(s, A.mul(w, x[j]!));
    });
    return s;
  });
}

/** γ ⊙ (x − μ)/√(σ² + ε) + β with μ, σ² the mean and biased variance of x's components. */
function layerNorm<T>(A: Arith<T>, x: T[], gamma: T[], beta: T[], eps: T): T[] {
  const n = x.length;
  if (gamma.length !== n || beta.length !== n) throw new RangeError(`layernorm: γ and β have ${gamma.length} and ${beta.length} entries, the vector ${n}`);
  const minusOne = A.weight(Rational.of(-1));
  const mu = A.divInt(x.reduce((s, v) => A.add(s, v), A.zero), n);
  const c = x.map((v) => A.add(v, A.mul(minusOne, mu)));
  const variance = A.divInt(c.reduce((s, v) => A.add(s, A.square(v)), A.zero), n);
  const r = A.rsqrt(A.add(variance, eps));
  return c.map((v, i) => A.add(A.mul(gamma[i]!, A.mul(v, r)), beta[i]!));
}

const addVec = <T>(A: Arith<T>, a: T[], b: T[]): T[] => a.map((x, i) => A.add(x, b[i]!));

/**
 * Outputs of `net` on each sequence at the read positions, in the number system `A`.
 * `vocabulary` rows are the input vectors (input.kind "vectors"); token ids index the embedding otherwise.
 */
export function evaluateGeneric<T>(A: Arith<T>, net: Network, sequences: number[][], vocabulary?: T[][]): T[][][] {
  const W = (m: Q[][]): T[][] => m.map((r) => r.map((v) => A.weight(Rational.from(v))));
  const Vv = (v: Q[]): T[] => v.map((x) => A.weight(Rational.from(x)));
  // parse each layer's weights once
  const layers = net.layers.map((layer) => {
    switch (layer.type) {
      case "embedding":
      case "positional":
        return { layer, table: W(layer.table) };
      case "affine":
        return { layer, W: W(layer.W), b: layer.b ? Vv(layer.b) : undefined };
      case "relu":
        return { layer };
      case "layernorm":
        return { layer, gamma: Vv(layer.gamma), beta: Vv(layer.beta), eps: A.weight(Rational.from(layer.eps)) };
      case "ffn":
        return { layer, W1: W(layer.W1), b1: Vv(layer.b1), W2: W(layer.W2), b2: Vv(layer.b2) };
      case "attention":
        // a positive factor 1/√r changes softmax only: hardmax's argmax set and uniform weights ignore it
        return {
          layer,
          scale:
            layer.scaleInvSqrt !== undefined && layer.attention === "softmax"
              ? A.mul(A.weight(Rational.from(layer.scale ?? "1")), A.invSqrt(positive(Rational.from(layer.scaleInvSqrt))))
              : A.weight(Rational.from(layer.scale ?? "1")),
          heads: layer.heads.map((h) => ({ WQ: W(h.WQ), WK: W(h.WK), WV: W(h.WV), WO: W(h.WO) })),
        };
    }
  });
  return sequences.map((seq, s) => {
    if (seq.length === 0) throw new RangeError(`sequence ${s} is empty`);
    let X: T[][];
    if (net.input.kind === "vectors") {
      if (!vocabulary) throw new RangeError("a network with vector input needs a vocabulary (the rows sequences index)");
      X = seq.map((t, p) => {
        const row = vocabulary[t];
        if (!Number.isInteger(t) || !row) throw new RangeError(`sequence ${s} position ${p}: index ${t} is not a vocabulary row`);
        return row.slice();
      });
    } else X = seq.map(() => []);
    const n = X.length;
    for (const L of layers) {
      const layer = L.layer;
      switch (layer.type) {
        case "embedding": {
          const table = (L as { table: T[][] }).table;
          X = seq.map((t, p) => {
            const row = table[t];
            if (!Number.isInteger(t) || !row) throw new RangeError(`sequence ${s} position ${p}: token ${t} is not in the vocabulary`);
            return row.slice();
          });
          break;
        }
        case "positional": {
          const table = (L as { table: T[][] }).table;
          if (n > table.length) throw new RangeError(`positional: sequence ${s} has ${n} positions, the table ${table.length} rows`);
          X = X.map((x, p) => addVec(A, x, table[p]!));
          break;
        }
        case "affine": {
          const { W: M, b } = L as { W: T[][]; b?: T[] };
          X = X.map((x) => (b ? addVec(A, matVec(A, M, x), b) : matVec(A, M, x)));
          break;
        }
        case "relu":
          X = X.map((x) => x.map((v) => A.relu(v)));
          break;
        case "layernorm": {
          const { gamma, beta, eps } = L as { gamma: T[]; beta: T[]; eps: T };
          X = X.map((x) => layerNorm(A, x, gamma, beta, eps));
          break;
        }
        case "ffn": {
          const { W1, b1, W2, b2 } = L as { W1: T[][]; b1: T[]; W2: T[][]; b2: T[] };
          X = X.map((x) => {
            const h = addVec(A, matVec(A, W1, x), b1).map((v) => A.relu(v));
            return addVec(A, x, addVec(A, matVec(A, W2, h), b2));
          });
          break;
        }
        case "attention": {
          const { heads, scale } = L as { heads: { WQ: T[][]; WK: T[][]; WV: T[][]; WO: T[][] }[]; scale: T };
          const queries = layer.queries ?? "all";
          const keys = layer.keys ?? "all";
          // values and keys of every position once per head (queries differ only in their score row)
          const V = heads.map((h) => X.map((xj) => matVec(A, h.WV, xj)));
          const K = heads.map((h) => (layer.attention === "uniform" ? [] : X.map((xj) => matVec(A, h.WK, xj))));
          X = X.map((x, i) => {
            if (queries === "last" && i !== n - 1) return x;
            const hiK = keys === "all" ? n : keys === "all-but-last" ? n - 1 : i + 1;
            if (hiK <= 0) throw new RangeError(`attention: the query at position ${i} of sequence ${s} has no key positions`);
            let y: T[] | undefined = layer.residual ? x : undefined;
            heads.forEach((h, hj) => {
              const vals = V[hj]!.slice(0, hiK);
              let mix: T[];
              if (layer.attention === "uniform") mix = meanOf(A, vals);
              else {
                const q = matVec(A, h.WQ, x);
                const scores = K[hj]!.slice(0, hiK).map((k) => {
                  let d = A.zero;
                  q.forEach((qc, c) => (d = A.add(d, A.mul(qc, k[c]!))));
                  return A.mul(scale, d);
                });
                mix = layer.attention === "hardmax" ? A.hardmaxMix(scores, vals) : A.softmaxMix(scores, vals);
              }
              const o = matVec(A, h.WO, mix);
              y = y === undefined ? o : addVec(A, y, o);
            });
            return y!;
          });
          break;
        }
      }
    }
    return net.output.positions === "last" ? [X[n - 1]!] : X;
  });
}

/**
 * The naive exact reference: one Rational per entry, every position evaluated. Used to test and
 * benchmark `evaluateExact` (src/eval/exact.ts), which must agree with it exactly.
 *
 * @example
 *   evaluateNaiveExact(net, [[0, 1]], vocab)
 */
export function evaluateNaiveExact(net: Network, sequences: number[][], vocabulary?: Rational[][]): Rational[][][] {
  return evaluateGeneric(rationalArith, net, sequences, vocabulary);
}
