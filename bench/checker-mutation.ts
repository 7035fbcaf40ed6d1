/**
 * Mutation benchmark of the checker (issue 14; a benchmark, not a test): many single mutations of
 * the certificates every construction writes (ks next-token, ks seq2seq, mha, aot, aot-distribution),
 * each decided by the checker and by an INDEPENDENT reference; prints the count of false VERIFIED
 * (checker VERIFIED while the reference shows some claim false — target 0) and the time.
 *
 *   npx tsx bench/checker-mutation.ts [--mutants 100000] [--network-mutants 300] [--seed 1]
 *
 * Claim mutants (cheap: each base certificate is validated once and its enclosures are cached, so a
 * mutant costs one claim decision): count values and quantities; bound values (digits, equal
 * spellings), expressions (digits, operators, floor/ceil/min/max wrappers, tiny offsets), compare
 * relation / quantity / holds; memorizes labels (near and far, toward the ε boundary), ε (down to 0),
 * example lists; kl ends and π; rank values. Network mutants (full check of the mutated file): softmax
 * query weights scaled toward extreme score gaps (×10^k, k up to 5000) and single weight digits.
 *
 * References (none of them proofs-check code): counts by src/ir/count.ts; variables measured here;
 * bound formulas by mathjs BigNumber at 120 digits (tolerances set to 1e-100; a comparison tie is
 * known only when the value is an integer); outputs by
 * src/eval/exact.ts (exact) or src/eval/interval.ts at 60 digits; d_KL by the builder's klEnclosure
 * at 60 digits; rank(Z) = T from the builder's Krawczyk certificate. A reference that cannot decide
 * a claim marks it unknown; a mutant is "false" when some claim is certainly false.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";
import { Decimal } from "decimal.js";
import type { MathJsInstance } from "mathjs";
import { checkCertificate, checkClaims, verdictOf, workingPrecision } from "../proofs-check/check.ts";
import { acceleratedSource } from "../proofs-check/accelerate.ts";
import { recount } from "../proofs-check/counts.ts";
import { Invalid, Undecided, validateCertificate, type Checked } from "../proofs-check/validate.ts";
import { QUANTITIES, type Certificate, type Claim } from "../src/certificate/format.ts";
import { countNetwork } from "../src/ir/count.ts";
import type { Network } from "../src/ir/network.ts";
import { evaluateExact } from "../src/eval/exact.ts";
import { evaluateInterval } from "../src/eval/interval.ts";
import { decimalToRational } from "../src/numbers/interval.ts";
import { Rational } from "../src/numbers/rational.ts";
import { decimalLogitEnclosures } from "../constructions/dana/decimal-interval.ts";
import { klEnclosure } from "../constructions/dana/distribution.ts";
import { mulberry32 } from "../src/random.ts";

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MUTANTS = arg("mutants", 100_000);
const NET_MUTANTS = arg("network-mutants", 300);
const rnd = mulberry32(arg("seed", 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));

type Truth = "true" | "false" | "unknown";
const and = (ts: Truth[]): Truth => (ts.includes("false") ? "false" : ts.includes("unknown") ? "unknown" : "true");

// ---------- base certificates, built by the CLI ----------

const dir = mkdtempSync(join(tmpdir(), "mutation-"));
const BASES: [string, string[]][] = [
  ["ks-next-token", ["--N", "30", "--n", "3", "--d", "2", "--classes", "2", "--seed", "5"]],
  ["ks-seq2seq", ["--N", "6", "--n", "3", "--d", "2", "--classes", "2", "--vocab", "8", "--seed", "5"]],
  ["mha", ["--d", "8", "--n", "3", "--H", "3", "--dh", "3", "--context", "random", "--seed", "5"]],
  ["aot", ["--N", "6", "--S", "2", "--d", "2", "--dh", "2", "--H", "8", "--seed", "5"]],
  ["aot-distribution", ["--N", "6", "--S", "2", "--d", "2", "--dh", "2", "--H", "8", "--seed", "5"]],
];

// ---------- the reference ----------

const math: MathJsInstance = (() => {
  const { create, all } = createRequire(import.meta.url)("mathjs") as typeof import("mathjs");
  return create(all!, { number: "BigNumber", precision: 120, relTol: 1e-100, absTol: 1e-110 } as never);
})();
const HP = Decimal.clone({ precision: 120 });
const exprCache = new Map<string, Decimal | null>();
/** The formula at 120 digits, or null when it has no finite real value (or does not parse). */
function refEval(expression: string, scope: Record<string, number>): Decimal | null {
  const k = expression + JSON.stringify(scope);
  if (exprCache.has(k)) return exprCache.get(k)!;
  let v: Decimal | null = null;
  try {
    const s: Record<string, unknown> = {};
    for (const [n, x] of Object.entries(scope)) s[n] = math.bignumber(x);
    const r = math.evaluate(expression, s) as unknown;
    if (math.isBigNumber(r) && (r as Decimal).isFinite()) v = new HP((r as Decimal).toString());
  } catch {
    v = null;
  }
  exprCache.set(k, v);
  return v;
}

interface Ref {
  counts: Record<string, number>;
  vars: Record<string, number>;
  /** outputs[i][p][k] as rational enclosures (lo = hi when exact), or null where the reference failed */
  outputs: ({ lo: Rational; hi: Rational }[][] | null)[];
  kl: [Decimal, Decimal] | null;
  rank: number | null;
}

function measureRef(cert: Certificate, counts: Record<string, number>, labels = cert.dataset.labels): Record<string, number> {
  const net = cert.network;
  let n = 0;
  for (const s of cert.dataset.sequences) n = Math.max(n, s.length);
  const emb = net.layers[0]?.type === "embedding" ? net.layers[0].table[0]!.length : 0;
  const outDim = cert.network.output.kind === "logits" ? lastDim(net) : 0;
  return { N: cert.dataset.sequences.length, n, d: net.input.kind === "vectors" ? net.input.dim : emb, C: outDim || new Set(labels.flat().map((l) => Rational.from(l).toString())).size, ...counts };
}
function lastDim(net: Network): number {
  for (let i = net.layers.length - 1; i >= 0; i--) {
    const L = net.layers[i]!;
    if (L.type === "affine") return L.W.length;
    if (L.type === "attention") return L.heads[0]!.WO.length;
  }
  return 0;
}

function reference(cert: Certificate, withRank: number | null): Ref {
  const net = cert.network;
  const counts = countNetwork(net) as unknown as Record<string, number>;
  const vocab = cert.dataset.vocabulary?.map((r) => r.map((v) => Rational.from(v)));
  const softmax = net.layers.some((L) => L.type === "attention" && L.attention === "softmax");
  let outputs: Ref["outputs"];
  try {
    if (!softmax) outputs = evaluateExact(net, cert.dataset.sequences, vocab).map((ps) => ps.map((v) => v.map((r) => ({ lo: r, hi: r }))));
    else outputs = evaluateInterval(net, cert.dataset.sequences, vocab, { precisionDigits: 60 }).map((ps) => ps.map((v) => v.map((x) => ({ lo: decimalToRational(x.lo), hi: decimalToRational(x.hi) }))));
  } catch {
    outputs = cert.dataset.sequences.map(() => null);
  }
  let kl: [Decimal, Decimal] | null = null;
  const klc = cert.claims.find((c) => c.kind === "kl");
  if (klc) kl = refKl(cert, klc.target);
  return { counts, vars: measureRef(cert, counts), outputs, kl, rank: withRank };
}

const logitCache = new WeakMap<Network, ReturnType<typeof decimalLogitEnclosures>>();
function refKl(cert: Certificate, target: Extract<Claim, { kind: "kl" }>["target"]): [Decimal, Decimal] | null {
  try {
    const p = target.conditionals.map((r) => r.map((v) => Rational.from(v)));
    const w = target.weights.map((v) => Rational.from(v));
    const sum = (xs: Rational[]) => xs.reduce((s, x) => s.add(x), Rational.ZERO);
    if (!sum(w).eq(Rational.ONE) || p.some((r) => !sum(r).eq(Rational.ONE) || r.some((x) => x.sign() < 0)) || w.some((x) => x.sign() < 0)) return null;
    let logits = logitCache.get(cert.network);
    if (!logits) logitCache.set(cert.network, (logits = decimalLogitEnclosures(cert.network, cert.dataset.sequences, 60)));
    const [lo, hi] = klEnclosure(p, w, logits, 40);
    return lo.isFinite() && hi.isFinite() ? [lo, hi] : null;
  } catch {
    return null;
  }
}

/** Whether a criterion holds on one read position, from a reference enclosure. */
function meets(crit: Extract<Claim, { kind: "memorizes" }>["criterion"], out: { lo: Rational; hi: Rational }[], label: Rational[], logits: boolean): Truth {
  if (logits) {
    const c = Number(label[0]!.num);
    let unknown = false;
    for (let k = 0; k < out.length; k++) {
      if (k === c) continue;
      if (out[k]!.lo.ge(out[c]!.hi)) return "false";
      if (!out[c]!.lo.gt(out[k]!.hi)) unknown = true;
    }
    return unknown ? "unknown" : "true";
  }
  const eps = crit.type === "abs-error" ? Rational.from(crit.epsilon) : Rational.ZERO;
  let unknown = false;
  for (let i = 0; i < out.length; i++) {
    const { lo, hi } = out[i]!;
    const y = label[i]!;
    if (lo.sub(y).gt(eps) || y.sub(hi).gt(eps)) return "false";
    if (hi.sub(y).gt(eps) || y.sub(lo).gt(eps)) unknown = true;
  }
  return unknown ? "unknown" : "true";
}

function claimTruth(claim: Claim, cert: Certificate, ref: Ref, labels: Rational[][]): Truth {
  switch (claim.kind) {
    case "count": {
      if (!(QUANTITIES as readonly string[]).includes(claim.quantity)) return "false";
      return String(ref.counts[claim.quantity]) === String(claim.value).replace(/^0+(?=\d)/, "") ? "true" : "false";
    }
    case "bound": {
      const scope: Record<string, number> = {};
      for (const [v, src] of Object.entries(claim.variables)) scope[v] = ref.vars[src]!;
      const x = refEval(claim.expression, scope);
      if (x === null) return "false";
      const r = x.toSignificantDigits(12, Decimal.ROUND_HALF_UP);
      // within 1e-100 of a rounding boundary: the reference cannot tell either
      const half = new HP(10).pow(x.abs().e - 11).div(2);
      const dist = x.abs().minus(x.abs().toSignificantDigits(12, Decimal.ROUND_DOWN)).minus(half).abs();
      if (dist.lte(x.abs().times("1e-100"))) return "unknown";
      let claimed: Decimal;
      try {
        claimed = new HP(claim.value.trim());
      } catch {
        return "false";
      }
      if (!claimed.isFinite() || !claimed.eq(r)) return "false";
      if (!claim.compare) return "true";
      if (!Object.hasOwn(ref.vars, claim.compare.quantity)) return "false";
      const m = new HP(ref.vars[claim.compare.quantity]!);
      // `measured relation value`, inclusive (docs/certificate.md); a tie is known only for an integer value
      const tie = x.isInteger() && m.eq(x);
      if (!tie && m.minus(x).abs().lte(x.abs().times("1e-100"))) return "unknown";
      const holds = tie || (claim.compare.relation === "<=" ? m.lt(x) : m.gt(x));
      return holds === claim.compare.holds ? "true" : "false";
    }
    case "memorizes": {
      const N = cert.dataset.sequences.length;
      const logits = cert.network.output.kind === "logits";
      const listed = claim.examples === "all" ? null : new Set(claim.examples);
      if (claim.examples !== "all" && claim.count !== claim.examples.length) return "false";
      if (claim.examples === "all" && claim.count !== N) return "false";
      const ts: Truth[] = [];
      for (let i = 0; i < N; i++) {
        const o = ref.outputs[i];
        if (!o) {
          ts.push("unknown");
          continue;
        }
        const target = (p: number) => (cert.network.output.kind === "vector" ? labels[i]! : [labels[i]![p]!]);
        const m = and(o.map((out, p) => meets(claim.criterion, out, target(p), logits)));
        const want = listed === null || listed.has(i);
        ts.push(want ? m : m === "true" ? "false" : m === "false" ? "true" : "unknown");
      }
      return and(ts);
    }
    case "kl": {
      const enc = JSON.stringify(claim.target) === JSON.stringify((cert.claims.find((c) => c.kind === "kl") as typeof claim | undefined)?.target) ? ref.kl : refKl(cert, claim.target);
      if (!enc) return "unknown";
      let lo: Decimal, hi: Decimal;
      try {
        lo = new HP(claim.lo);
        hi = new HP(claim.hi);
      } catch {
        return "false";
      }
      if (hi.lt(enc[0]) || lo.gt(enc[1]) || lo.gt(hi)) return "false";
      return lo.lte(enc[0]) && enc[1].lte(hi) ? "true" : "unknown";
    }
    case "rank":
      if (ref.rank === null) return "unknown";
      return claim.rank === ref.rank && claim.matrix.layer === 0 ? "true" : "false";
  }
}

// ---------- mutations ----------

const QNAMES = ["N", "n", "d", "C", ...QUANTITIES] as const;
/** A changed number text: another last digit, ±1, ×10, a tiny offset, or an equal spelling (true). */
function numText(v: string): string {
  const k = int(0, 5);
  if (k === 0) return v.replace(/\d(?=\D*$)/, (d) => String((Number(d) + int(1, 9)) % 10));
  if (k === 1) return new Decimal(v).plus(pick([1, -1])).toString();
  if (k === 2) return new Decimal(v).times(10).toString();
  if (k === 3) return new Decimal(v).times(new Decimal(1).plus(`1e-${int(11, 40)}`)).toString();
  if (k === 4) return new Decimal(v).toExponential();
  return `${v}0`.includes(".") ? `${v}0` : `${v}.0`;
}
/** A changed rational text (weights may be p/q): another last digit, ±1, ×10, a tiny relative offset. */
function ratText(v: string): string {
  const r = Rational.from(v);
  const k = int(0, 3);
  if (k === 0) return v.replace(/\d(?=\D*$)/, (d) => String((Number(d) + int(1, 9)) % 10));
  if (k === 1) return r.add(Rational.of(BigInt(pick([1, -1])))).toString();
  if (k === 2) return r.mul(Rational.of(10n)).toString();
  return r.add(r.mul(Rational.parse(`1e-${int(5, 40)}`))).toString();
}
const OPS: [RegExp, string][] = [[/\+/, "-"], [/-/, "+"], [/\*/, "/"], [/\//, "*"], [/\^/, "*"]];
function exprMut(e: string): string {
  const k = int(0, 6);
  if (k === 0) {
    const ds = [...e.matchAll(/\d/g)];
    if (!ds.length) return `${e} + 1`;
    const at = pick(ds).index!;
    return e.slice(0, at) + String((Number(e[at]) + int(1, 9)) % 10) + e.slice(at + 1);
  }
  if (k === 1) {
    const [re, to] = pick(OPS);
    return re.test(e) ? e.replace(re, to) : `${e} * 2`;
  }
  if (k === 2) return `${pick(["floor", "ceil"])}(${e})`;
  if (k === 3) return `${e} + ${pick(["1e-13", "1e-12", "1/1000000000000", "1e-40", "0.5"])}`;
  if (k === 4) return `${pick(["min", "max"])}(${e}, ${e} ${pick(["+", "-"])} ${pick(["1e-13", "1", "0"])})`;
  if (k === 5) return `(${e}) * (1 + 1e-${int(11, 30)})`;
  return `log(exp(${e}))`;
}

interface Base {
  name: string;
  cert: Certificate;
  c: Checked;
  P: number;
  src: ReturnType<typeof acceleratedSource>;
  counts: ReturnType<typeof recount>;
  ref: Ref;
  labels: Rational[][];
}

/** One claim mutant of a base: the mutated claim (and labels when they change), checked and referenced. */
function claimMutant(b: Base): { verdict: string; truth: Truth; kind: string; what?: string } {
  const claims = b.cert.claims;
  let idx = int(0, claims.length - 1);
  let claim: Claim = structuredClone(claims[idx]!);
  let labels = b.labels;
  let kind: string = claim.kind;
  switch (claim.kind) {
    case "count":
      if (rnd() < 0.8) claim.value = Number(claim.value) + pick([1, -1, 2, 7, 1000]);
      else claim.quantity = pick(QUANTITIES);
      if (Number(claim.value) < 0) claim.value = 0;
      break;
    case "bound": {
      const k = int(0, 3);
      if (k === 0) (kind = "bound-value"), (claim.value = numText(claim.value));
      else if (k === 1) (kind = "bound-expression"), (claim.expression = exprMut(claim.expression));
      else if (k === 2 && claim.compare) (kind = "bound-compare"), rnd() < 0.5 ? (claim.compare.holds = !claim.compare.holds) : (claim.compare.relation = claim.compare.relation === "<=" ? ">=" : "<=");
      else (kind = "bound-compare"), (claim.compare = { quantity: pick(QNAMES), relation: pick(["<=", ">="] as const), holds: rnd() < 0.5 });
      break;
    }
    case "memorizes": {
      const N = b.cert.dataset.sequences.length;
      const k = int(0, 3);
      const logits = b.cert.network.output.kind === "logits";
      if (k <= 1) {
        // a label: another class, or toward / across the ε boundary of the reference output
        kind = "label";
        const i = int(0, N - 1);
        const p = int(0, labels[i]!.length - 1);
        labels = labels.slice();
        const row = labels[i]!.slice();
        if (logits) row[p] = Rational.of(BigInt((Number(row[p]!.num) + int(1, 3)) % Math.max(2, b.c.outDim)));
        else {
          const eps = claim.criterion.type === "abs-error" ? Rational.from(claim.criterion.epsilon) : Rational.ZERO;
          const o = b.ref.outputs[i]?.[cert0(b) ? 0 : p]?.[cert0(b) ? p : 0];
          const base = o ? o.lo : row[p]!;
          const off = pick([eps, eps.mul(Rational.of(1n, 2n)), eps.mul(Rational.of(3n, 2n)), eps.add(Rational.parse(`1e-${int(5, 40)}`)), Rational.ONE, Rational.parse(`1e-${int(1, 60)}`)]);
          row[p] = rnd() < 0.5 ? base.add(off) : base.sub(off);
        }
        labels[i] = row;
      } else if (k === 2 && claim.criterion.type === "abs-error") {
        kind = "epsilon";
        const e = Rational.from(claim.criterion.epsilon);
        claim.criterion = { type: "abs-error", epsilon: pick(["0", e.mul(Rational.parse(`1e-${int(1, 30)}`)).toString(), e.mul(Rational.of(10n)).toString(), "1e-300"]) };
      } else {
        kind = "examples";
        const all = claim.examples === "all" ? Array.from({ length: N }, (_, i) => i) : claim.examples.slice();
        const j = int(0, N - 1);
        const set = new Set(all);
        if (set.has(j)) set.delete(j);
        else set.add(j);
        claim.examples = [...set].sort((a, b) => a - b);
        claim.count = claim.examples.length;
        if (claim.count === 0) claim.examples = [j], (claim.count = 1);
      }
      break;
    }
    case "kl": {
      const k = int(0, 15) >> 2; // π mutants (k = 3) one in sixteen: their reference costs ~0.3 s
      const [a, z] = b.ref.kl ?? [new Decimal(0), new Decimal(1)];
      const w = z.minus(a);
      if (k === 0) (claim.lo = numText(claim.lo)), (kind = "kl-ends");
      else if (k === 1) (claim.hi = numText(claim.hi)), (kind = "kl-ends");
      else if (k === 2 || rnd() < 0.75) {
        // narrow around the reference, or shift by less than / about its width
        kind = "kl-ends";
        const d = new Decimal(`1e-${int(3, 40)}`);
        claim.lo = a.plus(rnd() < 0.5 ? d : d.neg()).toString();
        claim.hi = z.plus(rnd() < 0.5 ? d : w.neg()).toString();
      } else {
        // π: move mass between two entries of one conditional (sums stay 1)
        kind = "kl-target";
        const t = int(0, claim.target.conditionals.length - 1);
        const row = claim.target.conditionals[t]!.map((v) => Rational.from(v));
        const [i, j] = [int(0, row.length - 1), int(0, row.length - 1)];
        const m = row[i]!.mul(Rational.of(BigInt(int(1, 99)), 100n));
        row[i] = row[i]!.sub(m);
        row[j] = row[j]!.add(m);
        claim.target.conditionals[t] = row.map((r) => r.toString());
      }
      if (new Decimal(claim.lo).gt(claim.hi)) [claim.lo, claim.hi] = [claim.hi, claim.lo];
      break;
    }
    case "rank":
      claim.rank = Math.max(0, claim.rank + pick([1, -1, 2, -5]));
      break;
  }
  // label mutants: every claim (C may change); claim mutants: the mutated claim (others are the base's, VERIFIED and true)
  const labelsChanged = labels !== b.labels;
  // labels change only memorizes claims and the variable C: the other claims are the base's
  const mutatedClaims = labelsChanged ? claims.filter((cl) => cl.kind === "memorizes" || (cl.kind === "bound" && Object.values(cl.variables).includes("C"))) : [claim];
  if (labelsChanged) idx = -1;
  const raw = { ...b.cert, claims: mutatedClaims };
  const c: Checked = { ...b.c, raw: raw as Checked["raw"], labels };
  let verdict: string;
  try {
    verdict = verdictOf(checkClaims(c, b.src, b.P, b.counts));
  } catch (e) {
    verdict = e instanceof Invalid || e instanceof Undecided ? "INVALID" : `CRASH ${(e as Error).message}`;
  }
  const rawLabels = labelsChanged ? labels.map((r) => r.map(String)) : b.cert.dataset.labels;
  const ref: Ref = labelsChanged ? { ...b.ref, vars: measureRef(b.cert, b.ref.counts, rawLabels as Certificate["dataset"]["labels"]) } : b.ref;
  const truth = and(mutatedClaims.map((cl) => claimTruth(cl, b.cert, ref, labels)));
  void idx;
  return { verdict, truth, kind, what: JSON.stringify(mutatedClaims.length === 1 ? mutatedClaims[0] : { labels: "mutated" }) };
}
/** For vector outputs the reference row holds the label's entries at position 0. */
const cert0 = (b: Base) => b.cert.network.output.kind === "vector";

/** One network mutant: a softmax head's query weights scaled toward an extreme gap, or one weight's last digit. */
function networkMutant(b: Base): { verdict: string; truth: Truth; kind: string } {
  const cert = structuredClone(b.cert);
  const atts = cert.network.layers.flatMap((L, i) => (L.type === "attention" && L.attention === "softmax" ? [i] : []));
  let kind: string;
  if (atts.length && rnd() < 0.75) {
    kind = "score-gap";
    const L = cert.network.layers[pick(atts)] as Extract<Network["layers"][number], { type: "attention" }>;
    const h = L.heads[int(0, L.heads.length - 1)]!;
    const k = pick([1, 2, 5, 9, 15, 17, 20, 30, 5000]);
    const f = Rational.parse(`${pick(["", "-"])}1e${k}`);
    if (rnd() < 0.5) h.WQ = h.WQ.map((r) => r.map((v) => Rational.from(v).mul(f).toString()));
    else {
      const i = int(0, h.WQ.length - 1);
      h.WQ[i]![int(0, h.WQ[i]!.length - 1)] = f.toString();
    }
  } else {
    kind = "weight-digit";
    const L = cert.network.layers[int(0, cert.network.layers.length - 1)]!;
    const paths: [Record<string | number, unknown>, string | number][] = [];
    const walk = (o: unknown) => {
      if (Array.isArray(o) || (o && typeof o === "object"))
        for (const [k, v] of Object.entries(o as object)) {
          if (typeof v === "number" || (typeof v === "string" && /^[-\d]/.test(v) && k !== "type")) paths.push([o as Record<string, unknown>, Array.isArray(o) ? Number(k) : k]);
          else walk(v);
        }
    };
    walk(L);
    if (!paths.length) return { verdict: "SKIP", truth: "unknown", kind };
    const [o, k] = pick(paths);
    o[k] = ratText(String(o[k]));
  }
  let verdict: string;
  try {
    verdict = checkCertificate(cert).verdict;
  } catch (e) {
    verdict = e instanceof Invalid ? "INVALID" : `CRASH ${(e as Error).message}`;
  }
  if (verdict !== "VERIFIED") return { verdict, truth: "unknown", kind };
  // Z depends on the layers up to the attention layer's WQ, WK: unchanged there, the base's rank stands
  const qk = (n: Network) => JSON.stringify(n.layers.map((L) => (L.type === "attention" ? L.heads.map((h) => [h.WQ, h.WK]) : L)).slice(0, 1));
  const ref = reference(cert, qk(cert.network) === qk(b.cert.network) ? b.ref.rank : null);
  const labels = cert.dataset.labels.map((l) => (Array.isArray(l) ? l : [l]).map((v) => Rational.from(v)));
  return { verdict, truth: and(cert.claims.map((cl) => claimTruth(cl, cert, ref, labels))), kind };
}

// ---------- run ----------

const t0 = performance.now();
const bases: Base[] = BASES.map(([name, args]) => {
  const file = join(dir, `${name}.json`);
  execFileSync("node", ["bin/memcap.mjs", "construct", name, ...args, "--out", file], { stdio: "ignore" });
  const cert = JSON.parse(readFileSync(file, "utf8")) as Certificate;
  const c = validateCertificate(cert);
  const P = workingPrecision(c, {});
  const src = acceleratedSource(c, P);
  const counts = recount(c);
  const rank = cert.claims.find((cl) => cl.kind === "rank");
  const base: Base = { name, cert, c, P, src, counts, ref: reference(cert, rank ? cert.dataset.sequences.length : null), labels: c.labels };
  const v = verdictOf(checkClaims(c, src, P, counts));
  if (v !== "VERIFIED") throw new Error(`base ${name} is ${v}`);
  return base;
});
const tBuild = (performance.now() - t0) / 1000;

interface Tally { mutants: number; verdicts: Record<string, number>; truth: Record<Truth, number>; falseVerified: number; verifiedUnknown: number; crashes: string[]; byKind: Record<string, number> }
const tally: Tally = { mutants: 0, verdicts: {}, truth: { true: 0, false: 0, unknown: 0 }, falseVerified: 0, verifiedUnknown: 0, crashes: [], byKind: {} };
const examples: string[] = [];
const unknownExamples: string[] = [];
const msByKind: Record<string, number> = {};
function record(b: Base, r: { verdict: string; truth: Truth; kind: string; what?: string }, ms: number): void {
  if (r.verdict === "SKIP") return;
  msByKind[r.kind] = (msByKind[r.kind] ?? 0) + ms;
  tally.mutants++;
  const v = r.verdict.startsWith("CRASH") ? "CRASH" : r.verdict;
  tally.verdicts[v] = (tally.verdicts[v] ?? 0) + 1;
  tally.truth[r.truth]++;
  tally.byKind[`${b.name}/${r.kind}`] = (tally.byKind[`${b.name}/${r.kind}`] ?? 0) + 1;
  if (v === "CRASH") tally.crashes.push(`${b.name}/${r.kind}: ${r.verdict}`);
  if (v === "VERIFIED" && r.truth === "false") (tally.falseVerified++, examples.length < 10 && examples.push(`${b.name}/${r.kind} ${r.what ?? ""}`));
  if (v === "VERIFIED" && r.truth === "unknown") tally.verifiedUnknown++, unknownExamples.length < 5 && unknownExamples.push(`${b.name}/${r.kind} ${(r.what ?? "").slice(0, 300)}`);
}

const t1 = performance.now();
const timed = (b: Base, f: (b: Base) => { verdict: string; truth: Truth; kind: string; what?: string }) => {
  const t = performance.now();
  const r = f(b);
  record(b, r, performance.now() - t);
};
for (let k = 0; k < MUTANTS; k++) timed(bases[k % bases.length]!, claimMutant);
const tClaims = (performance.now() - t1) / 1000;
const t2 = performance.now();
for (let k = 0; k < NET_MUTANTS; k++) timed(bases[k % bases.length]!, networkMutant);
const tNet = (performance.now() - t2) / 1000;

console.log(`checker mutation benchmark (seed ${arg("seed", 1)}): ${tally.mutants} mutants over ${bases.map((b) => b.name).join(", ")}`);
console.log(`  false VERIFIED: ${tally.falseVerified}${examples.length ? ` (${examples.join("; ")})` : ""}`);
console.log(`  checker verdicts: ${JSON.stringify(tally.verdicts)}; reference: ${JSON.stringify(tally.truth)}; VERIFIED where the reference could not decide: ${tally.verifiedUnknown}${unknownExamples.length ? ` (e.g. ${unknownExamples.join("; ")})` : ""}`);
console.log(`  crashes (a checker bug): ${tally.crashes.length}${tally.crashes.length ? ` — ${tally.crashes.slice(0, 3).join(" | ")}` : ""}`);
console.log(`  by base/mutation: ${JSON.stringify(tally.byKind)}`);
console.log(`  ms per mutation kind (total): ${JSON.stringify(Object.fromEntries(Object.entries(msByKind).map(([k, v]) => [k, Math.round(v)])))}`);
console.log(`  time: bases built and referenced ${tBuild.toFixed(1)} s; ${MUTANTS} claim mutants ${tClaims.toFixed(1)} s (${((tClaims / MUTANTS) * 1e3).toFixed(3)} ms each); ${NET_MUTANTS} network mutants ${tNet.toFixed(1)} s; total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
