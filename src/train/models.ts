/**
 * The trained models, each one a GraphBuilder program shared by both backends, and the random
 * memorization task of its paper's kind.
 *
 *  ks          Kajitsuka & Sato App. H: E_in (d→m) · F1 (#blocks residual FFN, m = 2, q = 8) · one attention
 *              layer (uniform by default; softmax/hardmax) · F2 (#blocks) · E_out (m→1), next-token at the last
 *              position, no positional encoding; MSE on Rademacher ±1 labels of random U[0,1)^d token sequences.
 *  mha         Mahdavi, Liao & Thrampoulidis: a query token x attends to its n context tokens only; per head
 *              W_Q, W_K ∈ R^{d×d_h}, W_V ∈ R^{d×1} (d_v = 1), W_O ∈ R^{H×d}, linear readout d→classes; scores scaled
 *              by 1/√d_h. Queries and contexts U[0,1]^d (a new context per example); uniform class labels and
 *              cross-entropy, or (classes = 0) y ~ U[0,1] and MSE.
 *              With `mhaArch: "authors"` it is the authors' model (smahdavi4/attention-memorization
 *              src/attn_models.py BaselineAttention, CustomAttention with d_v = 1, d_o = d): one embedding
 *              Linear(d→d) with bias shared by the query and the context tokens (l. 16, 33), the sinusoidal
 *              positional table added after it — row 0 on the query, rows 1 … n on the contexts, since their
 *              sequence is (query, context) (l. 18, 34, 90–103; task_datasets.py l. 208) —, the query attends
 *              to the contexts only (their mask hides token 0, l. 31–32), scores scaled by 1/√d, not 1/√d_h
 *              (l. 75 divides by √ of the query's width d_model), no residual, W_O, and a decoder
 *              Linear(d→classes) with bias (l. 23). `context: "fixed"` shares one context among all examples
 *              (their context_type 'fixed', task_datasets.py l. 186–188). With `init: "torch"` the weights
 *              start as theirs: nn.Linear U(±1/√fan_in) for embedding and decoder (weights and biases),
 *              Xavier-uniform per head for W_Q, W_K (U(±√(6/(d+d_h)))) and W_V (U(±√(6/(d+1)))), and for the
 *              whole W_O (U(±√(6/(H+d)))) (attn_models.py l. 56–60). The positional table is a constant (a
 *              torch buffer, not a parameter), carried by the dataset as `constants`, so the parameter count
 *              is theirs: d² + d + H(2·d·d_h + 2d) + classes·(d + 1).
 *  aot         Dana, Pydi & Chevaleyre eq. (2): x_s = e(t_s) + pos_s, H heads of width d_h, the last position is the
 *              only query, no scaling, T = W_U (x_S + Σ_h W_O^h W_V^h Σ_s a_s x_s); cross-entropy at the last position.
 *  aot-code    Their code (leodana2000/Transformer_Attentional_Memory, models.py `Transformer`/`AoT`, one layer):
 *              x̃ = C(e(t)) + pos with a shared compress Linear(d→d_h) when d ≠ d_h (x̃ = e(t) + pos when d = d_h),
 *              pos a table of S + 1 rows of width d_h (their context window counts the predicted token), H
 *              parallel single-head attentions on d_h (per head Q/K/V/O d_h×d_h, 1/√d_h, causal mask, no
 *              biases), heads summed, shared decompress Linear(d_h→d), residual from e(t_S) only, W_U.
 *              With `init: "torch"` every weight starts as PyTorch's defaults would: nn.Linear U(±1/√fan_in),
 *              MultiheadAttention's in-projection Xavier-uniform U(±√(6/(4d_h))).
 *  transformer one standard block without LayerNorm: embedding + positional, causal multi-head attention (1/√d_h),
 *              residual, ReLU MLP (width `hidden`) with residual, unembedding; same task as aot.
 * Data for aot / aot-code / transformer (Dana et al.'s association task): sequences t ∈ [vocab]^S, by default all
 * vocab^S of them (T₀ = vocab^S), each with a uniformly random next token g(t).
 * Only the last position enters every loss, so only its query row is computed (a causal mask is then a no-op
 * for that row; it is implemented and tested all the same).
 */
import { UserError } from "../errors.ts";
import { GraphBuilder, type AttnMode, type Graph, type Init, type View } from "./graph.ts";
import { trainerRng, type Rng } from "../random.ts";

export const MODEL_NAMES = ["ks", "mha", "aot", "aot-code", "transformer"] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface ModelConfig {
  model: ModelName;
  /** token / model dimension */
  d: number;
  /** head dimension d_h */
  dh: number;
  heads: number;
  /** vocabulary size (aot family) */
  vocab: number;
  /** sequence length: S (aot family), n tokens (ks), n context tokens (mha) */
  seqLen: number;
  /** number of training examples (0: every sequence of the aot family's vocab^S) */
  examples: number;
  /** classes for mha (0 = regression) */
  classes: number;
  /** K&S: FFN blocks in each of F1 and F2 */
  blocks: number;
  /** K&S: residual stream width m */
  width: number;
  /** K&S FFN hidden width q; transformer MLP width */
  hidden: number;
  attention: AttnMode;
  /** regression tolerance for the accuracy of MSE tasks with real-valued labels */
  tol: number;
  /** Initial weights: memcap's N(0, 1/fan_in) (default), or PyTorch's defaults (aot-code, mha: the authors' recipes). */
  init?: "normal" | "torch";
  /** mha: "memcap" (default; the reconstruction) or "authors" (their BaselineAttention, see the header). */
  mhaArch?: "memcap" | "authors";
  /** mha: "random" (default) a new context per example, or "fixed" one context shared by every example. */
  context?: "random" | "fixed";
  /**
   * aot family: "distinct" (default) trains on `examples` distinct sequences (all vocab^S when 0);
   * "replacement" draws `examples` sequences uniformly with replacement, labels from the same map g.
   */
  draw?: "distinct" | "replacement";
}

/** Small defaults per model: each trains visibly within 200 steps. */
export const MODEL_DEFAULTS: Record<ModelName, ModelConfig> = {
  ks: { model: "ks", d: 6, dh: 2, heads: 1, vocab: 0, seqLen: 10, examples: 100, classes: 0, blocks: 4, width: 2, hidden: 8, attention: "uniform", tol: 0.1 },
  mha: { model: "mha", d: 16, dh: 8, heads: 8, vocab: 0, seqLen: 8, examples: 64, classes: 10, blocks: 0, width: 0, hidden: 0, attention: "softmax", tol: 0.05 },
  aot: { model: "aot", d: 8, dh: 8, heads: 4, vocab: 10, seqLen: 2, examples: 0, classes: 0, blocks: 0, width: 0, hidden: 0, attention: "softmax", tol: 0 },
  "aot-code": { model: "aot-code", d: 8, dh: 4, heads: 4, vocab: 10, seqLen: 2, examples: 0, classes: 0, blocks: 0, width: 0, hidden: 0, attention: "softmax", tol: 0 },
  transformer: { model: "transformer", d: 16, dh: 8, heads: 2, vocab: 10, seqLen: 2, examples: 0, classes: 0, blocks: 0, width: 0, hidden: 64, attention: "softmax", tol: 0 },
};

/**
 * Parameter count of Kajitsuka & Sato's experimental model, eq. (165) (p. 40), from the paper's pieces: E_in and
 * E_out token-wise linear maps R^d → R^m and R^m → R^1 (eq. (4), p. 4: d·m + m), F1 and F2 each #blocks token-wise
 * FFN blocks of eq. (3) (p. 4: W1 ∈ R^{q×m}, b1 ∈ R^q, W2 ∈ R^{m×q}, b2 ∈ R^m, so 2mq + q + m each), and one
 * uniform-attention layer of eq. (39) (p. 20: W_V ∈ R^{s×m}, W_O ∈ R^{m×s}, 2ms). App. H gives q = 4m, m = 2 and
 * leaves the head size s unstated; s = m is memcap's reading. Independent of the sequence length n.
 * @example ksPaperParameterCount({ d: 6, m: 2, q: 8, s: 2, blocks: 4 }) // 358
 */
export function ksPaperParameterCount(p: { d: number; m: number; q: number; s: number; blocks: number }): number {
  const ffn = 2 * p.m * p.q + p.q + p.m;
  return p.d * p.m + 2 * p.blocks * ffn + 2 * p.m * p.s + p.m;
}

/** A dataset: per-example float and int arrays keyed by the graph's input names. */
export interface Dataset {
  size: number;
  floats: Map<string, { per: number; data: Float64Array }>;
  ints: Map<string, { per: number; data: Int32Array }>;
  /** float inputs equal in every batch (a fixed table such as sinusoidal positions), keyed by input name */
  constants?: Map<string, Float64Array>;
}

/** Number of examples a config's dataset holds. @example datasetSize(MODEL_DEFAULTS.aot) === 100 */
export function datasetSize(c: ModelConfig): number {
  if (c.model === "ks" || c.model === "mha") return c.examples;
  const all = c.vocab ** c.seqLen;
  if (c.draw === "replacement") return c.examples;
  return c.examples > 0 ? Math.min(c.examples, all) : all;
}

/** Checks a config; throws RangeError with one line naming the problem. @example validateConfig(MODEL_DEFAULTS.ks) */
export function validateConfig(c: ModelConfig): void {
  const pos = (v: number, n: string) => {
    if (!(Number.isInteger(v) && v >= 1)) throw new UserError(`${n} must be a positive integer for --model ${c.model}, got ${v}`);
  };
  pos(c.d, "--d");
  pos(c.seqLen, "--seq-len");
  if (c.model === "ks") {
    pos(c.width, "--width");
    pos(c.hidden, "--hidden");
    pos(c.examples, "--examples");
    if (!(c.blocks >= 0)) throw new UserError("--blocks must be ≥ 0");
  } else {
    pos(c.dh, "--dh");
    pos(c.heads, "--heads");
  }
  if (c.model === "mha") pos(c.examples, "--examples");
  if (c.model === "aot" || c.model === "aot-code" || c.model === "transformer") {
    pos(c.vocab, "--vocab");
    if (c.vocab < 2) throw new UserError("--vocab must be at least 2");
    if (c.vocab ** c.seqLen > 2 ** 24 && c.examples === 0) throw new UserError(`vocab^S = ${c.vocab}^${c.seqLen} sequences is too many; pass --examples`);
  }
  if (c.model === "transformer") pos(c.hidden, "--hidden");
  if (c.model === "mha" && c.classes === 1) throw new UserError("--classes must be 0 (regression) or at least 2");
  if (c.draw === "replacement" && !(c.model === "aot" || c.model === "aot-code" || c.model === "transformer")) throw new UserError(`drawing with replacement is for the aot family, not --model ${c.model}`);
  if (c.draw === "replacement") pos(c.examples, "--examples (with replacement)");
  if (c.init === "torch" && c.model !== "aot-code" && c.model !== "mha") throw new UserError(`PyTorch's initialization is implemented for --model aot-code and mha only, not ${c.model}`);
  if ((c.mhaArch !== undefined || c.context !== undefined) && c.model !== "mha") throw new UserError(`mhaArch and context apply to --model mha only, not ${c.model}`);
  if (c.mhaArch === "authors" && c.d % 2 !== 0) throw new UserError(`the authors' sinusoidal positions need an even --d, got ${c.d}`);
}

/**
 * Generates the seeded memorization task for a config.
 * @example const data = makeDataset(MODEL_DEFAULTS.aot, 1); data.size === 100
 */
export function makeDataset(c: ModelConfig, seed: number): Dataset {
  const rng = trainerRng(seed ^ 0x5eed);
  const N = datasetSize(c);
  const floats = new Map<string, { per: number; data: Float64Array }>();
  const ints = new Map<string, { per: number; data: Int32Array }>();
  if (c.model === "ks") {
    const x = new Float64Array(N * c.seqLen * c.d).map(() => rng.uniform());
    const y = new Float64Array(N).map(() => rng.sign());
    floats.set("x", { per: c.seqLen * c.d, data: x });
    floats.set("y", { per: 1, data: y });
  } else if (c.model === "mha") {
    floats.set("query", { per: c.d, data: new Float64Array(N * c.d).map(() => rng.uniform()) });
    const per = c.seqLen * c.d;
    if (c.context === "fixed") {
      const one = new Float64Array(per).map(() => rng.uniform());
      const all = new Float64Array(N * per);
      for (let e = 0; e < N; e++) all.set(one, e * per);
      floats.set("context", { per, data: all });
    } else floats.set("context", { per, data: new Float64Array(N * per).map(() => rng.uniform()) });
    if (c.classes > 0) ints.set("labels", { per: 1, data: new Int32Array(N).map(() => rng.int(c.classes)) });
    else floats.set("y", { per: 1, data: new Float64Array(N).map(() => rng.uniform()) });
    if (c.mhaArch === "authors") {
      const pe = sinusoidalPositions(c.seqLen + 1, c.d);
      const constants = new Map([["pos.query", pe.subarray(0, c.d)], ["pos.context", pe.subarray(c.d)]]);
      return { size: N, floats, ints, constants };
    }
  } else if (c.draw === "replacement") {
    // the authors' data (utils.py generate_data with a one-hot third-token law): a map g over all vocab^S
    // sequences, then `examples` sequences drawn uniformly with replacement
    const all = c.vocab ** c.seqLen;
    const g = new Int32Array(all).map(() => rng.int(c.vocab));
    const toks = new Int32Array(N * c.seqLen);
    const labels = new Int32Array(N);
    for (let e = 0; e < N; e++) {
      let id = rng.int(all);
      labels[e] = g[id]!;
      for (let s = c.seqLen - 1; s >= 0; s--) {
        toks[e * c.seqLen + s] = id % c.vocab;
        id = Math.floor(id / c.vocab);
      }
    }
    ints.set("tokens", { per: c.seqLen, data: toks });
    ints.set("labels", { per: 1, data: labels });
  } else {
    const all = c.vocab ** c.seqLen;
    // every sequence (T₀ = vocab^S) or a random distinct subset
    const ids = N === all ? Array.from({ length: all }, (_, i) => i) : sampleDistinct(rng, all, N);
    const toks = new Int32Array(N * c.seqLen);
    ids.forEach((id, e) => {
      for (let s = c.seqLen - 1; s >= 0; s--) {
        toks[e * c.seqLen + s] = id % c.vocab;
        id = Math.floor(id / c.vocab);
      }
    });
    ints.set("tokens", { per: c.seqLen, data: toks });
    ints.set("labels", { per: 1, data: new Int32Array(N).map(() => rng.int(c.vocab)) });
  }
  return { size: N, floats, ints };
}

/**
 * The sinusoidal table of the authors' SinPositionalEncoding (attn_models.py l. 90–99), rows × d row-major:
 * entry (p, 2i) = sin(p·10000^(−2i/d)), entry (p, 2i + 1) = cos(p·10000^(−2i/d)); d even.
 * @example sinusoidalPositions(2, 2) // [0, 1, sin 1, cos 1]
 */
export function sinusoidalPositions(rows: number, d: number): Float64Array {
  const pe = new Float64Array(rows * d);
  for (let p = 0; p < rows; p++) {
    for (let i = 0; 2 * i < d; i++) {
      const angle = p * Math.exp(2 * i * (-Math.log(10000) / d));
      pe[p * d + 2 * i] = Math.sin(angle);
      if (2 * i + 1 < d) pe[p * d + 2 * i + 1] = Math.cos(angle);
    }
  }
  return pe;
}

/**
 * The authors' parameter count of BaselineAttention (attn_models.py l. 16–23, 51–54) for input width dIn,
 * d_model d, H heads of width d_h, d_v = 1, d_o = d and `classes` outputs: the embedding dIn·d + d, per head
 * Wq, Wk (d·d_h each) and Wv (d·1), Wo (H·1·d), the decoder d·classes + classes (the positional table is a
 * buffer). @example mahdaviAuthorsParamCount({ dIn: 64, d: 64, dh: 64, H: 1, classes: 100 }) // 18980
 */
export function mahdaviAuthorsParamCount(s: { dIn: number; d: number; dh: number; H: number; classes: number }): number {
  const dv = 1, dOut = s.d;
  return s.dIn * s.d + s.d + s.H * (2 * s.d * s.dh + s.d * dv) + s.H * dv * dOut + s.d * s.classes + s.classes;
}

function sampleDistinct(rng: Rng, all: number, k: number): number[] {
  const seen = new Set<number>();
  while (seen.size < k) seen.add(rng.int(all));
  return [...seen].sort((a, b) => a - b);
}

/** A bias-free linear map x·W with W ~ N(0, std²/in) (its parameter is named `name`), or with the given init. */
function lin(g: GraphBuilder, x: string, rows: number, i: number, o: number, name: string, std = 1, init?: Init): string {
  const W = g.param(name, [i, o], init ?? { kind: "normal", std: std / Math.sqrt(i) });
  return g.linear(x, rows, i, o, W, undefined, `${name}(x)`);
}

/** U(±b): PyTorch's nn.Linear default is b = 1/√fan_in (kaiming_uniform with a = √5). */
const uniform = (b: number): Init => ({ kind: "uniform", lo: -b, hi: b });

/** View of a (B·rowsPerSeq) × (H·dh) tensor as (B, H, rowsPerSeq, dh). */
function headView(t: string, rowsPerSeq: number, H: number, dh: number): View {
  return { t, s0: rowsPerSeq * H * dh, s1: dh, rs: H * dh, cs: 1 };
}

/**
 * Builds the graph of a model for a given batch size (the same graph on every backend).
 * @example const g = buildModel(MODEL_DEFAULTS.aot, 100); g.paramCount > 0
 */
export function buildModel(c: ModelConfig, B: number): Graph {
  validateConfig(c);
  const g = new GraphBuilder(B);
  const { d, dh, heads: H } = c;
  if (c.model === "ks") {
    const n = c.seqLen, m = c.width;
    const x = g.input("x", [B * n, d]);
    let h = lin(g, x, B * n, d, m, "E_in");
    for (let l = 0; l < c.blocks; l++) h = g.ffnBlock(h, B * n, m, c.hidden, `F1.${l}`);
    const last = g.rows(h, B, m, n, n - 1, "F1.last");
    // F_SA with one head of width m: the value path V = Z W_V, O = W_O; uniform attention has no W_Q/W_K (≡ W_K = 0)
    const V = lin(g, h, B * n, m, m, "attn.W_V");
    let q: View | undefined, k: View | undefined;
    if (c.attention !== "uniform") {
      q = headView(lin(g, last, B, m, m, "attn.W_Q"), 1, 1, m);
      k = headView(lin(g, h, B * n, m, m, "attn.W_K"), n, 1, m);
    }
    const a = g.attention({ prefix: "attn", B, H: 1, nq: 1, nk: n, dh: m, dv: m, q, k, v: headView(V, n, 1, m), scale: 1, mode: c.attention, causal: false, qFirst: n - 1 });
    let z = g.addT(last, lin(g, a, B, m, m, "attn.W_O"), "attn.res");
    for (let l = 0; l < c.blocks; l++) z = g.ffnBlock(z, B, m, c.hidden, `F2.${l}`);
    const out = lin(g, z, B, m, 1, "E_out");
    g.mse(out, g.input("y", [B, 1]), B, 1, "sign", c.tol);
  } else if (c.model === "mha") {
    const n = c.seqLen;
    const authors = c.mhaArch === "authors", torch = c.init === "torch";
    let xq = g.input("query", [B, d]);
    let ctx = g.input("context", [B * n, d]);
    if (authors) {
      // one embedding Linear(d→d) with bias on every token, then the fixed positions (a dataset constant)
      const We = g.param("embed", [d, d], torch ? uniform(1 / Math.sqrt(d)) : { kind: "normal", std: 1 / Math.sqrt(d) });
      const be = g.param("embed.b", [d], torch ? uniform(1 / Math.sqrt(d)) : { kind: "zeros" });
      xq = g.addT(g.linear(xq, B, d, d, We, be, "embed(query)"), g.input("pos.query", [d]), "x_query", d);
      ctx = g.addT(g.linear(ctx, B * n, d, d, We, be, "embed(context)"), g.input("pos.context", [n, d]), "x_context", n * d);
    }
    const xavier = (fanIn: number, fanOut: number) => (torch ? uniform(Math.sqrt(6 / (fanIn + fanOut))) : undefined);
    const Q = lin(g, xq, B, d, H * dh, "W_Q", 1, xavier(d, dh));
    const K = lin(g, ctx, B * n, d, H * dh, "W_K", 1, xavier(d, dh));
    const V = lin(g, ctx, B * n, d, H, "W_V", 1, xavier(d, 1)); // d_v = 1 per head
    const a = g.attention({ prefix: "attn", B, H, nq: 1, nk: n, dh, dv: 1, q: headView(Q, 1, H, dh), k: headView(K, n, H, dh), v: headView(V, n, H, 1), scale: 1 / Math.sqrt(authors ? d : dh), mode: c.attention, causal: false, qFirst: n });
    const o = lin(g, a, B, H, d, "W_O", 1, xavier(H, d));
    const outs = c.classes > 0 ? c.classes : 1;
    const Wr = g.param("readout", [d, outs], torch ? uniform(1 / Math.sqrt(d)) : { kind: "normal", std: 1 / Math.sqrt(d) });
    const br = authors ? g.param("readout.b", [outs], torch ? uniform(1 / Math.sqrt(d)) : { kind: "zeros" }) : undefined;
    const out = g.linear(o, B, d, outs, Wr, br, "readout(x)");
    if (c.classes > 0) g.ce(out, g.intInput("labels", B), B, c.classes);
    else g.mse(out, g.input("y", [B, 1]), B, 1, "abs", c.tol);
  } else {
    const S = c.seqLen, V = c.vocab;
    const tokens = g.intInput("tokens", B * S);
    const torch = c.init === "torch";
    const E = g.param("embed", [V, d], torch ? uniform(1 / Math.sqrt(d)) : { kind: "normal", std: 1 });
    const e = g.gather(E, tokens, B * S, d, V, "e(t)");
    let res: string;
    if (c.model === "aot" || c.model === "transformer") {
      const P = g.param("pos", [S, d], { kind: "normal", std: 1 });
      const x = g.addT(e, P, "x", S * d);
      const xl = g.rows(x, B, d, S, S - 1, "x_S");
      const Q = lin(g, xl, B, d, H * dh, "W_Q");
      const K = lin(g, x, B * S, d, H * dh, "W_K");
      const Vv = lin(g, x, B * S, d, H * dh, "W_V");
      const aot = c.model === "aot";
      const a = g.attention({ prefix: "attn", B, H, nq: 1, nk: S, dh, dv: dh, q: headView(Q, 1, H, dh), k: headView(K, S, H, dh), v: headView(Vv, S, H, dh), scale: aot ? 1 : 1 / Math.sqrt(dh), mode: c.attention, causal: !aot, qFirst: S - 1 });
      res = g.addT(xl, lin(g, a, B, H * dh, d, "W_O"), "attn.res");
      if (c.model === "transformer") res = g.ffnBlock(res, B, d, c.hidden, "mlp");
    } else {
      // aot-code: the positional table has S + 1 rows (the authors' context window includes the predicted
      // token; the last row is a parameter that no forward pass reads, kept so the counts agree)
      const comp = d !== dh;
      const P = g.param("pos", [S + 1, dh], torch ? uniform(1 / Math.sqrt(dh)) : { kind: "normal", std: 1 });
      const ct = comp ? lin(g, e, B * S, d, dh, "compress", 1, torch ? uniform(1 / Math.sqrt(d)) : undefined) : e;
      const xt = g.addT(ct, P, "x̃", S * dh);
      const xtl = g.rows(xt, B, dh, S, S - 1, "x̃_S");
      const inProj = torch ? uniform(Math.sqrt(6 / (4 * dh))) : undefined;
      const Q = lin(g, xtl, B, dh, H * dh, "W_Q", 1, inProj);
      const K = lin(g, xt, B * S, dh, H * dh, "W_K", 1, inProj);
      const Vv = lin(g, xt, B * S, dh, H * dh, "W_V", 1, inProj);
      const a = g.attention({ prefix: "attn", B, H, nq: 1, nk: S, dh, dv: dh, q: headView(Q, 1, H, dh), k: headView(K, S, H, dh), v: headView(Vv, S, H, dh), scale: 1 / Math.sqrt(dh), mode: c.attention, causal: true, qFirst: S - 1 });
      let o = lin(g, a, B, H * dh, dh, "W_O", 1, torch ? uniform(1 / Math.sqrt(dh)) : undefined); // Σ_h W_O^h o_h (each head's out_proj has fan-in d_h)
      if (comp) o = lin(g, o, B, dh, d, "decompress", 1, torch ? uniform(1 / Math.sqrt(dh)) : undefined);
      res = g.addT(g.rows(e, B, d, S, S - 1, "e(t_S)"), o, "attn.res");
    }
    g.ce(lin(g, res, B, d, V, "W_U", 1, torch ? uniform(1 / Math.sqrt(d)) : undefined), g.intInput("labels", B), B, V);
  }
  return g.finish();
}

/**
 * Assembles the batch of examples `idx` for a graph built with batch size idx.length.
 * @example const b = assembleBatch(data, [0, 1, 2]);
 */
export function assembleBatch(data: Dataset, idx: readonly number[]): { floats: Map<string, Float64Array>; ints: Map<string, Int32Array> } {
  const floats = new Map<string, Float64Array>();
  const ints = new Map<string, Int32Array>();
  for (const [name, { per, data: src }] of data.floats) {
    const out = new Float64Array(idx.length * per);
    idx.forEach((e, r) => out.set(src.subarray(e * per, (e + 1) * per), r * per));
    floats.set(name, out);
  }
  for (const [name, { per, data: src }] of data.ints) {
    const out = new Int32Array(idx.length * per);
    idx.forEach((e, r) => out.set(src.subarray(e * per, (e + 1) * per), r * per));
    ints.set(name, out);
  }
  for (const [name, value] of data.constants ?? []) floats.set(name, value);
  return { floats, ints };
}
