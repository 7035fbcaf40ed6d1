/**
 * memcap's network IR: plain, JSON-serializable data (docs/network-ir.md).
 *
 * A network maps a sequence of tokens to outputs. Tokens enter either as vectors in R^d
 * (`input.kind = "vectors"`) or as integer ids looked up by an `embedding` layer
 * (`input.kind = "tokens"`). Every weight is an exact rational written as a string
 * ("3", "-2/7", "0.125"); the evaluators (src/eval) read them exactly, by intervals, or as floats.
 *
 * Layers act on the sequence X = (x_1 … x_n), x_i ∈ R^width:
 *   embedding   x_i = table[token_i]                                  (ids → vectors)
 *   positional  x_i = x_i + table[i]
 *   affine      x_i = W x_i + b                                       (token-wise; W is out×in)
 *   relu        x_i = max(x_i, 0)
 *   ffn         x_i = x_i + W2 ReLU(W1 x_i + b1) + b2                 (residual block, eq. (3) of K&S)
 *   layernorm   x_i = γ ⊙ (x_i − μ_i)/√(σ_i² + ε) + β                (μ_i, σ_i²: mean and biased variance of x_i's
 *               components, as PyTorch's LayerNorm; irrational in general: interval evaluation only)
 *   attention   y_i = [x_i if residual] + Σ_h WO_h WV_h Σ_j a^h_ij x_j
 *               with a^h_i· = σ(s^h_i·), s^h_ij = scale·(WQ_h x_i)·(WK_h x_j) [/√scaleInvSqrt],
 *               σ ∈ {softmax, hardmax, uniform}; only the query positions listed are computed
 *               and the key positions may exclude the last token (a query that attends to its context only).
 * The `output` says which positions are read and how the result is interpreted.
 */
import { z } from "zod";

export const NETWORK_FORMAT = "memcap-network";
export const NETWORK_VERSION = 1;

/** An exact rational written as a string, or a JSON integer. */
export const QSchema = z.union([
  z.string().regex(/^\s*[+-]?(\d+(\s*\/\s*\d+)?|\d*\.\d+([eE][+-]?\d+)?|\d+\.?\d*([eE][+-]?\d+)?)\s*$/, "not a rational number"),
  z.number().int().refine(Number.isSafeInteger, "integer too large for a JSON number; write it as a string"),
]);
export type Q = z.infer<typeof QSchema>;

export const VectorSchema = z.array(QSchema);
export const MatrixSchema = z.array(VectorSchema).superRefine((m, ctx) => {
  if (m.length > 0) {
    const w = m[0]!.length;
    m.forEach((row, i) => {
      if (row.length !== w) ctx.addIssue({ code: "custom", message: `ragged matrix: row ${i} has ${row.length} entries, row 0 has ${w}` });
    });
  }
});
export type Vector = Q[];
export type Matrix = Q[][];

export const HeadSchema = z.strictObject({
  WQ: MatrixSchema, // d_h × d_in   (may be 0×d_in for uniform attention)
  WK: MatrixSchema, // d_h × d_in
  WV: MatrixSchema, // d_v × d_in
  WO: MatrixSchema, // d_out × d_v
});
export type Head = z.infer<typeof HeadSchema>;

export const LayerSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("embedding"), table: MatrixSchema }),
  z.strictObject({ type: z.literal("positional"), table: MatrixSchema }),
  z.strictObject({ type: z.literal("affine"), W: MatrixSchema, b: VectorSchema.optional(), name: z.string().optional() }),
  z.strictObject({ type: z.literal("relu") }),
  z.strictObject({
    type: z.literal("ffn"),
    W1: MatrixSchema,
    b1: VectorSchema,
    W2: MatrixSchema,
    b2: VectorSchema,
    name: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal("layernorm"),
    /** per-component scale γ and shift β (PyTorch's LayerNorm weight and bias) */
    gamma: VectorSchema,
    beta: VectorSchema,
    /** ε > 0 added to the variance */
    eps: QSchema,
    name: z.string().optional(),
  }),
  z.strictObject({
    type: z.literal("attention"),
    attention: z.enum(["softmax", "hardmax", "uniform"]),
    heads: z.array(HeadSchema).min(1),
    residual: z.boolean(),
    /** Multiplies every score; "1" when absent. */
    scale: QSchema.optional(),
    /**
     * Also multiplies every score by 1/√r for this positive rational r (the 1/√d_h of trained models
     * when d_h is not a perfect square: an irrational factor, enclosed rigorously by the interval
     * evaluators; hardmax and uniform attention do not depend on a positive factor). Absent: 1.
     */
    scaleInvSqrt: QSchema.optional(),
    /** "all": every position is a query; "last": only the last one (others pass through unchanged). */
    queries: z.enum(["all", "last"]).default("all"),
    /** "all": every position is a key; "all-but-last": the last token is the query only. */
    keys: z.enum(["all", "all-but-last", "causal"]).default("all"),
    name: z.string().optional(),
  }),
]);
export type Layer = z.infer<typeof LayerSchema>;
export type LayerType = Layer["type"];

export const NetworkSchema = z.strictObject({
  format: z.literal(NETWORK_FORMAT),
  version: z.literal(NETWORK_VERSION),
  input: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("vectors"), dim: z.number().int().positive() }),
    z.strictObject({ kind: z.literal("tokens"), vocab: z.number().int().positive() }),
  ]),
  layers: z.array(LayerSchema),
  output: z.strictObject({
    /** Which positions are read: the last one (next-token) or every one (seq2seq). */
    positions: z.enum(["last", "all"]),
    /** scalar: a 1-dim output read as a number; logits: argmax is the prediction; vector: read as is. */
    kind: z.enum(["scalar", "logits", "vector"]),
  }),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type Network = z.infer<typeof NetworkSchema>;
