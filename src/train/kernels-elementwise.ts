/**
 * WebAssembly SIMD elementwise kernels for the CPU training backend (bias adds, ReLU, residual adds, their
 * backward rules and the bias reductions, fused as in cpu.ts; a strided transpose; the Adam/AdamW update), in
 * either precision, on the backend's own memory. JavaScript loops over a Float32Array run about 3× slower than
 * over a Float64Array in V8 (a conversion on every load and store), and neither is vectorized; these kernels
 * run 2 (f64) or 4 (f32) elements per instruction.
 *
 * Every kernel does, per element, the same IEEE operations in the same order as the JavaScript kernel it
 * replaces (in float64 the results are bit for bit those of the JavaScript loops): the bias reductions still
 * sum each column over the rows in row order, vectorized across columns; a ReLU is `pmax(0, v)` (JavaScript's
 * `v > 0 ? v : 0`, NaN → 0); the ReLU backward keeps dx unchanged where x ≤ 0 (a bit select, not an add of 0).
 * Rows of `bLen` elements: whole vectors, then the last bLen mod lanes columns one by one.
 */
import type { Precision } from "./kernels-wasm.ts";
import { Code, OPS, type Ops } from "./wasm-emit.ts";
import { I32, moduleBytes, V128 } from "../wasm/encode.ts";

// The project's TypeScript lib set has no WebAssembly declarations; these are the few used here.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    readonly buffer: ArrayBuffer;
  }
  class Instance {
    constructor(m: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
}

type F = (...args: number[]) => void;

/** The kernels; offsets and counts are in elements, `n` a multiple of `bLen` where a kernel takes both. */
export interface ElementwiseKernels {
  /** o = a + b (b broadcast per row of bLen; bLen = n: elementwise) */
  addBias: (a: number, b: number, o: number, n: number, bLen: number) => void;
  /** o = a + b (broadcast), r = relu(o) */
  addBiasRelu: (a: number, b: number, o: number, r: number, n: number, bLen: number) => void;
  /** o = a + b (broadcast), o2 = a2 + o */
  addBiasResidual: (a: number, b: number, o: number, a2: number, o2: number, n: number, bLen: number) => void;
  /** out = relu(x) */
  relu: (x: number, out: number, n: number) => void;
  /** dst += src */
  axpy: (dst: number, src: number, n: number) => void;
  /** dst += src, dst2 += src */
  axpy2: (dst: number, dst2: number, src: number, n: number) => void;
  /** db[j] += Σ_rows src[row, j] */
  reduceRows: (db: number, src: number, n: number, bLen: number) => void;
  /** dst += src, db[j] += Σ_rows src[row, j] */
  axpyReduce: (dst: number, db: number, src: number, n: number, bLen: number) => void;
  /** dx += dout where x > 0 */
  reluBack: (x: number, dout: number, dx: number, n: number) => void;
  /** dx += dout where x > 0; dA += dx; db[j] += Σ_rows dx */
  reluBackAxpyReduce: (x: number, dout: number, dx: number, dA: number, db: number, n: number, bLen: number) => void;
  /** dst += g; dy += g; dz += dy; db[j] += Σ_rows dy (g = src) */
  residualBiasBack: (dst: number, dy: number, dz: number, db: number, src: number, n: number, bLen: number) => void;
  /** dst[k·N + j] = src[k·rs + j·cs] for k < K, j < N */
  transpose: (dst: number, src: number, K: number, N: number, rs: number, cs: number) => void;
  /** one AdamW (decoupled decay) step on p with gradient g and moments m, v; c1, c2 the bias corrections */
  adamW: (p: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, c1: number, c2: number, eps: number, wd: number) => void;
  /** the same with Adam (L2 decay added to the gradient) */
  adamL2: (p: number, g: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, c1: number, c2: number, eps: number, wd: number) => void;
  /** float32 only (see F32_ONLY) */
  softmaxRows?: (x: number, out: number, rows: number, cols: number, scratch: number) => void;
  softmaxRowsBack?: (x: number, dout: number, dx: number, rows: number, cols: number, scratch: number) => void;
  crossEntropy?: (logits: number, dlogits: number, labels: number, rows: number, classes: number, correct: number, stats: number) => void;
}

/**
 * Float32-only kernels, on a vectorized exp (Cephes' expf: x = n·ln 2 + r by round-to-nearest, a degree-6
 * polynomial in r, 2ⁿ built in the exponent bits; within 2 ulp of exp on [−87.3, 0], and arguments below
 * −87.3 give 2⁻¹²⁶·e^(…) ≈ 1e-38 instead of a smaller number — negligible beside the row maximum's 1):
 *  - softmaxRows: out[r,:] = softmax(x[r,:]) for rows [0, rows − rows mod 4), four rows per vector (lane l = row
 *    r0 + l), so that short rows (2 keys) vectorize; scratch holds cols vectors;
 *  - softmaxRowsBack: dx[r,:] += J_softmax(x[r,:])ᵀ·dout[r,:] (the softmax recomputed, as cpu.ts does);
 *  - crossEntropy: per row, the gradient of the mean loss ((softmax − onehot)/rows) into dlogits, the
 *    correctness flag (logit of the label above every other) and stats[2r..2r+1] = (max, Σ exp(x − max)) for
 *    the loss log Σ + max − x_y, which the caller takes (one log per row).
 * Sums run in vector lanes then across them: the summation order differs from the float64 JavaScript loops.
 */
export const F32_ONLY = ["softmaxRows", "softmaxRowsBack", "crossEntropy"] as const;

/** Emits one expression in vector or scalar form: the same code path writes both. */
class Lanes {
  private readonly tmp = new Map<string, number>();
  constructor(readonly c: Code, readonly vec: boolean, private readonly splats: Map<number, number>) {}
  /** push the element at ptr (bytes) + idx (bytes) */
  ld(ptr: number, idx: number): this {
    this.c.get(ptr).get(idx).add();
    if (this.vec) this.c.v128load();
    else this.c.fload();
    return this;
  }
  /** store `value()` at ptr + idx */
  st(ptr: number, idx: number, value: () => void): this {
    this.c.get(ptr).get(idx).add();
    value();
    if (this.vec) this.c.v128store();
    else this.c.fstore();
    return this;
  }
  /** a float parameter, splatted in vector form */
  param(i: number): this {
    this.c.get(this.vec ? this.splats.get(i)! : i);
    return this;
  }
  set(name: string): this {
    this.c.set(this.local(name));
    return this;
  }
  tee(name: string): this {
    this.c.tee(this.local(name));
    return this;
  }
  get(name: string): this {
    this.c.get(this.local(name));
    return this;
  }
  add(): this { this.vec ? this.c.vadd() : this.c.fadd(); return this; }
  sub(): this { this.vec ? this.c.vsub() : this.c.fsub(); return this; }
  mul(): this { this.vec ? this.c.vmul() : this.c.fmul(); return this; }
  div(): this { this.vec ? this.c.vdiv() : this.c.fdiv(); return this; }
  sqrt(): this { this.vec ? this.c.vsqrt() : this.c.fsqrt(); return this; }
  /** relu of the value `v()` (JavaScript's v > 0 ? v : 0) */
  relu(v: () => void): this {
    if (this.vec) {
      this.c.v128zero();
      v();
      this.c.vpmax();
    } else {
      v();
      this.tee("relu").c.fconst(0);
      this.get("relu").c.fconst(0).fgt().select();
    }
    return this;
  }
  /** x > 0 ? yes() : no(), lane-wise, where x = `x()` */
  ifPositive(x: () => void, yes: () => void, no: () => void): this {
    yes();
    no();
    x();
    if (this.vec) this.c.v128zero().vgt().bitselect();
    else this.c.fconst(0).fgt().select();
    return this;
  }
  private local(name: string): number {
    let l = this.tmp.get(name);
    if (l === undefined) this.tmp.set(name, (l = this.c.local(this.vec ? V128 : this.c.p.type)));
    return l;
  }
}

/** Element (e = row + j) and column (j) byte offsets, for the kernel bodies. */
interface At {
  e: number;
  j: number;
}

/**
 * A kernel over rows of bLen: `ptrs` are the element-offset params (converted to bytes), `body` the per-element
 * work written once for both forms. Params: ptrs..., n, bLen (or n alone when `flat`).
 */
function rowwise(p: Ops, ptrs: number, body: (L: Lanes, at: At) => void, flat = false): { params: number[]; body: number[] } {
  const params = new Array<number>(ptrs + (flat ? 1 : 2)).fill(I32);
  const c = new Code(params.length, p);
  const nP = ptrs, bP = flat ? ptrs : ptrs + 1;
  for (let i = 0; i <= bP; i++) c.get(i).toBytes().set(i);
  const row = c.local(I32), j = c.local(I32), e = c.local(I32), jv = c.local(I32);
  const vec = new Lanes(c, true, new Map()), sca = new Lanes(c, false, new Map());
  c.get(bP).i32(-16).and().set(jv);
  const at = { e, j };
  c.for(row, nP, { local: bP }, () => {
    c.for(j, jv, 16, () => {
      c.get(row).get(j).add().set(e);
      body(vec, at);
    });
    c.for(j, bP, 1 << p.shift, () => {
      c.get(row).get(j).add().set(e);
      body(sca, at);
    }, { local: jv });
  });
  return { params, body: c.body() };
}

function transposeBody(p: Ops): { params: number[]; body: number[] } {
  const params = new Array<number>(6).fill(I32);
  const c = new Code(6, p);
  const [dst, src, K, N, rs, cs] = [0, 1, 2, 3, 4, 5];
  for (const i of [dst, src, rs, cs]) c.get(i).toBytes().set(i);
  const k = c.local(I32), j = c.local(I32), d = c.local(I32), s = c.local(I32);
  c.get(dst).set(d);
  c.for(k, K, 1, () => {
    c.get(src).get(k).get(rs).mul().add().set(s);
    c.for(j, N, 1, () => {
      c.get(d).get(s).fload().fstore();
      c.get(d).i32(1 << p.shift).add().set(d).get(s).get(cs).add().set(s);
    });
  });
  return { params, body: c.body() };
}

function adamBody(p: Ops, decoupled: boolean): { params: number[]; body: number[] } {
  // params: p, g, m, v, n (i32), then lr, b1, b2, c1, c2, eps, wd (floats)
  const params = [I32, I32, I32, I32, I32, ...new Array<number>(7).fill(p.type)];
  const c = new Code(params.length, p);
  const [P0, G, M, V, N] = [0, 1, 2, 3, 4];
  const [lr, b1, b2, c1, c2, eps, wd] = [5, 6, 7, 8, 9, 10, 11];
  for (const i of [P0, G, M, V, N]) c.get(i).toBytes().set(i);
  // 1 − β as floats of this precision, computed as JavaScript does (in float64), then rounded
  const omb1 = c.local(p.type), omb2 = c.local(p.type);
  c.fconst(1).get(b1).fsub().set(omb1).fconst(1).get(b2).fsub().set(omb2);
  const splats = new Map<number, number>();
  for (const f of [lr, b1, b2, c1, c2, eps, wd, omb1, omb2]) {
    const l = c.local(V128);
    c.get(f).splat().set(l);
    splats.set(f, l);
  }
  const i = c.local(I32), nv = c.local(I32);
  c.get(N).i32(-16).and().set(nv);
  const step = (L: Lanes) => {
    L.ld(G, i).set("g").ld(P0, i).set("w");
    if (!decoupled) L.get("g").param(wd).get("w").mul().add().set("g");
    L.st(M, i, () => L.param(b1).ld(M, i).mul().param(omb1).get("g").mul().add().tee("mm"));
    L.st(V, i, () => L.param(b2).ld(V, i).mul().param(omb2).get("g").mul().get("g").mul().add().tee("vv"));
    L.get("mm").param(c1).div().get("vv").param(c2).div().sqrt().param(eps).add().div();
    if (decoupled) L.param(wd).get("w").mul().add();
    L.set("upd");
    L.st(P0, i, () => L.get("w").param(lr).get("upd").mul().sub());
  };
  c.for(i, nv, 16, () => step(new Lanes(c, true, splats)));
  c.for(i, N, 1 << p.shift, () => step(new Lanes(c, false, splats)), { local: nv });
  return { params, body: c.body() };
}

// SIMD opcodes used by the float32-only kernels (0xfd prefix)
const F32X4_REPLACE = 0x20, F32X4_MAX = [0xe9, 0x01], F32X4_MIN = [0xe8, 0x01], F32X4_NEAREST = 0x6a, I32X4_TRUNC_SAT = [0xf8, 0x01];
const I32X4_ADD = [0xae, 0x01], I32X4_SHL = [0xab, 0x01], I32X4_SPLAT = 0x11, F32X4_PMAX = [0xeb, 0x01];

/** Emits exp of the f32x4 on the stack (Cephes expf; see F32_ONLY). Uses the `t` and `n` v128 locals. */
function emitExp(c: Code, t: number, n: number): void {
  const k = (x: number) => c.fconst(x).splat();
  // clamp, n = round(x·log2 e), r = x − n·ln2 (two-part ln 2)
  k(88.3762626647949).op(0xfd, ...F32X4_MIN);
  k(-87.3365447505531).op(0xfd, ...F32X4_MAX).set(t);
  c.get(t);
  k(1.44269504088896341).vmul().op(0xfd, F32X4_NEAREST).set(n);
  c.get(t).get(n);
  k(0.693359375).vmul().vsub().get(n);
  k(-2.12194440e-4).vmul().vsub().set(t);
  // p = ((((c5·r + c4)·r + c3)·r + c2)·r + c1)·r + c0; e^r = p·r² + r + 1
  k(1.9875691500e-4).get(t).vmul();
  for (const cc of [1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]) {
    k(cc).vadd().get(t).vmul();
  }
  c.get(t).vmul().get(t).vadd();
  k(1).vadd();
  // · 2ⁿ: (n + 127) << 23 as float bits
  c.get(n).op(0xfd, ...I32X4_TRUNC_SAT).i32(127).op(0xfd, I32X4_SPLAT).op(0xfd, ...I32X4_ADD).i32(23).op(0xfd, ...I32X4_SHL);
  c.vmul();
}

/** Per-row softmax forward or backward, four rows per vector (float32). */
function softmaxRowsBody(p: Ops, back: boolean): { params: number[]; body: number[] } {
  // forward: (x, out, rows, cols, scratch); backward: (x, dout, dx, rows, cols, scratch)
  const params = new Array<number>(back ? 6 : 5).fill(I32);
  const c = new Code(params.length, p);
  const X = 0, O = 1, DX = 2, R = back ? 3 : 2, COLS = R + 1, S = R + 2;
  for (const i of [X, O, ...(back ? [DX] : []), COLS, S]) c.get(i).toBytes().set(i);
  const blk = c.local(I32), j = c.local(I32), rowB = c.local(I32), r4 = c.local(I32), base = c.local(I32);
  const mx = c.local(V128), sum = c.local(V128), v = c.local(V128), t = c.local(V128), n = c.local(V128), dot = c.local(V128);
  c.get(R).i32(-4).and().set(r4);
  /** the 4-row vector of column j (byte offset in j) of the block at `ptr` */
  const gather = (ptr: number) => {
    c.get(ptr).get(base).add().get(j).add().loadSplat();
    for (let l = 1; l < 4; l++) c.get(ptr).get(base).add().get(j).add().get(COLS).i32(l).mul().add().fload().op(0xfd, F32X4_REPLACE, l);
  };
  const scatter = (ptr: number, value: number) => {
    for (let l = 0; l < 4; l++) c.get(ptr).get(base).add().get(j).add().get(COLS).i32(l).mul().add().get(value).lane(l).fstore();
  };
  c.for(blk, r4, 4, () => {
    c.get(blk).get(COLS).mul().set(base); // byte offset of the block's first row (cols bytes per row × 4 rows per blk step… per row)
    // max over the columns, the columns kept in scratch
    c.fconst(-Infinity).splat().set(mx);
    c.for(j, COLS, 4, () => {
      gather(X);
      c.tee(v).get(mx).op(0xfd, ...F32X4_MAX).set(mx);
      c.get(S).get(j).i32(2).op(0x74).add().get(v).v128store(); // scratch[j] (16 bytes per column)
    });
    c.v128zero().set(sum);
    c.for(j, COLS, 4, () => {
      c.get(S).get(j).i32(2).op(0x74).add().tee(rowB);
      c.get(rowB).v128load().get(mx).vsub();
      emitExp(c, t, n);
      c.tee(v).v128store();
      c.get(sum).get(v).vadd().set(sum);
    });
    if (!back) {
      c.fconst(1).splat().get(sum).vdiv().set(sum); // 1/s, as the JavaScript kernel multiplies by it
      c.for(j, COLS, 4, () => {
        c.get(S).get(j).i32(2).op(0x74).add().v128load().get(sum).vmul().set(v);
        scatter(O, v);
      });
    } else {
      // dot = Σ_j p_j·d_j with p_j = e_j / s; dx_j += p_j·(d_j − dot)
      c.v128zero().set(dot);
      c.for(j, COLS, 4, () => {
        c.get(dot).get(S).get(j).i32(2).op(0x74).add().v128load().get(sum).vdiv();
        gather(O);
        c.vmul().vadd().set(dot);
      });
      c.for(j, COLS, 4, () => {
        gather(DX);
        c.get(S).get(j).i32(2).op(0x74).add().v128load().get(sum).vdiv();
        gather(O);
        c.get(dot).vsub().vmul().vadd().set(v);
        scatter(DX, v);
      });
    }
  });
  return { params, body: c.body() };
}

/** Cross-entropy rows (float32): gradient, correctness and (max, Σ exp) per row. */
function crossEntropyBody(p: Ops): { params: number[]; body: number[] } {
  // (logits, dlogits, labels (int element offset), rows, classes, correct, stats)
  const params = new Array<number>(7).fill(I32);
  const c = new Code(params.length, p);
  const L = 0, DL = 1, LAB = 2, R = 3, CLS = 4, COR = 5, ST = 6;
  for (const i of [L, DL, CLS, COR, ST]) c.get(i).toBytes().set(i);
  c.get(LAB).i32(2).op(0x74).set(LAB);
  const r = c.local(I32), j = c.local(I32), l = c.local(I32), dl = c.local(I32), y = c.local(I32), cv = c.local(I32);
  const mx = c.local(p.type), other = c.local(p.type), s = c.local(p.type), ey = c.local(p.type), x = c.local(p.type), rowsF = c.local(p.type);
  const vmx = c.local(V128), vs = c.local(V128), v = c.local(V128), t = c.local(V128), n = c.local(V128), vsum = c.local(V128), vrows = c.local(V128);
  c.get(CLS).i32(-16).and().set(cv);
  c.get(R).op(0xb2).set(rowsF); // f32.convert_i32_s
  c.get(rowsF).splat().set(vrows);
  c.for(r, R, 1, () => {
    c.get(L).get(r).get(CLS).mul().add().set(l).get(DL).get(r).get(CLS).mul().add().set(dl);
    c.get(LAB).get(r).i32(2).op(0x74).add().op(0x28, 2, 0).i32(2).op(0x74).set(y); // label, as a byte offset
    // max (pmax: NaN never wins, as `v > mx` in JavaScript) and the largest other logit, scalar
    c.fconst(-Infinity).set(mx).fconst(-Infinity).set(other);
    c.for(j, CLS, 4, () => {
      c.get(l).get(j).add().fload().set(x);
      c.get(x).get(mx).get(x).get(mx).fgt().select().set(mx);
      c.get(x).get(other).get(x).get(other).fgt().get(j).get(y).op(0x47).op(0x71).select().set(other); // i32.ne, i32.and
    });
    c.get(COR).get(r).i32(2).op(0x74).add();
    c.fconst(1).fconst(0).get(l).get(y).add().fload().get(other).fgt().select().fstore();
    // e = exp(x − max) into dlogits, s = Σ e
    c.get(mx).splat().set(vmx).v128zero().set(vsum);
    c.for(j, cv, 16, () => {
      c.get(dl).get(j).add();
      c.get(l).get(j).add().v128load().get(vmx).vsub();
      emitExp(c, t, n);
      c.tee(v).v128store();
      c.get(vsum).get(v).vadd().set(vsum);
    });
    c.get(vsum).lane(0).get(vsum).lane(1).fadd().get(vsum).lane(2).fadd().get(vsum).lane(3).fadd().set(s);
    c.for(j, CLS, 4, () => {
      c.get(dl).get(j).add();
      c.get(l).get(j).add().loadSplat().get(vmx).vsub();
      emitExp(c, t, n);
      c.lane(0).tee(x).fstore();
      c.get(s).get(x).fadd().set(s);
    }, { local: cv });
    c.get(ST).get(r).i32(3).op(0x74).add().tee(j).get(mx).fstore();
    c.get(j).get(s).fstore(4);
    // dlogits = (e / s − onehot) / rows
    c.get(dl).get(y).add().fload().set(ey);
    c.get(s).splat().set(vs);
    c.for(j, cv, 16, () => {
      c.get(dl).get(j).add();
      c.get(dl).get(j).add().v128load().get(vs).vdiv().get(vrows).vdiv().v128store();
    });
    c.for(j, CLS, 4, () => {
      c.get(dl).get(j).add();
      c.get(dl).get(j).add().fload().get(s).fdiv().get(rowsF).fdiv().fstore();
    }, { local: cv });
    c.get(dl).get(y).add().get(ey).get(s).fdiv().fconst(1).fsub().get(rowsF).fdiv().fstore();
  });
  return { params, body: c.body() };
}

/** The kernel bodies (pointer params first, in the order of ElementwiseKernels' signatures). */
function kernels(p: Ops): Partial<Record<keyof ElementwiseKernels, { params: number[]; body: number[] }>> {
  return {
    addBias: rowwise(p, 3, (L, { e, j }) => L.st(2, e, () => L.ld(0, e).ld(1, j).add())),
    addBiasRelu: rowwise(p, 4, (L, { e, j }) => {
      L.st(2, e, () => L.ld(0, e).ld(1, j).add().tee("v"));
      L.st(3, e, () => L.relu(() => L.get("v")));
    }),
    addBiasResidual: rowwise(p, 5, (L, { e, j }) => {
      L.st(2, e, () => L.ld(0, e).ld(1, j).add().tee("v"));
      L.st(4, e, () => L.ld(3, e).get("v").add());
    }),
    relu: rowwise(p, 2, (L, { e }) => L.st(1, e, () => L.relu(() => L.ld(0, e))), true),
    axpy: rowwise(p, 2, (L, { e }) => L.st(0, e, () => L.ld(0, e).ld(1, e).add()), true),
    axpy2: rowwise(p, 3, (L, { e }) => {
      L.ld(2, e).set("g");
      L.st(0, e, () => L.ld(0, e).get("g").add());
      L.st(1, e, () => L.ld(1, e).get("g").add());
    }, true),
    reduceRows: rowwise(p, 2, (L, { e, j }) => L.st(0, j, () => L.ld(0, j).ld(1, e).add())),
    axpyReduce: rowwise(p, 3, (L, { e, j }) => {
      L.ld(2, e).set("g");
      L.st(0, e, () => L.ld(0, e).get("g").add());
      L.st(1, j, () => L.ld(1, j).get("g").add());
    }),
    reluBack: rowwise(p, 3, (L, { e }) => {
      L.st(2, e, () => L.ifPositive(() => L.ld(0, e), () => L.ld(2, e).tee("g").ld(1, e).add(), () => L.get("g")));
    }, true),
    reluBackAxpyReduce: rowwise(p, 5, (L, { e, j }) => {
      L.st(2, e, () => L.ifPositive(() => L.ld(0, e), () => L.ld(2, e).tee("g").ld(1, e).add(), () => L.get("g")).tee("g"));
      L.st(3, e, () => L.ld(3, e).get("g").add());
      L.st(4, j, () => L.ld(4, j).get("g").add());
    }),
    residualBiasBack: rowwise(p, 5, (L, { e, j }) => {
      L.ld(4, e).set("g");
      L.st(0, e, () => L.ld(0, e).get("g").add());
      L.st(1, e, () => L.ld(1, e).get("g").add().tee("y"));
      L.st(2, e, () => L.ld(2, e).get("y").add());
      L.st(3, j, () => L.ld(3, j).get("y").add());
    }),
    transpose: transposeBody(p),
    adamW: adamBody(p, true),
    adamL2: adamBody(p, false),
    ...(p.shift === 2 ? { softmaxRows: softmaxRowsBody(p, false), softmaxRowsBack: softmaxRowsBody(p, true), crossEntropy: crossEntropyBody(p) } : {}),
  };
}

const compiled: Partial<Record<Precision, WebAssembly.Module>> = {};

/**
 * The elementwise kernels of one precision on an existing memory (the matmul kernels' memory).
 * @example const ew = wasmElementwiseKernels(wasmMatmulKernels(64, "f32").memory, "f32"); ew.axpy(0, 16, 16);
 */
export function wasmElementwiseKernels(memory: WebAssembly.Memory, precision: Precision): ElementwiseKernels {
  const mod = (compiled[precision] ??= new WebAssembly.Module(moduleBytes(Object.entries(kernels(OPS[precision])).map(([name, k]) => ({ name, ...k! })))));
  const inst = new WebAssembly.Instance(mod, { env: { memory } });
  return inst.exports as unknown as ElementwiseKernels & Record<string, F>;
}
