/**
 * WebAssembly SIMD (f64x2) matmul kernels for the CPU training backend, emitted as bytes from
 * TypeScript (no assembler dependency). They run on the backend's memory itself: the CPU backend's
 * Float64Array is a view of the WebAssembly.Memory these kernels import, so no copies are made.
 *
 * Two layouts cover every matmul the graph compiler emits (forward, dA = dC·Bᵀ, dB = Aᵀ·dC, attention):
 *  - `mmRow` (B and C contiguous along j): C[i,:] (=|+=) Σ_k alpha·A[i,k]·B[k,:], an axpy of B rows into
 *    the C row, two columns per f64x2 lane pair, two k at a time so each C pair is loaded and stored once
 *    per two products; zero A entries (ReLU outputs) are skipped.
 *  - `mmOuter` (same layout as mmRow, small C, long K: the weight gradients dW = Xᵀ·dC over all tokens):
 *    k outermost, C += alpha·(A[:,k]·B[k,:] + A[:,k+1]·B[k+1,:]) as rank-2 updates, so the long operands stream
 *    through once while C stays in L1 (mmRow would re-read B once per row of C); zero A pairs are skipped.
 *  - `mmDot` (A contiguous along k, B contiguous along k, i.e. a transposed operand): C[i,j] (=|+=)
 *    alpha·⟨A[i,:], B[:,j]⟩ with two f64x2 accumulators.
 * Both take the batched strided form of graph.ts's MatmulK (offsets and strides in float64 elements).
 * Arithmetic is IEEE float64 throughout (the summation order differs from the scalar loop, nothing else).
 */

/** Signature shared by both kernels: (n0, n1, M, N, K, alpha, beta, a, as0, as1, ars, acs, b, bs0, bs1, brs, bcs, c, cs0, cs1, crs, ccs). */
export type MatmulFn = (
  n0: number, n1: number, M: number, N: number, K: number, alpha: number, beta: number,
  a: number, as0: number, as1: number, ars: number, acs: number,
  b: number, bs0: number, bs1: number, brs: number, bcs: number,
  c: number, cs0: number, cs1: number, crs: number, ccs: number,
) => void;

export interface WasmKernels {
  memory: WebAssembly.Memory;
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

// ---- a minimal WebAssembly code emitter -------------------------------------------------------
const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b, VOID = 0x40;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** Function-body builder: one method per instruction used; locals are numbered after the params. */
class Code {
  readonly b: number[] = [];
  private readonly extra: number[] = [];
  constructor(private readonly nParams: number) {}
  local(type: number): number {
    this.extra.push(type);
    return this.nParams + this.extra.length - 1;
  }
  get(i: number) { this.b.push(0x20, ...uleb(i)); return this; }
  set(i: number) { this.b.push(0x21, ...uleb(i)); return this; }
  tee(i: number) { this.b.push(0x22, ...uleb(i)); return this; }
  i32(n: number) { this.b.push(0x41, ...sleb(n)); return this; }
  f64(x: number) { this.b.push(0x44, ...new Uint8Array(new Float64Array([x]).buffer)); return this; }
  op(...bytes: number[]) { this.b.push(...bytes); return this; }
  add() { return this.op(0x6a); }
  mul() { return this.op(0x6c); }
  shl3() { return this.i32(3).op(0x74); }
  geS() { return this.op(0x4e); }
  gtS() { return this.op(0x4a); }
  ltS() { return this.op(0x48); }
  block() { return this.op(0x02, VOID); }
  loop() { return this.op(0x03, VOID); }
  if_(result = VOID) { return this.op(0x04, result); }
  else_() { return this.op(0x05); }
  end() { return this.op(0x0b); }
  br(d: number) { return this.op(0x0c, ...uleb(d)); }
  brIf(d: number) { return this.op(0x0d, ...uleb(d)); }
  f64load() { return this.op(0x2b, 3, 0); }
  f64store() { return this.op(0x39, 3, 0); }
  f64add() { return this.op(0xa0); }
  f64mul() { return this.op(0xa2); }
  f64eq() { return this.op(0x61); }
  f64ne() { return this.op(0x62); }
  v128load(offset = 0) { return this.op(0xfd, 0x00, 3, ...uleb(offset)); }
  v128store() { return this.op(0xfd, 0x0b, 3, 0); }
  v128zero() { return this.op(0xfd, 0x0c, ...new Array<number>(16).fill(0)); }
  splat() { return this.op(0xfd, 0x14); }
  lane(l: number) { return this.op(0xfd, 0x21, l); }
  vadd() { return this.op(0xfd, 0xf0, 0x01); }
  vmul() { return this.op(0xfd, 0xf2, 0x01); }

  /** `for (v = 0; v < limit; v += step) body()` with limit a local, step an i32 constant or local */
  for(v: number, limit: number, step: number | { local: number }, body: () => void) {
    this.i32(0).set(v).block().loop();
    this.get(v).get(limit).geS().brIf(1);
    body();
    this.get(v);
    if (typeof step === "number") this.i32(step);
    else this.get(step.local);
    this.add().set(v).br(0).end().end();
    return this;
  }
  /** v = base + i·stride (all locals) */
  offset(v: number, base: number, ...terms: [number, number][]) {
    this.get(base);
    for (const [i, s] of terms) this.get(i).get(s).mul().add();
    return this.set(v);
  }
  body(): number[] {
    const groups: number[] = [];
    let count = 0;
    for (let i = 0; i < this.extra.length; i++) {
      count++;
      if (i + 1 === this.extra.length || this.extra[i + 1] !== this.extra[i]) {
        groups.push(...uleb(count), this.extra[i]!);
        count = 0;
      }
    }
    const runs = groups.length / 2;
    const bytes = [...uleb(runs), ...groups, ...this.b, 0x0b];
    return [...uleb(bytes.length), ...bytes];
  }
}

// params of both kernels
const P = { n0: 0, n1: 1, M: 2, N: 3, K: 4, alpha: 5, beta: 6, a: 7, as0: 8, as1: 9, ars: 10, acs: 11, b: 12, bs0: 13, bs1: 14, brs: 15, bcs: 16, c: 17, cs0: 18, cs1: 19, crs: 20, ccs: 21 };
const PARAM_TYPES = [I32, I32, I32, I32, I32, F64, F64, ...new Array<number>(15).fill(I32)];

/** Shared prologue: offsets and strides to bytes, then the two batch loops around `inner(A, B, C)`. */
function batched(c: Code, inner: (A: number, B: number, C: number) => void): void {
  for (let p = P.a; p <= P.ccs; p++) c.get(p).shl3().set(p);
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
 * f64x2 pairs over the whole pairs, then the odd last column. `terms` = [splatted a, scalar a, B row].
 */
function emitRowUpdate(c: Code, r: { j: number; jv: number; N8: number; cRow: number }, terms: [v: number, a: number, b: number][]): void {
  c.for(r.j, r.jv, 16, () => {
    c.get(r.cRow).get(r.j).add();
    c.get(r.cRow).get(r.j).add().v128load();
    for (const [v, , b] of terms) c.get(v).get(b).get(r.j).add().v128load().vmul().vadd();
    c.v128store();
  });
  c.get(r.jv).get(r.N8).ltS().if_();
  c.get(r.cRow).get(r.jv).add();
  c.get(r.cRow).get(r.jv).add().f64load();
  for (const [, a, b] of terms) c.get(a).get(b).get(r.jv).add().f64load().f64mul().f64add();
  c.f64store();
  c.end();
}

function mmRowBody(): number[] {
  const c = new Code(PARAM_TYPES.length);
  const i = c.local(I32), k = c.local(I32), j = c.local(I32), aRow = c.local(I32), cRow = c.local(I32), b0 = c.local(I32), b1 = c.local(I32);
  const N8 = c.local(I32), Kpair = c.local(I32), jv = c.local(I32);
  const a0 = c.local(F64), a1 = c.local(F64);
  const v0 = c.local(V128), v1 = c.local(V128);
  c.get(P.N).shl3().set(N8);
  c.get(N8).i32(-16).op(0x71).set(jv); // bytes covered by whole f64x2 pairs: N8 & ~15
  c.get(P.K).i32(-2).op(0x71).set(Kpair); // K rounded down to even
  batched(c, (A, B, C) => {
    c.for(i, P.M, 1, () => {
      c.offset(aRow, A, [i, P.ars]).offset(cRow, C, [i, P.crs]);
      // beta = 0: the row is overwritten, so clear it first
      c.get(P.beta).f64(0).f64eq().if_();
      c.for(j, N8, 8, () => c.get(cRow).get(j).add().f64(0).f64store());
      c.end();
      // two k at a time: C[i,j..j+1] += a0·B[k,j..] + a1·B[k+1,j..]
      c.i32(0).set(k).block().loop();
      c.get(k).get(Kpair).geS().brIf(1);
      c.get(P.alpha).get(aRow).get(k).get(P.acs).mul().add().f64load().f64mul().set(a0);
      c.get(P.alpha).get(aRow).get(k).get(P.acs).mul().get(P.acs).add().add().f64load().f64mul().set(a1);
      c.offset(b0, B, [k, P.brs]);
      c.get(b0).get(P.brs).add().set(b1);
      c.get(a0).splat().set(v0).get(a1).splat().set(v1);
      emitRowUpdate(c, { j, jv, N8, cRow }, [[v0, a0, b0], [v1, a1, b1]]);
      c.get(k).i32(2).add().set(k).br(0).end().end();
      // odd K: the last k alone, skipped when A[i,k] = 0 (ReLU outputs)
      c.get(Kpair).get(P.K).ltS().if_();
      c.get(P.alpha).get(aRow).get(Kpair).get(P.acs).mul().add().f64load().f64mul().tee(a0).f64(0).f64ne().if_();
      c.offset(b0, B, [Kpair, P.brs]);
      c.get(a0).splat().set(v0);
      emitRowUpdate(c, { j, jv, N8, cRow }, [[v0, a0, b0]]);
      c.end().end();
    });
  });
  return c.body();
}

function mmOuterBody(): number[] {
  const c = new Code(PARAM_TYPES.length);
  const i = c.local(I32), k = c.local(I32), j = c.local(I32), aCol = c.local(I32), cRow = c.local(I32), b0 = c.local(I32), b1 = c.local(I32);
  const N8 = c.local(I32), jv = c.local(I32), Kpair = c.local(I32), aAt = c.local(I32);
  const a0 = c.local(F64), a1 = c.local(F64);
  const v0 = c.local(V128), v1 = c.local(V128);
  c.get(P.N).shl3().set(N8);
  c.get(N8).i32(-16).op(0x71).set(jv);
  c.get(P.K).i32(-2).op(0x71).set(Kpair);
  batched(c, (A, B, C) => {
    c.get(P.beta).f64(0).f64eq().if_();
    c.for(i, P.M, 1, () => {
      c.offset(cRow, C, [i, P.crs]);
      c.for(j, N8, 8, () => c.get(cRow).get(j).add().f64(0).f64store());
    });
    c.end();
    // rank-2 updates C += alpha·(A[:,k]·B[k,:] + A[:,k+1]·B[k+1,:]), k outermost: A and B are streamed once,
    // C stays in L1 and is loaded and stored once per two products; rows where both A entries are 0 are skipped
    c.for(k, Kpair, 2, () => {
      c.offset(b0, B, [k, P.brs]).offset(aCol, A, [k, P.acs]);
      c.get(b0).get(P.brs).add().set(b1);
      c.for(i, P.M, 1, () => {
        c.get(aCol).get(i).get(P.ars).mul().add().set(aAt);
        c.get(P.alpha).get(aAt).f64load().f64mul().set(a0);
        c.get(P.alpha).get(aAt).get(P.acs).add().f64load().f64mul().set(a1);
        c.get(a0).f64(0).f64ne().get(a1).f64(0).f64ne().op(0x72).if_(); // i32.or
        c.offset(cRow, C, [i, P.crs]);
        c.get(a0).splat().set(v0).get(a1).splat().set(v1);
        emitRowUpdate(c, { j, jv, N8, cRow }, [[v0, a0, b0], [v1, a1, b1]]);
        c.end();
      });
    });
    // odd K: the last rank-1 update
    c.get(Kpair).get(P.K).ltS().if_();
    c.offset(b0, B, [Kpair, P.brs]).offset(aCol, A, [Kpair, P.acs]);
    c.for(i, P.M, 1, () => {
      c.get(P.alpha).get(aCol).get(i).get(P.ars).mul().add().f64load().f64mul().tee(a0).f64(0).f64ne().if_();
      c.offset(cRow, C, [i, P.crs]);
      c.get(a0).splat().set(v0);
      emitRowUpdate(c, { j, jv, N8, cRow }, [[v0, a0, b0]]);
      c.end();
    });
    c.end();
  });
  return c.body();
}

function mmDotBody(): number[] {
  const c = new Code(PARAM_TYPES.length);
  const i = c.local(I32), j = c.local(I32), kk = c.local(I32), aRow = c.local(I32), cRow = c.local(I32), bCol = c.local(I32), ci = c.local(I32);
  const K8 = c.local(I32), K32 = c.local(I32), K16 = c.local(I32);
  const s = c.local(F64);
  const acc0 = c.local(V128), acc1 = c.local(V128);
  c.get(P.K).shl3().set(K8);
  c.get(K8).i32(-32).op(0x71).set(K32); // bytes in whole blocks of 4 doubles
  c.get(K8).i32(-16).op(0x71).set(K16); // bytes in whole pairs
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
        c.get(acc0).lane(0).get(acc0).lane(1).f64add().set(s);
        c.get(K16).get(K8).ltS().if_();
        c.get(s).get(aRow).get(K16).add().f64load().get(bCol).get(K16).add().f64load().f64mul().f64add().set(s);
        c.end();
        c.offset(ci, cRow, [j, P.ccs]);
        c.get(ci);
        c.get(P.beta).f64(0).f64eq().if_(F64);
        c.get(P.alpha).get(s).f64mul();
        c.else_();
        c.get(ci).f64load().get(P.alpha).get(s).f64mul().f64add();
        c.end();
        c.f64store();
      });
    });
  });
  return c.body();
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}
function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

/** The module's bytes: imports env.memory, exports mmRow, mmDot and mmOuter. @example WebAssembly.validate(matmulModuleBytes()) */
export function matmulModuleBytes(): Uint8Array {
  const type = [0x01, 0x60, ...uleb(PARAM_TYPES.length), ...PARAM_TYPES, 0x00];
  const imports = [0x01, ...name("env"), ...name("memory"), 0x02, 0x00, 0x01];
  const funcs = [0x03, 0x00, 0x00, 0x00];
  const exports = [0x03, ...name("mmRow"), 0x00, 0x00, ...name("mmDot"), 0x00, 0x01, ...name("mmOuter"), 0x00, 0x02];
  const code = [0x03, ...mmRowBody(), ...mmDotBody(), ...mmOuterBody()];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, type), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code),
  ]);
}

let compiled: WebAssembly.Module | null = null;

/**
 * Instantiates the kernels on a fresh memory of at least `floats` float64 values (the memory never grows,
 * so Float64Array views of it stay valid).
 * @example const k = wasmMatmulKernels(16); const m = new Float64Array(k.memory.buffer); // m[0..15] usable
 */
export function wasmMatmulKernels(floats: number): WasmKernels {
  compiled ??= new WebAssembly.Module(matmulModuleBytes());
  const pages = Math.max(1, Math.ceil((floats * 8) / 65536));
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const inst = new WebAssembly.Instance(compiled, { env: { memory } });
  const e = inst.exports as unknown as { mmRow: MatmulFn; mmDot: MatmulFn; mmOuter: MatmulFn };
  return { memory, mmRow: e.mmRow, mmDot: e.mmDot, mmOuter: e.mmOuter };
}
