/**
 * The one hot loop of modular elimination, `dst[j] -= f·src[j]` over doubles, as a tiny
 * WebAssembly module with 128-bit SIMD (two doubles per instruction), hand-assembled below.
 *
 * Why: in JavaScript this loop runs in the interpreter until V8 decides to optimize it, which for
 * a one-shot CLI run is a large share of the time; WebAssembly is compiled before it runs and the
 * SIMD form halves the instruction count. The arithmetic is identical to the JavaScript kernel
 * (one IEEE multiply and one subtract per element, exact below 2^53), so results are the same bit
 * for bit; when WebAssembly SIMD is unavailable the JavaScript kernel is used.
 *
 * Memory: matrices must live in `kernel.memory` (see `arena`), addressed by byte offsets.
 *
 * @example
 *   const k = wasmKernel();
 *   if (k) { const a = k.arena(4); a.set([5, 6, 1, 1]); k.subMul(a.byteOffset, a.byteOffset + 16, 2, 2); } // a = [3, 4, 1, 1]
 */
import { F32, F64, I32, moduleBytes, uleb, V128 } from "../wasm/encode.ts";

export interface WasmKernel {
  /** dst[j] −= f·src[j] for j < len; dst, src are byte offsets into the kernel's memory. */
  subMul(dst: number, src: number, f: number, len: number): void;
  /** dst[j] −= f·src[j] for j < len on float32 (f rounded to float32); byte offsets as for subMul. */
  subMul32(dst: number, src: number, f: number, len: number): void;
  /**
   * For t < count with f[t] ≠ 0: row_t[j] −= f[t]·src[j] (j < len), row_t at dst + t·stride bytes,
   * f[t] the t-th double at fptr (subMulRows32: float32 rows and factors).
   */
  subMulRows(dst: number, stride: number, src: number, fptr: number, count: number, len: number): void;
  subMulRows32(dst: number, stride: number, src: number, fptr: number, count: number, len: number): void;
  /** Float32 views at least n floats long in the kernel's memory (valid until the next arenas call). */
  arenas32(sizes: number[]): Float32Array[];
  /** A zeroed Float64Array of n doubles in the kernel's memory (valid until the next `arena` call). */
  arena(n: number): Float64Array;
  /** Views at least n doubles long in the kernel's memory, for several arrays at once (valid until the next call). */
  arenas(sizes: number[]): Float64Array[];
}

const u = (xs: number[]): number[] => xs;

function linalgModuleBytes(): Uint8Array {
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const body = u([
    // locals: end (i32), fv (v128)
    0x02, 0x01, I32, 0x01, V128,
    // end = dst + (len & ~1)·8
    ...get(0), ...get(3), 0x41, 0x7e, 0x71, 0x41, 0x03, 0x74, 0x6a, ...set(4),
    // fv = splat(f)
    ...get(2), 0xfd, 0x14, ...set(5),
    0x02, 0x40, // block
    ...get(0), ...get(4), 0x4f, 0x0d, 0x00, // if dst >= end: break
    0x03, 0x40, // loop
    ...get(0),
    ...get(0), 0xfd, 0x00, 0x03, 0x00, // v128.load dst
    ...get(1), 0xfd, 0x00, 0x03, 0x00, // v128.load src
    ...get(5), 0xfd, 0xf2, 0x01, // f64x2.mul
    0xfd, 0xf1, 0x01, // f64x2.sub
    0xfd, 0x0b, 0x03, 0x00, // v128.store
    ...get(0), 0x41, 0x10, 0x6a, ...set(0),
    ...get(1), 0x41, 0x10, 0x6a, ...set(1),
    ...get(0), ...get(4), 0x49, 0x0d, 0x00, // continue while dst < end
    0x0b, // end loop
    0x0b, // end block
    // odd tail element
    ...get(3), 0x41, 0x01, 0x71, 0x04, 0x40,
    ...get(0), ...get(0), 0x2b, 0x03, 0x00, ...get(1), 0x2b, 0x03, 0x00, ...get(2), 0xa2, 0xa1, 0x39, 0x03, 0x00,
    0x0b, // end if
    0x0b, // end function
  ]);
  // subMul32: the same loop on float32, four lanes (f32x4), then a scalar tail of len mod 4
  const body32 = u([
    // locals: end (i32), fv (v128), stop (i32)
    0x03, 0x01, I32, 0x01, V128, 0x01, I32,
    // end = dst + (len & ~3)·4; stop = dst + len·4
    ...get(0), ...get(3), 0x41, 0x7c, 0x71, 0x41, 0x02, 0x74, 0x6a, ...set(4),
    ...get(0), ...get(3), 0x41, 0x02, 0x74, 0x6a, ...set(6),
    // fv = splat(f)
    ...get(2), 0xfd, 0x13, ...set(5),
    0x02, 0x40, // block
    ...get(0), ...get(4), 0x4f, 0x0d, 0x00, // if dst >= end: break
    0x03, 0x40, // loop
    ...get(0),
    ...get(0), 0xfd, 0x00, 0x02, 0x00, // v128.load dst
    ...get(1), 0xfd, 0x00, 0x02, 0x00, // v128.load src
    ...get(5), 0xfd, 0xe6, 0x01, // f32x4.mul
    0xfd, 0xe5, 0x01, // f32x4.sub
    0xfd, 0x0b, 0x02, 0x00, // v128.store
    ...get(0), 0x41, 0x10, 0x6a, ...set(0),
    ...get(1), 0x41, 0x10, 0x6a, ...set(1),
    ...get(0), ...get(4), 0x49, 0x0d, 0x00, // continue while dst < end
    0x0b, // end loop
    0x0b, // end block
    0x02, 0x40, // block: scalar tail
    ...get(0), ...get(6), 0x4f, 0x0d, 0x00, // if dst >= stop: break
    0x03, 0x40, // loop
    ...get(0), ...get(0), 0x2a, 0x02, 0x00, ...get(1), 0x2a, 0x02, 0x00, ...get(2), 0x94, 0x93, 0x38, 0x02, 0x00,
    ...get(0), 0x41, 0x04, 0x6a, ...set(0),
    ...get(1), 0x41, 0x04, 0x6a, ...set(1),
    ...get(0), ...get(6), 0x49, 0x0d, 0x00, // continue while dst < stop
    0x0b, // end loop
    0x0b, // end block
    0x0b, // end function
  ]);
  // subMulRows / subMulRows32: the same update on `count` rows at dst + t·stride with the factor
  // f[t] read from fptr (rows with f = 0 skipped): one call per pivot instead of one per row
  const rowsBody = (wide: boolean) => {
    const lanesMask = wide ? 0x7e : 0x7c; // −2 or −4: len rounded down to whole vectors
    const shift = wide ? 0x03 : 0x02; // log2 of the element size
    const load = wide ? [0x2b, 0x03, 0x00] : [0x2a, 0x02, 0x00];
    const store = wide ? [0x39, 0x03, 0x00] : [0x38, 0x02, 0x00];
    const mul = wide ? [0xa2] : [0x94];
    const subOp = wide ? [0xa1] : [0x93];
    const zero = wide ? [0x44, 0, 0, 0, 0, 0, 0, 0, 0] : [0x43, 0, 0, 0, 0];
    const ne = wide ? [0x62] : [0x5c];
    const splat = wide ? [0xfd, 0x14] : [0xfd, 0x13];
    const vmul = wide ? [0xfd, 0xf2, 0x01] : [0xfd, 0xe6, 0x01];
    const vsub = wide ? [0xfd, 0xf1, 0x01] : [0xfd, 0xe5, 0x01];
    const valign = wide ? 0x03 : 0x02;
    const elem = wide ? 0x08 : 0x04;
    // params: dst 0, stride 1 (bytes), src 2, fptr 3, count 4, len 5; locals: t 6, end 7, d 8, s 9, stop 10, fv 11, f 12
    return u([
      0x03, 0x05, I32, 0x01, V128, 0x01, wide ? F64 : F32,
      0x02, 0x40, // block out
      0x03, 0x40, // loop rows
      ...get(6), ...get(4), 0x4f, 0x0d, 0x01, // t >= count: leave
      ...get(3), ...get(6), 0x41, shift, 0x74, 0x6a, ...load, 0x22, 12, // f = fptr[t] (tee)
      ...zero, ...ne, 0x04, 0x40, // if f != 0
      ...get(0), ...get(6), ...get(1), 0x6c, 0x6a, ...set(8), // d = dst + t·stride
      ...get(2), ...set(9), // s = src
      ...get(8), ...get(5), 0x41, lanesMask, 0x71, 0x41, shift, 0x74, 0x6a, ...set(7), // end
      ...get(8), ...get(5), 0x41, shift, 0x74, 0x6a, ...set(10), // stop = d + len·size
      ...get(12), ...splat, ...set(11),
      0x02, 0x40, // block
      ...get(8), ...get(7), 0x4f, 0x0d, 0x00,
      0x03, 0x40, // loop
      ...get(8), ...get(8), 0xfd, 0x00, valign, 0x00, ...get(9), 0xfd, 0x00, valign, 0x00, ...get(11), ...vmul, ...vsub, 0xfd, 0x0b, valign, 0x00,
      ...get(8), 0x41, 0x10, 0x6a, ...set(8),
      ...get(9), 0x41, 0x10, 0x6a, ...set(9),
      ...get(8), ...get(7), 0x49, 0x0d, 0x00,
      0x0b, // end loop
      0x0b, // end block
      0x02, 0x40, // block: scalar tail
      ...get(8), ...get(10), 0x4f, 0x0d, 0x00,
      0x03, 0x40,
      ...get(8), ...get(8), ...load, ...get(9), ...load, ...get(12), ...mul, ...subOp, ...store,
      ...get(8), 0x41, elem, 0x6a, ...set(8),
      ...get(9), 0x41, elem, 0x6a, ...set(9),
      ...get(8), ...get(10), 0x49, 0x0d, 0x00,
      0x0b, // end loop
      0x0b, // end block
      0x0b, // end if
      ...get(6), 0x41, 0x01, 0x6a, ...set(6), // t++
      0x0c, 0x00, // next row
      0x0b, // end loop
      0x0b, // end block
      0x0b, // end function
    ]);
  };
  const rows64 = rowsBody(true);
  const rows32 = rowsBody(false);
  const fn = (name: string, params: number[], code: number[]) => ({ name, params, body: [...uleb(code.length), ...code] });
  return moduleBytes(
    [
      fn("subMul", [I32, I32, F64, I32], body),
      fn("subMul32", [I32, I32, F32, I32], body32),
      fn("subMulRows", [I32, I32, I32, I32, I32, I32], rows64),
      fn("subMulRows32", [I32, I32, I32, I32, I32, I32], rows32),
    ],
    "mem",
  );
}

// The project's lib settings (ES2022 + node) carry no WebAssembly types: the little used here.
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
};

let cached: WasmKernel | null | undefined;

/** The WebAssembly kernel, or null where WebAssembly SIMD is not available. */
export function wasmKernel(): WasmKernel | null {
  if (cached !== undefined) return cached;
  try {
    const bytes = linalgModuleBytes();
    if (typeof WebAssembly === "undefined" || !WebAssembly.validate(bytes)) return (cached = null);
    const memory = new WebAssembly.Memory({ initial: 1 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
    const subMul = instance.exports.subMul as (dst: number, src: number, f: number, len: number) => void;
    const arenas = (sizes: number[]): Float64Array[] => {
      const total = sizes.reduce((s, x) => s + x, 0) * 8;
      const have = memory.buffer.byteLength;
      if (total > have) memory.grow(Math.ceil((total - have) / 65536));
      const out: Float64Array[] = [];
      let off = 0;
      for (const n of sizes) {
        const view = new Float64Array(memory.buffer, off, n);
        view.fill(0);
        out.push(view);
        off += n * 8;
      }
      return out;
    };
    const subMul32 = instance.exports.subMul32 as (dst: number, src: number, f: number, len: number) => void;
    const arenas32 = (sizes: number[]): Float32Array[] =>
      arenas(sizes.map((n) => Math.ceil(n / 2))).map((v, i) => new Float32Array(v.buffer, v.byteOffset, sizes[i]!));
    type Rows = (dst: number, stride: number, src: number, fptr: number, count: number, len: number) => void;
    const subMulRows = instance.exports.subMulRows as Rows;
    const subMulRows32 = instance.exports.subMulRows32 as Rows;
    cached = { subMul, subMul32, subMulRows, subMulRows32, arenas, arenas32, arena: (n) => arenas([n])[0]! };
  } catch {
    cached = null;
  }
  return cached;
}
