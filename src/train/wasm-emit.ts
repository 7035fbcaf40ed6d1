/**
 * The function-body builder of the CPU backend's kernels (./kernels-wasm.ts, ./kernels-elementwise.ts):
 * the instructions they use, in either precision (bytes and module assembly: src/wasm/encode.ts).
 */
import type { Precision } from "./kernels-wasm.ts";

import { F32, F64, I32, V128, VOID, sleb, uleb } from "../wasm/encode.ts";

/** The opcodes that differ between the two precisions. */
export interface Ops {
  /** log2 of the element size in bytes */
  shift: number;
  /** elements per v128 */
  lanes: number;
  type: number;
  load: number; store: number; add: number; sub: number; mul: number; div: number; sqrt: number; eq: number; ne: number; gt: number;
  constBytes: (x: number) => number[];
  splat: number; extract: number; loadSplat: number; vadd: number; vsub: number; vmul: number; vdiv: number; vsqrt: number; vpmax: number; vgt: number;
}
export const OPS: Record<Precision, Ops> = {
  f64: {
    shift: 3, lanes: 2, type: F64, load: 0x2b, store: 0x39, add: 0xa0, sub: 0xa1, mul: 0xa2, div: 0xa3, sqrt: 0x9f, eq: 0x61, ne: 0x62, gt: 0x64,
    constBytes: (x) => [0x44, ...new Uint8Array(new Float64Array([x]).buffer)],
    splat: 0x14, extract: 0x21, loadSplat: 0x0a, vadd: 0xf0, vsub: 0xf1, vmul: 0xf2, vdiv: 0xf3, vsqrt: 0xef, vpmax: 0xf7, vgt: 0x4a,
  },
  f32: {
    shift: 2, lanes: 4, type: F32, load: 0x2a, store: 0x38, add: 0x92, sub: 0x93, mul: 0x94, div: 0x95, sqrt: 0x91, eq: 0x5b, ne: 0x5c, gt: 0x5e,
    constBytes: (x) => [0x43, ...new Uint8Array(new Float32Array([x]).buffer)],
    splat: 0x13, extract: 0x1f, loadSplat: 0x09, vadd: 0xe4, vsub: 0xe5, vmul: 0xe6, vdiv: 0xe7, vsqrt: 0xe3, vpmax: 0xeb, vgt: 0x44,
  },
};

/**
 * Function-body builder: one method per instruction used; locals are numbered after the params. The float
 * instructions (`fload`, `vadd`, …) are those of the builder's precision.
 */
export class Code {
  readonly b: number[] = [];
  private readonly extra: number[] = [];
  constructor(private readonly nParams: number, readonly p: Ops) {}
  local(type: number): number {
    this.extra.push(type);
    return this.nParams + this.extra.length - 1;
  }
  get(i: number) { this.b.push(0x20, ...uleb(i)); return this; }
  set(i: number) { this.b.push(0x21, ...uleb(i)); return this; }
  tee(i: number) { this.b.push(0x22, ...uleb(i)); return this; }
  i32(n: number) { this.b.push(0x41, ...sleb(n)); return this; }
  fconst(x: number) { this.b.push(...this.p.constBytes(x)); return this; }
  op(...bytes: number[]) { this.b.push(...bytes); return this; }
  add() { return this.op(0x6a); }
  mul() { return this.op(0x6c); }
  and() { return this.op(0x71); }
  /** element index → byte offset */
  toBytes() { return this.i32(this.p.shift).op(0x74); }
  geS() { return this.op(0x4e); }
  gtS() { return this.op(0x4a); }
  ltS() { return this.op(0x48); }
  leS() { return this.op(0x4c); }
  block() { return this.op(0x02, VOID); }
  loop() { return this.op(0x03, VOID); }
  if_(result = VOID) { return this.op(0x04, result); }
  else_() { return this.op(0x05); }
  end() { return this.op(0x0b); }
  br(d: number) { return this.op(0x0c, ...uleb(d)); }
  brIf(d: number) { return this.op(0x0d, ...uleb(d)); }
  fload(offset = 0) { return this.op(this.p.load, this.p.shift, ...uleb(offset)); }
  fstore(offset = 0) { return this.op(this.p.store, this.p.shift, ...uleb(offset)); }
  fadd() { return this.op(this.p.add); }
  fmul() { return this.op(this.p.mul); }
  feq() { return this.op(this.p.eq); }
  fne() { return this.op(this.p.ne); }
  v128load(offset = 0) { return this.op(0xfd, 0x00, this.p.shift, ...uleb(offset)); }
  v128store(offset = 0) { return this.op(0xfd, 0x0b, this.p.shift, ...uleb(offset)); }
  v128zero() { return this.op(0xfd, 0x0c, ...new Array<number>(16).fill(0)); }
  loadSplat(offset = 0) { return this.op(0xfd, this.p.loadSplat, this.p.shift, ...uleb(offset)); }
  splat() { return this.op(0xfd, this.p.splat); }
  lane(l: number) { return this.op(0xfd, this.p.extract, l); }
  fsub() { return this.op(this.p.sub); }
  fdiv() { return this.op(this.p.div); }
  fsqrt() { return this.op(this.p.sqrt); }
  fgt() { return this.op(this.p.gt); }
  /** (a, b, cond) → cond ≠ 0 ? a : b */
  select() { return this.op(0x1b); }
  vadd() { return this.op(0xfd, ...uleb(this.p.vadd)); }
  vsub() { return this.op(0xfd, ...uleb(this.p.vsub)); }
  vmul() { return this.op(0xfd, ...uleb(this.p.vmul)); }
  vdiv() { return this.op(0xfd, ...uleb(this.p.vdiv)); }
  vsqrt() { return this.op(0xfd, ...uleb(this.p.vsqrt)); }
  /** pseudo-max (a, b) → a < b ? b : a, lane-wise: pmax(0, v) is JavaScript's `v > 0 ? v : 0` */
  vpmax() { return this.op(0xfd, ...uleb(this.p.vpmax)); }
  /** lane-wise a > b as all-ones / all-zeros masks */
  vgt() { return this.op(0xfd, ...uleb(this.p.vgt)); }
  /** (a, b, mask) → (a & mask) | (b & ~mask) */
  bitselect() { return this.op(0xfd, 0x52); }

  /** `for (v = from; v < limit; v += step) body()` with limit a local, step an i32 constant or local */
  for(v: number, limit: number, step: number | { local: number }, body: () => void, from: number | { local: number } = 0) {
    if (typeof from === "number") this.i32(from);
    else this.get(from.local);
    this.set(v).block().loop();
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

/** Bytes per element of a precision. @example elementBytes("f32") === 4 */
export function elementBytes(p: Precision): number {
  return 1 << OPS[p].shift;
}
