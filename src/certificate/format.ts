/**
 * The certificate format (docs/certificate.md): what a builder claims about the network it built,
 * in a form the independent checker (proofs-check/) re-derives from scratch.
 *
 * A certificate holds the network (IR, exact rational weights), the dataset inline, how the claims
 * are to be evaluated (exactly, or with rigorous intervals at a given precision) and the claims:
 *  - memorizes: every listed example's output meets the criterion
 *      exact     output == label exactly (piecewise-linear networks; scalar or per-position labels)
 *      argmax    the label's logit is strictly larger than every other logit
 *      abs-error |output − label| ≤ epsilon
 *  - count: a quantity measured from the network (parameters, width, …) equals `value`
 *  - bound: a formula from a paper evaluated on quantities the checker re-derives itself;
 *           `value` is the formula's value and `holds` whether `relation` is true.
 */
import { z } from "zod";
import { MatrixSchema, NetworkSchema, QSchema } from "../ir/network.ts";

export const CERTIFICATE_FORMAT = "memcap-certificate";
export const CERTIFICATE_VERSION = 1;

export const DatasetSchema = z.strictObject({
  /** Token vectors (one row per vocabulary entry) when the network takes vectors; absent for token-id networks. */
  vocabulary: MatrixSchema.optional(),
  /** Each sequence as a list of token indices (into the vocabulary, or token ids). */
  sequences: z.array(z.array(z.number().int().nonnegative()).min(1)).min(1),
  /** One label per sequence (next-token) or one per position (seq2seq). */
  labels: z.array(z.union([QSchema, z.array(QSchema)])),
});
export type Dataset = z.infer<typeof DatasetSchema>;

export const CriterionSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("exact") }),
  z.strictObject({ type: z.literal("argmax") }),
  z.strictObject({ type: z.literal("abs-error"), epsilon: QSchema }),
]);
export type Criterion = z.infer<typeof CriterionSchema>;

export const QUANTITIES = ["parameters", "nonzeroParameters", "width", "depth", "layers", "bitComplexity", "totalBits"] as const;
export type Quantity = (typeof QUANTITIES)[number];
/** What a bound claim's variable (and its `compare.quantity`) may be measured from: the dataset's N, n, d, C, or a network count. */
export const BOUND_SOURCES = ["N", "n", "d", "C", ...QUANTITIES] as const;

export const ClaimSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("memorizes"),
    id: z.string(),
    criterion: CriterionSchema,
    /** "all", or the sorted, distinct indices of the examples claimed. */
    examples: z.union([z.literal("all"), z.array(z.number().int().nonnegative())]),
    /** How many examples are claimed (the length of the list, or the dataset size for "all"). */
    count: z.number().int().nonnegative(),
  }),
  z.strictObject({
    kind: z.literal("count"),
    id: z.string(),
    quantity: z.enum(QUANTITIES),
    value: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]),
  }),
  z.strictObject({
    kind: z.literal("bound"),
    id: z.string(),
    /** Where the formula comes from, e.g. "Kajitsuka & Sato, Theorem 4.3". */
    source: z.string(),
    /** An expression of the bound grammar (docs/certificate.md, "Bound expressions") over the variables below. */
    expression: z.string(),
    /** Variable name → what it is measured from: dataset size N, sequence length n, input dim d, classes C, or a network count. */
    variables: z.record(z.string(), z.enum(BOUND_SOURCES)),
    /** The expression's value, 12 significant digits, as the checker recomputes it. */
    value: z.string(),
    /** Optional comparison: measured quantity `relation` expression. */
    compare: z
      .strictObject({ quantity: z.enum(BOUND_SOURCES), relation: z.enum(["<=", ">="]), holds: z.boolean() })
      .optional(),
  }),
]);
export type Claim = z.infer<typeof ClaimSchema>;

export const CertificateSchema = z.strictObject({
  format: z.literal(CERTIFICATE_FORMAT),
  version: z.literal(CERTIFICATE_VERSION),
  construction: z.strictObject({
    id: z.string(),
    paper: z.string(),
    options: z.record(z.string(), z.unknown()),
    seed: z.number().int().nullable(),
  }),
  network: NetworkSchema,
  dataset: DatasetSchema,
  evaluation: z.discriminatedUnion("mode", [
    z.strictObject({ mode: z.literal("exact") }),
    z.strictObject({ mode: z.literal("interval"), precisionDigits: z.number().int().min(10).max(100000) }),
  ]),
  claims: z.array(ClaimSchema).min(1),
});
export type Certificate = z.infer<typeof CertificateSchema>;
