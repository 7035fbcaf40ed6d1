/**
 * WebAssembly SIMD matmul kernels for the CPU training backend, emitted as bytes from TypeScript (no
 * assembler dependency), in two precisions: float64 (f64x2 lanes, the reference) and float32 (f32x4 lanes).
 * They run on the backend's memory itself: the CPU backend's Float64Array / Float32Array is a view of the
 * WebAssembly.Memory these kernels import, so no copies are made.
 *
 * Layouts (all take the batched strided form of graph.ts's MatmulK, offsets and strides in elements):
 *  - `mmTile` (B and C contiguous along j, A any strides): the register-blocked kernel. C is cut into tiles of
 *    4 rows × 2 vectors (4×8 floats in f32, 4×4 in f64) held in 8 SIMD accumulators across the whole k loop;
 *    per k it loads 2 vectors of B's row and broadcasts 4 A entries (load-splat, so A may be transposed), then
 *    8 multiplies and 8 adds. C is read and written once per tile, B once per 4 rows of C. Edges: a 1-vector
 *    tile, then scalar columns; the last M mod 4 rows as 1-row tiles.
 *  - `mmRow` (same layout): C[i,:] (=|+=) Σ_k alpha·A[i,k]·B[k,:], an axpy of B rows into the C row, two k at
 *    a time; zero A entries (ReLU outputs) are skipped.
 *  - `mmOuter` (same layout, small C, long K): k outermost rank-2 updates C += alpha·(A[:,k]·B[k,:] + …).
 *  - `mmDot` (A contiguous along k, B contiguous along k, i.e. a transposed operand): C[i,j] (=|+=)
 *    alpha·⟨A[i,:], B[:,j]⟩ with two SIMD accumulators.
 * Arithmetic is IEEE float64 or float32 throughout, no fused multiply-add; the summation order differs from the
 * scalar loop (and between kernels), nothing else. mmTile applies alpha once to the finished sum.
 */

import { Code, OPS, type Ops } from "./wasm-emit.ts";
import { I32, moduleBytes, V128 } from "../wasm/encode.ts";

/** The arithmetic of a kernel set (and of the CPU backend that uses it). */
export type Precision = "f32" | "f64";
export const PRECISIONS = ["f32", "f64"] as const;

/** Signature shared by the kernels: (n0, n1, M, N, K, alpha, beta, a, as0, as1, ars, acs, b, bs0, bs1, brs, bcs, c, cs0, cs1, crs, ccs). */
export type MatmulFn = (
  n0: number, n1: number, M: number, N: number, K: number, alpha: number, beta: number,
  a: number, as0: number, as1: number, ars: number, acs: number,
  b: number, bs0: number, bs1: number, brs: number, bcs: number,
  c: number, cs0: number, cs1: number, crs: number, ccs: number,
) => void;

export interface WasmKernels {
  memory: WebAssembly.Memory;
  precision: Precision;
  /** requires bcs = 1 and ccs = 1 */
  mmTile: MatmulFn;
  /** requires bcs = 1 and ccs = 1 */
  mmRow: MatmulFn;
  /** requires acs = 1 and brs = 1 */
  mmDot: MatmulFn;
  /** requires bcs = 1 and ccs = 1; for a small C and a long K (weight gradients Aᵀ·dC) */
  mmOuter: MatmulFn;
}

// The project's TypeScript lib set has no WebAssembly declarations; these are the few used here.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(d: { initial: number; maximum?: number });
    readonly buffer: ArrayBuffer;
  }
  class Instance {
    constructor(m: Module, imports: object);
    readonly exports: Record<string, unknown>;
  }
  function validate(bytes: Uint8Array): boolean;
}

// params of every kernel
const P = { n0: 0, n1: 1, M: 2, N: 3, K: 4, alpha: 5, beta: 6, a: 7, as0: 8, as1: 9, ars: 10, acs: 11, b: 12, bs0: 13, bs1: 14, brs: 15, bcs: 16, c: 17, cs0: 18, cs1: 19, crs: 20, ccs: 21 };
const paramTypes = (p: Ops) => [I32, I32, I32, I32, I32, p.type, p.type, ...new Array<number>(15).fill(I32)];

/** Shared prologue: offsets and strides to bytes, then the two batch loops around `inner(A, B, C)`. */
function batched(c: Code, inner: (A: number, B: number, C: number) => void): void {
  for (let p = P.a; p <= P.ccs; p++) c.get(p).toBytes().set(p);
  const o0 = c.local(I32), o1 = c.local(I32), A = c.local(I32), B = c.local(I32), C = c.local(I32);
  c.for(o0, P.n0, 1, () =>
    c.for(o1, P.n1, 1, () => {
      c.offset(A, P.a, [o0, P.as0], [o1, P.as1]).offset(B, P.b, [o0, P.bs0], [o1, P.bs1]).offset(C, P.c, [o0, P.cs0], [o1, P.cs1]);
      inner(A, B, C);
    }),
  );
}

/**
 * Emits C[row, 0..N) += Σ_t a_t·B_t[0..N) for one or two terms (a rank-1 or rank-2 row update):
 * whole vectors, then the last N mod lanes columns one by one. `terms` = [splatted a, scalar a, B row].
 */
function emitRowUpdate(c: Code, r: { j: number; jv: number; NB: number; cRow: number }, terms: [v: number, a: number, b: number][]): void {
  c.for(r.j, r.jv, 16, () => {
    c.get(r.cRow).get(r.j).add();
    c.get(r.cRow).get(r.j).add().v128load();
    for (const [v, , b] of terms) c.get(v).get(b).get(r.j).add().v128load().vmul().vadd();
    c.v128store();
  });
  c.for(r.j, r.NB, 1 << c.p.shift, () => {
    c.get(r.cRow).get(r.j).add();
    c.get(r.cRow).get(r.j).add().fload();
    for (const [, a, b] of terms) c.get(a).get(b).get(r.j).add().fload().fmul().fadd();
    c.fstore();
  }, { local: r.jv });
}

function mmRowBody(p: Ops): number[] {
  const c = new Code(paramTypes(p).length, p);
  const i = c.local(I32), k = c.local(I32), j = c.local(I32), aRow = c.local(I32), cRow = c.local(I32), b0 = c.local(I32), b1 = c.local(I32);
  const NB = c.local(I32), Kpair = c.local(I32), jv = c.local(I32);
  const a0 = c.local(p.type), a1 = c.local(p.type);
  const v0 = c.local(V128), v1 = c.local(V128);
  c.get(P.N).toBytes().set(NB);
  c.get(NB).i32(-16).and().set(jv); // bytes covered by whole vectors
  c.get(P.K).i32(-2).and().set(Kpair); // K rounded down to even
  batched(c, (A, B, C) => {
    c.for(i, P.M, 1, () => {
      c.offset(aRow, A, [i, P.ars]).offset(cRow, C, [i, P.crs]);
      // beta = 0: the row is overwritten, so clear it first
      c.get(P.beta).fconst(0).feq().if_();
      c.for(j, NB, 1 << p.shift, () => c.get(cRow).get(j).add().fconst(0).fstore());
      c.end();
      // two k at a time: C[i,j..] += a0·B[k,j..] + a1·B[k+1,j..]
      c.i32(0).set(k).block().loop();
      c.get(k).get(Kpair).geS().brIf(1);
      c.get(P.alpha).get(aRow).get(k).get(P.acs).mul().add().fload().fmul().set(a0);
      c.get(P.alpha).get(aRow).get(k).get(P.acs).mul().get(P.acs).add().add().fload().fmul().set(a1);
      c.offset(b0, B, [k, P.brs]);
      c.get(b0).get(P.brs).add().set(b1);
      c.get(a0).splat().set(v0).get(a1).splat().set(v1);
      emitRowUpdate(c, { j, jv, NB, cRow }, [[v0, a0, b0], [v1, a1, b1]]);
      c.get(k).i32(2).add().set(k).br(0).end().end();
      // odd K: the last k alone, skipped when A[i,k] = 0 (ReLU outputs)
      c.get(Kpair).get(P.K).ltS().if_();
      c.get(P.alpha).get(aRow).get(Kpair).get(P.acs).mul().add().fload().fmul().tee(a0).fconst(0).fne().if_();
      c.offset(b0, B, [Kpair, P.brs]);
      c.get(a0).splat().set(v0);
      emitRowUpdate(c, { j, jv, NB, cRow }, [[v0, a0, b0]]);
      c.end().end();
    });
  });
  return c.body();
}

function mmOuterBody(p: Ops): number[] {
  const c = new Code(paramTypes(p).length, p);
  const i = c.local(I32), k = c.local(I32), j = c.local(I32), aCol = c.local(I32), cRow = c.local(I32), b0 = c.local(I32), b1 = c.local(I32);
  const NB = c.local(I32), jv = c.local(I32), Kpair = c.local(I32), aAt = c.local(I32);
  const a0 = c.local(p.type), a1 = c.local(p.type);
  const v0 = c.local(V128), v1 = c.local(V128);
  c.get(P.N).toBytes().set(NB);
  c.get(NB).i32(-16).and().set(jv);
  c.get(P.K).i32(-2).and().set(Kpair);
  batched(c, (A, B, C) => {
    c.get(P.beta).fconst(0).feq().if_();
    c.for(i, P.M, 1, () => {
      c.offset(cRow, C, [i, P.crs]);
      c.for(j, NB, 1 << p.shift, () => c.get(cRow).get(j).add().fconst(0).fstore());
    });
    c.end();
    // rank-2 updates C += alpha·(A[:,k]·B[k,:] + A[:,k+1]·B[k+1,:]), k outermost: A and B are streamed once,
    // C stays in L1 and is loaded and stored once per two products; rows where both A entries are 0 are skipped
    c.for(k, Kpair, 2, () => {
      c.offset(b0, B, [k, P.brs]).offset(aCol, A, [k, P.acs]);
      c.get(b0).get(P.brs).add().set(b1);
      c.for(i, P.M, 1, () => {
        c.get(aCol).get(i).get(P.ars).mul().add().set(aAt);
        c.get(P.alpha).get(aAt).fload().fmul().set(a0);
        c.get(P.alpha).get(aAt).get(P.acs).add().fload().fmul().set(a1);
        c.get(a0).fconst(0).fne().get(a1).fconst(0).fne().op(0x72).if_(); // i32.or
        c.offset(cRow, C, [i, P.crs]);
        c.get(a0).splat().set(v0).get(a1).splat().set(v1);
        emitRowUpdate(c, { j, jv, NB, cRow }, [[v0, a0, b0], [v1, a1, b1]]);
        c.end();
      });
    });
    // odd K: the last rank-1 update
    c.get(Kpair).get(P.K).ltS().if_();
    c.offset(b0, B, [Kpair, P.brs]).offset(aCol, A, [Kpair, P.acs]);
    c.for(i, P.M, 1, () => {
      c.get(P.alpha).get(aCol).get(i).get(P.ars).mul().add().fload().fmul().tee(a0).fconst(0).fne().if_();
      c.offset(cRow, C, [i, P.crs]);
      c.get(a0).splat().set(v0);
      emitRowUpdate(c, { j, jv, NB, cRow }, [[v0, a0, b0]]);
      c.end();
    });
    c.end();
  });
  return c.body();
}

function mmDotBody(p: Ops): number[] {
  const c = new Code(paramTypes(p).length, p);
  const i = c.local(I32), j = c.local(I32), kk = c.local(I32), aRow = c.local(I32), cRow = c.local(I32), bCol = c.local(I32), ci = c.local(I32);
  const KB = c.local(I32), K32 = c.local(I32), K16 = c.local(I32);
  const s = c.local(p.type);
  const acc0 = c.local(V128), acc1 = c.local(V128);
  c.get(P.K).toBytes().set(KB);
  c.get(KB).i32(-32).and().set(K32); // bytes in whole pairs of vectors
  c.get(KB).i32(-16).and().set(K16); // bytes in whole vectors
  batched(c, (A, B, C) => {
    c.for(i, P.M, 1, () => {
      c.offset(aRow, A, [i, P.ars]).offset(cRow, C, [i, P.crs]);
      c.for(j, P.N, 1, () => {
        c.offset(bCol, B, [j, P.bcs]);
        c.v128zero().set(acc0).v128zero().set(acc1);
        // two independent accumulators hide the add latency
        c.for(kk, K32, 32, () => {
          c.get(acc0).get(aRow).get(kk).add().v128load().get(bCol).get(kk).add().v128load().vmul().vadd().set(acc0);
          c.get(acc1).get(aRow).get(kk).add().v128load(16).get(bCol).get(kk).add().v128load(16).vmul().vadd().set(acc1);
        });
        c.get(acc0).get(acc1).vadd().set(acc0);
        c.get(K32).get(K16).ltS().if_();
        c.get(acc0).get(aRow).get(K32).add().v128load().get(bCol).get(K32).add().v128load().vmul().vadd().set(acc0);
        c.end();
        c.get(acc0).lane(0);
        for (let l = 1; l < p.lanes; l++) c.get(acc0).lane(l).fadd();
        c.set(s);
        c.for(kk, KB, 1 << p.shift, () => {
          c.get(s).get(aRow).get(kk).add().fload().get(bCol).get(kk).add().fload().fmul().fadd().set(s);
        }, { local: K16 });
        c.offset(ci, cRow, [j, P.ccs]);
        c.get(ci);
        c.get(P.beta).fconst(0).feq().if_(p.type);
        c.get(P.alpha).get(s).fmul();
        c.else_();
        c.get(ci).fload().get(P.alpha).get(s).fmul().fadd();
        c.end();
        c.fstore();
      });
    });
  });
  return c.body();
}

/** Rows per register tile of mmTile (each row of the tile holds TILE_VECTORS accumulators). */
const TILE_ROWS = 4, TILE_VECTORS = 2;

function mmTileBody(p: Ops): number[] {
  const c = new Code(paramTypes(p).length, p);
  const i = c.local(I32), j = c.local(I32), k = c.local(I32), Mr = c.local(I32), NB = c.local(I32), J2 = c.local(I32), J1 = c.local(I32);
  const aP = c.local(I32), bP = c.local(I32);
  const aRow = Array.from({ length: TILE_ROWS }, () => c.local(I32));
  const cRow = Array.from({ length: TILE_ROWS }, () => c.local(I32));
  const acc = Array.from({ length: TILE_ROWS }, () => Array.from({ length: TILE_VECTORS }, () => c.local(V128)));
  const bv = Array.from({ length: TILE_VECTORS }, () => c.local(V128));
  const sv = c.local(V128), valpha = c.local(V128);
  const sc = Array.from({ length: TILE_ROWS }, () => c.local(p.type));
  const bs = c.local(p.type);
  const panel = 16 * TILE_VECTORS; // bytes of C per tile row
  c.get(P.N).toBytes().set(NB);
  c.get(NB).i32(-panel).and().set(J2); // bytes in whole 2-vector panels
  c.get(NB).i32(-16).and().set(J1); // bytes in whole vectors
  c.get(P.M).i32(-TILE_ROWS).and().set(Mr);
  c.get(P.alpha).splat().set(valpha);

  /** the C of `mr` rows × `nv` vectors at column byte j, summed over all k in registers */
  const tile = (mr: number, nv: number) => {
    for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) c.v128zero().set(acc[r]![v]!);
    c.i32(0).set(aP).get(B_).get(j).add().set(bP);
    c.for(k, P.K, 1, () => {
      for (let v = 0; v < nv; v++) c.get(bP).v128load(16 * v).set(bv[v]!);
      for (let r = 0; r < mr; r++) {
        c.get(aRow[r]!).get(aP).add().loadSplat().set(sv);
        for (let v = 0; v < nv; v++) c.get(acc[r]![v]!).get(sv).get(bv[v]!).vmul().vadd().set(acc[r]![v]!);
      }
      c.get(aP).get(P.acs).add().set(aP).get(bP).get(P.brs).add().set(bP);
    });
    c.get(P.beta).fconst(0).feq().if_();
    for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) c.get(cRow[r]!).get(j).add().get(valpha).get(acc[r]![v]!).vmul().v128store(16 * v);
    c.else_();
    for (let r = 0; r < mr; r++)
      for (let v = 0; v < nv; v++) c.get(cRow[r]!).get(j).add().get(cRow[r]!).get(j).add().v128load(16 * v).get(valpha).get(acc[r]![v]!).vmul().vadd().v128store(16 * v);
    c.end();
  };
  /** one column (byte j) of `mr` rows, scalar */
  const column = (mr: number) => {
    for (let r = 0; r < mr; r++) c.fconst(0).set(sc[r]!);
    c.i32(0).set(aP).get(B_).get(j).add().set(bP);
    c.for(k, P.K, 1, () => {
      c.get(bP).fload().set(bs);
      for (let r = 0; r < mr; r++) c.get(sc[r]!).get(aRow[r]!).get(aP).add().fload().get(bs).fmul().fadd().set(sc[r]!);
      c.get(aP).get(P.acs).add().set(aP).get(bP).get(P.brs).add().set(bP);
    });
    c.get(P.beta).fconst(0).feq().if_();
    for (let r = 0; r < mr; r++) c.get(cRow[r]!).get(j).add().get(P.alpha).get(sc[r]!).fmul().fstore();
    c.else_();
    for (let r = 0; r < mr; r++) c.get(cRow[r]!).get(j).add().get(cRow[r]!).get(j).add().fload().get(P.alpha).get(sc[r]!).fmul().fadd().fstore();
    c.end();
  };
  /** rows i..i+mr of C: panels, a last single vector, then the scalar columns */
  const rows = (mr: number) => {
    c.offset(aRow[0]!, A_, [i, P.ars]).offset(cRow[0]!, C_, [i, P.crs]);
    for (let r = 1; r < mr; r++) c.get(aRow[r - 1]!).get(P.ars).add().set(aRow[r]!).get(cRow[r - 1]!).get(P.crs).add().set(cRow[r]!);
    c.for(j, J2, panel, () => tile(mr, TILE_VECTORS));
    c.get(J2).get(J1).ltS().if_();
    c.get(J2).set(j);
    tile(mr, 1);
    c.end();
    c.for(j, NB, 1 << p.shift, () => column(mr), { local: J1 });
  };
  let A_ = 0, B_ = 0, C_ = 0;
  batched(c, (A, B, C) => {
    A_ = A;
    B_ = B;
    C_ = C;
    c.for(i, Mr, TILE_ROWS, () => rows(TILE_ROWS));
    c.for(i, P.M, 1, () => rows(1), { local: Mr });
  });
  return c.body();
}

const EXPORTS = ["mmRow", "mmDot", "mmOuter", "mmTile"] as const;

/**
 * The module's bytes for one precision: imports env.memory, exports mmRow, mmDot, mmOuter and mmTile.
 * @example WebAssembly.validate(matmulModuleBytes("f32"))
 */
export function matmulModuleBytes(precision: Precision = "f64"): Uint8Array {
  const p = OPS[precision];
  const bodies = { mmRow: mmRowBody, mmDot: mmDotBody, mmOuter: mmOuterBody, mmTile: mmTileBody };
  return moduleBytes(EXPORTS.map((e) => ({ name: e, params: paramTypes(p), body: bodies[e](p) })));
}

const compiled: Partial<Record<Precision, WebAssembly.Module>> = {};

/**
 * Instantiates the kernels of one precision on a fresh memory of at least `floats` elements (the memory never
 * grows, so typed-array views of it stay valid).
 * @example const k = wasmMatmulKernels(16, "f32"); const m = new Float32Array(k.memory.buffer); // m[0..15] usable
 */
export function wasmMatmulKernels(floats: number, precision: Precision = "f64"): WasmKernels {
  const mod = (compiled[precision] ??= new WebAssembly.Module(matmulModuleBytes(precision)));
  const pages = Math.max(1, Math.ceil((floats * 2 ** OPS[precision].shift) / 65536));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const inst = new WebAssembly.Instance(mod, { env: { memory } });
  const e = inst.exports as unknown as Record<(typeof EXPORTS)[number], MatmulFn>;
  return { memory, precision, mmRow: e.mmRow, mmDot: e.mmDot, mmOuter: e.mmOuter, mmTile: e.mmTile };
}
