/**
 * Float survival of an exported network: of the examples a certificate claims memorized, how many
 * the network still memorizes when run in float64 or float32. A FLOAT measurement, never a proof.
 *
 * The outputs come from memcap's float evaluators (src/eval/float.ts: the operation order the ONNX
 * export follows, app/export/onnx.ts) or from onnxruntime-node running the exported graph. Each
 * float output is then judged by the certificate's criterion exactly (the float read as the rational
 * it is): "exact" means the output is the label itself, "abs-error" |output − label| ≤ ε,
 * "argmax" the label's logit strictly above every other.
 */
import type { Certificate } from "../../src/certificate/format.ts";
import { evaluateFloat, evaluateFloat32 } from "../../src/eval/float.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { type FloatKind, toFloat } from "./tensors.ts";

export interface Survival {
  /** memorized in float / claimed in the certificate (over every memorizes claim's examples) */
  memorized: number;
  claimed: number;
  /** indices of claimed examples the float network does not memorize (the first 20) */
  lost: number[];
}

type Memorizes = Extract<Certificate["claims"][number], { kind: "memorizes" }>;

/** The examples claimed memorized and their criterion (the union over memorizes claims). */
export function claimedExamples(cert: Certificate): { example: number; criterion: Memorizes["criterion"] }[] {
  const out = new Map<number, Memorizes["criterion"]>();
  for (const c of cert.claims) {
    if (c.kind !== "memorizes") continue;
    const ex = c.examples === "all" ? cert.dataset.sequences.map((_, i) => i) : c.examples;
    for (const e of ex) if (!out.has(e)) out.set(e, c.criterion);
  }
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([example, criterion]) => ({ example, criterion }));
}

/** Per read position, the target values (the label at that position; the whole label for vector outputs). */
function targets(cert: Certificate, i: number): Rational[][] {
  const lab = cert.dataset.labels[i]!;
  const vals = (Array.isArray(lab) ? lab : [lab]).map((v) => Rational.from(v));
  if (cert.network.output.kind === "vector") return [vals];
  return vals.map((v) => [v]);
}

/** Does one float output (positions × dims) meet the criterion? Decided exactly on the float values. */
export function floatMeets(cert: Certificate, i: number, out: number[][], criterion: Memorizes["criterion"]): boolean {
  const tg = targets(cert, i);
  if (out.length !== tg.length) return false;
  return out.every((o, p) => {
    if (!o.every(Number.isFinite)) return false;
    if (criterion.type === "argmax") {
      const c = Number(tg[p]![0]!.num);
      return o.every((v, k) => k === c || o[c]! > v);
    }
    const eps = criterion.type === "abs-error" ? Rational.from(criterion.epsilon) : Rational.ZERO;
    return o.length === tg[p]!.length && o.every((v, k) => Rational.fromNumber(v).sub(tg[p]![k]!).abs().le(eps));
  });
}

function tally(cert: Certificate, outputs: (i: number) => number[][]): Survival {
  const claimed = claimedExamples(cert);
  const lost: number[] = [];
  let memorized = 0;
  for (const { example, criterion } of claimed) {
    if (floatMeets(cert, example, outputs(example), criterion)) memorized++;
    else if (lost.length < 20) lost.push(example);
  }
  return { memorized, claimed: claimed.length, lost };
}

/** The dataset's input vectors in the export's precision (vector networks). */
export function floatVocabulary(cert: Certificate, kind: FloatKind): number[][] | undefined {
  return cert.dataset.vocabulary?.map((r) => r.map((v) => toFloat(v, kind)));
}

/** Survival in memcap's float evaluator, with the export's operation order. */
export function memcapSurvival(cert: Certificate, kind: FloatKind): Survival {
  const vocab = floatVocabulary(cert, kind);
  const seqs = cert.dataset.sequences;
  const outs = kind === "float64" ? evaluateFloat(cert.network, seqs, vocab) : evaluateFloat32(cert.network, seqs, vocab);
  return tally(cert, (i) => outs[i]!);
}

/** The part of onnxruntime-node's API used here (typed locally: the package is only a development dependency). */
interface OrtTensor {
  data: ArrayLike<number | bigint> & { subarray(a: number, b: number): ArrayLike<number> };
  dims: readonly number[];
}
interface Ort {
  Tensor: new (type: "int64" | "float64" | "float32", data: BigInt64Array | Float64Array | Float32Array, dims: number[]) => OrtTensor;
  InferenceSession: { create(model: Uint8Array, options?: { logSeverityLevel?: number }): Promise<{ run(feed: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>; release(): Promise<void> }> };
}

/** onnxruntime-node, when installed (a development dependency): null when it cannot be loaded. */
async function loadOrt(): Promise<Ort | null> {
  const name = "onnxruntime-node"; // a variable: type-checking an installed memcap must not need the package
  try {
    return (await import(name)) as Ort;
  } catch {
    return null;
  }
}

/** Outputs of the exported ONNX graph in onnxruntime-node, one entry per sequence; null without onnxruntime-node. */
export async function onnxruntimeOutputs(cert: Certificate, onnx: Uint8Array, kind: FloatKind): Promise<number[][][] | null> {
  const ort = await loadOrt();
  if (!ort) return null;
  const session = await ort.InferenceSession.create(onnx, { logSeverityLevel: 3 });
  const seqs = cert.dataset.sequences;
  const vocab = floatVocabulary(cert, kind);
  const result: number[][][] = new Array(seqs.length);
  // one batch per sequence length
  const byLength = new Map<number, number[]>();
  seqs.forEach((s, i) => byLength.set(s.length, [...(byLength.get(s.length) ?? []), i]));
  for (const [n, idx] of byLength) {
    let feed: Record<string, OrtTensor>;
    if (cert.network.input.kind === "tokens") {
      feed = { tokens: new ort.Tensor("int64", BigInt64Array.from(idx.flatMap((i) => seqs[i]!.map(BigInt))), [idx.length, n]) };
    } else {
      const d = cert.network.input.dim;
      const flat = idx.flatMap((i) => seqs[i]!.flatMap((t) => vocab![t]!));
      feed = { vectors: new ort.Tensor(kind === "float64" ? "float64" : "float32", kind === "float64" ? Float64Array.from(flat) : Float32Array.from(flat), [idx.length, n, d]) };
    }
    const out = (await session.run(feed)).output!;
    const data = out.data as unknown as Float64Array | Float32Array;
    const per = data.length / idx.length;
    const dim = out.dims[out.dims.length - 1]!;
    idx.forEach((i, b) => {
      const rows: number[][] = [];
      for (let r = 0; r < per / dim; r++) rows.push(Array.from(data.subarray(b * per + r * dim, b * per + (r + 1) * dim)));
      result[i] = rows;
    });
  }
  await session.release();
  return result;
}

export async function onnxruntimeSurvival(cert: Certificate, onnx: Uint8Array, kind: FloatKind): Promise<Survival | null> {
  const outs = await onnxruntimeOutputs(cert, onnx, kind);
  return outs ? tally(cert, (i) => outs[i]!) : null;
}
