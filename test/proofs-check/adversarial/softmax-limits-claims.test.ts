/**
 * Regression corpus (issue 14, classes 2, 3 and 5): adversarial certificates, each using only syntax
 * the format allows, with the verdict the checker must give. Aimed at: softmax weights collapsing to
 * exactly 0 or 1 at extreme score gaps (decimal.js's exp underflows to 0 even rounding up), gaps that
 * made the decimal path write 10^(−4·10^11) out in full, the precision limit, 10^6 sequences (argument
 * spreading), prototype names, and the kl / rank claims. A case's `main` field says how the checker
 * of main before this work (8c19fd3, checked by running this file there) failed it: 8 false VERIFIED
 * (outputs claimed exactly 0 or 1 at gaps ≥ 1e17), 4 runs killed after 150 s (gaps 1e9 and 1e15 on
 * the decimal path), 3 precisions above the maximum accepted, 3 stack traces (prototype names), the
 * 10^6-sequence certificate refused (call stack overflow), the collapse unit test, main.ts missing,
 * and every kl / rank case (no such claim kinds: the printed figures were in no certificate).
 *
 * The truth of each case is stated next to it from a closed form (the network computes one softmax
 * weight of two keys, a = 1/(1 + e^{−g}) or its complement 1/(1 + e^{g}), g the score gap).
 */
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Certificate, Claim } from "../../../src/certificate/format.ts";
import type { Network } from "../../../src/ir/network.ts";
import { checkCertificate, type Report } from "../../../proofs-check/check.ts";
import { fastArith } from "../../../proofs-check/float.ts";
import { intervalArith } from "../../../proofs-check/interval.ts";
import { Invalid } from "../../../proofs-check/validate.ts";
import { Rational } from "../../../src/numbers/rational.ts";

type Expect = "VERIFIED" | "REJECTED" | "INCONCLUSIVE" | "INVALID";

/**
 * Vocabulary v0 = (0, 1), v1 = (1, 0); one softmax head with WQ = (g, 0), WK = (1, 0), so on the
 * sequence [0, 1] (query v1) the scores are 0 (key v0) and g (key v1). `value` "tail": the output is
 * the weight of v0, 1/(1 + e^g); "dominant": the weight of v1, 1/(1 + e^{−g}).
 */
function gapCert(o: { g: string; value: "tail" | "dominant"; label: string; epsilon: string; digits?: number; scale?: string }): Certificate {
  const network: Network = {
    format: "memcap-network",
    version: 1,
    input: { kind: "vectors", dim: 2 },
    layers: [
      { type: "attention", attention: "softmax", residual: false, queries: "last", keys: "all", ...(o.scale ? { scale: o.scale } : {}), heads: [{ WQ: [[o.g, 0]], WK: [[1, 0]], WV: [o.value === "tail" ? [0, 1] : [1, 0]], WO: [[1], [0]] }] },
      { type: "affine", W: [[1, 0]] },
    ],
    output: { positions: "last", kind: "scalar" },
  } as Network;
  return {
    format: "memcap-certificate",
    version: 1,
    construction: { id: "adversarial-gap", paper: "none", options: {}, seed: null },
    network,
    dataset: { vocabulary: [[0, 1], [1, 0]], sequences: [[0, 1]], labels: [o.label] },
    evaluation: { mode: "interval", precisionDigits: o.digits ?? 20 },
    claims: [{ kind: "memorizes", id: "m", criterion: { type: "abs-error", epsilon: o.epsilon }, examples: "all", count: 1 }],
  } as Certificate;
}

/** Same head, logits g·(a_0, a_1) (the two weights scaled by the gap): for kl claims. */
function gapLogitsCert(g: string, claim: Claim): Certificate {
  const c = gapCert({ g, value: "tail", label: "0", epsilon: "0" });
  (c.network.layers[0] as { heads: { WV: unknown; WO: unknown }[] }).heads[0]!.WV = [[0, 1], [1, 0]];
  (c.network.layers[0] as { heads: { WV: unknown; WO: unknown }[] }).heads[0]!.WO = [[g, 0], [0, g]];
  c.network.layers[1] = { type: "affine", W: [[1, 0], [0, 1]] } as Network["layers"][number];
  c.network.output = { positions: "last", kind: "logits" } as Network["output"];
  c.dataset.labels = [1];
  c.claims = [claim];
  return c;
}

/** An exact (piecewise-linear) certificate with N one-token sequences over a 2-token vocabulary. */
function manySequences(N: number, wrongAt = -1): Certificate {
  const sequences = Array.from({ length: N }, (_, i) => [i % 2]);
  return {
    format: "memcap-certificate",
    version: 1,
    construction: { id: "many", paper: "none", options: {}, seed: null },
    network: { format: "memcap-network", version: 1, input: { kind: "vectors", dim: 1 }, layers: [{ type: "affine", W: [[2]], b: [1] }], output: { positions: "last", kind: "scalar" } } as Network,
    dataset: { vocabulary: [[0], [1]], sequences, labels: sequences.map(([t], i) => (i === wrongAt ? 0 : 2 * t! + 1)) },
    evaluation: { mode: "exact" },
    claims: [
      { kind: "memorizes", id: "all", criterion: { type: "exact" }, examples: "all", count: N },
      { kind: "bound", id: "len", source: "test", expression: "n + N", variables: { n: "n", N: "N" }, value: String(N + 1) },
    ],
  } as Certificate;
}

/** Uniform attention (exact): the mixture of a length-1 sequence is its vector, so Z = the vocabulary rows. */
function uniformRankCert(vocabulary: number[][], rank: number): Certificate {
  return {
    format: "memcap-certificate",
    version: 1,
    construction: { id: "rank-exact", paper: "none", options: {}, seed: null },
    network: {
      format: "memcap-network",
      version: 1,
      input: { kind: "vectors", dim: 2 },
      layers: [
        { type: "attention", attention: "uniform", residual: false, queries: "last", keys: "all", heads: [{ WQ: [[0, 0]], WK: [[0, 0]], WV: [[1, 0], [0, 1]], WO: [[1, 0], [0, 1]] }] },
        { type: "affine", W: [[1, 0]] },
      ],
      output: { positions: "last", kind: "scalar" },
    } as Network,
    dataset: { vocabulary, sequences: vocabulary.map((_, i) => [i]), labels: vocabulary.map((v) => v[0]!) },
    evaluation: { mode: "exact" },
    claims: [{ kind: "rank", id: "r", matrix: { of: "attention-mixtures", layer: 0 }, rank }],
  } as Certificate;
}

function verdict(c: unknown, opts: Parameters<typeof checkCertificate>[1] = {}): Expect {
  try {
    return checkCertificate(c, opts).verdict;
  } catch (e) {
    if (e instanceof Invalid) return "INVALID";
    throw e;
  }
}

const withClaim = (c: Certificate, claim: Claim): Certificate => ({ ...c, claims: [...c.claims, claim] });
const big = "1" + "0".repeat(5000); // a score gap of 10^5000

interface Case {
  name: string;
  cert: () => unknown;
  opts?: Parameters<typeof checkCertificate>[1];
  want: Expect;
  /** failed on main before this work: the verdict main gave (or what went wrong) */
  main?: string;
}

const cases: Case[] = [
  // weights claimed exactly 0 or 1: false at every finite gap, never VERIFIED
  { name: "tail weight claimed exactly 0, gap 1e17", cert: () => gapCert({ g: "1e17", value: "tail", label: "0", epsilon: "0" }), want: "INCONCLUSIVE", main: "VERIFIED (false)" },
  { name: "tail weight claimed exactly 0, gap 1e20", cert: () => gapCert({ g: "1e20", value: "tail", label: "0", epsilon: "0" }), want: "INCONCLUSIVE", main: "VERIFIED (false)" },
  { name: "tail weight claimed exactly 0, gap 10^5000", cert: () => gapCert({ g: big, value: "tail", label: "0", epsilon: "0" }), want: "INCONCLUSIVE", main: "VERIFIED (false)" },
  { name: "dominant weight claimed exactly 1, gap 1e20", cert: () => gapCert({ g: "1e20", value: "dominant", label: "1", epsilon: "0" }), want: "INCONCLUSIVE", main: "VERIFIED (false)" },
  { name: "dominant weight claimed exactly 1, gap 1e20, decimal only", cert: () => gapCert({ g: "1e20", value: "dominant", label: "1", epsilon: "0" }), opts: { decimalOnly: true }, want: "INCONCLUSIVE", main: "VERIFIED (false)" },
  { name: "dominant weight claimed exactly 1, negative gap −1e20 (key v0 dominant)", cert: () => gapCert({ g: "-1e20", value: "tail", label: "1", epsilon: "0" }), want: "INCONCLUSIVE", main: "VERIFIED (false)" },
  { name: "gap from the attention scale 1e20 (WQ = 1), claimed exactly 1", cert: () => gapCert({ g: "1", scale: "1e20", value: "dominant", label: "1", epsilon: "0" }), want: "INCONCLUSIVE", main: "VERIFIED (false)" },
  { name: "tail weight claimed exactly 0, gap 1e9 (main: decimal path writes 10^(−4·10^8) out)", cert: () => gapCert({ g: "1e9", value: "tail", label: "0", epsilon: "0" }), want: "INCONCLUSIVE", main: "minutes / out of memory" },
  { name: "tail weight claimed exactly 0, gap 1e15", cert: () => gapCert({ g: "1e15", value: "tail", label: "0", epsilon: "0" }), want: "INCONCLUSIVE", main: "minutes / out of memory" },
  // true claims at huge gaps: decided, fast, on both paths
  { name: "dominant ≈ 1 within 1e-6, gap 1e9", cert: () => gapCert({ g: "1e9", value: "dominant", label: "1", epsilon: "1e-6" }), want: "VERIFIED" },
  { name: "dominant ≈ 1 within 1e-6, gap 1e15", cert: () => gapCert({ g: "1e15", value: "dominant", label: "1", epsilon: "1e-6" }), want: "VERIFIED" },
  { name: "dominant ≈ 1 within 1e-6, gap 1e20", cert: () => gapCert({ g: "1e20", value: "dominant", label: "1", epsilon: "1e-6" }), want: "VERIFIED" },
  { name: "tail ≈ 0 within 1e-6, gap 1e9, decimal only", cert: () => gapCert({ g: "1e9", value: "tail", label: "0", epsilon: "1e-6" }), opts: { decimalOnly: true }, want: "VERIFIED", main: "minutes / out of memory" },
  { name: "tail ≈ 0 within 1e-6, gap 1e15, decimal only", cert: () => gapCert({ g: "1e15", value: "tail", label: "0", epsilon: "1e-6" }), opts: { decimalOnly: true }, want: "VERIFIED", main: "minutes / out of memory" },
  { name: "tail ≈ 0 within 1e-6, gap 10^5000, decimal only", cert: () => gapCert({ g: big, value: "tail", label: "0", epsilon: "1e-6" }), opts: { decimalOnly: true }, want: "VERIFIED" },
  // abs-error at the boundary: |1 − a| = 1/(1 + e^g)
  { name: "|dominant − 1| ≤ 1e-30 at gap 1e20 (true): decided at 40 digits", cert: () => gapCert({ g: "1e20", value: "dominant", label: "1", epsilon: "1e-30", digits: 40 }), want: "VERIFIED" },
  { name: "|dominant − 1| ≤ 1e-30 at gap 10 (false: 4.5e-5)", cert: () => gapCert({ g: "10", value: "dominant", label: "1", epsilon: "1e-30", digits: 40 }), want: "REJECTED" },
  { name: "tail claimed 1/2 within 1/4 at gap 1e20 (false)", cert: () => gapCert({ g: "1e20", value: "tail", label: "1/2", epsilon: "1/4" }), want: "REJECTED" },
  // precision limits
  { name: "precisionDigits 1001 (above the maximum)", cert: () => gapCert({ g: "1", value: "dominant", label: "1", epsilon: "1e-6", digits: 1001 }), want: "INVALID", main: "accepted" },
  { name: "precisionDigits 100000 (the old schema maximum)", cert: () => gapCert({ g: "1", value: "dominant", label: "1", epsilon: "1e-6", digits: 100000 }), want: "INVALID", main: "runs past minutes" },
  { name: "--precision 5000", cert: () => gapCert({ g: "1", value: "dominant", label: "1", epsilon: "1e-6" }), opts: { precision: 5000 }, want: "INVALID", main: "runs past minutes" },
  { name: "the maximum precision 1000 on a two-token softmax (decidable: 1/(1 + e^−1) = 0.7310585786…), decimal only", cert: () => gapCert({ g: "1", value: "dominant", label: "0.7310585786", epsilon: "1e-9", digits: 1000 }), opts: { decimalOnly: true }, want: "VERIFIED" },
  { name: "the maximum precision 1000 on an undecidable claim at gap 1e20", cert: () => gapCert({ g: "1e20", value: "dominant", label: "1", epsilon: "0", digits: 1000 }), want: "INCONCLUSIVE", main: "VERIFIED (false)" },
  // names that are Object.prototype keys are plain data
  ...["constructor", "__proto__", "toString"].map((q): Case => ({
    name: `bound compared with quantity "${q}"`,
    cert: () => withClaim(manySequences(4), { kind: "bound", id: "b", source: "t", expression: "N", variables: { N: "N" }, value: "4", compare: { quantity: q as "N", relation: "<=", holds: true } }),
    want: "INVALID",
    main: "stack trace (exit 70)",
  })),
  { name: 'count quantity "constructor"', cert: () => withClaim(manySequences(4), { kind: "count", id: "c", quantity: "constructor", value: 1 } as unknown as Claim), want: "INVALID" },
  { name: 'claim id "__proto__"', cert: () => ({ ...manySequences(4), claims: [{ ...manySequences(4).claims[0]!, id: "__proto__" }] }), want: "VERIFIED" },
  // kl claims: π = one-hot on the dominant class, logits g·(a_0, a_1), so d_KL = ln(1 + e^{−g(a_1 − a_0)}):
  // ∈ (0, e^{−g/2}) for large g; at g = 1, ln(1 + e^{−0.46212}) = 0.48853…
  { name: "kl ∈ [0, 1e-10] at gap 1e20 (true): logits 1e20·a need 40 digits", cert: () => gapLogitsCert("1e20", { kind: "kl", id: "kl", target: { weights: [1], conditionals: [[0, 1]] }, lo: "0", hi: "1e-10" }), opts: { precision: 40 }, want: "VERIFIED" },
  { name: "kl ∈ [0, 1e-10] at gap 1e20 at 20 digits: the logits' enclosure is ±10 wide", cert: () => gapLogitsCert("1e20", { kind: "kl", id: "kl", target: { weights: [1], conditionals: [[0, 1]] }, lo: "0", hi: "1e-10" }), want: "INCONCLUSIVE" },
  { name: "kl claimed exactly 0 at gap 1e20 (false: it is > 0)", cert: () => gapLogitsCert("1e20", { kind: "kl", id: "kl", target: { weights: [1], conditionals: [[0, 1]] }, lo: "0", hi: "0" }), want: "INCONCLUSIVE" },
  { name: "kl ∈ [0.4885, 0.4886] at gap 1 (true: 0.48853…)", cert: () => gapLogitsCert("1", { kind: "kl", id: "kl", target: { weights: [1], conditionals: [[0, 1]] }, lo: "0.4885", hi: "0.4886" }), want: "VERIFIED" },
  { name: "kl ∈ [0.3, 0.4] at gap 1 (false: 0.48853…)", cert: () => gapLogitsCert("1", { kind: "kl", id: "kl", target: { weights: [1], conditionals: [[0, 1]] }, lo: "0.3", hi: "0.4" }), want: "REJECTED" },
  { name: "kl with π(·|t) = (1/2, 1/2) at gap 1e20 ∈ [g/2 − 1, g/2] (true: g/2 − ln 2 + tiny)", cert: () => gapLogitsCert("1e20", { kind: "kl", id: "kl", target: { weights: [1], conditionals: [["1/2", "1/2"]] }, lo: "49999999999999999999", hi: "50000000000000000000" }), opts: { precision: 40 }, want: "VERIFIED" },
  { name: "kl with a conditional that sums to 1.1", cert: () => gapLogitsCert("1", { kind: "kl", id: "kl", target: { weights: [1], conditionals: [["1/10", 1]] }, lo: "0", hi: "1" }), want: "INVALID" },
  { name: "kl with lo > hi", cert: () => gapLogitsCert("1", { kind: "kl", id: "kl", target: { weights: [1], conditionals: [[0, 1]] }, lo: "1", hi: "0" }), want: "INVALID" },
  { name: "kl claim on a scalar network", cert: () => ({ ...gapCert({ g: "1", value: "tail", label: "0", epsilon: "1" }), claims: [{ kind: "kl", id: "kl", target: { weights: [1], conditionals: [[1]] }, lo: "0", hi: "1" }] }), want: "INVALID" },
  // rank claims on the 1 × 2 mixture matrix Z = [(1 − a, a)] · [[0, 1], [1, 0]] (one sequence)
  { name: "rank 1 of a 1-row Z at gap 1e20 (true)", cert: () => ({ ...gapCert({ g: "1e20", value: "tail", label: "0", epsilon: "1" }), claims: [{ kind: "rank", id: "r", matrix: { of: "attention-mixtures", layer: 0 }, rank: 1 }] }), want: "VERIFIED" },
  { name: "rank 2 of a 1-row Z (false)", cert: () => ({ ...gapCert({ g: "1e20", value: "tail", label: "0", epsilon: "1" }), claims: [{ kind: "rank", id: "r", matrix: { of: "attention-mixtures", layer: 0 }, rank: 2 }] }), want: "REJECTED" },
  { name: "rank 0 of a non-zero 1-row Z (false)", cert: () => ({ ...gapCert({ g: "1e20", value: "tail", label: "0", epsilon: "1" }), claims: [{ kind: "rank", id: "r", matrix: { of: "attention-mixtures", layer: 0 }, rank: 0 }] }), want: "REJECTED" },
  { name: "exact rank 2 of Z = rows (1,0), (0,1), (1,1)", cert: () => uniformRankCert([[1, 0], [0, 1], [1, 1]], 2), want: "VERIFIED" },
  { name: "exact rank claimed 1 of a rank-2 Z", cert: () => uniformRankCert([[1, 0], [0, 1], [1, 1]], 1), want: "REJECTED" },
  { name: "exact rank 1 of Z = rows (1,0), (2,0), (3,0) (rank-deficient)", cert: () => uniformRankCert([[1, 0], [2, 0], [3, 0]], 1), want: "VERIFIED" },
  { name: "exact rank claimed 2 of a rank-1 Z", cert: () => uniformRankCert([[1, 0], [2, 0], [3, 0]], 2), want: "REJECTED" },
  { name: "rank of a non-attention layer", cert: () => ({ ...gapCert({ g: "1", value: "tail", label: "0", epsilon: "1" }), claims: [{ kind: "rank", id: "r", matrix: { of: "attention-mixtures", layer: 1 }, rank: 1 }] }), want: "INVALID" },
];

describe("adversarial corpus: extreme score gaps, limits, names, kl and rank claims", () => {
  for (const k of cases)
    it(`${k.name} → ${k.want}${k.main ? ` (main: ${k.main})` : ""}`, () => {
      expect(verdict(k.cert(), k.opts)).toBe(k.want);
    }, 60_000);

  it("10^6 sequences load and check (no argument spreading of dataset-sized arrays) (main: invalid, call stack overflow)", () => {
    const N = 1_000_000;
    const r: Report = checkCertificate(manySequences(N));
    expect(r.verdict).toBe("VERIFIED");
    expect(r.examples).toBe(N);
    const bad = checkCertificate(manySequences(N, 777_777));
    expect(bad.verdict).toBe("REJECTED");
    expect(bad.claims[0]!.example).toBe(777_777);
  }, 300_000);
});

describe("enclosures never collapse to exactly 0 or 1 at any gap", () => {
  const gaps = ["1", "700", "1e9", "1e15", "2.1e16", "1e17", "1e20", big];
  it("decimal intervals: the tail's upper end > 0 and the dominant's lower end < 1 (main: collapsed at gaps ≥ 2.1e16)", () => {
    for (const P of [10, 30, 200]) {
      const A = intervalArith(P);
      for (const g of gaps) {
        const [t, d] = A.weights("softmax", [A.point(Rational.ZERO), A.point(Rational.parse(g))]);
        expect(t!.hi.gt(0) && d!.lo.lt(1), `P = ${P}, gap ${g.length > 30 ? "10^5000" : g}`).toBe(true);
        expect(t!.hi.e).toBeGreaterThan(-(P + 20)); // the tail's size does not grow with the gap
      }
    }
  });
  it("float64 fast path: the same, from exact score differences and from float scores", () => {
    const F = fastArith();
    const one = F.input([Rational.ONE]);
    for (const g of gaps) {
      const sc = (x: string) => F.dot(F.input([Rational.parse(x)]), one);
      const w = F.weights("softmax", [sc("0"), sc(g)]) as { lo: number; hi: number }[];
      expect(w[0]!.hi > 0 && w[1]!.lo < 1, `gap ${g.length > 30 ? "10^5000" : g}`).toBe(true);
    }
  });
});

describe("proofs-check/main.ts: standalone, exit codes 0/1/2/3, no stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "pc-main-"));
  const run = (args: string[]): { code: number; out: string; err: string } => {
    try {
      const out = execFileSync("npx", ["tsx", "proofs-check/main.ts", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
      return { code: 0, out, err: "" };
    } catch (e) {
      const x = e as { status: number; stdout: string; stderr: string };
      return { code: x.status, out: x.stdout, err: x.stderr };
    }
  };
  const file = (name: string, c: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, typeof c === "string" ? c : JSON.stringify(c));
    return p;
  };
  it("0 VERIFIED, 1 REJECTED, 3 INCONCLUSIVE, each claim on its own line", () => {
    const ok = run([file("ok.json", gapCert({ g: "1e20", value: "dominant", label: "1", epsilon: "1e-6" }))]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/VERIFIED\s+m \(memorizes\)/);
    expect(run([file("no.json", gapCert({ g: "1e20", value: "tail", label: "1/2", epsilon: "1/4" }))]).code).toBe(1);
    expect(run([file("un.json", gapCert({ g: "1e20", value: "tail", label: "0", epsilon: "0" }))]).code).toBe(3);
  }, 120_000);
  it("2 with one line for a missing file, malformed JSON, an invalid certificate, a precision above the maximum", () => {
    for (const args of [[join(dir, "absent.json")], [file("bad.json", "{")], [file("inv.json", { format: "x" })], [file("p.json", gapCert({ g: "1", value: "tail", label: "0", epsilon: "1" })), "--precision", "5000"], []]) {
      const r = run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
  }, 120_000);
});
