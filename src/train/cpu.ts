/**
 * The CPU reference backend: interprets the Program's primitive kernels on one Float64Array, with
 * every forward and backward rule written out by hand. It is the reference the WebGPU backend is
 * checked against, and the path the finite-difference gradient tests run on.
 */
import type { AdamStep, Backend, BatchData, BatchStats } from "./backend.ts";
import { mean } from "./backend.ts";
import type { Kernel, MatmulK, Program } from "./graph.ts";

/**
 * Creates the CPU backend for a compiled program.
 * @example const be = new CpuBackend(compileGraph(graph)); await be.setParams(initParams(graph, 1));
 */
export class CpuBackend implements Backend {
  readonly name = "cpu" as const;
  readonly mem: Float64Array;
  readonly ints: Int32Array;
  private scratch: Float64Array;
  constructor(readonly program: Program) {
    this.mem = new Float64Array(program.graph.memSize);
    this.ints = new Int32Array(program.graph.intSize);
    let maxN = 1;
    for (const k of [...program.forward, ...program.backward]) if (k.k === "matmul") maxN = Math.max(maxN, k.N);
    this.scratch = new Float64Array(maxN);
  }
  async setParams(p: Float64Array): Promise<void> {
    this.mem.set(p, 0);
    const g = this.program.graph;
    this.mem.fill(0, g.mOffset, g.memSize); // fresh Adam moments
  }
  setBatch(b: BatchData): void {
    const g = this.program.graph;
    for (const [name, data] of b.floats) {
      const t = g.tensors.get(name);
      if (!t || t.size !== data.length) throw new Error(`batch input ${name}: expected ${t?.size} floats, got ${data.length}`);
      this.mem.set(data, t.offset);
    }
    for (const [name, data] of b.ints) {
      const t = g.ints.get(name);
      if (!t || t.size !== data.length) throw new Error(`batch int input ${name}: expected ${t?.size}, got ${data.length}`);
      this.ints.set(data, t.offset);
    }
  }
  forward(): void {
    for (const k of this.program.forward) this.run(k);
  }
  forwardBackward(): void {
    this.run(this.program.zeroGrads);
    this.forward();
    for (const k of this.program.backward) this.run(k);
  }
  adamStep(h: AdamStep): void {
    const k = this.program.adam;
    if (k.k !== "adam") throw new Error("bad program");
    adam(this.mem, k.p, k.g, k.m, k.v, k.n, h);
  }
  async stats(): Promise<BatchStats> {
    const g = this.program.graph;
    const lossRows = this.mem.slice(g.lossRows, g.lossRows + g.lossRowCount);
    const correct = this.mem.slice(g.correctRows, g.correctRows + g.lossRowCount);
    return { loss: mean(lossRows), accuracy: mean(correct), lossRows, correct };
  }
  async readMemory(): Promise<Float64Array> {
    return this.mem.slice();
  }
  dispose(): void {}

  /** Runs one primitive kernel. */
  run(k: Kernel): void {
    const m = this.mem;
    switch (k.k) {
      case "fill":
        m.fill(k.value, k.dst, k.dst + k.n);
        return;
      case "axpy":
        for (let i = 0; i < k.n; i++) m[k.dst + i] = m[k.dst + i]! + m[k.src + i]!;
        return;
      case "reduceMod":
        for (let i = 0; i < k.n; i++) m[k.dst + (i % k.bLen)] = m[k.dst + (i % k.bLen)]! + m[k.src + i]!;
        return;
      case "add":
        for (let i = 0, j = 0; i < k.n; i++, j = j + 1 === k.bLen ? 0 : j + 1) m[k.out + i] = m[k.a + i]! + m[k.b + j]!;
        return;
      case "matmul":
        this.matmul(k);
        return;
      case "reluF":
        for (let i = 0; i < k.n; i++) {
          const x = m[k.x + i]!;
          m[k.out + i] = x > 0 ? x : 0;
        }
        return;
      case "reluB":
        for (let i = 0; i < k.n; i++) if (m[k.x + i]! > 0) m[k.dx + i] = m[k.dx + i]! + m[k.dout + i]!;
        return;
      case "rowsF":
        for (let r = 0; r < k.rows; r++) {
          const src = k.x + (r * k.stride + k.first) * k.cols, dst = k.out + r * k.cols;
          for (let j = 0; j < k.cols; j++) m[dst + j] = m[src + j]!;
        }
        return;
      case "rowsB":
        for (let r = 0; r < k.rows; r++) {
          const dst = k.dx + (r * k.stride + k.first) * k.cols, src = k.dout + r * k.cols;
          for (let j = 0; j < k.cols; j++) m[dst + j] = m[dst + j]! + m[src + j]!;
        }
        return;
      case "gatherF":
        for (let r = 0; r < k.rows; r++) {
          const src = k.table + this.ints[k.idx + r]! * k.cols, dst = k.out + r * k.cols;
          for (let j = 0; j < k.cols; j++) m[dst + j] = m[src + j]!;
        }
        return;
      case "gatherB":
        for (let r = 0; r < k.rows; r++) {
          const dst = k.dtable + this.ints[k.idx + r]! * k.cols, src = k.dout + r * k.cols;
          for (let j = 0; j < k.cols; j++) m[dst + j] = m[dst + j]! + m[src + j]!;
        }
        return;
      case "attnF":
        for (let r = 0; r < k.rows; r++) {
          const lim = k.causal ? Math.min(k.cols, k.qFirst + (r % k.groupRows) + 1) : k.cols;
          const o = k.out + r * k.cols, x = k.x + r * k.cols;
          m.fill(0, o, o + k.cols);
          if (k.mode === 2) {
            for (let j = 0; j < lim; j++) m[o + j] = 1 / lim;
            continue;
          }
          let mx = -Infinity;
          for (let j = 0; j < lim; j++) mx = Math.max(mx, m[x + j]!);
          if (k.mode === 1) {
            let cnt = 0;
            for (let j = 0; j < lim; j++) if (m[x + j] === mx) cnt++;
            for (let j = 0; j < lim; j++) if (m[x + j] === mx) m[o + j] = 1 / cnt;
            continue;
          }
          let s = 0;
          for (let j = 0; j < lim; j++) { const e = Math.exp(m[x + j]! - mx); m[o + j] = e; s += e; }
          for (let j = 0; j < lim; j++) m[o + j] = m[o + j]! / s;
        }
        return;
      case "attnB":
        for (let r = 0; r < k.rows; r++) {
          // softmax Jacobian of the recomputed softmax: exact for softmax, straight-through for hardmax
          const lim = k.causal ? Math.min(k.cols, k.qFirst + (r % k.groupRows) + 1) : k.cols;
          const x = k.x + r * k.cols, d = k.dout + r * k.cols, dx = k.dx + r * k.cols;
          let mx = -Infinity;
          for (let j = 0; j < lim; j++) mx = Math.max(mx, m[x + j]!);
          let s = 0;
          for (let j = 0; j < lim; j++) s += Math.exp(m[x + j]! - mx);
          let dot = 0;
          for (let j = 0; j < lim; j++) dot += (Math.exp(m[x + j]! - mx) / s) * m[d + j]!;
          for (let j = 0; j < lim; j++) m[dx + j] = m[dx + j]! + (Math.exp(m[x + j]! - mx) / s) * (m[d + j]! - dot);
        }
        return;
      case "ce":
        for (let r = 0; r < k.rows; r++) {
          const l = k.logits + r * k.classes, y = this.ints[k.labels + r]!;
          let mx = -Infinity, other = -Infinity;
          for (let c = 0; c < k.classes; c++) {
            mx = Math.max(mx, m[l + c]!);
            if (c !== y) other = Math.max(other, m[l + c]!);
          }
          let s = 0;
          for (let c = 0; c < k.classes; c++) s += Math.exp(m[l + c]! - mx);
          m[k.lossRows + r] = Math.log(s) + mx - m[l + y]!;
          m[k.correct + r] = m[l + y]! > other ? 1 : 0;
          if (k.dlogits >= 0) {
            for (let c = 0; c < k.classes; c++) m[k.dlogits + r * k.classes + c] = (Math.exp(m[l + c]! - mx) / s - (c === y ? 1 : 0)) / k.rows;
          }
        }
        return;
      case "mse":
        for (let r = 0; r < k.rows; r++) {
          let loss = 0, ok = 1;
          for (let c = 0; c < k.kdim; c++) {
            const i = r * k.kdim + c, p = m[k.pred + i]!, y = m[k.target + i]!, e = p - y;
            loss += (e * e) / k.kdim;
            if (k.metric === 0 ? !(p * y > 0) : !(Math.abs(e) < k.tol)) ok = 0;
            if (k.dpred >= 0) m[k.dpred + i] = (2 * e) / (k.kdim * k.rows);
          }
          m[k.lossRows + r] = loss;
          m[k.correct + r] = ok;
        }
        return;
      case "adam":
        throw new Error("adam runs through adamStep");
    }
  }

  private matmul(k: MatmulK): void {
    const m = this.mem, acc = this.scratch;
    const { N, K, alpha } = k;
    for (let o0 = 0; o0 < k.n0; o0++)
      for (let o1 = 0; o1 < k.n1; o1++) {
        const A = k.a + o0 * k.as0 + o1 * k.as1, B = k.b + o0 * k.bs0 + o1 * k.bs1, C = k.c + o0 * k.cs0 + o1 * k.cs1;
        for (let i = 0; i < k.M; i++) {
          acc.fill(0, 0, N);
          const aRow = A + i * k.ars;
          for (let kk = 0; kk < K; kk++) {
            const av = m[aRow + kk * k.acs]!;
            const bRow = B + kk * k.brs;
            if (k.bcs === 1) for (let j = 0; j < N; j++) acc[j] = acc[j]! + av * m[bRow + j]!;
            else for (let j = 0; j < N; j++) acc[j] = acc[j]! + av * m[bRow + j * k.bcs]!;
          }
          const cRow = C + i * k.crs;
          if (k.beta === 0) for (let j = 0; j < N; j++) m[cRow + j * k.ccs] = alpha * acc[j]!;
          else for (let j = 0; j < N; j++) m[cRow + j * k.ccs] = m[cRow + j * k.ccs]! + alpha * acc[j]!;
        }
      }
  }
}

/**
 * One Adam/AdamW update on mem[p..p+n) with gradients at g and moments at m, v (bias-corrected).
 * @example adam(mem, 0, P, mOff, vOff, P, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: true, t: 1 })
 */
export function adam(mem: Float64Array, p: number, g: number, mo: number, vo: number, n: number, h: AdamStep): void {
  const c1 = 1 - h.beta1 ** h.t, c2 = 1 - h.beta2 ** h.t;
  for (let i = 0; i < n; i++) {
    let grad = mem[g + i]!;
    const w = mem[p + i]!;
    if (!h.decoupled) grad += h.weightDecay * w;
    const mm = (mem[mo + i] = h.beta1 * mem[mo + i]! + (1 - h.beta1) * grad);
    const vv = (mem[vo + i] = h.beta2 * mem[vo + i]! + (1 - h.beta2) * grad * grad);
    let upd = (mm / c1) / (Math.sqrt(vv / c2) + h.eps);
    if (h.decoupled) upd += h.weightDecay * w;
    mem[p + i] = w - h.lr * upd;
  }
}
