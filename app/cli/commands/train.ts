/**
 * `memcap train`: trains one of the papers' models on its seeded random memorization task with the
 * CPU reference backend or the WebGPU (Dawn) backend, and reports training loss and accuracy
 * (float measurements of a float model — never a memorization certificate).
 */
import type { Command } from "commander";
import { Option } from "commander";
import { stepProgress } from "../progress.ts";
import { UserError } from "../../../src/errors.ts";
import { emit, envelope, intFlag, jsonReplacer, numberFlag } from "../output.ts";
import { checkOutput, openJsonlLog, writeFileAtomic } from "../../../src/io/output.ts";
import { MODEL_DEFAULTS, MODEL_NAMES, datasetSize, validateConfig, type ModelConfig, type ModelName } from "../../../src/train/models.ts";
import { SCHEDULES } from "../../../src/train/schedule.ts";
import { DEFAULT_TRAIN, setupTraining, train, type StepRecord, type TrainedModel, type TrainingSetup, type TrainOptions, type TrainSummary } from "../../../src/train/trainer.ts";
import { encodeSafetensors } from "../../../src/io/safetensors.ts";
import { toStateDict } from "../../../src/interop/layout.ts";
import { trainedNetwork } from "../../../src/interop/convert.ts";
import { certifyTrained, trainedTask } from "../../../src/interop/certify.ts";
import { recheckCertificate } from "../../report/recheck.ts";
import { BACKEND_PRECISIONS, backendFactory, BACKENDS, type BackendName } from "../../../src/train/backends.ts";
import { PRECISIONS, type Precision } from "../../../src/train/kernels-wasm.ts";

/** The trainer's options as flags, plus the model, backend and output choices. */
interface TrainFlags extends Pick<TrainOptions, "steps" | "lr" | "batch" | "schedule" | "warmup" | "seed" | "optimizer" | "weightDecay"> {
  model: ModelName;
  backend: BackendName;
  precision?: Precision;
  logEvery?: number;
  stopAt100?: boolean;
  json?: boolean;
  log?: string;
  certificate?: string;
  save?: string;
  d?: number;
  dh?: number;
  heads?: number;
  vocab?: number;
  seqLen?: number;
  examples?: number;
  classes?: number;
  blocks?: number;
  width?: number;
  hidden?: number;
  attention?: ModelConfig["attention"];
}

/** Registers `memcap train`. @example register(program) */
export function register(program: Command): void {
  program
    .command("train")
    .description("train a model (ks | mha | aot | aot-code | transformer) on its seeded random memorization task; reports training loss and accuracy (float)")
    .addOption(new Option("--model <name>", "model").choices([...MODEL_NAMES]).default("aot"))
    .addOption(new Option("--backend <name>", "cpu (float64 reference) or webgpu (Dawn, float32)").choices([...BACKENDS]).default("cpu"))
    .addOption(new Option("--precision <p>", "arithmetic: f64 (the cpu default, the reference) or f32 (cpu's fast path; webgpu's only)").choices([...PRECISIONS]))
    .option("--steps <n>", "optimizer steps", intFlag("steps", 1, 10_000_000), DEFAULT_TRAIN.steps)
    .option("--lr <x>", "peak learning rate", numberFlag("lr", 0, 10), DEFAULT_TRAIN.lr)
    .option("--batch <n>", "batch size (capped at the number of examples: full batch)", intFlag("batch", 1, 1 << 20), DEFAULT_TRAIN.batch)
    .addOption(new Option("--schedule <s>", "learning-rate decay after warmup").choices([...SCHEDULES]).default(DEFAULT_TRAIN.schedule))
    .option("--warmup <n>", "linear warmup steps", intFlag("warmup", 0, 10_000_000), DEFAULT_TRAIN.warmup)
    .option("--seed <n>", "seed for data, initial weights and batch order", intFlag("seed", 0, 2 ** 31 - 1), DEFAULT_TRAIN.seed)
    .addOption(new Option("--optimizer <o>", "Adam (L2 in the gradient) or AdamW (decoupled decay)").choices(["adam", "adamw"]).default(DEFAULT_TRAIN.optimizer))
    .option("--weight-decay <x>", "weight decay", numberFlag("weight-decay", 0, 10), DEFAULT_TRAIN.weightDecay)
    .option("--log-every <n>", "log every n steps (default: steps/20)", intFlag("log-every", 1, 10_000_000))
    .option("--stop-at-100", "stop at the first logged full-batch step with 100% accuracy")
    .option("--d <n>", "token/model dimension d", intFlag("d", 1, 4096))
    .option("--dh <n>", "head dimension d_h", intFlag("dh", 1, 4096))
    .option("--heads <n>", "number of heads H", intFlag("heads", 1, 4096))
    .option("--vocab <n>", "vocabulary size (aot, aot-code, transformer)", intFlag("vocab", 2, 1 << 20))
    .option("--seq-len <n>", "sequence length S (aot family), tokens n (ks), context tokens n (mha)", intFlag("seq-len", 1, 4096))
    .option("--examples <n>", "training examples (aot family: default all vocab^S sequences)", intFlag("examples", 1, 1 << 24))
    .option("--classes <n>", "mha: classes (0 = regression with MSE)", intFlag("classes", 0, 1 << 20))
    .option("--blocks <n>", "ks: residual FFN blocks in each of F1 and F2", intFlag("blocks", 0, 1000))
    .option("--width <n>", "ks: residual width m", intFlag("width", 1, 4096))
    .option("--hidden <n>", "ks: FFN hidden width q; transformer: MLP width", intFlag("hidden", 1, 65536))
    .addOption(new Option("--attention <mode>", "attention (hardmax: forward argmax, backward straight-through softmax)").choices(["softmax", "hardmax", "uniform"]))
    .option("--json", "print one JSON object per logged step and a final summary object")
    .option("--log <file>", "write the logged steps and the summary as JSONL, line by line as they are logged")
    .option("--certificate <file>", "certify the trained model: its float weights as exact rationals, the examples it memorizes decided exactly or by intervals; writes a certificate proofs-check verifies (re-checked here)")
    .option("--save <file>", "write the trained weights as safetensors in the PyTorch state-dict layout (docs/interop.md)")
    .action(async (f: TrainFlags) => {
      const config = configFromFlags(f);
      if (f.precision && !BACKEND_PRECISIONS[f.backend].includes(f.precision)) throw new UserError(`--precision ${f.precision} is not available on --backend ${f.backend} (${BACKEND_PRECISIONS[f.backend].join(" or ")} only)`);
      const o: TrainOptions = {
        ...DEFAULT_TRAIN, steps: f.steps, lr: f.lr, batch: f.batch, schedule: f.schedule, warmup: f.warmup, seed: f.seed,
        optimizer: f.optimizer, weightDecay: f.weightDecay, logEvery: f.logEvery ?? Math.max(1, Math.floor(f.steps / 20)), stopAtFullAccuracy: !!f.stopAt100,
        precision: f.precision ?? BACKEND_PRECISIONS[f.backend][0],
      };
      if (f.certificate) checkOutput(f.certificate, { what: "certificate" }); // validated before anything runs
      if (f.save) checkOutput(f.save, { what: "weights file" });
      const log = f.log ? openJsonlLog(f.log) : null; // validated before anything runs
      const setup = setupTraining(config, o.batch, o.seed);
      const bar = stepProgress(`train ${config.model}`, o.steps, { unit: "steps" });
      const onLog = (r: StepRecord) => {
        log?.append(r);
        if (f.json) process.stdout.write(JSON.stringify(r) + "\n");
        bar.tick(`loss ${r.loss.toPrecision(4)} acc ${r.accuracy.toFixed(3)}`, r.step);
      };
      let summary;
      let trained: TrainedModel | undefined;
      try {
        summary = await train(setup, o, backendFactory(f.backend), onLog, (m) => (trained = m));
      } finally {
        bar.stop();
      }
      const after = trained ? afterTraining(f, config, o, setup, summary, trained) : {};
      const verdicts = [
        { subject: `training accuracy ${summary.correct}/${summary.examples}`, status: "FLOAT", detail: `${summary.arithmetic} forward pass of the trained float model` },
        ...(after.certificate ? [{ subject: `${after.certificate.certified}/${after.certificate.examples} examples certified memorized`, status: after.certificate.verdict, detail: `certificate ${after.certificate.file}, re-checked by proofs-check (${after.certificate.arithmetic})` }] : []),
      ];
      const out = { ...summary, config, options: o, ...after, ...(after.certificate ? { certificateFile: after.certificate.file } : {}), verdicts };
      const env = envelope(out); // the same closing record on stdout (--json) and in the log
      log?.append(env);
      log?.close();
      if (f.json) process.stdout.write(JSON.stringify(env, jsonReplacer) + "\n");
      else emit(false, out, () =>
        [
          `model ${config.model} on ${summary.backend} (${summary.arithmetic}), seed ${summary.seed}: ${summary.parameters} parameters, ${summary.examples} examples, batch ${summary.batch}`,
          `training loss ${summary.firstLoss.toPrecision(4)} (first batch) -> ${summary.loss.toPrecision(4)} (whole training set after ${summary.steps} steps)`,
          `training accuracy ${summary.accuracy.toFixed(4)} (${summary.correct}/${summary.examples}; float measurement, not a certificate)`,
          `${summary.stepsPerSecond.toFixed(1)} steps/s, ${summary.examplesPerSecond.toFixed(0)} examples/s`,
          ...(after.saved ? [`weights saved to ${after.saved.file} (safetensors, ${after.saved.dtype}, ${after.saved.tensors} tensors, PyTorch state-dict names)`] : []),
          ...(after.certificate ? [certificateLine(after.certificate)] : []),
        ].join("\n"),
      );
      if (after.certificate && after.certificate.verdict !== "VERIFIED") process.exitCode = after.certificate.verdict === "REJECTED" ? 1 : 3;
    });
}

interface CertificateSummary {
  file: string;
  examples: number;
  /** examples certified memorized (the certificate's memorizes claim) */
  certified: number;
  /** examples the final float pass counted correct */
  floatMemorized: number;
  /** float-correct examples whose certification the exact/interval evaluation decided false */
  floatCorrectRefuted: number;
  /** examples the intervals could not decide: left out of the certificate */
  undecided: number;
  precisionDigits: number | null;
  arithmetic: string;
  certifySeconds: number;
  verdict: string;
  checkSeconds: number;
}

/** --save and --certificate: the trained weights out, and the certified memorization. */
function afterTraining(f: TrainFlags, config: ModelConfig, o: TrainOptions, setup: TrainingSetup, summary: TrainSummary, m: TrainedModel): { saved?: { file: string; dtype: string; tensors: number }; certificate?: CertificateSummary } {
  const graph = setup.program.graph;
  const res: ReturnType<typeof afterTraining> = {};
  if (f.save) {
    const dtype = summary.arithmetic === "float32" ? "F32" : "F64";
    const tensors = toStateDict(graph, m.params, dtype);
    const metadata = { format: "pt", "memcap.arch": config.model, "memcap.config": JSON.stringify(config), "memcap.seed": String(o.seed), "memcap.backend": summary.backend };
    writeFileAtomic(f.save, encodeSafetensors(tensors, metadata), "weights file");
    res.saved = { file: f.save, dtype, tensors: Object.keys(tensors).length };
  }
  if (f.certificate) {
    const net = trainedNetwork(config, graph, m.params);
    const r = certifyTrained(net, trainedTask(config, setup.data), {
      construction: {
        id: `trained-${config.model}`,
        paper: `memcap train: a ${config.model} model trained on ${summary.backend} (${summary.arithmetic}); float weights written as exact rationals; not a paper's construction`,
        options: { config, training: { ...o }, backend: summary.backend, floatCorrect: summary.correct },
        seed: o.seed,
      },
    });
    writeFileAtomic(f.certificate, JSON.stringify(r.certificate), "certificate");
    const rc = recheckCertificate(r.certificate, f.certificate);
    res.certificate = {
      file: f.certificate, examples: setup.data.size, certified: r.memorized.length, floatMemorized: summary.correct,
      floatCorrectRefuted: r.decisions.filter((d, i) => d === "not" && m.floatCorrect[i] === 1).length,
      undecided: r.undecided.length, precisionDigits: r.precisionDigits, arithmetic: r.arithmetic, certifySeconds: r.seconds, verdict: rc.verdict.status, checkSeconds: rc.seconds,
    };
  }
  return res;
}

function certificateLine(c: CertificateSummary): string {
  const how = c.arithmetic;
  return [
    `certificate ${c.file}: ${c.certified}/${c.examples} examples certified memorized (${how}; float run: ${c.floatMemorized}/${c.examples}`,
    `${c.undecided ? `, ${c.undecided} undecided and left out` : ", none undecided"}${c.floatCorrectRefuted ? `, ${c.floatCorrectRefuted} float-correct refuted` : ""}) — proofs-check: ${c.verdict}`,
  ].join("");
}

/** The model config: the model's defaults overridden by the size flags given. */
function configFromFlags(f: TrainFlags): ModelConfig {
  const c: ModelConfig = { ...MODEL_DEFAULTS[f.model] };
  const keys = ["d", "dh", "heads", "vocab", "seqLen", "examples", "classes", "blocks", "width", "hidden", "attention"] as const;
  for (const k of keys) if (f[k] !== undefined) (c as unknown as Record<string, unknown>)[k] = f[k];
  try {
    validateConfig(c);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  if (datasetSize(c) > 1 << 22) throw new UserError(`${datasetSize(c)} examples is too many for memcap train; pass a smaller --examples`);
  return c;
}
