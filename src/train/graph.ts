/**
 * The trainers' shared model description: a static graph of tensors laid out in one flat memory
 * ("mem") and a list of differentiable ops. `compileGraph` turns the ops into two flat lists of
 * primitive kernels (forward, then backward written out by hand per op — no autograd library),
 * plus a zeroing kernel and an Adam/AdamW kernel. The CPU backend interprets these kernels on a
 * Float64Array, the WebGPU backend runs one WGSL pipeline per kernel kind on a f32 buffer with the
 * very same offsets, so both backends execute literally the same program.
 *
 * Memory layout (in floats): [params P | param grads P | activation grads G | activations+inputs A | Adam m P | Adam v P].
 * Integer inputs (token ids, class labels) live in a separate int array.
 */
import { trainerRng } from "../random.ts";

/** Initial value rule for a parameter tensor. */
export type Init = { kind: "normal"; std: number } | { kind: "uniform"; lo: number; hi: number } | { kind: "zeros" } | { kind: "ones" };

export interface TensorInfo {
  name: string;
  size: number;
  role: "param" | "act" | "input";
  shape: number[];
  offset: number;
  /** -1 when the tensor carries no gradient (inputs, loss statistics, uniform attention weights) */
  gradOffset: number;
  init?: Init;
}

/** A strided view of a tensor for batched matmul: element (o0, o1, r, c) is at s0·o0 + s1·o1 + rs·r + cs·c. */
export interface View {
  t: string;
  s0: number;
  s1: number;
  rs: number;
  cs: number;
}

export type AttnMode = "softmax" | "hardmax" | "uniform";

/** Differentiable ops (their backward rules are written out in `compileGraph`). */
export type Op =
  /** out[r,:] = table[idx[r],:] */
  | { op: "gather"; table: string; idx: string; out: string; rows: number; cols: number; vocab: number }
  /** out[i] = a[i] + b[i mod bLen]  (residuals, biases, positional tables) */
  | { op: "add"; a: string; b: string; out: string; n: number; bLen: number }
  /** out[o0,o1,i,j] = alpha · Σ_k a[o0,o1,i,k] · b[o0,o1,k,j] */
  | { op: "matmul"; a: View; b: View; c: View; n0: number; n1: number; M: number; N: number; K: number; alpha: number }
  | { op: "relu"; x: string; out: string; n: number }
  /** out[r,:] = x[r·stride + first, :]  (e.g. the last position of every sequence) */
  | { op: "rows"; x: string; out: string; rows: number; cols: number; stride: number; first: number }
  /**
   * Attention weights, row-wise over `cols` keys. Row r is query number (r mod groupRows) of its group,
   * at position qFirst + (r mod groupRows); `causal` masks keys after that position. hardmax: 1/|argmax set|
   * on the argmax set (ties by exact equality); its backward is straight-through softmax. uniform: the mean
   * over the unmasked keys (x unused, no gradient).
   */
  | { op: "attn"; x: string | null; out: string; rows: number; cols: number; groupRows: number; qFirst: number; causal: boolean; mode: AttnMode }
  /** mean softmax cross-entropy of logits (rows × classes) against int labels; accuracy = argmax hit */
  | { op: "ce"; logits: string; labels: string; rows: number; classes: number }
  /** mean over rows of Σ_k (pred − y)²/k; accuracy per row: sign agreement ("sign") or all |pred − y| < tol ("abs") */
  | { op: "mse"; pred: string; target: string; rows: number; k: number; metric: "sign" | "abs"; tol: number };

export interface IntInputInfo {
  name: string;
  size: number;
  offset: number;
}

export interface Graph {
  tensors: Map<string, TensorInfo>;
  ints: Map<string, IntInputInfo>;
  ops: Op[];
  /** number of parameter floats P */
  paramCount: number;
  /** total floats in mem */
  memSize: number;
  intSize: number;
  /** offsets of the per-row loss and accuracy statistics written by the loss op */
  lossRows: number;
  correctRows: number;
  /** rows the loss op averages over (the batch size for every model here) */
  lossRowCount: number;
  batch: number;
  actGradStart: number;
  actGradEnd: number;
  mOffset: number;
  vOffset: number;
}

/**
 * Builds a Graph: declare params, inputs and activations, then ops; `finish()` lays out memory.
 * @example
 * const g = new GraphBuilder(4);
 * const x = g.input("x", [4, 3]); const W = g.param("W", [3, 2], { kind: "normal", std: 1 });
 * const y = g.linear(x, 4, 3, 2, W); g.mse(y, g.input("y", [4, 2]), 4, 2, "abs", 0.1);
 * const graph = g.finish();
 */
export class GraphBuilder {
  private readonly list: Omit<TensorInfo, "offset" | "gradOffset">[] = [];
  private readonly grads = new Set<string>();
  private readonly intList: { name: string; size: number }[] = [];
  readonly ops: Op[] = [];
  private lossSet = false;
  constructor(readonly batch: number) {}

  private add(name: string, role: TensorInfo["role"], shape: number[], grad: boolean, init?: Init): string {
    if (this.list.some((t) => t.name === name)) throw new Error(`duplicate tensor ${name}`);
    const size = shape.reduce((a, b) => a * b, 1);
    if (!(size > 0) || !Number.isInteger(size)) throw new RangeError(`tensor ${name} has bad shape [${shape}]`);
    this.list.push({ name, role, shape, size, init });
    if (grad) this.grads.add(name);
    return name;
  }
  /** A trainable parameter. @example g.param("W", [3, 2], { kind: "zeros" }) */
  param(name: string, shape: number[], init: Init): string {
    return this.add(name, "param", shape, true, init);
  }
  /** A float input filled per batch. @example g.input("x", [8, 6]) */
  input(name: string, shape: number[]): string {
    return this.add(name, "input", shape, false);
  }
  /** An integer input (token ids, labels) filled per batch. @example g.intInput("tokens", [8 * 3]) */
  intInput(name: string, size: number): string {
    this.intList.push({ name, size });
    return name;
  }
  /** An intermediate activation. @example g.act("h", [8, 4]) */
  act(name: string, shape: number[], grad = true): string {
    return this.add(name, "act", shape, grad);
  }
  size(name: string): number {
    const t = this.list.find((t) => t.name === name);
    if (!t) throw new Error(`unknown tensor ${name}`);
    return t.size;
  }

  /** Row-major matrix view with leading batch strides. */
  static view(t: string, rs: number, cs = 1, s0 = 0, s1 = 0): View {
    return { t, s0, s1, rs, cs };
  }

  /** out = x·W (+ b), x: rows×in, W: in×out. @example g.linear("x", 4, 3, 2, "W", "b") */
  linear(x: string, rows: number, inDim: number, outDim: number, W: string, b?: string, name?: string): string {
    const out = this.act(name ?? `${W}·${x}`, [rows, outDim]);
    this.ops.push({
      op: "matmul", n0: 1, n1: 1, M: rows, N: outDim, K: inDim, alpha: 1,
      a: GraphBuilder.view(x, inDim), b: GraphBuilder.view(W, outDim), c: GraphBuilder.view(out, outDim),
    });
    if (!b) return out;
    const outB = this.act(`${out}+${b}`, [rows, outDim]);
    this.ops.push({ op: "add", a: out, b, out: outB, n: rows * outDim, bLen: outDim });
    return outB;
  }
  /** out = a + b (b broadcast with period bLen). @example g.addT("a", "b", "s") */
  addT(a: string, b: string, name: string, bLen?: number): string {
    const n = this.size(a);
    const out = this.act(name, [n]);
    this.ops.push({ op: "add", a, b, out, n, bLen: bLen ?? this.size(b) });
    return out;
  }
  relu(x: string, name: string): string {
    const n = this.size(x);
    const out = this.act(name, [n]);
    this.ops.push({ op: "relu", x, out, n });
    return out;
  }
  /** Residual FFN block of K&S eq. (3): h + W2·ReLU(W1·h + b1) + b2 (token-wise). */
  ffnBlock(h: string, rows: number, width: number, hidden: number, prefix: string, std = 1): string {
    const W1 = this.param(`${prefix}.W1`, [width, hidden], { kind: "normal", std: std / Math.sqrt(width) });
    const b1 = this.param(`${prefix}.b1`, [hidden], { kind: "zeros" });
    const W2 = this.param(`${prefix}.W2`, [hidden, width], { kind: "normal", std: std / Math.sqrt(hidden) });
    const b2 = this.param(`${prefix}.b2`, [width], { kind: "zeros" });
    const z = this.relu(this.linear(h, rows, width, hidden, W1, b1, `${prefix}.pre`), `${prefix}.relu`);
    const f = this.linear(z, rows, hidden, width, W2, b2, `${prefix}.out`);
    return this.addT(h, f, `${prefix}.res`);
  }
  rows(x: string, rows: number, cols: number, stride: number, first: number, name: string): string {
    const out = this.act(name, [rows, cols]);
    this.ops.push({ op: "rows", x, out, rows, cols, stride, first });
    return out;
  }
  gather(table: string, idx: string, rows: number, cols: number, vocab: number, name: string): string {
    const out = this.act(name, [rows, cols]);
    this.ops.push({ op: "gather", table, idx, out, rows, cols, vocab });
    return out;
  }
  /**
   * Multi-head attention weights and values for `nq` queries per sequence against `nk` keys:
   * q: view of (B, H, nq, dh), k: view of (B, H, nk, dh), v: view of (B, H, nk, dv) → out (B·nq, H·dv)
   * laid out as row (b, i), column block h. Returns the output tensor name.
   */
  attention(opts: {
    prefix: string; B: number; H: number; nq: number; nk: number; dh: number; dv: number;
    q?: View; k?: View; v: View; scale: number; mode: AttnMode; causal: boolean; qFirst: number;
  }): string {
    const { prefix, B, H, nq, nk, dh, dv } = opts;
    let scores: string | null = null;
    if (opts.mode !== "uniform") {
      if (!opts.q || !opts.k) throw new Error("softmax/hardmax attention needs q and k");
      scores = this.act(`${prefix}.scores`, [B, H, nq, nk]);
      const kT: View = { ...opts.k, rs: opts.k.cs, cs: opts.k.rs }; // (dh × nk) view of k
      this.ops.push({
        op: "matmul", n0: B, n1: H, M: nq, N: nk, K: dh, alpha: opts.scale,
        a: opts.q, b: kT, c: { t: scores, s0: H * nq * nk, s1: nq * nk, rs: nk, cs: 1 },
      });
    }
    const probs = this.act(`${prefix}.probs`, [B, H, nq, nk], opts.mode !== "uniform");
    this.ops.push({ op: "attn", x: scores, out: probs, rows: B * H * nq, cols: nk, groupRows: nq, qFirst: opts.qFirst, causal: opts.causal, mode: opts.mode });
    const out = this.act(`${prefix}.out`, [B * nq, H * dv]);
    this.ops.push({
      op: "matmul", n0: B, n1: H, M: nq, N: dv, K: nk, alpha: 1,
      a: { t: probs, s0: H * nq * nk, s1: nq * nk, rs: nk, cs: 1 }, b: opts.v, c: { t: out, s0: nq * H * dv, s1: dv, rs: H * dv, cs: 1 },
    });
    return out;
  }
  ce(logits: string, labels: string, rows: number, classes: number): void {
    this.lossOnce();
    this.ops.push({ op: "ce", logits, labels, rows, classes });
  }
  mse(pred: string, target: string, rows: number, k: number, metric: "sign" | "abs", tol: number): void {
    this.lossOnce();
    this.ops.push({ op: "mse", pred, target, rows, k, metric, tol });
  }
  private lossOnce(): void {
    if (this.lossSet) throw new Error("a graph has exactly one loss");
    this.lossSet = true;
  }

  /** Lays out memory. @example new GraphBuilder(1).finish() // throws: no loss */
  finish(): Graph {
    const lossOp = this.ops.find((o) => o.op === "ce" || o.op === "mse");
    if (!lossOp || (lossOp.op !== "ce" && lossOp.op !== "mse")) throw new Error("graph has no loss op");
    const lossRowCount = lossOp.rows;
    this.act("loss.rows", [lossRowCount], false);
    this.act("loss.correct", [lossRowCount], false);
    const tensors = new Map<string, TensorInfo>();
    let off = 0;
    const params = this.list.filter((t) => t.role === "param");
    for (const t of params) {
      tensors.set(t.name, { ...t, offset: off, gradOffset: -1 });
      off += t.size;
    }
    const P = off;
    for (const t of params) tensors.get(t.name)!.gradOffset = tensors.get(t.name)!.offset + P;
    off = 2 * P;
    const actGradStart = off;
    const others = this.list.filter((t) => t.role !== "param");
    for (const t of others) {
      if (this.grads.has(t.name)) {
        tensors.set(t.name, { ...t, offset: -1, gradOffset: off });
        off += t.size;
      } else tensors.set(t.name, { ...t, offset: -1, gradOffset: -1 });
    }
    const actGradEnd = off;
    for (const t of others) {
      tensors.get(t.name)!.offset = off;
      off += t.size;
    }
    const mOffset = off;
    const vOffset = off + P;
    off += 2 * P;
    const ints = new Map<string, IntInputInfo>();
    let ioff = 0;
    for (const i of this.intList) {
      ints.set(i.name, { ...i, offset: ioff });
      ioff += i.size;
    }
    return {
      tensors, ints, ops: this.ops, paramCount: P, lossRowCount, memSize: off, intSize: Math.max(ioff, 1), batch: this.batch,
      lossRows: tensors.get("loss.rows")!.offset, correctRows: tensors.get("loss.correct")!.offset,
      actGradStart, actGradEnd, mOffset, vOffset,
    };
  }
}

/** A strided matmul on absolute offsets: C = beta·C + alpha·A·B. */
export interface MatmulK {
  k: "matmul";
  n0: number; n1: number; M: number; N: number; K: number; alpha: number; beta: number;
  a: number; as0: number; as1: number; ars: number; acs: number;
  b: number; bs0: number; bs1: number; brs: number; bcs: number;
  c: number; cs0: number; cs1: number; crs: number; ccs: number;
}

/** Primitive kernels on absolute offsets, the unit both backends implement. */
export type Kernel =
  | { k: "fill"; dst: number; n: number; value: number }
  | { k: "axpy"; dst: number; src: number; n: number }
  | { k: "reduceMod"; dst: number; src: number; n: number; bLen: number }
  | { k: "add"; a: number; b: number; out: number; n: number; bLen: number }
  | MatmulK
  | { k: "reluF"; x: number; out: number; n: number }
  | { k: "reluB"; x: number; dout: number; dx: number; n: number }
  | { k: "rowsF"; x: number; out: number; rows: number; cols: number; stride: number; first: number }
  | { k: "rowsB"; dx: number; dout: number; rows: number; cols: number; stride: number; first: number }
  | { k: "gatherF"; table: number; idx: number; out: number; rows: number; cols: number }
  | { k: "gatherB"; dtable: number; idx: number; dout: number; rows: number; cols: number; vocab: number }
  | { k: "attnF"; x: number; out: number; rows: number; cols: number; groupRows: number; qFirst: number; causal: number; mode: number }
  | { k: "attnB"; x: number; dout: number; dx: number; rows: number; cols: number; groupRows: number; qFirst: number; causal: number }
  | { k: "ce"; logits: number; dlogits: number; labels: number; rows: number; classes: number; lossRows: number; correct: number }
  | { k: "mse"; pred: number; dpred: number; target: number; rows: number; kdim: number; metric: number; tol: number; lossRows: number; correct: number }
  | { k: "adam"; p: number; g: number; m: number; v: number; n: number };

export const ATTN_MODE: Record<AttnMode, number> = { softmax: 0, hardmax: 1, uniform: 2 };

export interface Program {
  graph: Graph;
  forward: Kernel[];
  backward: Kernel[];
  zeroGrads: Kernel;
  adam: Kernel;
}

/**
 * Compiles a graph into forward and backward kernel lists. The loss kernels write the gradient of the
 * mean loss w.r.t. their input during the forward pass; backward then runs the ops in reverse,
 * accumulating (+=) into gradients that `zeroGrads` cleared.
 * @example const prog = compileGraph(graph); prog.forward.length > 0
 */
export function compileGraph(graph: Graph): Program {
  const T = (n: string): TensorInfo => {
    const t = graph.tensors.get(n);
    if (!t) throw new Error(`unknown tensor ${n}`);
    return t;
  };
  const I = (n: string): number => {
    const t = graph.ints.get(n);
    if (!t) throw new Error(`unknown int input ${n}`);
    return t.offset;
  };
  const fwd: Kernel[] = [];
  const bwd: Kernel[][] = [];
  for (const o of graph.ops) {
    const back: Kernel[] = [];
    switch (o.op) {
      case "gather": {
        fwd.push({ k: "gatherF", table: T(o.table).offset, idx: I(o.idx), out: T(o.out).offset, rows: o.rows, cols: o.cols });
        if (T(o.table).gradOffset >= 0) back.push({ k: "gatherB", dtable: T(o.table).gradOffset, idx: I(o.idx), dout: T(o.out).gradOffset, rows: o.rows, cols: o.cols, vocab: o.vocab });
        break;
      }
      case "add": {
        const a = T(o.a), b = T(o.b), out = T(o.out);
        fwd.push({ k: "add", a: a.offset, b: b.offset, out: out.offset, n: o.n, bLen: o.bLen });
        if (a.gradOffset >= 0) back.push({ k: "axpy", dst: a.gradOffset, src: out.gradOffset, n: o.n });
        if (b.gradOffset >= 0) {
          if (o.bLen === o.n) back.push({ k: "axpy", dst: b.gradOffset, src: out.gradOffset, n: o.n });
          else back.push({ k: "reduceMod", dst: b.gradOffset, src: out.gradOffset, n: o.n, bLen: o.bLen });
        }
        break;
      }
      case "matmul": {
        const A = T(o.a.t), B = T(o.b.t), C = T(o.c.t);
        for (const [v, t] of [[o.a, A], [o.b, B]] as const) {
          // a broadcast operand would make the batched backward write one gradient from many threads
          if (t.gradOffset >= 0 && ((v.s0 === 0 && o.n0 > 1) || (v.s1 === 0 && o.n1 > 1))) throw new Error(`matmul operand ${t.name} is broadcast over a batch dim; fold the batch into rows`);
        }
        fwd.push(mm(o.n0, o.n1, o.M, o.N, o.K, o.alpha, 0, A.offset, o.a, B.offset, o.b, C.offset, o.c));
        if (A.gradOffset >= 0) {
          // dA[i,k] += alpha Σ_j dC[i,j] B[k,j]
          back.push(mm(o.n0, o.n1, o.M, o.K, o.N, o.alpha, 1, C.gradOffset, o.c, B.offset, tr(o.b), A.gradOffset, o.a));
        }
        if (B.gradOffset >= 0) {
          // dB[k,j] += alpha Σ_i A[i,k] dC[i,j]
          back.push(mm(o.n0, o.n1, o.K, o.N, o.M, o.alpha, 1, A.offset, tr(o.a), C.gradOffset, o.c, B.gradOffset, o.b));
        }
        break;
      }
      case "relu": {
        fwd.push({ k: "reluF", x: T(o.x).offset, out: T(o.out).offset, n: o.n });
        if (T(o.x).gradOffset >= 0) back.push({ k: "reluB", x: T(o.x).offset, dout: T(o.out).gradOffset, dx: T(o.x).gradOffset, n: o.n });
        break;
      }
      case "rows": {
        fwd.push({ k: "rowsF", x: T(o.x).offset, out: T(o.out).offset, rows: o.rows, cols: o.cols, stride: o.stride, first: o.first });
        if (T(o.x).gradOffset >= 0) back.push({ k: "rowsB", dx: T(o.x).gradOffset, dout: T(o.out).gradOffset, rows: o.rows, cols: o.cols, stride: o.stride, first: o.first });
        break;
      }
      case "attn": {
        const x = o.x ? T(o.x) : null;
        fwd.push({ k: "attnF", x: x ? x.offset : 0, out: T(o.out).offset, rows: o.rows, cols: o.cols, groupRows: o.groupRows, qFirst: o.qFirst, causal: o.causal ? 1 : 0, mode: ATTN_MODE[o.mode] });
        if (x && x.gradOffset >= 0) back.push({ k: "attnB", x: x.offset, dout: T(o.out).gradOffset, dx: x.gradOffset, rows: o.rows, cols: o.cols, groupRows: o.groupRows, qFirst: o.qFirst, causal: o.causal ? 1 : 0 });
        break;
      }
      case "ce": {
        const l = T(o.logits);
        fwd.push({ k: "ce", logits: l.offset, dlogits: l.gradOffset, labels: I(o.labels), rows: o.rows, classes: o.classes, lossRows: graph.lossRows, correct: graph.correctRows });
        break;
      }
      case "mse": {
        const p = T(o.pred);
        fwd.push({ k: "mse", pred: p.offset, dpred: p.gradOffset, target: T(o.target).offset, rows: o.rows, kdim: o.k, metric: o.metric === "sign" ? 0 : 1, tol: o.tol, lossRows: graph.lossRows, correct: graph.correctRows });
        break;
      }
    }
    bwd.push(back);
  }
  const P = graph.paramCount;
  return {
    graph,
    forward: fwd,
    backward: bwd.reverse().flat(),
    zeroGrads: { k: "fill", dst: P, n: graph.actGradEnd - P, value: 0 },
    adam: { k: "adam", p: 0, g: P, m: graph.mOffset, v: graph.vOffset, n: P },
  };
}

function tr(v: View): View {
  return { ...v, rs: v.cs, cs: v.rs };
}
function mm(n0: number, n1: number, M: number, N: number, K: number, alpha: number, beta: number, a: number, av: View, b: number, bv: View, c: number, cv: View): MatmulK {
  return {
    k: "matmul", n0, n1, M, N, K, alpha, beta,
    a, as0: av.s0, as1: av.s1, ars: av.rs, acs: av.cs,
    b, bs0: bv.s0, bs1: bv.s1, brs: bv.rs, bcs: bv.cs,
    c, cs0: cv.s0, cs1: cv.s1, crs: cv.rs, ccs: cv.cs,
  };
}

/**
 * Initial parameters from the graph's init rules and a seed (float64; the f32 backend rounds them).
 * @example initParams(graph, 1).length === graph.paramCount
 */
export function initParams(graph: Graph, seed: number): Float64Array {
  const rng = trainerRng(seed);
  const p = new Float64Array(graph.paramCount);
  for (const t of graph.tensors.values()) {
    if (t.role !== "param" || !t.init) continue;
    const init = t.init;
    for (let i = 0; i < t.size; i++) {
      p[t.offset + i] = init.kind === "normal" ? init.std * rng.normal() : init.kind === "uniform" ? init.lo + (init.hi - init.lo) * rng.uniform() : init.kind === "ones" ? 1 : 0;
    }
  }
  return p;
}
