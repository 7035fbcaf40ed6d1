/**
 * safetensors reader and writer (the format of huggingface/safetensors, written by hand: it is an
 * 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets: [begin, end]},
 * "__metadata__": {string: string}} and the tensors' little-endian bytes, back to back).
 * The header is padded with spaces to a multiple of 8 bytes so that every tensor is aligned.
 *
 * @example
 *   const bytes = encodeSafetensors({ w: { dtype: "F64", shape: [2], data: new Float64Array([1, 2]) } });
 *   decodeSafetensors(bytes).tensors.w.shape // [2]
 */

export type StTensor = { dtype: "F32" | "F64" | "I64"; shape: number[]; data: Float32Array | Float64Array | BigInt64Array };

const BYTES: Record<StTensor["dtype"], number> = { F32: 4, F64: 8, I64: 8 };

function elements(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkTensor(name: string, t: StTensor): void {
  const want = t.dtype === "F32" ? Float32Array : t.dtype === "F64" ? Float64Array : BigInt64Array;
  if (!(t.data instanceof want)) throw new RangeError(`safetensors: tensor ${name}: dtype ${t.dtype} needs a ${want.name}`);
  if (!t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new RangeError(`safetensors: tensor ${name}: bad shape [${t.shape.join(", ")}]`);
  if (elements(t.shape) !== t.data.length) throw new RangeError(`safetensors: tensor ${name}: shape [${t.shape.join(", ")}] has ${elements(t.shape)} elements, data ${t.data.length}`);
}

/** Little-endian bytes of a typed array (a copy; the platform's byte order is not assumed). */
function leBytes(t: StTensor): Uint8Array {
  const out = new Uint8Array(t.data.length * BYTES[t.dtype]);
  const view = new DataView(out.buffer);
  for (let i = 0; i < t.data.length; i++) {
    if (t.dtype === "F32") view.setFloat32(4 * i, (t.data as Float32Array)[i]!, true);
    else if (t.dtype === "F64") view.setFloat64(8 * i, (t.data as Float64Array)[i]!, true);
    else view.setBigInt64(8 * i, (t.data as BigInt64Array)[i]!, true);
  }
  return out;
}

export function encodeSafetensors(tensors: Record<string, StTensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === "__metadata__") throw new RangeError("safetensors: __metadata__ is not a tensor name");
    checkTensor(name, t);
    const b = leBytes(t);
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + b.length] };
    chunks.push(b);
    offset += b.length;
  }
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  let hb = enc.encode(json);
  const pad = (8 - (hb.length % 8)) % 8;
  if (pad) hb = enc.encode(json + " ".repeat(pad));
  const out = new Uint8Array(8 + hb.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(hb.length), true);
  out.set(hb, 8);
  let at = 8 + hb.length;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function decodeSafetensors(bytes: Uint8Array): { tensors: Record<string, StTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new RangeError("safetensors: file shorter than its 8-byte header length");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hlen = view.getBigUint64(0, true);
  if (hlen > BigInt(bytes.length - 8)) throw new RangeError(`safetensors: header length ${hlen} exceeds the file (${bytes.length} bytes)`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + Number(hlen))));
  } catch (e) {
    throw new RangeError(`safetensors: header is not JSON (${(e as Error).message.split("\n")[0]})`);
  }
  if (!header || typeof header !== "object" || Array.isArray(header)) throw new RangeError("safetensors: header is not a JSON object");
  const base = 8 + Number(hlen);
  const dataLength = bytes.length - base;
  const tensors: Record<string, StTensor> = {};
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (!v || typeof v !== "object" || Object.values(v).some((s) => typeof s !== "string")) throw new RangeError("safetensors: __metadata__ must map strings to strings");
      metadata = v as Record<string, string>;
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (e?.dtype !== "F32" && e?.dtype !== "F64" && e?.dtype !== "I64") throw new RangeError(`safetensors: tensor ${name}: dtype ${JSON.stringify(e?.dtype)} is not one of F32, F64, I64`);
    const shape = e.shape;
    const offs = e.data_offsets;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new RangeError(`safetensors: tensor ${name}: bad shape`);
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((d) => Number.isSafeInteger(d) && d >= 0) || offs[0] > offs[1] || offs[1] > dataLength) throw new RangeError(`safetensors: tensor ${name}: bad data_offsets`);
    const size = BYTES[e.dtype];
    const n = elements(shape as number[]);
    if (offs[1] - offs[0] !== n * size) throw new RangeError(`safetensors: tensor ${name}: ${offs[1] - offs[0]} bytes for shape [${shape.join(", ")}] of ${e.dtype}`);
    const dv = new DataView(bytes.buffer, bytes.byteOffset + base + offs[0], n * size);
    let data: StTensor["data"];
    if (e.dtype === "F32") data = Float32Array.from({ length: n }, (_, i) => dv.getFloat32(4 * i, true));
    else if (e.dtype === "F64") data = Float64Array.from({ length: n }, (_, i) => dv.getFloat64(8 * i, true));
    else {
      const a = new BigInt64Array(n);
      for (let i = 0; i < n; i++) a[i] = dv.getBigInt64(8 * i, true);
      data = a;
    }
    tensors[name] = { dtype: e.dtype, shape: shape as number[], data };
  }
  return { tensors, metadata };
}
