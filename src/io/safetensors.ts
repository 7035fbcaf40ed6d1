/**
 * The safetensors format (https://github.com/huggingface/safetensors), written by hand: it is an
 * 8-byte little-endian header length N, N bytes of JSON header, then the tensors' bytes. The header
 * maps each tensor name to { dtype, shape, data_offsets: [begin, end] } (offsets into the byte
 * buffer after the header) and may hold `__metadata__`, a string → string map. Data is little-endian
 * and row-major (C order). The format is small, so no library: memcap reads and writes only the
 * three dtypes it needs (F32, F64, I64) and validates everything on read.
 *
 * Reading is strict: the header must be a JSON object whose tensors' byte ranges, sorted, tile the
 * data buffer exactly (no gap, no overlap, no trailing bytes), each range's length must equal
 * product(shape) · sizeof(dtype), and every metadata value must be a string. Any defect throws a
 * RangeError with one line naming the tensor.
 *
 * @example
 *   const bytes = encodeSafetensors({ w: { dtype: "F64", shape: [2], data: new Float64Array([1, 2]) } });
 *   decodeSafetensors(bytes).tensors.w.shape // [2]
 */

export type StTensor = { dtype: "F32" | "F64" | "I64"; shape: number[]; data: Float32Array | Float64Array | BigInt64Array };

const DTYPE_BYTES = { F32: 4, F64: 8, I64: 8 } as const;
type DType = keyof typeof DTYPE_BYTES;
const isDType = (s: unknown): s is DType => typeof s === "string" && Object.hasOwn(DTYPE_BYTES, s);

/** Largest header memcap accepts (the reference implementation's limit is 100 MB). */
const MAX_HEADER = 100_000_000;

const elements = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

function checkTensor(name: string, t: StTensor): void {
  if (!isDType(t.dtype)) throw new RangeError(`safetensors: tensor ${name}: unsupported dtype ${String(t.dtype)} (F32, F64 or I64)`);
  if (!t.shape.every((s) => Number.isSafeInteger(s) && s >= 0)) throw new RangeError(`safetensors: tensor ${name}: bad shape [${t.shape}]`);
  const want = t.dtype === "F32" ? Float32Array : t.dtype === "F64" ? Float64Array : BigInt64Array;
  if (!(t.data instanceof want)) throw new RangeError(`safetensors: tensor ${name}: dtype ${t.dtype} needs a ${want.name}`);
  if (t.data.length !== elements(t.shape)) throw new RangeError(`safetensors: tensor ${name}: shape [${t.shape}] has ${elements(t.shape)} elements, data ${t.data.length}`);
}

/**
 * Encodes tensors (in the given key order) and optional string metadata. The header is padded with
 * spaces to a multiple of 8 bytes, as the reference writer does, so every tensor starts aligned.
 * @example encodeSafetensors({ b: { dtype: "F32", shape: [1], data: new Float32Array([0.5]) } }, { arch: "aot" })
 */
export function encodeSafetensors(tensors: Record<string, StTensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) if (typeof v !== "string") throw new RangeError(`safetensors: metadata ${k} must be a string`);
    header.__metadata__ = metadata;
  }
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    if (name === "__metadata__") throw new RangeError("safetensors: a tensor may not be named __metadata__");
    const t = tensors[name]!;
    checkTensor(name, t);
    const n = t.data.length * DTYPE_BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + n] };
    offset += n;
  }
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  let hb = enc.encode(json);
  const pad = (8 - (hb.length % 8)) % 8;
  if (pad) hb = enc.encode((json += " ".repeat(pad)));
  const out = new Uint8Array(8 + hb.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let p = 8 + hb.length;
  for (const name of names) {
    const t = tensors[name]!;
    const size = DTYPE_BYTES[t.dtype];
    for (let i = 0; i < t.data.length; i++, p += size) {
      if (t.dtype === "F32") view.setFloat32(p, t.data[i] as number, true);
      else if (t.dtype === "F64") view.setFloat64(p, t.data[i] as number, true);
      else view.setBigInt64(p, t.data[i] as bigint, true);
    }
  }
  return out;
}

/**
 * Decodes and validates a safetensors file's bytes (see the header comment for what is checked).
 * @example const { tensors, metadata } = decodeSafetensors(readFileSync("model.safetensors"));
 */
export function decodeSafetensors(bytes: Uint8Array): { tensors: Record<string, StTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new RangeError(`safetensors: ${bytes.length} bytes is too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n64 = view.getBigUint64(0, true);
  if (n64 > BigInt(MAX_HEADER)) throw new RangeError(`safetensors: header length ${n64} exceeds ${MAX_HEADER} bytes`);
  const n = Number(n64);
  if (8 + n > bytes.length) throw new RangeError(`safetensors: header length ${n} runs past the end of the file (${bytes.length} bytes)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new RangeError(`safetensors: the header is not valid UTF-8 JSON (${(e as Error).message.split("\n")[0]})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) throw new RangeError("safetensors: the header is not a JSON object");
  const dataStart = 8 + n;
  const dataLen = bytes.length - dataStart;
  const metadata: Record<string, string> = {};
  const ranges: { name: string; begin: number; end: number }[] = [];
  const specs: { name: string; dtype: DType; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, spec] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof spec !== "object" || spec === null || Array.isArray(spec)) throw new RangeError("safetensors: __metadata__ is not an object");
      for (const [k, v] of Object.entries(spec)) {
        if (typeof v !== "string") throw new RangeError(`safetensors: __metadata__.${k} is not a string`);
        metadata[k] = v;
      }
      continue;
    }
    const s = spec as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof s !== "object" || s === null) throw new RangeError(`safetensors: tensor ${name}: entry is not an object`);
    if (!isDType(s.dtype)) throw new RangeError(`safetensors: tensor ${name}: unsupported dtype ${JSON.stringify(s.dtype)} (memcap reads F32, F64, I64)`);
    if (!Array.isArray(s.shape) || !s.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new RangeError(`safetensors: tensor ${name}: bad shape ${JSON.stringify(s.shape)}`);
    const off = s.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((o) => Number.isSafeInteger(o) && o >= 0)) throw new RangeError(`safetensors: tensor ${name}: bad data_offsets ${JSON.stringify(off)}`);
    const [begin, end] = off as [number, number];
    if (begin > end || end > dataLen) throw new RangeError(`safetensors: tensor ${name}: data_offsets [${begin}, ${end}] outside the ${dataLen} data bytes`);
    const shape = s.shape as number[];
    const want = elements(shape) * DTYPE_BYTES[s.dtype];
    if (end - begin !== want) throw new RangeError(`safetensors: tensor ${name}: ${end - begin} bytes for ${s.dtype} shape [${shape}] (needs ${want})`);
    ranges.push({ name, begin, end });
    specs.push({ name, dtype: s.dtype, shape, begin, end });
  }
  // the byte ranges must tile the data buffer exactly
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const r of ranges) {
    if (r.begin !== at) throw new RangeError(`safetensors: tensor ${r.name}: data_offsets start at ${r.begin}, expected ${at} (${r.begin < at ? "overlap" : "gap"})`);
    at = r.end;
  }
  if (at !== dataLen) throw new RangeError(`safetensors: ${dataLen - at} data bytes after the last tensor`);
  const tensors: Record<string, StTensor> = {};
  for (const s of specs) {
    const count = elements(s.shape);
    const p0 = dataStart + s.begin;
    let data: StTensor["data"];
    if (s.dtype === "F32") {
      const a = new Float32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat32(p0 + 4 * i, true);
      data = a;
    } else if (s.dtype === "F64") {
      const a = new Float64Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat64(p0 + 8 * i, true);
      data = a;
    } else {
      const a = new BigInt64Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getBigInt64(p0 + 8 * i, true);
      data = a;
    }
    tensors[s.name] = { dtype: s.dtype, shape: s.shape, data };
  }
  return { tensors, metadata };
}
