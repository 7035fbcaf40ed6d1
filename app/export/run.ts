/**
 * `memcap export CERT --format onnx|safetensors|npz|torch --out FILE`: writes a certificate's
 * network in a float format and measures its float survival (app/export/survival.ts) in float64
 * and float32 — in memcap's float evaluator with the export's operation order, and for ONNX in
 * onnxruntime-node too (when installed). Survival is FLOAT evidence: the certificate, not the
 * export, is what proofs-check verifies.
 */
import { basename, dirname, extname, join } from "node:path";
import { CertificateSchema, type Certificate } from "../../src/certificate/format.ts";
import { countNetwork, layerWeights } from "../../src/ir/count.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { encodeOnnxModel } from "../../src/io/onnx-proto.ts";
import { encodeSafetensors } from "../../src/io/safetensors.ts";
import { encodeNpz } from "../../src/io/npy.ts";
import { validate } from "../../src/io/json-input.ts";
import { checkOutput, writeFileAtomic } from "../../src/io/output.ts";
import { UserError } from "../../src/errors.ts";
import { networkToOnnx, ONNX_OPSET } from "./onnx.ts";
import { memcapSurvival, onnxruntimeSurvival, type Survival } from "./survival.ts";
import { type FloatKind, networkStructure, networkTensors } from "./tensors.ts";
import { torchLoaderSource, torchModuleSource } from "./torch.ts";

export const EXPORT_FORMATS = ["onnx", "safetensors", "npz", "torch"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportResult {
  format: ExportFormat;
  dtype: FloatKind;
  files: string[];
  opset?: number;
  /** weights of the network and how many are exactly representable in each precision */
  weights: { total: number; exactFloat64: number; exactFloat32: number; bitComplexity: number };
  survival: Record<FloatKind, { memcap: Survival; onnxruntime: Survival | null }>;
  /** why onnxruntime figures are missing, when they are */
  onnxruntimeNote?: string;
}

/** Weights exactly representable in float64 / float32 (a float is exact when it is the rational itself). */
function representable(cert: Certificate): ExportResult["weights"] {
  let total = 0, e64 = 0, e32 = 0;
  for (const l of cert.network.layers)
    for (const w of layerWeights(l)) {
      const r = Rational.from(w);
      const x = r.toNumber();
      total++;
      if (Number.isFinite(x) && Rational.fromNumber(x).eq(r)) e64++;
      const y = Math.fround(x);
      if (Number.isFinite(y) && Rational.fromNumber(y).eq(r)) e32++;
    }
  return { total, exactFloat64: e64, exactFloat32: e32, bitComplexity: countNetwork(cert.network).bitComplexity };
}

export function parseCertificate(data: unknown, where: string): Certificate {
  return validate(CertificateSchema, data, where) as Certificate;
}

/** Writes the export of `cert` to `out` (and, for safetensors, the PyTorch loader next to it). */
export async function exportCertificate(cert: Certificate, o: { format: ExportFormat; out: string; dtype?: FloatKind; source?: string; progress?: (line: string) => void }): Promise<ExportResult> {
  const dtype = o.dtype ?? "float64";
  const say = o.progress ?? (() => {});
  const header = `memcap export of ${o.source ?? "a certificate"} (construction ${cert.construction.id}, ${dtype}); FLOAT weights, the certificate holds the exact network`;
  const structure = JSON.stringify(networkStructure(cert.network));
  const metadata = { "memcap.structure": structure, "memcap.construction": cert.construction.id, "memcap.dtype": dtype };
  const files: string[] = [];
  const loaderFile = join(dirname(o.out), `${basename(o.out, extname(o.out)).replace(/[^A-Za-z0-9_]/g, "_")}.py`);
  // every target is validated before anything is written (one line naming what is wrong)
  checkOutput(o.out);
  if (o.format === "safetensors") checkOutput(loaderFile, { what: "PyTorch loader" });
  const onnx: Partial<Record<FloatKind, Uint8Array>> = {};
  const graph = (k: FloatKind) => (onnx[k] ??= encodeOnnxModel(networkToOnnx(cert.network, k, header)));
  switch (o.format) {
    case "onnx":
      writeFileAtomic(o.out, graph(dtype));
      files.push(o.out);
      break;
    case "safetensors": {
      writeFileAtomic(o.out, encodeSafetensors(networkTensors(cert.network, dtype), metadata));
      writeFileAtomic(loaderFile, torchLoaderSource(basename(o.out), header), "PyTorch loader");
      files.push(o.out, loaderFile);
      break;
    }
    case "npz": {
      // the structure rides along as a JSON member
      writeFileAtomic(o.out, encodeNpz(networkTensors(cert.network, dtype), { "memcap-structure.json": new TextEncoder().encode(structure) }));
      files.push(o.out);
      break;
    }
    case "torch":
      writeFileAtomic(o.out, torchModuleSource(encodeSafetensors(networkTensors(cert.network, dtype), metadata), header));
      files.push(o.out);
      break;
    default:
      throw new UserError(`--format must be one of ${EXPORT_FORMATS.join(", ")}, got "${o.format as string}"`);
  }
  const survival = {} as ExportResult["survival"];
  let onnxruntimeNote: string | undefined;
  for (const k of ["float64", "float32"] as const) {
    let ort: Survival | null = null;
    say(`measuring ${k} survival on ${cert.dataset.sequences.length} examples`);
    if (o.format === "onnx") {
      ort = await onnxruntimeSurvival(cert, graph(k), k);
      if (!ort) onnxruntimeNote = "onnxruntime-node is not installed (a development dependency of memcap): no onnxruntime figures";
    }
    survival[k] = { memcap: memcapSurvival(cert, k), onnxruntime: ort };
  }
  return { format: o.format, dtype, files, ...(o.format === "onnx" ? { opset: ONNX_OPSET } : {}), weights: representable(cert), survival, ...(onnxruntimeNote ? { onnxruntimeNote } : {}) };
}

const frac = (s: Survival) => `${s.memorized}/${s.claimed}`;

/** The text report: what was written, the weights' representability and the survival table. */
export function exportText(r: ExportResult): string {
  const w = r.weights;
  const lines = [
    `wrote ${r.files.join(", ")} (${r.format}${r.opset ? `, opset ${r.opset}` : ""}, ${r.dtype})`,
    `weights: ${w.total}, exactly representable in float64 ${w.exactFloat64}, in float32 ${w.exactFloat32} (bit complexity ${w.bitComplexity}; float64 carries 53 significant bits, float32 24)`,
    `float survival (FLOAT: a measurement; the certificate is the proof) of the ${r.survival.float64.memcap.claimed} examples certified memorized:`,
  ];
  for (const k of ["float64", "float32"] as const) {
    const s = r.survival[k];
    lines.push(`  ${k}: memcap float evaluator ${frac(s.memcap)}${s.onnxruntime ? `, onnxruntime ${frac(s.onnxruntime)}` : ""}${s.memcap.lost.length ? ` (lost in memcap's: ${s.memcap.lost.slice(0, 8).join(", ")}${s.memcap.lost.length > 8 ? ", …" : ""})` : ""}`);
  }
  if (r.onnxruntimeNote) lines.push(`  ${r.onnxruntimeNote}`);
  for (const k of ["float64", "float32"] as const) {
    const s = r.survival[k];
    const worst = Math.min(s.memcap.memorized, s.onnxruntime?.memorized ?? Infinity);
    if (worst < s.memcap.claimed) lines.push(`  the network needs more than ${k} carries: ${worst}/${s.memcap.claimed} examples survive in ${k}`);
  }
  const s64 = r.survival.float64, s32 = r.survival.float32;
  lines.push(`survival: float64 ${frac(s64.memcap)} memcap${s64.onnxruntime ? `, ${frac(s64.onnxruntime)} onnxruntime` : ""}; float32 ${frac(s32.memcap)} memcap${s32.onnxruntime ? `, ${frac(s32.onnxruntime)} onnxruntime` : ""}`);
  return lines.join("\n");
}
