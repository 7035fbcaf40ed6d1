/**
 * `memcap export CERT --format onnx|safetensors|npz|torch --out FILE [--dtype float64|float32]`:
 * the certificate's network in a float format, with its float survival measured (docs/export.md).
 *
 * @example
 *   memcap export aot.json --format onnx --out aot.onnx
 */
import type { Command } from "commander";
import { readJsonFile } from "../../../src/io/json-input.ts";
import { UserError } from "../../../src/errors.ts";
import { emit } from "../output.ts";

export function register(program: Command): void {
  program
    .command("export")
    .description("write a certificate's network as ONNX, safetensors (+ a PyTorch loader), NumPy .npz or a self-contained PyTorch module, and measure how many examples survive in float64/float32")
    .argument("<certificate>", "certificate JSON (memcap construct … --out)")
    .requiredOption("--format <format>", "onnx | safetensors | npz | torch")
    .requiredOption("--out <file>", "output file (safetensors also writes NAME.py next to it)")
    .option("--dtype <dtype>", "float64 | float32 weights in the file (survival is measured for both)", "float64")
    .option("--json", "machine-readable output")
    .action(async (file: string, o: { format: string; out: string; dtype: string; json?: boolean }) => {
      const { EXPORT_FORMATS, exportCertificate, exportText, parseCertificate } = await import("../../export/run.ts");
      if (!(EXPORT_FORMATS as readonly string[]).includes(o.format)) throw new UserError(`--format must be one of ${EXPORT_FORMATS.join(", ")}, got "${o.format}"`);
      if (o.dtype !== "float64" && o.dtype !== "float32") throw new UserError(`--dtype must be float64 or float32, got "${o.dtype}"`);
      const cert = parseCertificate(readJsonFile(file), file);
      const r = await exportCertificate(cert, { format: o.format as (typeof EXPORT_FORMATS)[number], out: o.out, dtype: o.dtype, source: file, progress: (line) => process.stderr.write(`memcap: export: ${line}\n`) });
      emit(!!o.json, { certificate: file, ...r }, () => exportText(r));
    });
}
