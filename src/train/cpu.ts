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

  /** Runs one primitive kernel. Fields are copied to locals first: loads from the Kernel union are megamorphic. */
  run(k: Kernel): void {
    const m = this.mem, ints = this.ints;
    switch (k.k) {
      case "fill":
        m.fill(k.value, k.dst, k.dst + k.n);
        return;
      case "axpy": {
        const { dst, src, n } = k;
        for (let i = 0; i < n; i++) m[dst + i] = m[dst + i]! + m[src + i]!;
        return;
      }
      case "reduceMod": {
        const { dst, src, n, bLen } = k;
        for (let i = 0, j = 0; i < n; i++, j = j + 1 === bLen ? 0 : j + 1) m[dst + j] = m[dst + j]! + m[src + i]!;
        return;
      }
      case "add": {
        const { a, b, out, n, bLen } = k;
        for (let i = 0, j = 0; i < n; i++, j = j + 1 === bLen ? 0 : j + 1) m[out + i] = m[a + i]! + m[b + j]!;
        return;
      }
      case "matmul":
        this.matmul(k);
        return;
      case "reluF": {
        const { x, out, n } = k;
        for (let i = 0; i < n; i++) {
          const v = m[x + i]!;
          m[out + i] = v > 0 ? v : 0;
        }
        return;
      }
      case "reluB": {
        const { x, dout, dx, n } = k;
        for (let i = 0; i < n; i++) if (m[x + i]! > 0) m[dx + i] = m[dx + i]! + m[dout + i]!;
        return;
      }
      case "rowsF": {
        const { x, out, rows, cols, stride, first } = k;
        for (let r = 0; r < rows; r++) {
          const src = x + (r * stride + first) * cols, dst = out + r * cols;
          for (let j = 0; j < cols; j++) m[dst + j] = m[src + j]!;
        }
        return;
      }
      case "rowsB": {
        const { dx, dout, rows, cols, stride, first } = k;
        for (let r = 0; r < rows; r++) {
          const dst = dx + (r * stride + first) * cols, src = dout + r * cols;
          for (let j = 0; j < cols; j++) m[dst + j] = m[dst + j]! + m[src + j]!;
        }
        return;
      }
      case "gatherF": {
        const { table, idx, out, rows, cols } = k;
        for (let r = 0; r < rows; r++) {
          const src = table + ints[idx + r]! * cols, dst = out + r * cols;
          for (let j = 0; j < cols; j++) m[dst + j] = m[src + j]!;
        }
        return;
      }
      case "gatherB": {
        const { dtable, idx, dout, rows, cols } = k;
        for (let r = 0; r < rows; r++) {
          const dst = dtable + ints[idx + r]! * cols, src = dout + r * cols;
          for (let j = 0; j < cols; j++) m[dst + j] = m[dst + j]! + m[src + j]!;
        }
        return;
      }
      case "attnF": {
        const { rows, cols, groupRows, qFirst, causal, mode } = k;
        for (let r = 0; r < rows; r++) {
          const lim = causal ? Math.min(cols, qFirst + (r % groupRows) + 1) : cols;
          const o = k.out + r * cols, x = k.x + r * cols;
          m.fill(0, o, o + cols);
          if (mode === 2) {
            for (let j = 0; j < lim; j++) m[o + j] = 1 / lim;
            continue;
          }
          let mx = -Infinity;
          for (let j = 0; j < lim; j++) mx = Math.max(mx, m[x + j]!);
          if (mode === 1) {
            let cnt = 0;
            for (let j = 0; j < lim; j++) if (m[x + j] === mx) cnt++;
            for (let j = 0; j < lim; j++) if (m[x + j] === mx) m[o + j] = 1 / cnt;
            continue;
          }
          let s = 0;
          for (let j = 0; j < lim; j++) {
            const e = Math.exp(m[x + j]! - mx);
            m[o + j] = e;
            s += e;
          }
          for (let j = 0; j < lim; j++) m[o + j] = m[o + j]! / s;
        }
        return;
      }
      case "attnB": {
        // softmax Jacobian of the recomputed softmax: exact for softmax, straight-through for hardmax
        const { rows, cols, groupRows, qFirst, causal } = k;
        const p = this.scratch.length >= cols ? this.scratch : (this.scratch = new Float64Array(cols));
        for (let r = 0; r < rows; r++) {
          const lim = causal ? Math.min(cols, qFirst + (r % groupRows) + 1) : cols;
          const x = k.x + r * cols, d = k.dout + r * cols, dx = k.dx + r * cols;
          let mx = -Infinity;
          for (let j = 0; j < lim; j++) mx = Math.max(mx, m[x + j]!);
          let s = 0;
          for (let j = 0; j < lim; j++) s += p[j] = Math.exp(m[x + j]! - mx);
          let dot = 0;
          for (let j = 0; j < lim; j++) dot += (p[j]! / s) * m[d + j]!;
          for (let j = 0; j < lim; j++) m[dx + j] = m[dx + j]! + (p[j]! / s) * (m[d + j]! - dot);
        }
        return;
      }
      case "ce": {
        const { logits, dlogits, labels, rows, classes, lossRows, correct } = k;
        for (let r = 0; r < rows; r++) {
          const l = logits + r * classes, y = ints[labels + r]!;
          let mx = -Infinity, other = -Infinity;
          for (let c = 0; c < classes; c++) {
            const v = m[l + c]!;
            if (v > mx) mx = v;
            if (c !== y && v > other) other = v;
          }
          let s = 0;
          for (let c = 0; c < classes; c++) s += Math.exp(m[l + c]! - mx);
          m[lossRows + r] = Math.log(s) + mx - m[l + y]!;
          m[correct + r] = m[l + y]! > other ? 1 : 0;
          if (dlogits >= 0) {
            const dl = dlogits + r * classes;
            for (let c = 0; c < classes; c++) m[dl + c] = (Math.exp(m[l + c]! - mx) / s - (c === y ? 1 : 0)) / rows;
          }
        }
        return;
      }
      case "mse": {
        const { pred, dpred, target, rows, kdim, metric, tol, lossRows, correct } = k;
        for (let r = 0; r < rows; r++) {
          let loss = 0, ok = 1;
          for (let c = 0; c < kdim; c++) {
            const i = r * kdim + c, p = m[pred + i]!, y = m[target + i]!, e = p - y;
            loss += (e * e) / kdim;
            if (metric === 0 ? !(p * y > 0) : !(Math.abs(e) < tol)) ok = 0;
            if (dpred >= 0) m[dpred + i] = (2 * e) / (kdim * rows);
          }
          m[lossRows + r] = loss;
          m[correct + r] = ok;
        }
        return;
      }
      case "adam":
        throw new Error("adam runs through adamStep");
    }
  }

  private matmul(k: MatmulK): void {
    // every field is read once into a local: the Kernel union makes property loads in hot loops megamorphic
    const m = this.mem, acc = this.scratch;
    const { n0, n1, M, N, K, alpha, beta, a, as0, as1, ars, acs, b, bs0, bs1, brs, bcs, c, cs0, cs1, crs, ccs } = k;
    for (let o0 = 0; o0 < n0; o0++)
      for (let o1 = 0; o1 < n1; o1++) {
        const A = a + o0 * as0 + o1 * as1, B = b + o0 * bs0 + o1 * bs1, C = c + o0 * cs0 + o1 * cs1;
        for (let i = 0; i < M; i++) {
          const aRow = A + i * ars, cRow = C + i * crs;
          if (bcs !== 1 && brs === 1) {
            // B read along k contiguously (a transposed operand): dot products
            for (let j = 0; j < N; j++) {
              const bCol = B + j * bcs;
              let s = 0;
              if (acs === 1) for (let kk = 0; kk < K; kk++) s += m[aRow + kk]! * m[bCol + kk]!;
              else for (let kk = 0; kk < K; kk++) s += m[aRow + kk * acs]! * m[bCol + kk]!;
              const ci = cRow + j * ccs;
              m[ci] = beta === 0 ? alpha * s : m[ci]! + alpha * s;
            }
            continue;
          }
          acc.fill(0, 0, N);
          for (let kk = 0; kk < K; kk++) {
            const av = m[aRow + kk * acs]!;
            const bRow = B + kk * brs;
            if (bcs === 1) for (let j = 0; j < N; j++) acc[j] = acc[j]! + av * m[bRow + j]!;
            else for (let j = 0; j < N; j++) acc[j] = acc[j]! + av * m[bRow + j * bcs]!;
          }
          if (beta === 0) for (let j = 0; j < N; j++) m[cRow + j * ccs] = alpha * acc[j]!;
          else for (let j = 0; j < N; j++) m[cRow + j * ccs] = m[cRow + j * ccs]! + alpha * acc[j]!;
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
