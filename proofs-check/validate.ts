/**
 * Reads a certificate into the checker's own typed form and checks every structural and semantic
 * constraint the evaluator relies on. The zod schema (src/certificate/format.ts) only fixes the
 * JSON shape; everything below it — dimensions, indices, label shapes, example lists — is checked here.
 * Weights are parsed once into exact rationals.
 *
 * @example
 *   const cert = validateCertificate(JSON.parse(text)); // throws Invalid with one line on any defect
 */
import { BOUND_SOURCES, CertificateSchema, type Certificate, type Claim } from "../src/certificate/format.ts";
import { Rational } from "../src/numbers/rational.ts";

/** The certificate cannot be read or violates the format: exit code 2. */
export class Invalid extends Error {
  override name = "Invalid";
}

/** A value cannot be decided at the working precision: exit code 3. */
export class Undecided extends Error {
  override name = "Undecided";
}

export type Mat = Rational[][];
export interface HeadQ { WQ: Mat; WK: Mat; WV: Mat; WO: Mat }
export type LayerQ =
  | { type: "embedding"; table: Mat }
  | { type: "positional"; table: Mat }
  | { type: "affine"; W: Mat; b: Rational[] | null }
  | { type: "relu" }
  | { type: "layernorm"; gamma: Rational[]; beta: Rational[]; eps: Rational }
  | { type: "ffn"; W1: Mat; b1: Rational[]; W2: Mat; b2: Rational[] }
  | { type: "attention"; attention: "softmax" | "hardmax" | "uniform"; heads: HeadQ[]; residual: boolean; scale: Rational; invSqrt: Rational | null; queries: "all" | "last"; keys: "all" | "all-but-last" | "causal" };

/** A certificate after validation: exact weights, dimensions known, labels parsed. */
export interface Checked {
  raw: Certificate;
  layers: LayerQ[];
  /** token dimension entering each layer, and after the last one (dims.length = layers.length + 1) */
  dims: number[];
  /** input vectors per vocabulary entry (vectors input), or null (token ids) */
  vocabulary: Mat | null;
  sequences: number[][];
  /** labels[i] is one value per read position (length 1 for positions "last") */
  labels: Rational[][];
  outDim: number;
  /** bound claim id → (variable name → source), read from the JSON itself so that any name (`__proto__` too) is plain data */
  boundVariables: Map<string, Map<string, string>>;
}

const fail = (msg: string): never => {
  throw new Invalid(msg);
};

function num(v: unknown, where: string): Rational {
  try {
    return Rational.from(v);
  } catch {
    return fail(`${where}: not a rational number: ${JSON.stringify(v)}`);
  }
}

/** Parses a matrix and checks it is rows × cols (a 0-row matrix fits any column count). */
function mat(m: unknown[][], rows: number | null, cols: number | null, where: string): Mat {
  if (rows !== null && m.length !== rows) fail(`${where}: expected ${rows} rows, found ${m.length}`);
  return m.map((row, i) => {
    if (cols !== null && row.length !== cols) fail(`${where}: row ${i} has ${row.length} entries, expected ${cols}`);
    return row.map((v, j) => num(v, `${where}[${i}][${j}]`));
  });
}

function vec(v: unknown[], len: number, where: string): Rational[] {
  if (v.length !== len) fail(`${where}: expected ${len} entries, found ${v.length}`);
  return v.map((x, i) => num(x, `${where}[${i}]`));
}

/**
 * Validates parsed JSON as a certificate (schema, then semantics) and returns the checker's form.
 * @example validateCertificate({format: "memcap-certificate", ...}).dims // [1, 3, 3, 1]
 */
export function validateCertificate(data: unknown): Checked {
  const r = CertificateSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    fail(`invalid at ${issue.path.length ? issue.path.map(String).join(".") : "(top level)"}: ${issue.message}`);
  }
  const cert = r.data as Certificate;
  const net = cert.network;
  const ds = cert.dataset;
  const N = ds.sequences.length;
  const maxLen = Math.max(...ds.sequences.map((s) => s.length));

  // input: token ids must be embedded first; vectors come from the dataset's vocabulary
  let vocabulary: Mat | null = null;
  let dim: number;
  if (net.input.kind === "vectors") {
    if (!ds.vocabulary) fail("dataset.vocabulary is required for a network with vector input");
    vocabulary = mat(ds.vocabulary!, null, net.input.dim, "dataset.vocabulary");
    if (vocabulary.length === 0) fail("dataset.vocabulary is empty");
    dim = net.input.dim;
  } else {
    if (ds.vocabulary) fail("dataset.vocabulary must be absent for a token-id network (the embedding layer holds the vectors)");
    if (net.layers[0]?.type !== "embedding") fail("a token-id network must start with an embedding layer");
    dim = 0;
  }
  const nTokens = vocabulary ? vocabulary.length : net.input.kind === "tokens" ? net.input.vocab : 0;
  ds.sequences.forEach((s, i) => s.forEach((t, k) => t >= nTokens && fail(`dataset.sequences[${i}][${k}] = ${t} is out of range (${nTokens} tokens)`)));

  const layers: LayerQ[] = [];
  const dims: number[] = [];
  net.layers.forEach((L, li) => {
    const w = `network.layers[${li}]`;
    dims.push(dim);
    switch (L.type) {
      case "embedding": {
        if (li !== 0 || net.input.kind !== "tokens") fail(`${w}: an embedding layer may only be the first layer of a token-id network`);
        const cols = L.table[0]?.length ?? 0;
        if (cols === 0) fail(`${w}: empty embedding table`);
        layers.push({ type: "embedding", table: mat(L.table, nTokens, cols, `${w}.table`) });
        dim = cols;
        break;
      }
      case "positional":
        if (L.table.length < maxLen) fail(`${w}: positional table has ${L.table.length} rows, sequences have up to ${maxLen} positions`);
        layers.push({ type: "positional", table: mat(L.table, null, dim, `${w}.table`) });
        break;
      case "affine": {
        if (L.W.length === 0) fail(`${w}: affine map with no rows`);
        const W = mat(L.W, null, dim, `${w}.W`);
        layers.push({ type: "affine", W, b: L.b ? vec(L.b, W.length, `${w}.b`) : null });
        dim = W.length;
        break;
      }
      case "relu":
        layers.push({ type: "relu" });
        break;
      case "layernorm": {
        const eps = num(L.eps, `${w}.eps`);
        if (eps.sign() <= 0) fail(`${w}.eps: must be positive (the variance may be 0), got ${eps}`);
        if (cert.evaluation.mode === "exact") fail(`${w}: layernorm (a square root) cannot be evaluated exactly; the certificate must use evaluation mode "interval"`);
        layers.push({ type: "layernorm", gamma: vec(L.gamma, dim, `${w}.gamma`), beta: vec(L.beta, dim, `${w}.beta`), eps });
        break;
      }
      case "ffn": {
        const W1 = mat(L.W1, null, dim, `${w}.W1`);
        const h = W1.length;
        layers.push({ type: "ffn", W1, b1: vec(L.b1, h, `${w}.b1`), W2: mat(L.W2, dim, h, `${w}.W2`), b2: vec(L.b2, dim, `${w}.b2`) });
        break;
      }
      case "attention": {
        const out = L.heads[0]!.WO.length;
        const heads = L.heads.map((H, hi) => {
          const hw = `${w}.heads[${hi}]`;
          const WQ = mat(H.WQ, null, dim, `${hw}.WQ`);
          const WK = mat(H.WK, L.attention === "uniform" ? null : WQ.length, dim, `${hw}.WK`);
          const WV = mat(H.WV, null, dim, `${hw}.WV`);
          return { WQ, WK, WV, WO: mat(H.WO, out, WV.length, `${hw}.WO`) };
        });
        if (out === 0) fail(`${w}: attention output dimension is 0`);
        if ((L.residual || L.queries === "last") && out !== dim) fail(`${w}: output dimension ${out} must equal the input dimension ${dim} (residual or last-query attention)`);
        if (L.keys === "all-but-last" && Math.min(...ds.sequences.map((s) => s.length)) < 2) fail(`${w}: keys "all-but-last" needs sequences of length ≥ 2`);
        if (L.attention === "softmax" && cert.evaluation.mode === "exact") fail(`${w}: softmax attention cannot be evaluated exactly; the certificate must use evaluation mode "interval"`);
        const invSqrt = L.scaleInvSqrt === undefined ? null : num(L.scaleInvSqrt, `${w}.scaleInvSqrt`);
        if (invSqrt && invSqrt.sign() <= 0) fail(`${w}.scaleInvSqrt: must be a positive rational, got ${invSqrt}`);
        layers.push({ type: "attention", attention: L.attention, heads, residual: L.residual, scale: L.scale === undefined ? Rational.ONE : num(L.scale, `${w}.scale`), invSqrt, queries: L.queries, keys: L.keys });
        dim = out;
        break;
      }
    }
  });
  dims.push(dim);
  if (dim === 0) fail("the network has no layers producing a vector");

  const o = net.output;
  if (o.kind === "scalar" && dim !== 1) fail(`output kind "scalar" needs a 1-dimensional output, the network gives ${dim}`);
  if (o.kind === "logits" && dim < 2) fail(`output kind "logits" needs at least 2 logits, the network gives ${dim}`);
  if (o.kind === "vector" && o.positions === "all") fail(`output kind "vector" at positions "all" has no label shape in format version 1`);
  if (ds.labels.length !== N) fail(`dataset has ${N} sequences but ${ds.labels.length} labels`);
  const labels = ds.labels.map((lab, i) => {
    const w = `dataset.labels[${i}]`;
    const want = o.positions === "all" ? ds.sequences[i]!.length : o.kind === "vector" ? dim : 0;
    const vals = want === 0 ? (Array.isArray(lab) ? fail(`${w}: expected one value`) : [num(lab, w)]) : Array.isArray(lab) ? vec(lab, want, w) : fail(`${w}: expected a list of ${want} values`);
    if (o.kind === "logits") vals.forEach((c, k) => (!c.isInteger() || c.sign() < 0 || c.ge(Rational.of(dim))) && fail(`${w}${want ? `[${k}]` : ""}: class ${c} is not in [0, ${dim})`));
    return vals;
  });

  const ids = new Set<string>();
  const boundVariables = new Map<string, Map<string, string>>();
  cert.claims.forEach((c: Claim, ci) => {
    const w = `claims[${ci}] (${c.id})`;
    if (ids.has(c.id)) fail(`${w}: duplicate claim id`);
    ids.add(c.id);
    if (c.kind === "bound") {
      // zod's record output drops a "__proto__" key: take the names from the parsed JSON, values checked here
      const raw = (data as { claims: { variables: Record<string, unknown> }[] }).claims[ci]!.variables;
      const vars = new Map<string, string>();
      for (const name of Object.keys(raw)) {
        const src = Object.getOwnPropertyDescriptor(raw, name)!.value as unknown;
        if (typeof src !== "string" || !(BOUND_SOURCES as readonly string[]).includes(src)) fail(`invalid at claims.${ci}.variables.${name}: not one of ${BOUND_SOURCES.join(", ")}`);
        vars.set(name, src as string);
      }
      boundVariables.set(c.id, vars);
    }
    if (c.kind !== "memorizes") return;
    if (c.examples === "all") {
      if (c.count !== N) fail(`${w}: count ${c.count} but "all" means ${N} examples`);
    } else {
      const ex = c.examples;
      ex.forEach((e, k) => {
        if (e >= N) fail(`${w}: example index ${e} is out of range (${N} sequences)`);
        if (k > 0 && e <= ex[k - 1]!) fail(`${w}: example indices must be sorted and distinct (${ex[k - 1]} then ${e})`);
      });
      if (c.count !== c.examples.length) fail(`${w}: count ${c.count} but ${c.examples.length} examples are listed`);
    }
    const crit = c.criterion.type;
    if (crit === "argmax" && o.kind !== "logits") fail(`${w}: criterion argmax needs output kind "logits"`);
    if (crit !== "argmax" && o.kind === "logits") fail(`${w}: criterion ${crit} does not apply to logits (use argmax)`);
    if (c.criterion.type === "abs-error" && num(c.criterion.epsilon, `${w}.epsilon`).sign() < 0) fail(`${w}: negative epsilon`);
  });

  return { raw: cert, layers, dims, vocabulary, sequences: ds.sequences, labels, outDim: dim, boundVariables };
}
