/**
 * Trained float weights → an exact network in the IR, for every model kind of src/train/models.ts.
 * Every float64 (or float32) weight is a dyadic rational, written exactly (Rational.fromNumber); the
 * IR network computes the same function as the trainer's forward pass, layer for layer:
 *
 *  aot          embedding, positional, attention (last query, all keys, scale 1, residual x_S), W_U.
 *  aot-code     the residual comes from e(t_S) alone while attention reads x̃ = C e(t) + pos (pos: S + 1 rows
 *               of width d_h, the last one unread), so the stream is widened: embedding [E | E | 0] gives
 *               (e | e | 0), the compress map blockdiag(I, Cᵀ, I) gives (e | C e | 0) (absent when d = d_h:
 *               C = I), positional [0 | P | 0] gives (e | x̃ | 0), attention reads x̃ and writes Σ_h W_O^h o_h
 *               into the last block (residual), and one affine [I | 0 | Dᵀ] forms e(t_S) + D·o (D = I when
 *               d = d_h). Every trained weight appears verbatim.
 *  transformer  embedding, positional, causal attention (1/√d_h, residual), ffn (the MLP block), W_U;
 *               imported post-LN blocks (layout.ts InteropConfig) add layernorm ln1 after the attention's
 *               residual sum and ln2 after the MLP's, as PyTorch's nn.LayerNorm (biased variance, ε).
 *  mha          vector input: each example is the sequence (context_1 … context_n, query); attention with
 *               the query as the only query and the contexts as keys (keys "all-but-last"), 1/√d_h,
 *               no residual; W_O; readout. The authors' variant (mhaArch "authors"): affine embedding with bias,
 *               their sinusoidal table as a positional layer (query row last), scores 1/√d, readout with bias.
 *  ks           vector input: E_in, the F1 blocks (ffn), one attention layer (last query, residual, scale 1),
 *               F2 blocks, E_out, then a fixed sign read-out [−1; +1] so that "sign(output) = label ±1"
 *               becomes an argmax over 2 logits (class (label + 1)/2; output 0 memorizes neither).
 *
 * The score factor 1/√d_h is exact (scale "1/k") when d_h = k², otherwise the IR's `scaleInvSqrt: d_h`
 * (an irrational constant the interval evaluators and proofs-check enclose rigorously). Only the
 * last position is read (the trainer's loss reads only that one), so a causal mask — written as keys
 * "causal" where the trainer has one — leaves the read row unchanged, as in the trainer.
 *
 * @example
 *   const net = trainedNetwork(config, program.graph, params); net.layers[0].type // "embedding"
 */
import { UserError } from "../errors.ts";
import { NETWORK_FORMAT, NETWORK_VERSION, type Layer, type Network } from "../ir/network.ts";
import { Rational, sqrtExact } from "../numbers/rational.ts";
import type { Graph } from "../train/graph.ts";
import { sinusoidalPositions, type ModelConfig } from "../train/models.ts";
import type { InteropConfig, LayerNormWeights } from "./layout.ts";

type M = string[][];
const q = (x: number): string => Rational.fromNumber(x).toString();
const zeros = (r: number, c: number): M => Array.from({ length: r }, () => new Array<string>(c).fill("0"));
const eye = (n: number): M => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? "1" : "0")));

/** Blocks placed at column offsets of a wider matrix: rows of each block are concatenated side by side. */
function hcat(...blocks: M[]): M {
  return blocks[0]!.map((_, i) => blocks.flatMap((b) => b[i]!));
}
const vcat = (...blocks: M[]): M => blocks.flat();

/** Reads the trainer's parameters (x·W layout: rows = in, cols = out). */
class Params {
  constructor(private readonly graph: Graph, private readonly params: Float64Array) {}
  has(name: string): boolean {
    return this.graph.tensors.get(name)?.role === "param";
  }
  /** The parameter as given (rows × cols of the trainer), exact. */
  raw(name: string): M {
    const t = this.graph.tensors.get(name);
    if (!t || t.role !== "param") throw new Error(`the trained model has no parameter ${name}`);
    const [r, c] = t.shape.length === 2 ? (t.shape as [number, number]) : [1, t.shape[0]!];
    return Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => q(this.params[t.offset + i * c + j]!)));
  }
  /** The IR orientation out×in of a trainer x·W weight. */
  ir(name: string): M {
    const W = this.raw(name);
    return W[0]!.map((_, j) => W.map((row) => row[j]!));
  }
  vec(name: string): string[] {
    return this.raw(name)[0]!;
  }
  /** Rows r0 … r0+n−1 of an IR-oriented matrix (head h of a stacked projection). */
  rows(name: string, r0: number, n: number): M {
    return this.ir(name).slice(r0, r0 + n);
  }
  /** Columns c0 … c0+n−1 of an IR-oriented matrix. */
  cols(name: string, c0: number, n: number): M {
    return this.ir(name).map((row) => row.slice(c0, c0 + n));
  }
}

/** The attention score factor 1/√d_h as IR fields: exact when d_h is a perfect square. */
export function invSqrtScale(dh: number): { scale: string; scaleInvSqrt?: string } {
  const s = sqrtExact(Rational.of(dh));
  return s ? { scale: s.inv().toString() } : { scale: "1", scaleInvSqrt: String(dh) };
}

function ffnLayer(p: Params, prefix: string): Layer {
  return { type: "ffn", name: prefix, W1: p.ir(`${prefix}.W1`), b1: p.vec(`${prefix}.b1`), W2: p.ir(`${prefix}.W2`), b2: p.vec(`${prefix}.b2`) };
}

/**
 * The exact IR network of a trained model.
 * @example trainedNetwork(MODEL_DEFAULTS.aot, graph, params).output // { positions: "last", kind: "logits" }
 */
export function trainedNetwork(c: ModelConfig | InteropConfig, graph: Graph, params: Float64Array, layerNorms: LayerNormWeights = {}): Network {
  const p = new Params(graph, params);
  const { d, dh, heads: H } = c;
  const net = (input: Network["input"], layers: Layer[], kind: "logits" | "scalar"): Network => ({
    format: NETWORK_FORMAT, version: NETWORK_VERSION, input, layers, output: { positions: "last", kind },
    meta: { source: `trained ${c.model} model; float weights written as exact dyadic rationals (src/interop/convert.ts)` },
  });
  const stacked = (prefix: string, dOut: number) =>
    Array.from({ length: H }, (_, h) => ({
      WQ: p.rows(`${prefix}W_Q`, h * dh, dh), WK: p.rows(`${prefix}W_K`, h * dh, dh),
      WV: p.rows(`${prefix}W_V`, h * dOut, dOut), WO: p.cols(`${prefix}W_O`, h * dOut, dOut),
    }));
  switch (c.model) {
    case "aot":
    case "transformer": {
      const aot = c.model === "aot";
      const layers: Layer[] = [
        { type: "embedding", table: p.raw("embed") },
        { type: "positional", table: p.raw("pos") },
        {
          type: "attention", name: "attn", attention: c.attention, residual: true, queries: "last", keys: aot ? "all" : "causal",
          ...(aot ? {} : invSqrtScale(dh)), heads: stacked("", dh),
        },
      ];
      const post = !aot && "layerNorm" in c && c.layerNorm === "post";
      const ln = (name: string): Layer => {
        const get = (k: string) => {
          const v = layerNorms[`${name}.${k}`];
          if (!v) throw new Error(`post-LN transformer without tensor ${name}.${k}`);
          return Array.from(v, q);
        };
        return { type: "layernorm", name, gamma: get("weight"), beta: get("bias"), eps: q((c as InteropConfig).lnEps ?? 1e-5) };
      };
      if (post) layers.push(ln("ln1"));
      if (!aot) layers.push(ffnLayer(p, "mlp"));
      if (post) layers.push(ln("ln2"));
      layers.push({ type: "affine", name: "W_U", W: p.ir("W_U") });
      return net({ kind: "tokens", vocab: c.vocab }, layers, "logits");
    }
    case "aot-code": {
      // stream (e | e | 0) → compress → (e | C e | 0) → + positional (0 | pos | 0) = (e | x̃ | 0)
      // → attention writes z → e(t_S) + D·z (see the header)
      const comp = d !== dh;
      const layers: Layer[] = [{ type: "embedding", table: p.raw("embed").map((row) => [...row, ...row, ...new Array<string>(dh).fill("0")]) }];
      if (comp) {
        const W = vcat(hcat(eye(d), zeros(d, d), zeros(d, dh)), hcat(zeros(dh, d), p.ir("compress"), zeros(dh, dh)), hcat(zeros(dh, d), zeros(dh, d), eye(dh)));
        layers.push({ type: "affine", name: "compress", W });
      }
      layers.push({ type: "positional", table: p.raw("pos").map((row) => [...new Array<string>(d).fill("0"), ...row, ...new Array<string>(dh).fill("0")]) });
      const onX = (W: M) => hcat(zeros(W.length, d), W, zeros(W.length, dh)); // reads x̃
      layers.push({
        type: "attention", name: "attn", attention: c.attention, residual: true, queries: "last", keys: "causal", ...invSqrtScale(dh),
        heads: Array.from({ length: H }, (_, h) => ({
          WQ: onX(p.rows("W_Q", h * dh, dh)), WK: onX(p.rows("W_K", h * dh, dh)), WV: onX(p.rows("W_V", h * dh, dh)),
          WO: vcat(zeros(d + dh, dh), p.cols("W_O", h * dh, dh)), // Σ_h W_O^h o_h, written into z
        })),
      });
      layers.push({ type: "affine", name: comp ? "decompress + residual e(t_S)" : "residual e(t_S)", W: hcat(eye(d), zeros(d, dh), comp ? p.ir("decompress") : eye(dh)) });
      layers.push({ type: "affine", name: "W_U", W: p.ir("W_U") });
      return net({ kind: "tokens", vocab: c.vocab }, layers, "logits");
    }
    case "mha": {
      if ("mhaArch" in c && c.mhaArch === "authors") {
        // the certificate's sequence is (context_1 … context_n, query); the authors' is (query, context), so the
        // positional table puts their row 0 last
        const n = c.seqLen;
        const pe = sinusoidalPositions(n + 1, d);
        const row = (r: number) => Array.from(pe.subarray(r * d, (r + 1) * d), q);
        return net({ kind: "vectors", dim: d }, [
          { type: "affine", name: "embed", W: p.ir("embed"), b: p.vec("embed.b") },
          { type: "positional", table: [...Array.from({ length: n }, (_, j) => row(j + 1)), row(0)] },
          { type: "attention", name: "attn", attention: c.attention, residual: false, queries: "last", keys: "all-but-last", ...invSqrtScale(d), heads: stacked("", 1) },
          { type: "affine", name: "readout", W: p.ir("readout"), b: p.vec("readout.b") },
        ], c.classes > 0 ? "logits" : "scalar");
      }
      const layers: Layer[] = [
        { type: "attention", name: "attn", attention: c.attention, residual: false, queries: "last", keys: "all-but-last", ...invSqrtScale(dh), heads: stacked("", 1) },
        { type: "affine", name: "readout", W: p.ir("readout") },
      ];
      return net({ kind: "vectors", dim: d }, layers, c.classes > 0 ? "logits" : "scalar");
    }
    case "ks": {
      const uniform = c.attention === "uniform";
      const layers: Layer[] = [{ type: "affine", name: "E_in", W: p.ir("E_in") }];
      for (let l = 0; l < c.blocks; l++) layers.push(ffnLayer(p, `F1.${l}`));
      layers.push({
        type: "attention", name: "attn", attention: c.attention, residual: true, queries: "last", keys: "all",
        heads: [{ WQ: uniform ? [] : p.ir("attn.W_Q"), WK: uniform ? [] : p.ir("attn.W_K"), WV: p.ir("attn.W_V"), WO: p.ir("attn.W_O") }],
      });
      for (let l = 0; l < c.blocks; l++) layers.push(ffnLayer(p, `F2.${l}`));
      layers.push({ type: "affine", name: "E_out", W: p.ir("E_out") });
      layers.push({ type: "affine", name: "sign read-out", W: [["-1"], ["1"]] });
      return net({ kind: "vectors", dim: d }, layers, "logits");
    }
  }
}
