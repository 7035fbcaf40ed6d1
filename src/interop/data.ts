/**
 * The `--data` file of `memcap import` (docs/interop.md#data): the dataset a trained model is
 * certified on, in the certificate's own shape.
 *
 *   aot, aot-code, transformer   { "sequences": [[t_1, …, t_S], …], "labels": [class, …] }   token ids, S = seq-len
 *   mha                          { "vocabulary": [[x_1 … x_d], …], "sequences": [[c_1, …, c_n, query], …], "labels": […] }
 *                                (rows index the vocabulary: n context vectors, then the query; labels are
 *                                classes, or real targets when classes = 0)
 *   ks                           { "vocabulary": […], "sequences": [[x_1, …, x_n], …], "labels": [±1, …] }
 *
 * Numbers may be JSON numbers (read as the double they denote, exactly: what NumPy/PyTorch hold) or
 * strings ("1/3", "0.1": exact rationals).
 *
 * @example
 *   const task = taskFromJson(config, readJsonFile("data.json"), "data.json");
 */
import { z } from "zod";
import { UserError } from "../errors.ts";
import { Rational } from "../numbers/rational.ts";
import { MODEL_DEFAULTS, validateConfig, type ModelConfig, type ModelName } from "../train/models.ts";
import type { Task } from "./certify.ts";
import type { InteropConfig } from "./layout.ts";
import { signClass } from "./certify.ts";

const Num = z.union([z.number(), z.string()]);
const DataSchema = z.object({
  vocabulary: z.array(z.array(Num)).optional(),
  sequences: z.array(z.array(z.number().int().nonnegative()).min(1)).min(1),
  labels: z.array(Num),
});

const Int = z.number().int().nonnegative();
const ConfigSchema = z
  .object({
    d: Int, dh: Int, heads: Int, vocab: Int, seqLen: Int, classes: Int, blocks: Int, width: Int, hidden: Int,
    attention: z.enum(["softmax", "hardmax", "uniform"]), tol: z.number().nonnegative(), examples: Int,
    model: z.string(),
    init: z.enum(["normal", "torch"]),
    draw: z.enum(["distinct", "replacement"]),
    layerNorm: z.literal("post"),
    lnEps: z.number().positive(),
  })
  .partial()
  .strict();

/**
 * The model config of `--config` (docs/interop.md#config): the fields of src/train/models.ts's
 * ModelConfig, each optional over the architecture's defaults (`memcap train --save` writes all of
 * them into the file's metadata, so a saved model needs no --config).
 * @example configFromJson("aot", { d: 4, dh: 2, heads: 2, vocab: 6, seqLen: 2 }, "c.json").d // 4
 */
export function configFromJson(arch: ModelName, json: unknown, file: string): InteropConfig {
  const r = ConfigSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new UserError(`${file}: invalid at ${issue.path.length ? issue.path.join(".") : "(top level)"}: ${issue.message}`);
  }
  if (r.data.model !== undefined && r.data.model !== arch) throw new UserError(`${file}: the config is for model ${r.data.model}, not --arch ${arch}`);
  if ((r.data.layerNorm || r.data.lnEps !== undefined) && arch !== "transformer") throw new UserError(`${file}: layerNorm/lnEps apply to --arch transformer only`);
  const c: InteropConfig = { ...MODEL_DEFAULTS[arch], ...r.data, model: arch };
  try {
    validateConfig(c);
  } catch (e) {
    throw new UserError(`${file}: ${(e as Error).message}`);
  }
  return c;
}

function num(v: number | string, where: string): Rational {
  try {
    return Rational.from(v);
  } catch {
    throw new UserError(`${where}: not a number: ${JSON.stringify(v)}`);
  }
}

/** Reads and checks a data file against the architecture (UserError with one line on any defect). */
export function taskFromJson(c: ModelConfig, json: unknown, file: string): Task {
  const r = DataSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new UserError(`${file}: invalid at ${issue.path.length ? issue.path.join(".") : "(top level)"}: ${issue.message}`);
  }
  const d = r.data;
  const N = d.sequences.length;
  if (d.labels.length !== N) throw new UserError(`${file}: ${N} sequences but ${d.labels.length} labels`);
  const vectors = c.model === "ks" || c.model === "mha";
  const len = c.model === "mha" ? c.seqLen + 1 : c.seqLen;
  d.sequences.forEach((s, i) => {
    if (s.length !== len) throw new UserError(`${file}: sequences[${i}] has ${s.length} entries, --arch ${c.model} with seqLen ${c.seqLen} needs ${len}${c.model === "mha" ? " (the contexts, then the query)" : ""}`);
  });
  let vocabulary: Rational[][] | null = null;
  if (vectors) {
    if (!d.vocabulary || d.vocabulary.length === 0) throw new UserError(`${file}: --arch ${c.model} takes vectors: "vocabulary" (one row of d = ${c.d} numbers per vector) is required`);
    vocabulary = d.vocabulary.map((row, i) => {
      if (row.length !== c.d) throw new UserError(`${file}: vocabulary[${i}] has ${row.length} entries, d = ${c.d}`);
      return row.map((v, j) => num(v, `${file}: vocabulary[${i}][${j}]`));
    });
    d.sequences.forEach((s, i) => s.forEach((t, k) => {
      if (t >= vocabulary!.length) throw new UserError(`${file}: sequences[${i}][${k}] = ${t} is not a vocabulary row (${vocabulary!.length} rows)`);
    }));
  } else {
    if (d.vocabulary) throw new UserError(`${file}: --arch ${c.model} takes token ids; remove "vocabulary"`);
    d.sequences.forEach((s, i) => s.forEach((t, k) => {
      if (t >= c.vocab) throw new UserError(`${file}: sequences[${i}][${k}] = ${t} is not a token (vocab ${c.vocab})`);
    }));
  }
  const classes = c.model === "mha" ? c.classes : c.model === "ks" ? 0 : c.vocab;
  const labels = d.labels.map((l, i) => {
    const where = `${file}: labels[${i}]`;
    const v = num(l, where);
    if (c.model === "ks") {
      if (!(v.eq(Rational.ONE) || v.eq(Rational.of(-1)))) throw new UserError(`${where}: a ks label is +1 or −1, got ${v}`);
      return signClass(v.toNumber());
    }
    if (classes > 0 && (!v.isInteger() || v.sign() < 0 || v.ge(Rational.of(classes)))) throw new UserError(`${where}: class ${v} is not in [0, ${classes})`);
    return v;
  });
  const criterion: Task["criterion"] = c.model === "mha" && c.classes === 0 ? { type: "abs-error", epsilon: Rational.fromNumber(c.tol).toString() } : { type: "argmax" };
  return { vocabulary, sequences: d.sequences, labels, criterion };
}
