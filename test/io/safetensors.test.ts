// safetensors by hand: round trips, the reference library's output (a committed fixture), strict reads.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { decodeSafetensors, encodeSafetensors, type StTensor } from "../../src/io/safetensors.ts";

/** A safetensors file from raw parts: header object (serialized as given) and data bytes. */
function raw(header: unknown, data: Uint8Array, headerText?: string): Uint8Array {
  const h = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe("safetensors", () => {
  it("round-trips F32, F64 and I64 tensors with metadata, header padded to 8 bytes", () => {
    const tensors: Record<string, StTensor> = {
      a: { dtype: "F64", shape: [2, 3], data: new Float64Array([1, -2.5, 1 / 3, 1e-300, -0, 7]) },
      b: { dtype: "F32", shape: [3], data: new Float32Array([0.1, -1, 3.5]) },
      c: { dtype: "I64", shape: [2], data: new BigInt64Array([-(2n ** 62n), 5n]) },
      empty: { dtype: "F32", shape: [0, 4], data: new Float32Array(0) },
    };
    const bytes = encodeSafetensors(tensors, { format: "pt", note: "x" });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ format: "pt", note: "x" });
    expect(Object.keys(back.tensors)).toEqual(["a", "b", "c", "empty"]);
    for (const k of Object.keys(tensors)) {
      expect(back.tensors[k]!.dtype).toBe(tensors[k]!.dtype);
      expect(back.tensors[k]!.shape).toEqual(tensors[k]!.shape);
      expect(Array.from(back.tensors[k]!.data as ArrayLike<number>)).toEqual(Array.from(tensors[k]!.data as ArrayLike<number>));
    }
    expect(Object.is(back.tensors.a!.data[4], -0)).toBe(true);
  });

  it("reads a file written by the reference Python library (safetensors.numpy.save_file)", () => {
    const { tensors, metadata } = decodeSafetensors(readFileSync("test/fixtures/interop/mha.safetensors"));
    expect(metadata).toEqual({ format: "pt" });
    expect(Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, [t.dtype, ...t.shape]]))).toEqual({
      "attn.q_proj.weight": ["F32", 6, 6], "attn.k_proj.weight": ["F32", 6, 6], "attn.v_proj.weight": ["F32", 2, 6],
      "attn.out_proj.weight": ["F32", 6, 2], "readout.weight": ["F32", 3, 6],
    });
    // and memcap's writer reproduces a file the reader parses to the same tensors
    expect(decodeSafetensors(encodeSafetensors(tensors, metadata)).tensors["readout.weight"]!.data).toEqual(tensors["readout.weight"]!.data);
  });

  it("rejects gaps, overlaps, trailing bytes, wrong sizes, unknown dtypes and malformed headers, naming the tensor", () => {
    const d16 = new Uint8Array(16);
    const ok = { a: { dtype: "F64", shape: [1], data_offsets: [0, 8] }, b: { dtype: "F64", shape: [1], data_offsets: [8, 16] } };
    expect(() => decodeSafetensors(raw(ok, d16))).not.toThrow();
    expect(() => decodeSafetensors(raw({ a: { dtype: "F64", shape: [1], data_offsets: [0, 8] }, b: { dtype: "F64", shape: [1], data_offsets: [9, 17] } }, new Uint8Array(17)))).toThrow(/tensor b: .*gap/);
    expect(() => decodeSafetensors(raw({ a: { dtype: "F64", shape: [2], data_offsets: [0, 16] }, b: { dtype: "F64", shape: [1], data_offsets: [8, 16] } }, d16))).toThrow(/overlap/);
    expect(() => decodeSafetensors(raw(ok, new Uint8Array(24)))).toThrow(/8 data bytes after the last tensor/);
    expect(() => decodeSafetensors(raw({ a: { dtype: "F64", shape: [3], data_offsets: [0, 16] } }, d16))).toThrow(/tensor a: 16 bytes for F64 shape \[3\]/);
    expect(() => decodeSafetensors(raw({ a: { dtype: "F64", shape: [2], data_offsets: [0, 32] } }, d16))).toThrow(/outside the 16 data bytes/);
    expect(() => decodeSafetensors(raw({ a: { dtype: "BF16", shape: [8], data_offsets: [0, 16] } }, d16))).toThrow(/tensor a: unsupported dtype "BF16"/);
    expect(() => decodeSafetensors(raw({ a: { dtype: "F64", shape: [-2], data_offsets: [0, 16] } }, d16))).toThrow(/bad shape/);
    expect(() => decodeSafetensors(raw(null, d16, "[1, 2]"))).toThrow(/not a JSON object/);
    expect(() => decodeSafetensors(raw(null, d16, "{\"a\": "))).toThrow(/not valid UTF-8 JSON/);
    expect(() => decodeSafetensors(raw({ __metadata__: { k: 1 } }, new Uint8Array(0)))).toThrow(/__metadata__.k is not a string/);
    const long = raw(ok, d16);
    new DataView(long.buffer).setBigUint64(0, 1000n, true);
    expect(() => decodeSafetensors(long)).toThrow(/runs past the end/);
    expect(() => decodeSafetensors(new Uint8Array(5))).toThrow(/too short/);
  });

  it("refuses to encode a tensor whose data does not fit its shape or dtype", () => {
    expect(() => encodeSafetensors({ a: { dtype: "F32", shape: [3], data: new Float32Array(2) } })).toThrow(/tensor a: shape \[3\] has 3 elements, data 2/);
    expect(() => encodeSafetensors({ a: { dtype: "F32", shape: [2], data: new Float64Array(2) } })).toThrow(/needs a Float32Array/);
  });
});
