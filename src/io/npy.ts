/**
 * NumPy .npy (format version 1.0) and .npz writer and reader. An .npy file is the magic "\x93NUMPY",
 * the version 1.0, a little-endian uint16 header length and a Python-literal header
 * {'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), } padded with spaces and a newline to a
 * multiple of 64 bytes, then the C-order data. An .npz is a zip of NAME.npy files; the zip container
 * is fflate's (a maintained, dependency-free zip implementation), stored uncompressed like np.savez.
 *
 * @example
 *   const zip = encodeNpz({ w: { dtype: "F64", shape: [2], data: new Float64Array([1, 2]) } });
 *   decodeNpz(zip).w.data // Float64Array [1, 2]
 */
import { unzipSync, zipSync } from "fflate";
import type { StTensor } from "./safetensors.ts";

const DESCR: Record<StTensor["dtype"], string> = { F32: "<f4", F64: "<f8", I64: "<i8" };
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function encodeNpy(t: StTensor): Uint8Array {
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(", ")})`;
  let header = `{'descr': '${DESCR[t.dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += " ".repeat((64 - (total % 64)) % 64) + "\n";
  const size = t.dtype === "F32" ? 4 : 8;
  const out = new Uint8Array(10 + header.length + t.data.length * size);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const base = 10 + header.length;
  for (let i = 0; i < t.data.length; i++) {
    if (t.dtype === "F32") view.setFloat32(base + 4 * i, (t.data as Float32Array)[i]!, true);
    else if (t.dtype === "F64") view.setFloat64(base + 8 * i, (t.data as Float64Array)[i]!, true);
    else view.setBigInt64(base + 8 * i, (t.data as BigInt64Array)[i]!, true);
  }
  return out;
}

export function decodeNpy(bytes: Uint8Array): StTensor {
  if (!MAGIC.every((b, i) => bytes[i] === b)) throw new RangeError("npy: not a .npy file (bad magic)");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const hlen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const hstart = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(hstart, hstart + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const dtype = (Object.keys(DESCR) as StTensor["dtype"][]).find((k) => DESCR[k] === descr);
  if (!dtype) throw new RangeError(`npy: dtype ${descr} is not one of <f4, <f8, <i8`);
  if (/'fortran_order':\s*True/.test(header)) throw new RangeError("npy: Fortran order is not supported");
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (shapeText === undefined) throw new RangeError("npy: header has no shape");
  const shape = shapeText.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const base = hstart + hlen;
  const size = dtype === "F32" ? 4 : 8;
  if (bytes.length - base !== n * size) throw new RangeError(`npy: ${bytes.length - base} data bytes for shape (${shape.join(", ")})`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + base, n * size);
  let data: StTensor["data"];
  if (dtype === "F32") data = Float32Array.from({ length: n }, (_, i) => dv.getFloat32(4 * i, true));
  else if (dtype === "F64") data = Float64Array.from({ length: n }, (_, i) => dv.getFloat64(8 * i, true));
  else {
    data = new BigInt64Array(n);
    for (let i = 0; i < n; i++) data[i] = dv.getBigInt64(8 * i, true);
  }
  return { dtype, shape, data };
}

/**
 * An .npz archive: one NAME.npy per tensor, uncompressed (what numpy.savez writes). `extra` members
 * (file name → bytes) ride along; numpy.load returns a non-.npy member's raw bytes.
 */
export function encodeNpz(tensors: Record<string, StTensor>, extra: Record<string, Uint8Array> = {}): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (const [name, t] of Object.entries(tensors)) files[`${name}.npy`] = [encodeNpy(t), { level: 0 }];
  for (const [name, b] of Object.entries(extra)) files[name] = [b, { level: 0 }];
  return zipSync(files);
}

export function decodeNpz(bytes: Uint8Array): Record<string, StTensor> {
  const out: Record<string, StTensor> = {};
  for (const [file, b] of Object.entries(unzipSync(bytes))) if (file.endsWith(".npy")) out[file.slice(0, -4)] = decodeNpy(b);
  return out;
}
