/**
 * The independent checker: re-derives every claim of a certificate from its network and dataset.
 *
 * Verdict: REJECTED if some claim is certainly false (the first one is reported with the example
 * index and the computed vs claimed value), else INCONCLUSIVE if some claim cannot be decided at
 * the working precision, else VERIFIED. An unreadable or malformed certificate throws `Invalid`.
 * Networks without softmax are evaluated exactly whatever the evaluation mode says (exact is
 * stronger); softmax networks by intervals at max(certificate precisionDigits, --precision) digits.
 *
 * @example
 *   const r = checkCertificate(JSON.parse(text));
 *   r.verdict // "VERIFIED"
 */
import { QUANTITIES } from "../src/certificate/format.ts";
import { Rational } from "../src/numbers/rational.ts";
import { decideBound, parseBound, parseClaimedValue, type Expr } from "./bound.ts";
import { recount, type Counts } from "./counts.ts";
import { Evaluator } from "./evaluate.ts";
import { exactArith, toRationals } from "./exact.ts";
import { fastArith, toRational } from "./float.ts";
import { intervalArith, type Iv } from "./interval.ts";
import { Invalid, Undecided, validateCertificate, type Checked } from "./validate.ts";

export type Status = "verified" | "rejected" | "inconclusive";
export interface ClaimResult {
  id: string;
  kind: string;
  status: Status;
  detail: string;
  example?: number;
  computed?: string;
  claimed?: string;
  neededDigits?: number;
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
  /** raise the interval precision above the certificate's */
  precision?: number;
  /** softmax: skip the float64 fast path (decimal intervals only; for tests and benchmarks) */
  decimalOnly?: boolean;
  /** called with (examples done, total) while evaluating */
  progress?: (done: number, total: number) => void;
}

/** An output entry as an enclosure [lo, hi] of rationals (lo = hi when evaluated exactly). */
type Enc = { lo: Rational; hi: Rational };
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

function checkBound(claim: Extract<Checked["raw"]["claims"][number], { kind: "bound" }>, variables: ReadonlyMap<string, string>, vars: ReadonlyMap<string, bigint>, minDigits: number): Omit<ClaimResult, "id" | "kind"> {
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

/**
 * Checks every claim of a parsed certificate. Throws `Invalid` for a malformed certificate.
 * @example checkCertificate(JSON.parse(readFileSync("c.json", "utf8")), { precision: 60 }).verdict
 */
export function checkCertificate(data: unknown, opts: CheckOptions = {}): Report {
  const c = validateCertificate(data);
  // softmax and layernorm (a square root) have no exact value: both need interval arithmetic
  const softmax = c.layers.some((L) => (L.type === "attention" && L.attention === "softmax") || L.type === "layernorm");
  const ev = c.raw.evaluation;
  const P = Math.max(ev.mode === "interval" ? ev.precisionDigits : 0, opts.precision ?? 0, softmax ? 10 : 0);
  const N = c.sequences.length;
  /** The evaluator at a precision (exact when there is no softmax), as enclosures. */
  const evaluators = new Map<number, (i: number) => Enc[][]>();
  const evaluatorAt = (digits: number): ((i: number) => Enc[][]) => {
    let f = evaluators.get(digits);
    if (f) return f;
    if (softmax) {
      const A = intervalArith(digits);
      const e = new Evaluator(c, A);
      f = (i) => e.outputs(i).map((v: Iv[]) => v.map((x) => ({ lo: A.toRational(x.lo), hi: A.toRational(x.hi) })));
    } else {
      const e = new Evaluator(c, exactArith());
      f = (i) => e.outputs(i).map((v) => toRationals(v).map((r) => ({ lo: r, hi: r })));
    }
    evaluators.set(digits, f);
    return f;
  };
  const outputs = evaluatorAt(P);
  const target = (i: number, p: number): Rational[] => (c.raw.network.output.kind === "vector" ? c.labels[i]! : [c.labels[i]![p]!]);
  /** The smallest of 2P, 4P, 8P (≤ 4000) digits at which example i's criterion is decided, if any. */
  const escalate = (i: number, crit: { type: string; epsilon?: unknown }): number | undefined => {
    for (let digits = 2 * P; digits <= Math.min(8 * P, 4000); digits *= 2) {
      try {
        const outs = evaluatorAt(digits)(i);
        if (outs.every((o, p) => { const r = judge(crit, o, target(i, p), logits); return r.ok || r.sure; })) return digits;
      } catch (e) {
        if (!(e instanceof Undecided)) throw e;
      }
    }
    return undefined;
  };
  const logits = c.raw.network.output.kind === "logits";
  /** Softmax: float64 intervals first (float.ts); null where they fail (non-finite, undecided hardmax, a weight outside float range). */
  let fast: ((i: number) => Enc[][] | null) | null = null;
  if (softmax && !opts.decimalOnly) {
    try {
      const e = new Evaluator(c, fastArith());
      fast = (i) => {
        try {
          const o = e.outputs(i);
          if (o.some((v) => v instanceof Float64Array && !v.every(Number.isFinite))) return null;
          return o.map((v) => (v instanceof Float64Array ? Array.from({ length: v.length / 2 }, (_, k) => ({ lo: toRational(v[2 * k]!), hi: toRational(v[2 * k + 1]!) })) : toRationals(v).map((r) => ({ lo: r, hi: r }))));
        } catch (err) {
          if (err instanceof Undecided || err instanceof RangeError) return null;
          throw err;
        }
      };
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
    }
  }
  const fcache = new Map<number, Enc[][] | null>();
  const cache = new Map<number, Enc[][] | Undecided>();
  /** Outcome of a criterion on example i, one per read position (outputs cached across claims): float64 when it decides, else decimal. */
  const outcome = (i: number, crit: { type: string; epsilon?: unknown }): Outcome[] | Undecided => {
    if (fast) {
      if (!fcache.has(i)) fcache.set(i, fast(i)), opts.progress?.(fcache.size, N);
      const fo = fcache.get(i);
      const r = fo?.map((o, p) => judge(crit, o, target(i, p), logits));
      if (r?.every((o) => o.ok || o.sure)) return r;
    }
    let outs = cache.get(i);
    if (!outs) {
      try {
        outs = outputs(i);
      } catch (e) {
        if (!(e instanceof Undecided)) throw e;
        outs = e;
      }
      cache.set(i, outs);
      if (!fast) opts.progress?.(cache.size, N);
    }
    if (outs instanceof Undecided) return outs;
    return outs.map((o, p) => judge(crit, o, target(i, p), logits));
  };

  const counts = recount(c);
  const vars = measure(c, counts);
  const results: ClaimResult[] = c.raw.claims.map((claim) => {
    const base = { id: claim.id, kind: claim.kind };
    if (claim.kind === "count") {
      const got = vars.get(claim.quantity)!; // the schema admits only QUANTITIES
      const ok = got === BigInt(claim.value);
      return { ...base, status: ok ? "verified" : "rejected", detail: `${claim.quantity} = ${got}${ok ? "" : `, claimed ${claim.value}`}`, computed: String(got), claimed: String(claim.value) };
    }
    if (claim.kind === "bound") return { ...base, ...checkBound(claim, c.boundVariables.get(claim.id)!, vars, opts.precision ?? 0) };
    // memorizes: the listed examples meet the criterion and (for a list) no other example does
    const listed = claim.examples === "all" ? null : new Set(claim.examples);
    let undecided: ClaimResult | null = null;
    const inconclusive = (i: number, why: string): ClaimResult => {
      const need = softmax ? escalate(i, claim.criterion) : undefined;
      const more = need ? `; decided at ${need} digits (other examples may need more)` : `; not decided even at ${Math.min(8 * P, 4000)} digits (the values may be equal)`;
      return { ...base, status: "inconclusive", detail: `example ${i}: ${why}${more}`, example: i, neededDigits: need };
    };
    for (let i = 0; i < N; i++) {
      const want = listed === null || listed.has(i);
      const r = outcome(i, claim.criterion);
      if (r instanceof Undecided) {
        undecided ??= inconclusive(i, r.message);
        continue;
      }
      const sure = r.find((o) => !o.ok && o.sure) as Extract<Outcome, { ok: false }> | undefined;
      const unsure = r.find((o) => !o.ok && !o.sure) as Extract<Outcome, { ok: false }> | undefined;
      if (want && sure) return { ...base, status: "rejected", detail: `example ${i} fails ${claim.criterion.type}: computed ${sure.computed}, label ${sure.claimed}`, example: i, computed: sure.computed, claimed: sure.claimed };
      if (!want && !sure && !unsure) return { ...base, status: "rejected", detail: `example ${i} meets ${claim.criterion.type} but is not listed (the list must be exactly the memorized examples)`, example: i };
      if (unsure && !sure)
        undecided ??= inconclusive(i, `${claim.criterion.type} cannot be decided at ${P} digits (computed ${unsure.computed}, label ${unsure.claimed})`);
    }
    if (undecided) return undecided;
    return { ...base, status: "verified", detail: `${claim.count} of ${N} examples meet ${claim.criterion.type}${claim.criterion.type === "abs-error" ? ` (epsilon ${claim.criterion.epsilon})` : ""}${listed ? ", the others do not" : ""}` };
  });
  const verdict = results.some((r) => r.status === "rejected") ? "REJECTED" : results.some((r) => r.status === "inconclusive") ? "INCONCLUSIVE" : "VERIFIED";
  return { verdict, claims: results, arithmetic: softmax ? "interval" : "exact", precisionDigits: softmax ? P : null, examples: N, decimalExamples: softmax ? cache.size : null, construction: c.raw.construction.id };
}
