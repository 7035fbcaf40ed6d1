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

export interface WasmKernel {
  /** dst[j] −= f·src[j] for j < len; dst, src are byte offsets into the kernel's memory. */
  subMul(dst: number, src: number, f: number, len: number): void;
  /** A zeroed Float64Array of n doubles in the kernel's memory (valid until the next `arena` call). */
  arena(n: number): Float64Array;
  /** Views at least n doubles long in the kernel's memory, for several arrays at once (valid until the next call). */
  arenas(sizes: number[]): Float64Array[];
}

const u = (xs: number[]): number[] => xs;
function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}
function name(s: string): number[] {
  return [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
}

function moduleBytes(): Uint8Array {
  const I32 = 0x7f;
  const F64 = 0x7c;
  const V128 = 0x7b;
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
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [0x01, 0x60, 0x04, I32, I32, F64, I32, 0x00]),
    ...section(2, [0x01, ...name("env"), ...name("mem"), 0x02, 0x00, 0x01]),
    ...section(3, [0x01, 0x00]),
    ...section(7, [0x01, ...name("subMul"), 0x00, 0x00]),
    ...section(10, [0x01, ...leb(body.length), ...body]),
  ]);
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
    const bytes = moduleBytes();
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
    cached = { subMul, arenas, arena: (n) => arenas([n])[0]! };
  } catch {
    cached = null;
  }
  return cached;
}
