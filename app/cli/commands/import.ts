/**
 * `memcap import MODEL.safetensors --arch A --data DATA.json --out CERT.json`: a trained model's float
 * weights (a PyTorch state dict in safetensors, docs/interop.md) become exact rationals in the IR,
 * and memcap certifies which examples of the dataset it memorizes — exactly, or by rigorous
 * intervals for softmax — writing a certificate that proofs-check re-derives (re-checked here too).
 * A tensor of the wrong shape or orientation is one `memcap:` line naming it (exit 2).
 *
 * @example
 *   memcap import model.safetensors --arch aot --config cfg.json --data data.json --out cert.json
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { Option } from "commander";
import { UserError } from "../../../src/errors.ts";
import { readJsonFile } from "../../../src/io/json-input.ts";
import { checkOutput, writeFileAtomic } from "../../../src/io/output.ts";
import { decodeSafetensors } from "../../../src/io/safetensors.ts";
import { trainedNetwork } from "../../../src/interop/convert.ts";
import { certifyTrained } from "../../../src/interop/certify.ts";
import { configFromJson, taskFromJson } from "../../../src/interop/data.ts";
import { readStateDict } from "../../../src/interop/layout.ts";
import { buildModel, MODEL_NAMES, type ModelName } from "../../../src/train/models.ts";
import { recheckCertificate } from "../../report/recheck.ts";
import { emit } from "../output.ts";

interface ImportFlags {
  arch: ModelName;
  config?: string;
  data: string;
  out: string;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command("import")
    .description("certify which examples a trained model (PyTorch state dict in safetensors) memorizes: its float weights become exact rationals; writes a certificate proofs-check verifies")
    .argument("<model>", "weights: a .safetensors file in the PyTorch state-dict layout of --arch (docs/interop.md)")
    .addOption(new Option("--arch <name>", "architecture of the state dict").choices([...MODEL_NAMES]).makeOptionMandatory())
    .option("--config <file>", "model config JSON (d, dh, heads, vocab, seqLen, …; default: the file's memcap metadata, else the arch's defaults)")
    .requiredOption("--data <file>", "dataset JSON to certify on (docs/interop.md#data)")
    .requiredOption("--out <file>", "certificate to write")
    .option("--json", "print the result as one JSON document")
    .action(async (model: string, f: ImportFlags) => {
      checkOutput(f.out, { what: "certificate" }); // before any work
      let bytes: Uint8Array;
      try {
        bytes = readFileSync(model);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new UserError(`${model}: cannot read file${code === "ENOENT" ? " (no such file)" : code ? ` (${code})` : ""}`);
      }
      let st: ReturnType<typeof decodeSafetensors>;
      try {
        st = decodeSafetensors(bytes);
      } catch (e) {
        throw new UserError(`${model}: ${(e as Error).message}`);
      }
      const meta = st.metadata["memcap.config"];
      let configJson: unknown = {};
      let configFrom = `${f.arch} defaults`;
      if (f.config) (configJson = readJsonFile(f.config)), (configFrom = f.config);
      else if (meta) {
        try {
          configJson = JSON.parse(meta);
        } catch {
          throw new UserError(`${model}: metadata memcap.config is not JSON`);
        }
        configFrom = `${model} metadata`;
      }
      const config = configFromJson(f.arch, configJson, configFrom);
      const graph = buildModel(config, 1);
      let sd: ReturnType<typeof readStateDict>;
      try {
        sd = readStateDict(config, graph, st.tensors);
      } catch (e) {
        if (e instanceof UserError) throw new UserError(`${model}: ${e.message}`);
        throw e;
      }
      const task = taskFromJson(config, readJsonFile(f.data), f.data);
      const dtypes = [...new Set(Object.values(st.tensors).map((t) => t.dtype))].join("+");
      const net = trainedNetwork(config, graph, sd.params, sd.layerNorms);
      const r = certifyTrained(net, task, {
        construction: {
          id: `imported-${config.model}`,
          paper: `memcap import: a trained ${config.model} model (PyTorch state dict, ${dtypes}; float weights written as exact rationals; not a paper's construction)`,
          options: { config, weights: model, data: f.data },
          seed: null,
        },
      });
      writeFileAtomic(f.out, JSON.stringify(r.certificate), "certificate");
      const rc = recheckCertificate(r.certificate, f.out);
      const N = task.sequences.length;
      const out = {
        certificate: f.out, arch: config.model, examples: N, certified: r.memorized.length, notMemorized: N - r.memorized.length - r.undecided.length,
        undecided: r.undecided.length, undecidedExamples: r.undecided, precisionDigits: r.precisionDigits, arithmetic: r.arithmetic, certifySeconds: r.seconds,
        verdict: rc.verdict.status, checkSeconds: rc.seconds, detail: rc.verdict.detail,
        verdicts: [{ subject: `${r.memorized.length}/${N} examples certified memorized`, status: rc.verdict.status, detail: `certificate ${f.out}, re-checked by proofs-check (${r.arithmetic})` }],
      };
      emit(!!f.json, out, () =>
        [
          `imported ${model} as --arch ${config.model} (config from ${configFrom}; ${Object.keys(st.tensors).length} tensors, ${dtypes}); weights exact as rationals`,
          `certificate ${f.out}: ${r.memorized.length}/${N} examples certified memorized (${task.criterion.type}, ${r.arithmetic}), ${out.notMemorized} certified not memorized, ${r.undecided.length} undecided and left out`,
          `re-checked by proofs-check: ${rc.verdict.status} (${rc.verdict.detail}; ${rc.seconds.toFixed(2)} s)`,
        ].join("\n"),
      );
      if (rc.verdict.status !== "VERIFIED") process.exitCode = rc.verdict.status === "REJECTED" ? 1 : 3;
    });
}
