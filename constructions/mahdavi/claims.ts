/**
 * Mahdavi, Liao & Thrampoulidis's construction steps and Proposition 2 as registered claims
 * (src/claims/claim.ts). Exact over Q where the statement is algebraic; Theorem 1 end to end
 * through the build and the independent checker.
 */
import fc from "fast-check";
import { defineClaim, type Claim } from "../../src/claims/claim.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { certifiedRank, matMul } from "../../src/linalg/index.ts";
import { generateMhaDataset } from "../../src/data/mha.ts";
import { mahdaviCapacity, proposition2Bound } from "../../src/bounds/mahdavi.ts";
import { interpolationLemmaExact, logitsExact, saturationDirectionExact } from "./construction.ts";
import { certifyMha } from "./certify.ts";
import { checkAssumptions } from "./assumptions.ts";
import { checkCertificate } from "../../proofs-check/check.ts";

const PAPER = "mahdavi" as const;
const rat = (k: number) => Rational.of(k, 7);

/** Exact rational rows on the simplex (stand-ins for arbitrary attention weights), from a seed. */
function simplexRows(T: number, n: number, seed: number): Rational[][] {
  return Array.from({ length: T }, (_, t) => {
    const w = Array.from({ length: n }, (_, j) => BigInt(1 + ((seed * 31 + t * 17 + j * 13 + t * j * 7) % 23)));
    const s = w.reduce((a, b) => a + b, 0n);
    return w.map((v) => Rational.of(v, s));
  });
}

export const MAHDAVI_CLAIMS: Claim[] = [
  defineClaim({
    id: "mahdavi.interpolation-lemma",
    paper: PAPER,
    source: "interpolation lemma of the construction [reconstructed]",
    cite: "Mahdavi et al.'s full text is not available here; reconstructed from the abstract (arXiv 2306.02010) and Dana et al.'s Table 1 (p. 8, \"T₀ = H(d_h − 1) + 1\") and §7 (p. 8)",
    rigor: "exact",
    quantifier: "universal",
    statement: "when the group's queries are independent (Assumption 1) and each context has rank n (Assumption 2), W = Σ v_t u_tᵀ gives E(t) W x(t) = ℓ_t exactly for every t in the group",
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e5 }), n: fc.integer({ min: 2, max: 3 }) }),
    check: ({ seed, n }) => {
      const ds = generateMhaDataset({ d: n + 2, n, T: n, context: "random", seed, bits: 4 });
      const group = Array.from({ length: n }, (_, i) => i);
      const logits = group.map((t) => Array.from({ length: n }, (_, j) => rat(((seed + 3 * t + 5 * j) % 11) - 5)));
      const a1 = certifiedRank(ds.queries).rank === n;
      const a2 = ds.contexts.every((E) => certifiedRank(E).rank === n);
      const r = interpolationLemmaExact(ds.queries, ds.contexts, group, logits);
      if (!a1 || !a2) return { holds: true }; // premises fail: nothing is claimed
      if (!r) return { holds: false, detail: "assumptions hold but no interpolating W was found" };
      for (let k = 0; k < n; k++) {
        const got = logitsExact(ds.contexts[k]!, r.V, r.U, ds.queries[k]!);
        const bad = got.findIndex((v, j) => !v.eq(logits[k]![j]!));
        if (bad >= 0) return { holds: false, detail: `example ${k}, token ${bad}: logit ${got[bad]} ≠ target ${logits[k]![bad]}` };
      }
      return { holds: true };
    },
    expected: "holds",
    quickRuns: 25,
  }),
  defineClaim({
    id: "mahdavi.saturation-invariance",
    paper: PAPER,
    source: "saturation step of the construction [reconstructed]",
    cite: "Mahdavi et al.'s full text is not available here; reconstructed from the abstract (arXiv 2306.02010) and Dana et al.'s Table 1 (p. 8, \"T₀ = H(d_h − 1) + 1\") and §7 (p. 8)",
    rigor: "exact",
    quantifier: "universal",
    statement: "with u0 orthogonal to a head's new queries, the new examples' logits E(s)(VUᵀ + c·v0u0ᵀ)x(s) are the interpolated targets for every c",
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e5 }), c: fc.integer({ min: 1, max: 1e6 }), g: fc.array(fc.integer({ min: -8, max: 8 }), { minLength: 6, maxLength: 6 }), v0: fc.array(fc.integer({ min: -8, max: 8 }), { minLength: 6, maxLength: 6 }) }),
    check: ({ seed, c, g, v0 }) => {
      const n = 3;
      const ds = generateMhaDataset({ d: 6, n, T: 2 * n, context: "random", seed, bits: 6 });
      const group = [n, n + 1];
      const logits = group.map((t) => [rat(t), rat(-1), rat(2)]);
      const r = interpolationLemmaExact(ds.queries, ds.contexts, group, logits);
      if (!r) return { holds: true };
      const u0 = saturationDirectionExact(group.map((t) => ds.queries[t]!), g.map((x) => Rational.of(x)));
      const WK = r.V.map((row, i) => [...row, Rational.of(v0[i]!).mul(Rational.of(c))]);
      const WQ = r.U.map((row, i) => [...row, u0[i]!]);
      for (let k = 0; k < group.length; k++) {
        const t = group[k]!;
        const got = logitsExact(ds.contexts[t]!, WK, WQ, ds.queries[t]!);
        const bad = got.findIndex((v, j) => !v.eq(logits[k]![j]!));
        if (bad >= 0) return { holds: false, detail: `new example ${t}: logit ${got[bad]} moved from ${logits[k]![bad]} at c = ${c}` };
      }
      return { holds: true };
    },
    expected: "holds",
    quickRuns: 20,
  }),
  defineClaim({
    id: "mahdavi.prop-2",
    paper: PAPER,
    source: "Proposition 2 [reconstructed]",
    cite: "Mahdavi et al.'s full text is not available here; reconstructed from the abstract (arXiv 2306.02010) and Dana et al.'s Table 1 (p. 8, \"T₀ = H(d_h − 1) + 1\") and §7 (p. 8); Dana et al. §7 (p. 8): Proposition 2 is tight when the keys are shared",
    rigor: "exact",
    quantifier: "universal",
    statement: "with a shared context E, rank(Z) ≤ H(n − 1) + 1 for any attention weights (exact rank over Q on simplex stand-ins)",
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1000 }), n: fc.integer({ min: 2, max: 3 }), H: fc.integer({ min: 2, max: 3 }) }),
    check: ({ seed, n, H }) => {
      const bound = proposition2Bound({ H, n });
      const T = bound + 2;
      const E = generateMhaDataset({ d: n + 2, n, T: 1, context: "shared", seed, bits: 8 }).contexts[0]!;
      const A = Array.from({ length: H }, (_, h) => simplexRows(T, n, seed + 101 * h));
      const Z = A[0]!.map((_, t) => A.flatMap((Ah) => matMul([Ah[t]!], E)[0]!));
      const rz = certifiedRank(Z).rank;
      return rz <= bound ? { holds: true } : { holds: false, detail: `rank(Z) = ${rz} > H(n−1)+1 = ${bound}` };
    },
    expected: "holds",
    quickRuns: 15,
  }),
  defineClaim({
    id: "mahdavi.thm-1",
    paper: PAPER,
    source: "Theorem 1 (count H(min(n,d_h) − 1) + 1) [reconstructed]",
    cite: "Mahdavi et al.'s full text is not available here; reconstructed from the abstract (arXiv 2306.02010) and Dana et al.'s Table 1 (p. 8, \"T₀ = H(d_h − 1) + 1\") and §7 (p. 8); §7 gives T₀ ≤ H(min(Q, d_h) − 1) + 1",
    rigor: "enclosed",
    quantifier: "existential",
    statement: "on data satisfying Assumptions 1 and 2 with n < d, one softmax MHA layer memorizes T = H(min(n,d_h) − 1) + 1 labels (the reconstructed count); memcap's witness is built, certified and re-verified by proofs-check; a failure is memcap's builder failing",
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e5 }), n: fc.integer({ min: 2, max: 3 }), H: fc.integer({ min: 1, max: 2 }), context: fc.constantFrom("shared" as const, "random" as const) }),
    check: ({ seed, n, H, context }) => {
      const T = mahdaviCapacity({ H, n, dh: n });
      const ds = generateMhaDataset({ d: n + 3, n, T, context, seed });
      const b = certifyMha(ds, { H, dh: n, seed });
      if (b.status !== "CERTIFIED") return { holds: false, failure: "builder-failed", detail: `memcap's build ${b.status}: ${b.reason ?? ""}` };
      const v = checkCertificate(b.certificate).verdict;
      return v === "VERIFIED" ? { holds: true } : { holds: false, failure: "builder-failed", detail: `proofs-check says ${v} for memcap's certificate` };
    },
    expected: "holds",
    quickRuns: 3,
  }),
];

/**
 * Open search target (issue: "a dataset satisfying the assumptions on which the construction needs
 * a saturation constant beyond a given bound"): Assumptions 1–2 are qualitative, so an old query
 * ε-close to the span of a later head's new queries still satisfies them while its saturation gap
 * shrinks like ε. The search perturbs that planted near-dependence by ε = 2^−k and asks whether the
 * construction still certifies with c fixed at 2^10.
 */
MAHDAVI_CLAIMS.push(
  defineClaim({
    id: "mahdavi.open.saturation-bound",
    paper: PAPER,
    source: "beyond the paper: is a bounded saturation constant enough under Assumptions 1–2?",
    cite: "no paper statement: an open search target about memcap's reconstruction",
    rigor: "enclosed",
    quantifier: "universal",
    statement: "every dataset satisfying Assumptions 1, 2 and n < d (checked exactly) is certified by the construction with saturation constant c = 2^10",
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e5 }), k: fc.integer({ min: 1, max: 40 }) }),
    check: ({ seed, k }) => {
      const H = 2;
      const n = 2;
      const d = 4;
      const ds = generateMhaDataset({ d, n, T: mahdaviCapacity({ H, n, dh: n }), context: "random", seed });
      // x(0) := x(2) + 2^−k·x(1): ε-close to head 2's new query x(2), yet independent of it
      const eps = Rational.of(1n, 1n << BigInt(k));
      const q = ds.queries.slice();
      q[0] = q[2]!.map((v, i) => v.add(eps.mul(q[1]![i]!)));
      const near = { ...ds, queries: q };
      const a = checkAssumptions(near, { seed });
      if (a.a1.holds !== true || a.a2.holds !== true || a.nLessD.holds !== true) return { holds: true }; // premise fails
      const b = certifyMha(near, { H, dh: n, seed, c: 1024 });
      return b.status === "CERTIFIED" ? { holds: true } : { holds: false, detail: `ε = 2^−${k}: not certified with c = 2^10 (${b.status}: ${b.reason ?? ""}); the digest's sufficient c is ${b.saturation.c.toExponential(2)}` };
    },
    describe: ({ seed, k }) => `d = 4, n = 2, H = 2, T = 3, per-example contexts (seed ${seed}), query 0 := query 2 + 2^−${k}·query 1`,
    expected: "open",
    quickRuns: 5,
  }),
);
