/**
 * The checker's core: what each claim means and how it is decided (audit this file first, see
 * README.md "Audit order"). Values come from an `EnclosureSource` (source.ts): any enclosure that
 * contains the true value will do, so the decisions below are sound with the core's own reference
 * source alone (`decimalOnly`); the accelerator (accelerate.ts) only makes them faster.
 *
 * Verdict: REJECTED if some claim is certainly false (the first one is reported with the example
 * index and the computed vs claimed value), else INCONCLUSIVE if some claim cannot be decided at
 * the working precision, else VERIFIED. An unreadable or malformed certificate throws `Invalid`.
 * Networks without softmax are evaluated exactly whatever the evaluation mode says (exact is
 * stronger); softmax networks by intervals at max(certificate precisionDigits, --precision) digits,
 * at most MAX_PRECISION_DIGITS.
 *
 * @example
 *   const r = checkCertificate(JSON.parse(text));
 *   r.verdict // "VERIFIED"
 */
import { QUANTITIES } from "../src/certificate/format.ts";
import { Rational } from "../src/numbers/rational.ts";
import { acceleratedSource } from "./accelerate.ts";
import { decideBound, parseBound, parseClaimedValue, type Expr } from "./bound.ts";
import { recount, type Counts } from "./counts.ts";
import { checkKl } from "./kl.ts";
import { checkRank } from "./rank.ts";
import { MAX_PRECISION_DIGITS, needsIntervals, referenceSource, type Decision, type Enc, type EnclosureSource } from "./source.ts";
import { Invalid, Undecided, validateCertificate, type Checked } from "./validate.ts";

export type Status = Decision["status"];
export interface ClaimResult extends Decision {
  id: string;
  kind: string;
}
export interface Report {
  verdict: "VERIFIED" | "REJECTED" | "INCONCLUSIVE";
  claims: ClaimResult[];
  arithmetic: "exact" | "interval";
  precisionDigits: number | null;
  examples: number;
  /** softmax networks: examples the float64 fast path did not decide, evaluated in decimal intervals */
  decimalExamples: number | null;
  construction: string;
}
export interface CheckOptions {
  /** raise the interval precision above the certificate's (at most MAX_PRECISION_DIGITS) */
  precision?: number;
  /** softmax: the core alone — skip the accelerator (float64 fast path, escalation hints) */
  decimalOnly?: boolean;
  /** called with (examples done, total) while evaluating */
  progress?: (done: number, total: number) => void;
}

type Outcome = { ok: true } | { ok: false; sure: boolean; computed: string; claimed: string };

const show = (e: Enc): string => (e.lo.eq(e.hi) ? e.lo.toString() : `[${e.lo.toNumber().toPrecision(17)}, ${e.hi.toNumber().toPrecision(17)}]`);

/** Decides one criterion on one read position. */
function judge(crit: { type: string; epsilon?: unknown }, out: Enc[], label: Rational[], logits: boolean): Outcome {
  const claimed = label.map((l) => l.toString()).join(", ");
  const computed = out.map(show).join(", ");
  if (logits) {
    const c = Number(label[0]!.num);
    const me = out[c]!;
    let undecided = false;
    for (let k = 0; k < out.length; k++) {
      if (k === c) continue;
      if (out[k]!.lo.ge(me.hi)) return { ok: false, sure: true, computed: `argmax ${k} (logits ${computed})`, claimed: `class ${c}` };
      if (!me.lo.gt(out[k]!.hi)) undecided = true;
    }
    return undecided ? { ok: false, sure: false, computed: `logits ${computed}`, claimed: `class ${c}` } : { ok: true };
  }
  const eps = crit.type === "abs-error" ? Rational.from(crit.epsilon) : Rational.ZERO;
  let undecided = false;
  for (let i = 0; i < out.length; i++) {
    const { lo, hi } = out[i]!;
    const y = label[i]!;
    if (lo.sub(y).gt(eps) || y.sub(hi).gt(eps)) return { ok: false, sure: true, computed, claimed };
    if (hi.sub(y).gt(eps) || y.sub(lo).gt(eps)) undecided = true;
  }
  return undecided ? { ok: false, sure: false, computed, claimed } : { ok: true };
}

/** The variables a bound claim may name, measured from the certificate (a Map: names are plain data). */
function measure(c: Checked, k: Counts): Map<string, bigint> {
  let n = 0;
  for (const s of c.sequences) n = Math.max(n, s.length);
  // C: the logit count; else distinct labels — whole label vectors for "vector" outputs, values otherwise
  const o = c.raw.network.output.kind;
  const classes = o === "logits" ? c.outDim : new Set(o === "vector" ? c.labels.map((l) => l.join(",")) : c.labels.flat().map((l) => l.toString())).size;
  const m = new Map<string, bigint>([
    ["N", BigInt(c.sequences.length)],
    ["n", BigInt(n)],
    ["d", BigInt(c.raw.network.input.kind === "vectors" ? c.raw.network.input.dim : c.dims[1]!)],
    ["C", BigInt(classes)],
  ]);
  for (const q of QUANTITIES) m.set(q, BigInt(k[q]));
  return m;
}

function checkBound(claim: Extract<Checked["raw"]["claims"][number], { kind: "bound" }>, variables: ReadonlyMap<string, string>, vars: ReadonlyMap<string, bigint>, minDigits: number): Decision {
  let expr: Expr;
  try {
    expr = parseBound(claim.expression, [...variables.keys()]);
  } catch (e) {
    throw new Invalid(`claim ${claim.id}: expression "${claim.expression}": ${(e as Error).message}`);
  }
  const scope = new Map([...variables].map(([name, source]) => [name, vars.get(source)!] as const));
  const where = `${claim.expression}${scope.size ? ` with ${[...scope].map(([k, v]) => `${k}=${v}`).join(", ")}` : ""}`;
  const claimed = parseClaimedValue(claim.value);
  if (!claimed) return { status: "rejected", detail: `claimed value "${claim.value}" is not a plain decimal number`, claimed: claim.value };
  const q = claim.compare?.quantity;
  const m = q === undefined ? undefined : vars.get(q);
  if (q !== undefined && m === undefined) throw new Invalid(`claim ${claim.id}: unknown compared quantity "${q}" (one of ${[...vars.keys()].join(", ")})`);
  const r = decideBound(expr, scope, claim.compare && { measured: m!, relation: claim.compare.relation }, minDigits);
  if (r.kind === "no-value") return { status: "rejected", detail: `${where} has no real value: ${r.reason}`, claimed: claim.value };
  if (r.kind === "undecided") return { status: "inconclusive", detail: `${where}: ${r.reason}`, claimed: claim.value };
  const how = r.exact ? "exactly" : `enclosure ${r.enclosure} at ${r.digits} digits`;
  if (!claimed.eq(r.value)) return { status: "rejected", detail: `${where} = ${r.value} (${how}), claimed ${claim.value}`, computed: r.value, claimed: claim.value };
  if (!claim.compare) return { status: "verified", detail: `${where} = ${r.value} (${how})` };
  const text = `${q} = ${m} ${claim.compare.relation} ${r.value}`;
  const said = claim.compare.holds ? "holds" : "does not hold";
  if (r.holds !== claim.compare.holds) return { status: "rejected", detail: `${where} = ${r.value} (${how}); ${text} ${r.holds ? "holds" : "does not hold"}, but the certificate says it ${said}`, computed: String(r.holds), claimed: String(claim.compare.holds) };
  return { status: "verified", detail: `${where} = ${r.value} (${how}); ${text} ${said}, as claimed` };
}

type Claim = Checked["raw"]["claims"][number];
type Criterion = Extract<Claim, { kind: "memorizes" }>["criterion"];

/** `memorizes`: the listed examples meet the criterion and (for a list) no other example does. */
function checkMemorizes(c: Checked, claim: Extract<Claim, { kind: "memorizes" }>, src: EnclosureSource, P: number): Decision {
  const N = c.sequences.length;
  const logits = c.raw.network.output.kind === "logits";
  const target = (i: number, p: number): Rational[] => (c.raw.network.output.kind === "vector" ? c.labels[i]! : [c.labels[i]![p]!]);
  const crit: Criterion = claim.criterion;
  const judged = (i: number, outs: Enc[][]) => outs.map((o, p) => judge(crit, o, target(i, p), logits));
  /** an enclosure is enough for example i when it settles the criterion at every read position */
  const settles = (i: number) => (outs: Enc[][]) => judged(i, outs).every((o) => o.ok || o.sure);
  const listed = claim.examples === "all" ? null : new Set(claim.examples);
  let undecided: Decision | null = null;
  const inconclusive = (i: number, why: string): Decision => {
    const need = src.neededDigits(i, "outputs", settles(i));
    const more = need ? `; decided at ${need} digits (other examples may need more)` : `; not decided by the checker's hints up to ${Math.min(8 * P, MAX_PRECISION_DIGITS)} digits (the values may be equal)`;
    return { status: "inconclusive", detail: `example ${i}: ${why}${more}`, example: i, neededDigits: need };
  };
  for (let i = 0; i < N; i++) {
    const want = listed === null || listed.has(i);
    const outs = src.values(i, "outputs", settles(i));
    if (outs instanceof Undecided) {
      undecided ??= inconclusive(i, outs.message);
      continue;
    }
    const r = judged(i, outs);
    const sure = r.find((o) => !o.ok && o.sure) as Extract<Outcome, { ok: false }> | undefined;
    const unsure = r.find((o) => !o.ok && !o.sure) as Extract<Outcome, { ok: false }> | undefined;
    if (want && sure) return { status: "rejected", detail: `example ${i} fails ${crit.type}: computed ${sure.computed}, label ${sure.claimed}`, example: i, computed: sure.computed, claimed: sure.claimed };
    if (!want && !sure && !unsure) return { status: "rejected", detail: `example ${i} meets ${crit.type} but is not listed (the list must be exactly the memorized examples)`, example: i };
    if (unsure && !sure) undecided ??= inconclusive(i, `${crit.type} cannot be decided at ${P} digits (computed ${unsure.computed}, label ${unsure.claimed})`);
  }
  if (undecided) return undecided;
  return { status: "verified", detail: `${claim.count} of ${N} examples meet ${crit.type}${crit.type === "abs-error" ? ` (epsilon ${crit.epsilon})` : ""}${listed ? ", the others do not" : ""}` };
}

/** `count`: the quantity recounted from the network. */
function checkCount(claim: Extract<Claim, { kind: "count" }>, vars: ReadonlyMap<string, bigint>): Decision {
  const got = vars.get(claim.quantity);
  if (got === undefined) throw new Invalid(`claim ${claim.id}: unknown quantity "${claim.quantity}"`);
  const ok = got === BigInt(claim.value);
  return { status: ok ? "verified" : "rejected", detail: `${claim.quantity} = ${got}${ok ? "" : `, claimed ${claim.value}`}`, computed: String(got), claimed: String(claim.value) };
}

/** The working precision: max(certificate, --precision, 10 for softmax); Invalid above MAX_PRECISION_DIGITS. */
export function workingPrecision(c: Checked, opts: CheckOptions): number {
  const ev = c.raw.evaluation;
  const softmax = needsIntervals(c);
  const asked = Math.max(ev.mode === "interval" ? ev.precisionDigits : 0, opts.precision ?? 0);
  if (asked > MAX_PRECISION_DIGITS) throw new Invalid(`precision ${asked} digits is above the checker's maximum of ${MAX_PRECISION_DIGITS} (docs/certificate.md "Limits")`);
  return Math.max(asked, softmax ? 10 : 0);
}

/**
 * Decides every claim of a validated certificate with the given source (checkCertificate's core;
 * also for callers that decide many claim variants of one certificate, bench/checker-mutation.ts).
 */
export function checkClaims(c: Checked, src: EnclosureSource, P: number, counts: Counts = recount(c), boundDigits = 0): ClaimResult[] {
  const vars = measure(c, counts);
  return c.raw.claims.map((claim): ClaimResult => {
    const base = { id: claim.id, kind: claim.kind };
    switch (claim.kind) {
      case "count":
        return { ...base, ...checkCount(claim, vars) };
      case "bound":
        return { ...base, ...checkBound(claim, c.boundVariables.get(claim.id)!, vars, boundDigits) };
      case "memorizes":
        return { ...base, ...checkMemorizes(c, claim, src, P) };
      case "kl":
        return { ...base, ...checkKl(c, claim, src, P) };
      case "rank":
        return { ...base, ...checkRank(c, claim, src, P) };
    }
  });
}

/** REJECTED if a claim is rejected, else INCONCLUSIVE if one is inconclusive, else VERIFIED. */
export const verdictOf = (results: ClaimResult[]): Report["verdict"] =>
  results.some((r) => r.status === "rejected") ? "REJECTED" : results.some((r) => r.status === "inconclusive") ? "INCONCLUSIVE" : "VERIFIED";

/**
 * Checks every claim of a parsed certificate. Throws `Invalid` for a malformed certificate.
 * @example checkCertificate(JSON.parse(readFileSync("c.json", "utf8")), { precision: 60 }).verdict
 */
export function checkCertificate(data: unknown, opts: CheckOptions = {}): Report {
  return checkValidated(validateCertificate(data), opts);
}

/**
 * Checks a validated certificate. `precomputed` (parallel.ts) holds reference enclosures of outputs that
 * worker threads computed with this file's reference source on the same bytes; any other value is
 * computed here.
 */
export function checkValidated(c: Checked, opts: CheckOptions = {}, precomputed?: ReadonlyMap<number, Enc[][] | Undecided>): Report {
  const softmax = needsIntervals(c);
  const P = workingPrecision(c, opts);
  // the one place the accelerator is chosen; the decisions do not depend on which source it is
  const own = opts.decimalOnly ? referenceSource(c, P) : acceleratedSource(c, P, opts.progress);
  const src: EnclosureSource = precomputed ? { ...own, values: (i, what, enough) => (what === "outputs" && precomputed.get(i)) || own.values(i, what, enough) } : own;
  const results = checkClaims(c, src, P, recount(c), opts.precision ?? 0);
  return { verdict: verdictOf(results), claims: results, arithmetic: softmax ? "interval" : "exact", precisionDigits: softmax ? P : null, examples: c.sequences.length, decimalExamples: softmax ? src.referenceExamples() : null, construction: c.raw.construction.id };
}
