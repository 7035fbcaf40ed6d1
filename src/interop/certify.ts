/**
 * Certifying what a trained model memorizes: the exact IR network of its float weights
 * (convert.ts) is evaluated on every example — exactly where it is piecewise linear (hardmax,
 * uniform attention), by rigorous intervals otherwise (softmax) — and the certificate claims
 * exactly the examples whose criterion the evaluation decides true. Examples the intervals cannot
 * decide even at the highest precision tried are left out of the certificate's dataset (the
 * checker's `memorizes` list must be exactly the memorized examples, so an undecided example could
 * only make the claim INCONCLUSIVE); their indices are recorded in `construction.options`.
 * The builder is untrusted: proofs-check re-derives the claim.
 *
 * @example
 *   const task = trainedTask(config, data);
 *   const r = certifyTrained(net, task, { id: "trained-aot", ... }); r.certificate.claims[0].kind // "memorizes"
 */
import { Decimal } from "decimal.js";
import { CERTIFICATE_FORMAT, CERTIFICATE_VERSION, type Certificate, type Claim, type Criterion } from "../certificate/format.ts";
import { compileExact } from "../eval/exact.ts";
import { evaluateInterval } from "../eval/interval.ts";
import { evaluateFloatInterval, type FI } from "../eval/float-interval.ts";
import { IntervalError, decimalToRational, type Interval } from "../numbers/interval.ts";
import { countNetwork } from "../ir/count.ts";
import type { Network } from "../ir/network.ts";
import { Rational } from "../numbers/rational.ts";
import type { Dataset, ModelConfig } from "../train/models.ts";

/** A memorization task in the certificate's form. */
export interface Task {
  /** token vectors (vector-input networks), else null */
  vocabulary: Rational[][] | null;
  sequences: number[][];
  /** class indices (argmax) or real targets (abs-error) */
  labels: Rational[];
  criterion: Criterion;
}

const fromNum = (x: number) => Rational.fromNumber(x);

/**
 * The trainer's dataset of a config as a certificate task (see convert.ts for the sequence forms:
 * mha examples are (context_1 … context_n, query), ks labels ±1 become classes 0/1).
 */
export function trainedTask(c: ModelConfig, data: Dataset): Task {
  const N = data.size;
  if (c.model === "ks" || c.model === "mha") {
    const rows: Rational[][] = [];
    const sequences: number[][] = [];
    const push = (src: Float64Array, at: number) => rows.push(Array.from(src.subarray(at, at + c.d), fromNum));
    const ys = data.floats.get("y")?.data;
    for (let e = 0; e < N; e++) {
      const seq: number[] = [];
      const x = data.floats.get(c.model === "ks" ? "x" : "context")!.data;
      for (let s = 0; s < c.seqLen; s++) seq.push(rows.length), push(x, (e * c.seqLen + s) * c.d);
      if (c.model === "mha") seq.push(rows.length), push(data.floats.get("query")!.data, e * c.d);
      sequences.push(seq);
    }
    if (c.model === "ks") return { vocabulary: rows, sequences, labels: Array.from(ys!, (y) => signClass(y)), criterion: { type: "argmax" } };
    if (c.classes > 0) return { vocabulary: rows, sequences, labels: Array.from(data.ints.get("labels")!.data, (l) => Rational.of(l)), criterion: { type: "argmax" } };
    return { vocabulary: rows, sequences, labels: Array.from(ys!, fromNum), criterion: { type: "abs-error", epsilon: fromNum(c.tol).toString() } };
  }
  const toks = data.ints.get("tokens")!.data;
  const sequences = Array.from({ length: N }, (_, e) => Array.from(toks.subarray(e * c.seqLen, (e + 1) * c.seqLen)));
  return { vocabulary: null, sequences, labels: Array.from(data.ints.get("labels")!.data, (l) => Rational.of(l)), criterion: { type: "argmax" } };
}

/** A ±1 label as the class of the ks sign read-out (class 1 ⇔ output > 0). */
export function signClass(y: number): Rational {
  if (y !== 1 && y !== -1) throw new RangeError(`a ks label must be +1 or −1, got ${y}`);
  return Rational.of(y > 0 ? 1 : 0);
}

export type Decision = "memorized" | "not" | "undecided";

/** Decides one example's criterion from interval outputs at the read position. */
function decideInterval(out: Interval[], label: Rational, crit: Criterion): Decision {
  if (crit.type === "argmax") {
    const c = Number(label.num);
    const me = out[c]!;
    let undecided = false;
    for (let k = 0; k < out.length; k++) {
      if (k === c) continue;
      if (out[k]!.lo.gte(me.hi)) return "not";
      if (!me.lo.gt(out[k]!.hi)) undecided = true;
    }
    return undecided ? "undecided" : "memorized";
  }
  const eps = crit.type === "abs-error" ? Rational.from(crit.epsilon) : Rational.ZERO;
  const lo = decimalToRational(out[0]!.lo), hi = decimalToRational(out[0]!.hi);
  if (lo.sub(label).gt(eps) || label.sub(hi).gt(eps)) return "not";
  if (hi.sub(label).gt(eps) || label.sub(lo).gt(eps)) return "undecided";
  return "memorized";
}

function decideExact(out: Rational[], label: Rational, crit: Criterion): Decision {
  if (crit.type === "argmax") {
    const c = Number(label.num);
    return out.every((v, k) => k === c || v.lt(out[c]!)) ? "memorized" : "not";
  }
  const err = out[0]!.sub(label).abs();
  return err.le(crit.type === "abs-error" ? Rational.from(crit.epsilon) : Rational.ZERO) ? "memorized" : "not";
}

export interface CertifyOptions {
  /** the certificate's construction block (id, paper, options, seed) */
  construction: Certificate["construction"];
  /** interval digits tried in turn for softmax networks (default 30, 60, 120) */
  digits?: number[];
}

export interface TrainedCertification {
  certificate: Certificate;
  /** per original example: the decision */
  decisions: Decision[];
  memorized: number[];
  undecided: number[];
  /** decimal interval digits needed beyond float64 intervals (null: none needed, or exact arithmetic) */
  precisionDigits: number | null;
  /** how the examples were decided, in words */
  arithmetic: string;
  seconds: number;
}

/**
 * Decides every example and writes the certificate (see the header).
 * @example certifyTrained(net, task, { construction: { id: "trained-aot", paper: "…", options: {}, seed: 1 } }).memorized.length
 */
export function certifyTrained(net: Network, task: Task, o: CertifyOptions): TrainedCertification {
  const t0 = performance.now();
  const N = task.sequences.length;
  // softmax and layernorm (a square root) have no exact value: intervals
  const softmax = net.layers.some((L) => (L.type === "attention" && L.attention === "softmax") || L.type === "layernorm");
  const decisions: Decision[] = new Array<Decision>(N).fill("undecided");
  let precisionDigits: number | null = null;
  if (!softmax) {
    const outs = compileExact(net).evaluate(task.sequences, task.vocabulary ?? undefined);
    outs.forEach((o, i) => (decisions[i] = decideExact(o[0]!, task.labels[i]!, task.criterion)));
  } else {
    // float64 intervals first (fast, untrusted), decimal intervals for what they leave open
    const all = task.sequences.map((_, i) => i);
    let fouts: (FI[][] | null)[];
    try {
      fouts = evaluateFloatInterval(net, task.sequences, task.vocabulary ?? undefined);
    } catch (e) {
      if (!(e instanceof IntervalError)) throw e;
      fouts = all.map((i) => {
        try {
          return evaluateFloatInterval(net, [task.sequences[i]!], task.vocabulary ?? undefined)[0]!;
        } catch (err) {
          if (err instanceof IntervalError) return null;
          throw err;
        }
      });
    }
    fouts.forEach((fo, i) => {
      if (fo) decisions[i] = decideInterval(fo[0]!.map((x) => ({ lo: new Decimal(x.lo), hi: new Decimal(x.hi) })), task.labels[i]!, task.criterion);
    });
    for (const digits of o.digits ?? [30, 60, 120]) {
      const todo = decisions.flatMap((d, i) => (d === "undecided" ? [i] : []));
      if (todo.length === 0) break;
      precisionDigits = digits;
      let outs: Interval[][][];
      try {
        outs = evaluateInterval(net, todo.map((i) => task.sequences[i]!), task.vocabulary ?? undefined, { precisionDigits: digits });
      } catch (e) {
        if (e instanceof IntervalError) continue;
        throw e;
      }
      todo.forEach((i, k) => (decisions[i] = decideInterval(outs[k]![0]!, task.labels[i]!, task.criterion)));
    }
  }
  const undecided = decisions.flatMap((d, i) => (d === "undecided" ? [i] : []));
  const kept = decisions.flatMap((d, i) => (d === "undecided" ? [] : [i]));
  const memorized = kept.filter((i) => decisions[i] === "memorized");
  if (kept.length === 0) throw new RangeError(`no example of ${N} could be decided at ${precisionDigits} digits; nothing to certify`);
  const newIndex = new Map(kept.map((i, k) => [i, k]));
  const counts = countNetwork(net);
  const claims: Claim[] = [
    { kind: "memorizes", id: "memorizes-trained", criterion: task.criterion, examples: memorized.map((i) => newIndex.get(i)!), count: memorized.length },
    { kind: "count", id: "parameters", quantity: "parameters", value: counts.parameters },
  ];
  const certificate: Certificate = {
    format: CERTIFICATE_FORMAT,
    version: CERTIFICATE_VERSION,
    construction: {
      ...o.construction,
      options: {
        ...o.construction.options,
        examples: N,
        undecidedExamples: undecided,
        ...(undecided.length ? { datasetIndices: kept } : {}),
      },
    },
    network: net,
    dataset: {
      ...(task.vocabulary ? { vocabulary: task.vocabulary.map((r) => r.map((v) => v.toString())) } : {}),
      sequences: kept.map((i) => task.sequences[i]!),
      labels: kept.map((i) => task.labels[i]!.toString()),
    },
    // the checker re-derives at 10 more digits than decided here (its operation order differs)
    evaluation: softmax ? { mode: "interval", precisionDigits: (precisionDigits ?? 30) + 10 } : { mode: "exact" },
    claims,
  };
  const arithmetic = !softmax ? "exact arithmetic" : precisionDigits === null ? "float64 intervals" : `float64 intervals, then decimal intervals up to ${precisionDigits} digits`;
  return { certificate, decisions, memorized, undecided, precisionDigits, arithmetic, seconds: (performance.now() - t0) / 1000 };
}
