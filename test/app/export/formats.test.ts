// The export file formats: safetensors, .npy/.npz and the ONNX protobuf round-trip through memcap's
// readers; `memcap export` writes every format of a certified network, prints its float survival,
// and refuses bad input with one line and exit 2.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeSafetensors, encodeSafetensors, type StTensor } from "../../../src/io/safetensors.ts";
import { decodeNpy, decodeNpz, encodeNpy, encodeNpz } from "../../../src/io/npy.ts";
import { decodeOnnxModel, encodeOnnxModel } from "../../../src/io/onnx-proto.ts";
import { networkToOnnx, ONNX_OPSET } from "../../../app/export/onnx.ts";
import { networkTensors } from "../../../app/export/tensors.ts";
import { certifyAot, randomLookupTable } from "../../../lib/index.ts";

const tensors: Record<string, StTensor> = {
  a: { dtype: "F64", shape: [2, 3], data: new Float64Array([1, -2.5, 1 / 3, 0, 1e300, -0]) },
  b: { dtype: "F32", shape: [3], data: new Float32Array([0.1, 2, -3]) },
  c: { dtype: "I64", shape: [], data: new BigInt64Array([-(2n ** 62n)]) },
  empty: { dtype: "F64", shape: [0, 4], data: new Float64Array(0) },
};

describe("file formats", () => {
  it("safetensors round-trips tensors and metadata, with an 8-byte aligned header", () => {
    const bytes = encodeSafetensors(tensors, { k: "v" });
    const hlen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(hlen % 8).toBe(0);
    const back = decodeSafetensors(bytes);
    expect(back.metadata).toEqual({ k: "v" });
    for (const [k, t] of Object.entries(tensors)) {
      expect(back.tensors[k]!.dtype).toBe(t.dtype);
      expect(back.tensors[k]!.shape).toEqual(t.shape);
      expect(Array.from(back.tensors[k]!.data as ArrayLike<number | bigint>)).toEqual(Array.from(t.data as ArrayLike<number | bigint>));
    }
    expect(() => encodeSafetensors({ x: { dtype: "F32", shape: [2], data: new Float64Array(2) } })).toThrow(/needs a Float32Array/);
    expect(() => encodeSafetensors({ x: { dtype: "F64", shape: [3], data: new Float64Array(2) } })).toThrow(/3 elements, data 2/);
    expect(() => decodeSafetensors(bytes.subarray(0, 20))).toThrow(/header length/);
  });

  it(".npy has a 64-byte aligned header numpy reads; .npz round-trips and carries extra members", () => {
    const npy = encodeNpy(tensors.a!);
    expect(new TextDecoder().decode(npy.subarray(1, 6))).toBe("NUMPY");
    expect((10 + new DataView(npy.buffer).getUint16(8, true)) % 64).toBe(0);
    expect(new TextDecoder().decode(npy.subarray(10, 80))).toContain("'descr': '<f8', 'fortran_order': False, 'shape': (2, 3)");
    expect(Array.from(decodeNpy(npy).data as Float64Array)).toEqual(Array.from(tensors.a!.data as Float64Array));
    const back = decodeNpz(encodeNpz(tensors, { "notes.json": new TextEncoder().encode("{}") }));
    expect(Object.keys(back).sort()).toEqual(Object.keys(tensors).sort());
    expect(back.c!.shape).toEqual([]);
    expect(back.b!.data).toEqual(tensors.b!.data);
  });
});

describe("memcap export", () => {
  const dir = mkdtempSync(join(tmpdir(), "memcap-export-"));
  const { certificate } = certifyAot(randomLookupTable({ N: 6, S: 2, T: 6, seed: 2 }), { d: 2, dh: 2, H: 2, seed: 2 });
  const certFile = join(dir, "aot.json");
  writeFileSync(certFile, JSON.stringify(certificate));
  const memcap = (...args: string[]) => spawnSync(process.execPath, ["bin/memcap.mjs", "export", certFile, ...args], { encoding: "utf8" });

  it("names tensors in PyTorch's layout and writes an ONNX graph of opset 17 with typed input and output", () => {
    const net = certificate!.network;
    const t = networkTensors(net, "float64");
    expect(Object.keys(t)).toEqual(expect.arrayContaining(["layers.0.table", "layers.1.table", "layers.2.heads.0.q.weight", "layers.2.heads.1.o.weight", "layers.3.weight", "layers.3.bias"]));
    const att = net.layers[2]!;
    if (att.type !== "attention") throw new Error("aot's third layer is attention");
    expect(t["layers.2.heads.0.o.weight"]!.shape).toEqual([att.heads[0]!.WO.length, att.heads[0]!.WV.length]);
    const model = decodeOnnxModel(encodeOnnxModel(networkToOnnx(net, "float32")));
    expect(model.opsetImport[0]!.version).toBe(ONNX_OPSET);
    expect(model.graph.input[0]!.name).toBe("tokens");
    expect(model.graph.input[0]!.type.tensorType.elemType).toBe(7); // int64
    expect(model.graph.output[0]!.type.tensorType.elemType).toBe(1); // float32
    expect(model.graph.node.map((n) => n.opType)).toEqual(expect.arrayContaining(["Gather", "Softmax", "MatMul", "Slice"]));
  });

  it("writes onnx, safetensors (+ .py), npz and torch files and prints survival in float64 and float32", () => {
    const onnx = memcap("--format", "onnx", "--out", join(dir, "a.onnx"), "--json");
    expect(onnx.status, onnx.stderr).toBe(0);
    const r = JSON.parse(onnx.stdout).result;
    expect(r.opset).toBe(17);
    expect(r.survival.float64.memcap.claimed).toBe(certificate!.claims.find((c) => c.kind === "memorizes")!.count);
    expect(r.survival.float64.onnxruntime.memorized).toBe(r.survival.float64.memcap.memorized);
    expect(r.survival.float32.onnxruntime).not.toBeNull();
    const st = memcap("--format", "safetensors", "--out", join(dir, "a.safetensors"), "--dtype", "float32");
    expect(st.status, st.stderr).toBe(0);
    expect(st.stdout).toMatch(/float64: memcap float evaluator \d+\/\d+/);
    expect(st.stdout).toMatch(/float32: memcap float evaluator \d+\/\d+/);
    const file = decodeSafetensors(new Uint8Array(readFileSync(join(dir, "a.safetensors"))));
    expect(file.tensors["layers.0.table"]!.dtype).toBe("F32");
    expect(JSON.parse(file.metadata["memcap.structure"]!).layers.map((l: { type: string }) => l.type)).toEqual(["embedding", "positional", "attention", "affine"]);
    expect(readFileSync(join(dir, "a.py"), "utf8")).toContain("class MemcapNetwork(torch.nn.Module)");
    expect(memcap("--format", "npz", "--out", join(dir, "a.npz")).status).toBe(0);
    expect(Object.keys(decodeNpz(new Uint8Array(readFileSync(join(dir, "a.npz")))))).toContain("layers.3.weight");
    expect(memcap("--format", "torch", "--out", join(dir, "m.py")).status).toBe(0);
    expect(readFileSync(join(dir, "m.py"), "utf8")).toContain("_WEIGHTS = (");
  });

  it("refuses an unknown format or dtype and a file that is not a certificate, with one line, exit 2 and nothing written", () => {
    const notCert = join(dir, "x.json");
    writeFileSync(notCert, JSON.stringify({ format: "memcap-network" }));
    for (const [args, file] of [[["--format", "tflite", "--out", join(dir, "b.x")], "b.x"], [["--format", "onnx", "--dtype", "float16", "--out", join(dir, "c.onnx")], "c.onnx"]] as const) {
      const r = memcap(...args);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(existsSync(join(dir, file))).toBe(false);
    }
    const r = spawnSync(process.execPath, ["bin/memcap.mjs", "export", notCert, "--format", "onnx", "--out", join(dir, "d.onnx")], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^memcap: .*invalid/);
    expect(existsSync(join(dir, "d.onnx"))).toBe(false);
  });
});
