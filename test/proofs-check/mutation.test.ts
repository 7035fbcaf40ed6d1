/**
 * Mutation soundness of the checker: random single mutations of valid certificates (a weight's
 * last digit, a label, a dropped or duplicated layer, a claimed count / bound value / example
 * index, two swapped sequences, a truncated file). A mutant the checker VERIFIES must be true
 * according to the independent reference path (test/fixtures/checker.ts: naive Rational
 * evaluation, src/ir/count.ts); for exact certificates the converse holds too (completeness).
 */
import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { checkCertificate } from "../../proofs-check/check.ts";
import { Invalid, Undecided } from "../../proofs-check/validate.ts";
import type { Certificate } from "../../src/certificate/format.ts";
import { hardmaxLogitsCert, referenceTruth, reluInterpCert, rng, softmaxCert, tokenNetCert } from "../fixtures/checker.ts";

type Verdict = "VERIFIED" | "REJECTED" | "INCONCLUSIVE" | "INVALID";
const KINDS = ["weight", "label", "drop-layer", "dup-layer", "count", "bound", "example", "swap", "truncate"] as const;
type Kind = (typeof KINDS)[number];
const stats = { mutants: 0, verified: 0, rejected: 0, invalid: 0, inconclusive: 0, byKind: {} as Record<string, number>, ms: 0 };

function run(text: string): Verdict {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return "INVALID";
  }
  try {
    return checkCertificate(data).verdict;
  } catch (e) {
    if (e instanceof Invalid || e instanceof Undecided) return "INVALID";
    throw e;
  }
}

/** Numeric leaves (paths) under an object. */
function leaves(o: unknown, path: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (Array.isArray(o)) o.forEach((v, i) => leaves(v, [...path, i], out));
  else if (o && typeof o === "object") for (const [k, v] of Object.entries(o)) leaves(v, [...path, k], out);
  else if (typeof o === "number" || (typeof o === "string" && /\d/.test(o))) out.push(path);
  return out;
}
const get = (o: any, p: (string | number)[]) => p.reduce((x, k) => x[k], o);
const set = (o: any, p: (string | number)[], v: unknown) => (get(o, p.slice(0, -1))[p[p.length - 1]!] = v);

/** Changes the last digit of a number's text to a different digit. */
function lastDigit(v: string | number, r: number): string | number {
  const s = String(v);
  const i = Math.max(...[...s].map((ch, k) => (/\d/.test(ch) ? k : -1)));
  const d = (Number(s[i]) + 1 + (r % 9)) % 10;
  const t = s.slice(0, i) + d + s.slice(i + 1);
  return typeof v === "number" && Number.isSafeInteger(Number(t)) ? Number(t) : t;
}

/** Applies one mutation; returns the mutated JSON text, or null when the kind does not apply. */
function mutate(c: Certificate, kind: Kind, r: number[]): string | null {
  const m: Certificate = JSON.parse(JSON.stringify(c));
  const pick = <T>(xs: T[], k: number): T => xs[r[k]! % xs.length]!;
  const N = m.dataset.sequences.length;
  switch (kind) {
    case "weight": {
      const p = pick(leaves(m.network.layers), 0);
      set(m.network.layers, p, lastDigit(get(m.network.layers, p), r[1]!));
      break;
    }
    case "label": {
      const i = r[0]! % N;
      const lab = m.dataset.labels[i]!;
      const p = Array.isArray(lab) ? r[1]! % lab.length : -1;
      const old = p >= 0 ? (lab as (string | number)[])[p]! : (lab as string | number);
      const crit = m.claims.find((x) => x.kind === "memorizes")!;
      const nu = m.network.output.kind === "logits" ? (Number(old) + 1 + (r[2]! % 2)) % 3 % (m.network.layers.at(-1) as { W: unknown[] }).W.length : crit.kind === "memorizes" && crit.criterion.type === "abs-error" ? String(Number(old) + 0.5) : lastDigit(old, r[2]!);
      if (p >= 0) (lab as unknown[])[p] = nu;
      else m.dataset.labels[i] = nu;
      break;
    }
    case "drop-layer":
    case "dup-layer": {
      const k = r[0]! % m.network.layers.length;
      if (kind === "drop-layer") m.network.layers.splice(k, 1);
      else m.network.layers.splice(k, 0, JSON.parse(JSON.stringify(m.network.layers[k])));
      break;
    }
    case "count": {
      const cl = pick(m.claims.filter((x) => x.kind === "count" || x.kind === "memorizes"), 0) as { value?: number | string; count?: number };
      if (cl.value !== undefined) cl.value = typeof cl.value === "number" ? cl.value + 1 + (r[1]! % 3) : String(BigInt(cl.value) + 1n);
      else cl.count = cl.count! + (cl.count! > 0 && r[1]! % 2 ? -1 : 1);
      break;
    }
    case "bound": {
      const b = m.claims.find((x) => x.kind === "bound") as Extract<Certificate["claims"][number], { kind: "bound" }>;
      if (r[0]! % 3 === 0 && b.compare) b.compare.holds = !b.compare.holds;
      else b.value = String(lastDigit(b.value.replace(/e.*$/, ""), r[1]!)) + (b.value.match(/e.*$/)?.[0] ?? "");
      break;
    }
    case "example": {
      const cl = m.claims.find((x) => x.kind === "memorizes") as Extract<Certificate["claims"][number], { kind: "memorizes" }>;
      const all = [...Array(N).keys()];
      const list = cl.examples === "all" ? all : cl.examples;
      if (r[0]! % 2 === 0 || list.length === N) {
        // drop one listed example (count follows, so only the list is wrong)
        if (list.length === 0) return null;
        cl.examples = list.filter((_, k) => k !== r[1]! % list.length);
      } else {
        const others = all.filter((i) => !list.includes(i));
        cl.examples = [...list.filter((_, k) => k !== r[1]! % list.length), others[r[2]! % others.length]!].sort((a, b) => a - b);
      }
      cl.count = cl.examples.length;
      break;
    }
    case "swap": {
      const i = r[0]! % N;
      const j = r[1]! % N;
      if (i === j) return null;
      [m.dataset.sequences[i], m.dataset.sequences[j]] = [m.dataset.sequences[j]!, m.dataset.sequences[i]!];
      break;
    }
    case "truncate": {
      const t = JSON.stringify(m);
      return t.slice(0, r[0]! % t.length);
    }
  }
  return JSON.stringify(m);
}

/** Bases: a few of each fixture, exact ones and softmax ones. */
const exactBases = [1, 2, 3].flatMap((s) => [
  reluInterpCert(rng(s), 6),
  tokenNetCert(rng(s), { N: 5, n: 3, vocab: 4, attention: "uniform", seq2seq: s === 2 }),
  tokenNetCert(rng(s + 10), { N: 4, n: 3, vocab: 4, attention: "hardmax" }),
  hardmaxLogitsCert(rng(s), 8),
]);
const softBases = [softmaxCert(rng(4), 4, "argmax", 20), softmaxCert(rng(5), 4, "abs-error", 20)];

function judge(base: Certificate, kind: Kind, r: number[], exact: boolean): void {
  const text = mutate(base, kind, r);
  if (text === null) return;
  const t0 = performance.now();
  const v = run(text);
  stats.ms += performance.now() - t0;
  stats.mutants++;
  stats.byKind[kind] = (stats.byKind[kind] ?? 0) + 1;
  stats[v === "VERIFIED" ? "verified" : v === "REJECTED" ? "rejected" : v === "INVALID" ? "invalid" : "inconclusive"]++;
  let truth: boolean | "invalid" = "invalid";
  if (kind !== "truncate") {
    try {
      truth = referenceTruth(JSON.parse(text));
    } catch (e) {
      // a mutant the reference cannot even read (e.g. a label "p/0") states nothing true: it must not verify
      if (!(e instanceof RangeError)) throw e;
      truth = "invalid";
    }
  }
  if (v === "VERIFIED") expect({ kind, truth, r }).toEqual({ kind, truth: true, r });
  if (exact && truth === true) expect({ kind, v, r }).toEqual({ kind, v: "VERIFIED", r });
  if (kind === "count" || kind === "bound" || kind === "truncate") expect(v).not.toBe("VERIFIED");
}

const rs = fc.array(fc.nat(), { minLength: 3, maxLength: 3 });

describe("mutation soundness", () => {
  it("every base certificate is VERIFIED", () => {
    for (const b of [...exactBases, ...softBases]) expect(run(JSON.stringify(b))).toBe("VERIFIED");
  });
  it("exact certificates: mutants verify iff the reference says every claim is still true", () => {
    fc.assert(
      fc.property(fc.nat(exactBases.length - 1), fc.constantFrom(...KINDS), rs, (b, kind, r) => judge(exactBases[b]!, kind, r, true)),
      { numRuns: 2500, ...(process.env.MEMCAP_FC_SEED ? { seed: Number(process.env.MEMCAP_FC_SEED) } : {}) },
    );
  });
  it("softmax certificates: claim, label, structure and truncation mutants are never wrongly VERIFIED", () => {
    fc.assert(
      fc.property(fc.nat(softBases.length - 1), fc.constantFrom(...KINDS.filter((k) => k !== "weight")), rs, (b, kind, r) => judge(softBases[b]!, kind, r, false)),
      { numRuns: 250 },
    );
  });
  afterAll(() => {
    console.log(`mutation soundness: ${JSON.stringify({ ...stats, ms: Math.round(stats.ms) })}`);
  });
});
