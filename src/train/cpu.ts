/**
 * The CPU backend: runs the Program's primitive kernels on one typed array, with every forward and
 * backward rule written out by hand, in one of two precisions:
 *  - "f64" (the default): float64 throughout. It is the reference the WebGPU backend and the f32 path are
 *    checked against, and the path the finite-difference gradient tests and everything downstream of a
 *    trained model (capacity probes, crosschecks) run on.
 *  - "f32": the same kernels on a Float32Array, matmuls in f32x4 WebAssembly SIMD. Every stored value is a
 *    float32; a single +, −, ×, ÷ computed in JavaScript's float64 and rounded on the store equals the
 *    float32 operation exactly (float64 has more than 2·24 + 2 bits), while compound expressions (softmax,
 *    cross-entropy, Adam) are evaluated in float64 and rounded once when stored. A speed path (PyTorch's
 *    CPU default is float32); its agreement with f64 is a measured tolerance (test/train/precision.test.ts).
 *
 * Speed: the kernel list is compiled once into closures that hold each kernel's offsets and sizes as
 * constants (no per-step dispatch on the Kernel union, no allocation in a step), and every matmul runs in
 * a WebAssembly SIMD kernel (./kernels-wasm.ts, register-blocked mmTile for most shapes) on the same memory:
 * `mem` is a view of the kernels' WebAssembly.Memory. Strided layouts the SIMD kernels do not cover fall back
 * to a scalar loop.
 */
import type { AdamStep, Backend, BatchData, BatchStats } from "./backend.ts";
import { mean } from "./backend.ts";
import type { Kernel, MatmulK, Program } from "./graph.ts";
import { wasmElementwiseKernels, type ElementwiseKernels } from "./kernels-elementwise.ts";
import { wasmMatmulKernels, type Precision, type WasmKernels } from "./kernels-wasm.ts";

/** The backend's memory in its precision. */
export type FloatMemory = Float32Array | Float64Array;

/**
 * Creates the CPU backend for a compiled program (float64 unless asked for "f32").
 * @example const be = new CpuBackend(compileGraph(graph)); await be.setParams(initParams(graph, 1));
 */
export class CpuBackend implements Backend {
  readonly name = "cpu" as const;
  /** the whole memory (layout in graph.ts); a view of the SIMD kernels' WebAssembly.Memory */
  readonly mem: FloatMemory;
  readonly ints: Int32Array;
  private readonly wasm: WasmKernels;
  private readonly ew: ElementwiseKernels;
  private readonly scratch: Float64Array;
  /** float offset of the wasm kernels' row scratch; int offset (4-byte units) of the ints in the wasm memory */
  private readonly scratchAt: number;
  private readonly intsAt: number;
  private readonly compiled = new WeakMap<Kernel, () => void>();
  private readonly fwd: (() => void)[];
  private readonly bwd: (() => void)[];
  private readonly zero: () => void;
  constructor(readonly program: Program, readonly precision: Precision = "f64") {
    const g = program.graph;
    // after the program's memory: room for one transposed small operand (see matmul)
    let tmp = 0;
    for (const k of [...program.forward, ...program.backward]) {
      if (k.k !== "matmul") continue;
      for (const v of [k, transposedProblem(k)]) if (v && transposeFirst(v)) tmp = Math.max(tmp, v.K * v.N);
    }
    // then scratch for the float32 softmax (one vector per column) and cross-entropy (max, Σ exp per row), then the ints
    let rowScratch = 0;
    for (const k of program.forward) {
      if (k.k === "attnF") rowScratch = Math.max(rowScratch, 4 * k.cols);
      if (k.k === "ce") rowScratch = Math.max(rowScratch, 2 * k.rows);
    }
    this.scratchAt = g.memSize + tmp;
    const intsAt = this.scratchAt + rowScratch; // in floats; an int is 4 bytes
    const floatBytes = precision === "f32" ? 4 : 8;
    this.wasm = wasmMatmulKernels(intsAt + Math.ceil((g.intSize * 4) / floatBytes), precision);
    this.ew = wasmElementwiseKernels(this.wasm.memory, precision);
    this.mem = precision === "f32" ? new Float32Array(this.wasm.memory.buffer, 0, g.memSize) : new Float64Array(this.wasm.memory.buffer, 0, g.memSize);
    this.ints = new Int32Array(this.wasm.memory.buffer, intsAt * floatBytes, g.intSize);
    this.intsAt = (intsAt * floatBytes) / 4;
    let maxCols = 1; // attention backward keeps one row of recomputed softmax numerators
    for (const k of program.backward) if (k.k === "attnB") maxCols = Math.max(maxCols, k.cols);
    this.scratch = new Float64Array(maxCols);
    this.fwd = this.fused(program.forward);
    this.bwd = this.fused(program.backward);
    this.zero = this.kernel(program.zeroGrads);
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
    const f = this.fwd;
    for (let i = 0; i < f.length; i++) f[i]!();
  }
  forwardBackward(): void {
    this.zero();
    this.forward();
    const b = this.bwd;
    for (let i = 0; i < b.length; i++) b[i]!();
  }
  adamStep(h: AdamStep): void {
    const k = this.program.adam;
    if (k.k !== "adam") throw new Error("bad program");
    // the same operations per element as adam() below (bit for bit in float64), vectorized
    const c1 = 1 - h.beta1 ** h.t, c2 = 1 - h.beta2 ** h.t;
    (h.decoupled ? this.ew.adamW : this.ew.adamL2)(k.p, k.g, k.m, k.v, k.n, h.lr, h.beta1, h.beta2, c1, c2, h.eps, h.weightDecay);
  }
  async stats(): Promise<BatchStats> {
    const g = this.program.graph;
    const lossRows = Float64Array.from(this.mem.subarray(g.lossRows, g.lossRows + g.lossRowCount));
    const correct = Float64Array.from(this.mem.subarray(g.correctRows, g.correctRows + g.lossRowCount));
    return { loss: mean(lossRows), accuracy: mean(correct), lossRows, correct };
  }
  async readMemory(): Promise<Float64Array> {
    return Float64Array.from(this.mem);
  }
  dispose(): void {}

  /** Runs one primitive kernel (compiled on first use). */
  run(k: Kernel): void {
    this.kernel(k)();
  }

  /**
   * Compiles a kernel into a closure over its constants. Fields are copied to locals here, once: loads
   * from the Kernel union inside hot loops would be megamorphic.
   */
  private kernel(k: Kernel): () => void {
    const done = this.compiled.get(k);
    if (done) return done;
    const f = this.build(k);
    this.compiled.set(k, f);
    return f;
  }

  private build(k: Kernel): () => void {
    const m = this.mem, ints = this.ints;
    switch (k.k) {
      case "fill": {
        const { value, dst, n } = k;
        return () => m.fill(value, dst, dst + n);
      }
      case "axpy": {
        const { dst, src, n } = k, f = this.ew.axpy;
        return () => f(dst, src, n);
      }
      case "reduceMod": {
        const { dst, src, n, bLen } = k;
        if (n % bLen !== 0)
          return () => {
            for (let i = 0; i < n; i++) m[dst + (i % bLen)] = m[dst + (i % bLen)]! + m[src + i]!;
          };
        const f = this.ew.reduceRows;
        return () => f(dst, src, n, bLen);
      }
      case "add": {
        const { a, b, out, n, bLen } = k;
        if (n % bLen !== 0)
          return () => {
            for (let i = 0; i < n; i++) m[out + i] = m[a + i]! + m[b + (i % bLen)]!;
          };
        const f = this.ew.addBias; // bLen = n: elementwise
        return () => f(a, b, out, n, bLen);
      }
      case "matmul":
        return this.matmul(k);
      case "reluF": {
        const { x, out, n } = k, f = this.ew.relu;
        return () => f(x, out, n);
      }
      case "reluB": {
        const { x, dout, dx, n } = k, f = this.ew.reluBack;
        return () => f(x, dout, dx, n);
      }
      case "rowsF": {
        const { x, out, rows, cols, stride, first } = k;
        return () => {
          for (let r = 0; r < rows; r++) m.copyWithin(out + r * cols, x + (r * stride + first) * cols, x + (r * stride + first + 1) * cols);
        };
      }
      case "rowsB": {
        const { dx, dout, rows, cols, stride, first } = k;
        return () => {
          for (let r = 0; r < rows; r++) {
            const dst = dx + (r * stride + first) * cols, src = dout + r * cols;
            for (let j = 0; j < cols; j++) m[dst + j] = m[dst + j]! + m[src + j]!;
          }
        };
      }
      case "gatherF": {
        const { table, idx, out, rows, cols } = k;
        return () => {
          for (let r = 0; r < rows; r++) {
            const src = table + ints[idx + r]! * cols;
            m.copyWithin(out + r * cols, src, src + cols);
          }
        };
      }
      case "gatherB": {
        const { dtable, idx, dout, rows, cols } = k;
        return () => {
          for (let r = 0; r < rows; r++) {
            const dst = dtable + ints[idx + r]! * cols, src = dout + r * cols;
            for (let j = 0; j < cols; j++) m[dst + j] = m[dst + j]! + m[src + j]!;
          }
        };
      }
      case "attnF": {
        const { rows, cols, groupRows, qFirst, x: x0, out: out0, mode } = k;
        const causal = k.causal !== 0;
        const js = (from: number) => {
          for (let r = from; r < rows; r++) {
            const lim = causal ? Math.min(cols, qFirst + (r % groupRows) + 1) : cols;
            const o = out0 + r * cols, x = x0 + r * cols;
            if (lim < cols) m.fill(0, o + lim, o + cols);
            if (mode === 2) {
              m.fill(1 / lim, o, o + lim);
              continue;
            }
            let mx = -Infinity;
            for (let j = 0; j < lim; j++) mx = Math.max(mx, m[x + j]!);
            if (mode === 1) {
              let cnt = 0;
              for (let j = 0; j < lim; j++) if (m[x + j] === mx) cnt++;
              for (let j = 0; j < lim; j++) m[o + j] = m[x + j] === mx ? 1 / cnt : 0;
              continue;
            }
            let s = 0;
            for (let j = 0; j < lim; j++) {
              const e = Math.exp(m[x + j]! - mx);
              m[o + j] = e;
              s += e;
            }
            const inv = 1 / s;
            for (let j = 0; j < lim; j++) m[o + j] = m[o + j]! * inv;
          }
        };
        const f = this.ew.softmaxRows, full = !causal || qFirst + 1 >= cols, r4 = rows - (rows % 4), S = this.scratchAt;
        // float32 softmax with every row unmasked: four rows per vector in wasm, the last rows mod 4 here
        if (f && mode === 0 && full) return () => {
          f(x0, out0, rows, cols, S);
          js(r4);
        };
        return () => js(0);
      }
      case "attnB": {
        // softmax Jacobian of the recomputed softmax: exact for softmax, straight-through for hardmax
        const { rows, cols, groupRows, qFirst, x: x0, dout, dx: dx0 } = k;
        const causal = k.causal !== 0;
        const p = this.scratch;
        const js = (from: number) => {
          for (let r = from; r < rows; r++) {
            const lim = causal ? Math.min(cols, qFirst + (r % groupRows) + 1) : cols;
            const x = x0 + r * cols, d = dout + r * cols, dx = dx0 + r * cols;
            let mx = -Infinity;
            for (let j = 0; j < lim; j++) mx = Math.max(mx, m[x + j]!);
            let s = 0;
            for (let j = 0; j < lim; j++) s += p[j] = Math.exp(m[x + j]! - mx);
            let dot = 0;
            for (let j = 0; j < lim; j++) dot += (p[j]! / s) * m[d + j]!;
            for (let j = 0; j < lim; j++) m[dx + j] = m[dx + j]! + (p[j]! / s) * (m[d + j]! - dot);
          }
        };
        const f = this.ew.softmaxRowsBack, full = !causal || qFirst + 1 >= cols, r4 = rows - (rows % 4), S = this.scratchAt;
        if (f && full) return () => {
          f(x0, dout, dx0, rows, cols, S);
          js(r4);
        };
        return () => js(0);
      }
      case "ce": {
        const { logits, dlogits, labels, rows, classes, lossRows, correct } = k;
        const e = new Float64Array(classes);
        const f = this.ew.crossEntropy;
        if (f && dlogits >= 0) {
          // float32: gradient, correctness and (max, Σ exp) per row in wasm; the loss log Σ + max − x_y here
          const S = this.scratchAt, L = this.intsAt + labels, st = new Float32Array(this.wasm.memory.buffer, S * 4, 2 * rows);
          return () => {
            f(logits, dlogits, L, rows, classes, correct, S);
            for (let r = 0; r < rows; r++) m[lossRows + r] = Math.log(st[2 * r + 1]!) + st[2 * r]! - m[logits + r * classes + ints[labels + r]!]!;
          };
        }
        return () => {
          for (let r = 0; r < rows; r++) {
            const l = logits + r * classes, y = ints[labels + r]!;
            let mx = -Infinity, other = -Infinity;
            for (let c = 0; c < classes; c++) {
              const v = m[l + c]!;
              if (v > mx) mx = v;
              if (c !== y && v > other) other = v;
            }
            // each exp once: kept in a float64 scratch row, then normalized into the gradient
            let s = 0;
            for (let c = 0; c < classes; c++) s += e[c] = Math.exp(m[l + c]! - mx);
            m[lossRows + r] = Math.log(s) + mx - m[l + y]!;
            m[correct + r] = m[l + y]! > other ? 1 : 0;
            if (dlogits >= 0) {
              const dl = dlogits + r * classes;
              for (let c = 0; c < classes; c++) m[dl + c] = (e[c]! / s - (c === y ? 1 : 0)) / rows;
            }
          }
        };
      }
      case "mse": {
        const { pred, dpred, target, rows, kdim, metric, tol, lossRows, correct } = k;
        return () => {
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
        };
      }
      case "adam":
        throw new Error("adam runs through adamStep");
    }
  }

  /**
   * Compiles a kernel list, fusing adjacent elementwise kernels that stream the same array, so that it is
   * read once (the small models here are bound by memory traffic, not arithmetic). Patterns:
   * bias add + ReLU, bias add + residual add (forward); ReLU backward + the bias add's backward;
   * residual backward + bias backward; the add backward's axpy + axpy / axpy + bias reduction. Every fused loop does the same float operations, in the same
   * order per element, as the kernels it replaces.
   */
  private fused(list: Kernel[]): (() => void)[] {
    const out: (() => void)[] = [];
    for (let i = 0; i < list.length; i++) {
      const k = list[i]!, k1 = list[i + 1], k2 = list[i + 2];
      if (k.k === "add" && k1?.k === "reluF" && k1.x === k.out && k1.n === k.n && k.n % k.bLen === 0) {
        // out = a + b (b broadcast per row); r = relu(out)
        const { a, b, out: o, n, bLen } = k, r = k1.out, f = this.ew.addBiasRelu;
        out.push(() => f(a, b, o, r, n, bLen));
        i += 1;
        continue;
      }
      if (k.k === "add" && k1?.k === "add" && k1.b === k.out && k1.bLen === k1.n && k1.n === k.n && k.n % k.bLen === 0 && k1.a !== k.out) {
        // o1 = a1 + b1 (bias); o2 = a2 + o1 (residual)
        const { a, b, out: o, n, bLen } = k, a2 = k1.a, o2 = k1.out, f = this.ew.addBiasResidual;
        out.push(() => f(a, b, o, a2, o2, n, bLen));
        i += 1;
        continue;
      }
      const k3 = list[i + 3];
      if (
        k.k === "axpy" && k1?.k === "axpy" && k2?.k === "axpy" && k3?.k === "reduceMod" && k1.src === k.src && k2.src === k1.dst && k3.src === k1.dst &&
        k.n === k1.n && k1.n === k2.n && k2.n === k3.n && k.n % k3.bLen === 0 &&
        !overlaps(k.dst, k.n, k.src, k.n) && !overlaps(k1.dst, k.n, k.src, k.n) && !overlaps(k.dst, k.n, k1.dst, k.n) &&
        !overlaps(k2.dst, k.n, k1.dst, k.n) && !overlaps(k2.dst, k.n, k.src, k.n) && !overlaps(k2.dst, k.n, k.dst, k.n) &&
        !overlaps(k3.dst, k3.bLen, k.src, k.n) && !overlaps(k3.dst, k3.bLen, k.dst, k.n) && !overlaps(k3.dst, k3.bLen, k1.dst, k.n) && !overlaps(k3.dst, k3.bLen, k2.dst, k.n)
      ) {
        // residual backward then bias backward: dh += g; dy += g; dz += dy; db += dy (g = d(residual sum))
        const { dst, src, n } = k, dy = k1.dst, dz = k2.dst, db = k3.dst, bLen = k3.bLen, f = this.ew.residualBiasBack;
        out.push(() => f(dst, dy, dz, db, src, n, bLen));
        i += 3;
        continue;
      }
      if (k.k === "reluB" && k1?.k === "axpy" && k1.src === k.dx && k1.n === k.n && k2?.k === "reduceMod" && k2.src === k.dx && k2.n === k.n && k.n % k2.bLen === 0 && !overlaps(k2.dst, k2.bLen, k.dx, k.n) && !overlaps(k1.dst, k1.n, k.dx, k.n)) {
        // dx += relu'(x)·dout; dA += dx; db[j] += Σ_rows dx
        const { x, dout, dx, n } = k, dA = k1.dst, db = k2.dst, bLen = k2.bLen, f = this.ew.reluBackAxpyReduce;
        out.push(() => f(x, dout, dx, dA, db, n, bLen));
        i += 2;
        continue;
      }
      if (k.k === "axpy" && k1?.k === "axpy" && k1.src === k.src && k1.n === k.n && !overlaps(k.dst, k.n, k.src, k.n) && !overlaps(k1.dst, k.n, k.src, k.n) && !overlaps(k.dst, k.n, k1.dst, k.n)) {
        const { dst, src, n } = k, dst2 = k1.dst, f = this.ew.axpy2;
        out.push(() => f(dst, dst2, src, n));
        i += 1;
        continue;
      }
      if (k.k === "axpy" && k1?.k === "reduceMod" && k1.src === k.src && k1.n === k.n && k.n % k1.bLen === 0 && !overlaps(k.dst, k.n, k.src, k.n) && !overlaps(k1.dst, k1.bLen, k.src, k.n) && !overlaps(k.dst, k.n, k1.dst, k1.bLen)) {
        const { dst, src, n } = k, db = k1.dst, bLen = k1.bLen, f = this.ew.axpyReduce;
        out.push(() => f(dst, db, src, n, bLen));
        i += 1;
        continue;
      }
      out.push(this.kernel(k));
    }
    return out;
  }

  /** The SIMD kernel that fits the operands' layout, else the scalar loop. */
  private matmul(k: MatmulK): () => void {
    const t = transposedProblem(k);
    if (t && (t.bcs === 1 || transposeFirst(t))) return this.matmul(t);
    const { n0, n1, M, N, K, alpha, beta, a, as0, as1, ars, acs, b, bs0, bs1, brs, bcs, c, cs0, cs1, crs, ccs } = k;
    if (bcs === 1 && ccs === 1) {
      // the register-blocked kernel: any A strides, B and C rows contiguous
      const f = this.wasm.mmTile;
      return () => f(n0, n1, M, N, K, alpha, beta, a, as0, as1, ars, acs, b, bs0, bs1, brs, bcs, c, cs0, cs1, crs, ccs);
    }
    if (transposeFirst(k)) {
      // dA = dC·Wᵀ with a small W: copy Wᵀ into contiguous rows once per call (K·N copies against M·N·K
      // multiply-adds), then the register-blocked kernel
      const f = this.wasm.mmTile, tr = this.ew.transpose, T = this.program.graph.memSize;
      return () => {
        tr(T, b, K, N, brs, bcs);
        f(1, 1, M, N, K, alpha, beta, a, 0, 0, ars, acs, T, 0, 0, N, 1, c, 0, 0, crs, 1);
      };
    }
    if (acs === 1 && brs === 1) {
      const f = this.wasm.mmDot;
      return () => f(n0, n1, M, N, K, alpha, beta, a, as0, as1, ars, acs, b, bs0, bs1, brs, bcs, c, cs0, cs1, crs, ccs);
    }
    const m = this.mem;
    return () => {
      for (let o0 = 0; o0 < n0; o0++)
        for (let o1 = 0; o1 < n1; o1++) {
          const A = a + o0 * as0 + o1 * as1, B = b + o0 * bs0 + o1 * bs1, C = c + o0 * cs0 + o1 * cs1;
          for (let i = 0; i < M; i++)
            for (let j = 0; j < N; j++) {
              let s = 0;
              for (let kk = 0; kk < K; kk++) s += m[A + i * ars + kk * acs]! * m[B + kk * brs + j * bcs]!;
              const ci = C + i * crs + j * ccs;
              m[ci] = beta === 0 ? alpha * s : m[ci]! + alpha * s;
            }
        }
    };
  }
}

/** C stored column-major (ccs ≠ 1, crs = 1): the same product as Cᵀ = Bᵀ·Aᵀ, whose C rows are contiguous. */
function transposedProblem(k: MatmulK): MatmulK | null {
  if (k.ccs === 1 || k.crs !== 1) return null;
  return {
    ...k, M: k.N, N: k.M,
    a: k.b, as0: k.bs0, as1: k.bs1, ars: k.bcs, acs: k.brs,
    b: k.a, bs0: k.as0, bs1: k.as1, brs: k.acs, bcs: k.ars,
    crs: k.ccs, ccs: 1,
  };
}

/**
 * A matmul with B read along k (a transposed weight) and one small B over many rows: faster as the
 * register-blocked kernel on a transposed copy of B than as dot products (K is only 2…128 here).
 */
function transposeFirst(k: MatmulK): boolean {
  return k.bcs !== 1 && k.ccs === 1 && k.n0 === 1 && k.n1 === 1 && k.K * k.N <= 1 << 16 && k.M >= 8;
}

/** Whether [a, a+n) and [b, b+m) share an element. */
function overlaps(a: number, n: number, b: number, m: number): boolean {
  return a < b + m && b < a + n;
}

/**
 * One Adam/AdamW update on mem[p..p+n) with gradients at g and moments at m, v (bias-corrected).
 * @example adam(mem, 0, P, mOff, vOff, P, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupled: true, t: 1 })
 */
export function adam(mem: FloatMemory, p: number, g: number, mo: number, vo: number, n: number, h: AdamStep): void {
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
