/**
 * The PyTorch state-dict layout of memcap's trained models (docs/interop.md#tensor-names): which
 * tensor of a `torch.nn.Module` state dict holds which trainer parameter, in which orientation.
 *
 * memcap's trainer stores a linear map as x·W with W ∈ R^{in×out}; PyTorch's `nn.Linear.weight` is
 * out×in (y = x Wᵀ), so every linear weight is transposed on the way out and back on the way in.
 * Embedding tables (`nn.Embedding.weight`, vocab × d; positions × d) and biases are stored as they are.
 * Heads are stacked PyTorch-style: head h of `attn.q_proj.weight` is rows h·d_h … (h+1)·d_h − 1, and
 * head h of `attn.out_proj.weight` is columns h·d_h … (h+1)·d_h − 1.
 *
 * @example
 *   const sd = toStateDict(config, program.graph, params, "F64");   // { "embedding.weight": …, … }
 *   const p = fromStateDict(config, program.graph, sd);              // the trainer's flat parameters
 */
import { UserError } from "../errors.ts";
import type { Graph } from "../train/graph.ts";
import type { ModelConfig } from "../train/models.ts";
import type { StTensor } from "../io/safetensors.ts";

/**
 * A model config for interop: the trainer's, plus what only imported models have — a post-LN
 * Transformer block (`layerNorm: "post"`, PyTorch's `nn.LayerNorm(d)` after each residual sum, as in
 * the original Transformer and BERT; ε = `lnEps`, default 1e-5). memcap's trainer has no LayerNorm.
 */
export type InteropConfig = ModelConfig & { layerNorm?: "post"; lnEps?: number };

/** The LayerNorm tensors of a post-LN transformer: ln1 after attention + residual, ln2 after the MLP + residual. */
export function layerNormSpecs(c: InteropConfig): TensorSpec[] {
  if (c.model !== "transformer" || c.layerNorm !== "post") return [];
  return ["ln1", "ln2"].flatMap((l) => ["weight", "bias"].map((w) => ({ key: `${l}.${w}`, param: `${l}.${w}`, shape: [c.d], transposed: false })));
}

/** One state-dict tensor: its PyTorch name, the trainer parameter it holds, and the PyTorch shape. */
export interface TensorSpec {
  key: string;
  param: string;
  /** the PyTorch shape (out×in for a Linear weight) */
  shape: number[];
  /** true for a Linear weight (stored transposed relative to the trainer's in×out) */
  transposed: boolean;
}

const LINEAR: Record<string, string> = { W_Q: "q_proj", W_K: "k_proj", W_V: "v_proj", W_O: "out_proj" };

/** The PyTorch name of a trainer parameter, and whether it is a Linear weight. */
export function torchName(param: string): { key: string; linear: boolean } {
  if (param === "embed") return { key: "embedding.weight", linear: false };
  if (param === "pos") return { key: "positional.weight", linear: false };
  if (param === "W_U") return { key: "unembedding.weight", linear: true };
  const m = /^(?:(.*)\.)?(W_Q|W_K|W_V|W_O)$/.exec(param);
  if (m) return { key: `${m[1] === undefined || m[1] === "attn" ? "attn" : m[1]}.${LINEAR[m[2]!]}.weight`, linear: true };
  const f = /^(.*)\.(W|b)([12])$/.exec(param);
  if (f) return { key: `${f[1]}.fc${f[3]}.${f[2] === "W" ? "weight" : "bias"}`, linear: f[2] === "W" };
  return { key: `${param}.weight`, linear: true }; // compress, decompress, readout, E_in, E_out
}

/** The state-dict tensors of a model, in the trainer's parameter order. */
export function stateDictLayout(graph: Graph): TensorSpec[] {
  const out: TensorSpec[] = [];
  for (const t of graph.tensors.values()) {
    if (t.role !== "param") continue;
    const { key, linear } = torchName(t.name);
    const transposed = linear && t.shape.length === 2;
    out.push({ key, param: t.name, shape: transposed ? [t.shape[1]!, t.shape[0]!] : t.shape.slice(), transposed });
  }
  return out;
}

/**
 * The trained parameters as a PyTorch state dict (F64 from the float64 CPU backend; F32 stores the
 * float32 WebGPU backend's values losslessly).
 */
export function toStateDict(graph: Graph, params: Float64Array, dtype: "F32" | "F64"): Record<string, StTensor> {
  const out: Record<string, StTensor> = {};
  for (const s of stateDictLayout(graph)) {
    const t = graph.tensors.get(s.param)!;
    const data = dtype === "F32" ? new Float32Array(t.size) : new Float64Array(t.size);
    if (s.transposed) {
      const [rows, cols] = t.shape as [number, number]; // trainer: rows = in, cols = out
      for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[j * rows + i] = params[t.offset + i * cols + j]!;
    } else for (let i = 0; i < t.size; i++) data[i] = params[t.offset + i]!;
    if (dtype === "F32") for (let i = 0; i < t.size; i++) if (data[i] !== params[t.offset + (s.transposed ? transposedIndex(t.shape, i) : i)]) throw new RangeError(`${s.key}: a weight is not a float32 value; save as F64`);
    out[s.key] = { dtype, shape: s.shape, data };
  }
  return out;
}

function transposedIndex(shape: number[], k: number): number {
  const [rows, cols] = shape as [number, number];
  const j = Math.floor(k / rows), i = k % rows;
  return i * cols + j;
}

/**
 * The trainer's flat parameters from a PyTorch state dict, checking every tensor: present, float,
 * finite, exactly the expected shape (a transposed Linear weight is named as such), nothing extra.
 * Throws a UserError with one line naming the tensor.
 */
export function fromStateDict(config: InteropConfig, graph: Graph, tensors: Record<string, StTensor>): Float64Array {
  return readStateDict(config, graph, tensors).params;
}

/** LayerNorm weights by state-dict key (ln1.weight, …), for a post-LN transformer. */
export type LayerNormWeights = Record<string, Float64Array>;

/** fromStateDict, plus the LayerNorm tensors the trainer's graph does not have. */
export function readStateDict(config: InteropConfig, graph: Graph, tensors: Record<string, StTensor>): { params: Float64Array; layerNorms: LayerNormWeights } {
  const params = new Float64Array(graph.paramCount);
  const layerNorms: LayerNormWeights = {};
  const lnSpecs = layerNormSpecs(config);
  const layout = [...stateDictLayout(graph), ...lnSpecs];
  const known = new Set(layout.map((s) => s.key));
  for (const name of Object.keys(tensors)) {
    if (!known.has(name)) throw new UserError(`tensor ${name} is not part of the --arch ${config.model} state dict (expected: ${[...known].join(", ")})`);
  }
  for (const s of layout) {
    const t = tensors[s.key];
    if (!t) throw new UserError(`tensor ${s.key} is missing (--arch ${config.model} needs shape [${s.shape}])`);
    if (t.dtype === "I64") throw new UserError(`tensor ${s.key} has dtype I64; weights must be F32 or F64`);
    if (t.shape.length !== s.shape.length || t.shape.some((v, i) => v !== s.shape[i])) {
      const flipped = s.shape.length === 2 && t.shape.length === 2 && t.shape[0] === s.shape[1] && t.shape[1] === s.shape[0];
      const hint = flipped ? ` — it looks transposed: a PyTorch Linear weight is out×in` : "";
      throw new UserError(`tensor ${s.key} has shape [${t.shape}], --arch ${config.model} with this config needs [${s.shape}]${hint}`);
    }
    const src = t.data as Float32Array | Float64Array;
    for (let k = 0; k < src.length; k++) if (!Number.isFinite(src[k]!)) throw new UserError(`tensor ${s.key} has a non-finite entry at flat index ${k}`);
    if (lnSpecs.includes(s)) {
      layerNorms[s.key] = Float64Array.from(src);
      continue;
    }
    const info = graph.tensors.get(s.param)!;
    for (let k = 0; k < src.length; k++) params[info.offset + (s.transposed ? transposedIndex(info.shape, k) : k)] = src[k]!;
  }
  return { params, layerNorms };
}
