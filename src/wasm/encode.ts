/**
 * memcap's one WebAssembly byte emitter: LEB128 integers, sections, names and the assembly of a module
 * that imports one memory and exports functions. The kernels that use it (src/linalg/wasm-kernel.ts,
 * src/train/kernels-*.ts) write their own function bodies; emitting bytes from TypeScript keeps the
 * project free of an assembler or a build step.
 */

export const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b, VOID = 0x40;

/** Unsigned LEB128. @example uleb(624485) // [0xe5, 0x8e, 0x26] */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
/** Signed LEB128. @example sleb(-1) // [0x7f] */
export function sleb(n: number): number[] {
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

export function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}
export function name(s: string): number[] {
  const b = [...new TextEncoder().encode(s)];
  return [...uleb(b.length), ...b];
}

/** One exported function of a module: its parameter types and its body (from Code.body()). */
export interface WasmFunction {
  name: string;
  params: number[];
  body: number[];
}

/**
 * A module importing env.<memory> (one page at least) and exporting `funcs` (no results; one type per distinct parameter list).
 * @example moduleBytes([{ name: "f", params: [], body: [...uleb(2), 0x00, 0x0b] }]) // a module with one empty function
 */
export function moduleBytes(funcs: WasmFunction[], memory = "memory"): Uint8Array {
  const types: string[] = [];
  const typeOf = funcs.map((f) => {
    const key = f.params.join(",");
    if (!types.includes(key)) types.push(key);
    return types.indexOf(key);
  });
  const typeSec = [...uleb(types.length), ...types.flatMap((t) => {
    const ps = t === "" ? [] : t.split(",").map(Number);
    return [0x60, ...uleb(ps.length), ...ps, 0x00];
  })];
  const imports = [0x01, ...name("env"), ...name(memory), 0x02, 0x00, 0x01];
  const fsec = [...uleb(funcs.length), ...typeOf.flatMap((t) => uleb(t))];
  const exports = [...uleb(funcs.length), ...funcs.flatMap((f, i) => [...name(f.name), 0x00, ...uleb(i)])];
  const code = [...uleb(funcs.length), ...funcs.flatMap((f) => f.body)];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, typeSec), ...section(2, imports), ...section(3, fsec), ...section(7, exports), ...section(10, code),
  ]);
}

