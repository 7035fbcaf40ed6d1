/**
 * Dana, Pydi & Chevaleyre (AISTATS 2025) as registered claims (src/claims/claim.ts), statement by
 * statement against the full text (shared/papers/fulltext/dana-pydi-chevaleyre-aistats2025.txt; pages
 * as printed, p. 1 = title page):
 *
 *   Proposition 1 (p. 3, eq. (3))   Transformers are sequence encoders       dana.prop-1        exact (hardmax AoTs)
 *   Proposition 2 (p. 3)            d ≥ N − 1 ⇒ d_KL(π, L) = 0                dana.prop-2        exact
 *                                   d < N − 1 ⇒ some π has d_KL > 0           dana.prop-2.converse FLOAT
 *   Proposition 3 (p. 3)            Assumption 1, d ≥ 2 ⇒ d_KL(π, L) = 0      dana.prop-3        enclosed witness
 *   Theorem 1, ε = 0 (p. 3 remark)  the AoT reaches the target encoder        dana.thm-1.eps0    enclosed witness
 *   Corollary 1 (p. 4)              T₀ = H·d_h + 2 associations, d = 2        dana.cor-1         enclosed witness
 *   Lemma 2 (p. 4; proof pp. 12–13) rank{A(t)} ≥ min(T₀, H·d), S ≥ 2          dana.lemma-2       enclosed witness
 *                                   … for S = 1                               dana.lemma-2.S1    known false (statement)
 *   proof of Thm 1 (p. 4, pp. 13–14) M = [x_S; W_V A] has rank T₀             dana.construction-rank.literal  known false (gap)
 *   proof of Thm 1 (pp. 13–14)      "W_V full rank keeps the rank T₀"         dana.thm-1.wv-rank-step          known false (proof step)
 *
 * Not registered: Theorem 1 for ε > 0 (its constant C comes from the SVD of W_V·A′, eq. (14)), Theorem 2 (p. 7, a Johnson–Lindenstrauss bound on sequence-encoder divergence),
 * Theorem 3 (p. 15, ε > 0 without Assumption 2) and Corollary 2 (p. 5, expected accuracy under a
 * uniform prior): memcap builds nothing they are about.
 */
import fc from "fast-check";
import { Decimal } from "decimal.js";
import { defineClaim, type Claim } from "../../src/claims/claim.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { rationalCirclePoint } from "../../src/numbers/circle.ts";
import { IntervalArithmetic, decimalToRational } from "../../src/numbers/interval.ts";
import { certifiedRank, intervalRankLowerBound, matMul, solve } from "../../src/linalg/index.ts";
import { countNetwork } from "../../src/ir/count.ts";
import { randomConditionals, randomLookupTable } from "../../src/data/associations.ts";
import { tableRng, type Rng } from "../../src/random.ts";
import { constructAot, skipBlockRank } from "./association.ts";
import { absorbSkipConnection, aotNetwork, genericWeights, solveReadout } from "./aot.ts";
import { decimalLogitEnclosures } from "./decimal-interval.ts";
import { attentionBeforeOutputEnclosure } from "./lemma-2.ts";
import { fitLowRankEncoder } from "./encoders.ts";

const PAPER = "dana" as const;
const R = (n: number) => Rational.of(n);

/** A small random integer matrix (entries in [−k, k]) from a seeded generator. */
function intMatrix(rng: Rng, m: number, n: number, k: number): Rational[][] {
  return Array.from({ length: m }, () => Array.from({ length: n }, () => R(rng.int(2 * k + 1) - k)));
}

/** The W_V rank step's minimized counterexample (see dana.thm-1.wv-rank-step). */
const KNOWN_WV = { H: 1, A: [[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1]], V0: [[1, 0], [0, 1]], Vh: [[[1, 0]]] };

export const DANA_CLAIMS: Claim[] = [
  defineClaim({
    id: "dana.cor-1",
    paper: PAPER,
    source: "Corollary 1 (Theorem 1 with ε = 0, d = 2)",
    cite: "p. 4 (Corollary 1); parameter count 2(S + 2N + 4(T₀ − 2)) ibid.; proof pp. 13–14 (A.2)",
    rigor: "enclosed",
    quantifier: "existential",
    statement:
      "an attention-only Transformer with d = 2, H heads of dimension d_h memorizes T₀ = H·d_h + 2 associations of a random look-up table (certified argmax of every association by interval enclosures) with at most 2(S + 2N + 4(T₀ − 2)) parameters; checked on tables whose sequences end in ≥ d distinct tokens, the hypothesis the proof needs (dana.construction-rank.literal); a failure is memcap's builder failing, not a refutation",
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e5 }), H: fc.integer({ min: 1, max: 4 }), dh: fc.integer({ min: 1, max: 2 }), N: fc.integer({ min: 4, max: 6 }) }),
    check: ({ seed, H, dh, N }) => {
      const d = 2;
      const S = 2;
      const T = H * dh + d;
      if (T > N ** S) return { holds: true };
      const table = randomLookupTable({ N, S, T, seed });
      if (skipBlockRank(table.sequences, d) < d) return { holds: true }; // outside the checked domain (see statement)
      let r: ReturnType<typeof constructAot>;
      try {
        r = constructAot(table, { d, dh, H, seed, decimalEnclosure: decimalLogitEnclosures, maxPrecision: 80 });
      } catch (e) {
        return { holds: false, failure: "builder-failed", detail: `memcap's construction failed: ${(e as Error).message}` };
      }
      if (r.certified !== T) return { holds: false, failure: "builder-failed", detail: `memcap's construction certified ${r.certified} of ${T} associations (${r.reason ?? "no reason recorded"})` };
      const params = countNetwork(r.network).parameters;
      const stated = d * (S + 2 * N + 4 * (T - d));
      return params <= stated ? { holds: true } : { holds: false, failure: "builder-failed", detail: `memcap's network has ${params} parameters > 2(S + 2N + 4(T₀ − 2)) = ${stated}` };
    },
    expected: "holds",
    quickRuns: 3,
  }),
  defineClaim({
    id: "dana.thm-1.eps0",
    paper: PAPER,
    source: "Theorem 1, the ε = 0 case (Remarks 1, last item)",
    cite: "p. 3 (Theorem 1, eq. (4); Remarks 1: ε = 0 with H·d_h + d = T₀, d(S + 2N + 4(T₀ − d)) parameters); proof pp. 13–14",
    rigor: "enclosed",
    quantifier: "existential",
    statement:
      "for a target sequence encoder f = W·E (random rational W ∈ R^{N×d}, E(t) ∈ R^d) on T₀ = H·d_h + d sequences ending in ≥ d distinct tokens, an AoT with H heads of dimension d_h reproduces f's logits within γ = 10⁻⁶ on every sequence (interval enclosures), so d_KL(π, T) ≤ d_KL(π, f) + O(γ) for any π, with at most d(S + 2N + 4(T₀ − d)) parameters; a failure is memcap's builder failing",
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e5 }), H: fc.integer({ min: 1, max: 3 }), dh: fc.integer({ min: 1, max: 2 }), d: fc.integer({ min: 2, max: 3 }), N: fc.integer({ min: 3, max: 5 }) }),
    check: ({ seed, H, dh, d, N }) => {
      const S = 2;
      const T = H * dh + d;
      if (T > N ** S) return { holds: true };
      const seqs = randomLookupTable({ N, S, T, seed }).sequences;
      if (skipBlockRank(seqs, d) < d) return { holds: true }; // outside the checked domain: dana.construction-rank.literal
      const rng = tableRng(seed ^ 0x7e0);
      const W = intMatrix(rng, N, d, 3);
      const E = intMatrix(rng, d, T, 3); // E[:, t] = E(t)
      const target = seqs.map((_, t) => W.map((row) => row.reduce((s, v, i) => s.add(v.mul(E[i]![t]!)), Rational.ZERO)));
      const w = genericWeights({ N, S, d, dh, H, seed, qkScale: 8 });
      let rd;
      try {
        rd = solveReadout(w, seqs, E.map((r) => r.map((v) => v.toNumber())), { kind: "decimal", digits: 60 });
      } catch (e) {
        return { holds: false, failure: "builder-failed", detail: `memcap's readout solve failed: ${(e as Error).message}` };
      }
      const { WU, WO } = absorbSkipConnection(W.map((r) => r.map((v) => v.toNumber())), rd.Z, 40);
      const net = aotNetwork(w, WU, WO, 40, { construction: "claim dana.thm-1.eps0" });
      const enc = decimalLogitEnclosures(net, seqs, 50);
      const gamma = new Decimal("1e-6");
      for (let t = 0; t < T; t++)
        for (let j = 0; j < N; j++) {
          const tv = new Decimal(target[t]![j]!.toString());
          if (enc[t]!.hi[j]!.minus(tv).gt(gamma) || tv.minus(enc[t]!.lo[j]!).gt(gamma))
            return { holds: false, failure: "builder-failed", detail: `sequence ${t}, logit ${j}: network ∈ [${enc[t]!.lo[j]!.toSD(8)}, ${enc[t]!.hi[j]!.toSD(8)}], target ${tv} (off by more than γ = 1e-6)` };
        }
      const params = countNetwork(net).parameters;
      const stated = d * (S + 2 * N + 4 * (T - d));
      return params <= stated ? { holds: true } : { holds: false, failure: "builder-failed", detail: `${params} parameters > d(S + 2N + 4(T₀ − d)) = ${stated}` };
    },
    describe: ({ seed, H, dh, d, N }) => `N = ${N}, S = 2, d = ${d}, d_h = ${dh}, H = ${H}, T₀ = ${H * dh + d}, seed ${seed}`,
    expected: "holds",
    quickRuns: 4,
  }),
  defineClaim({
    id: "dana.lemma-2",
    paper: PAPER,
    source: "Lemma 2 (S ≥ 2, the setting of its proof)",
    cite: "p. 4 (Lemma 2); proof pp. 12–13 (A.1, eqs. (6)–(12))",
    rigor: "enclosed",
    quantifier: "existential",
    statement:
      "for T₀ distinct sequences of length S ≥ 2 there are rank-1 W_QK^h and embeddings e, pos such that the attention before output, A(t) = [Σ_s a^h_s(t) x(t,s)]_h ∈ R^{H·d}, has rank{A(t)}_t ≥ min(T₀, H·d); memcap's witness: its generic dyadic e, pos, q_h, k_h, the softmax weights enclosed by outward-rounded intervals, and an r×r minor proven nonsingular for every matrix in the box (src/linalg/interval-rank.ts); a failure means memcap's witness failed, not that the lemma does",
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e5 }), H: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 3 }), S: fc.integer({ min: 2, max: 3 }), T: fc.integer({ min: 1, max: 10 }) }),
    check: ({ seed, H, d, S, T }) => {
      const N = 4;
      if (T > N ** S) return { holds: true };
      const seqs = randomLookupTable({ N, S, T, seed }).sequences;
      const w = genericWeights({ N, S, d, dh: 1, H, seed, qkScale: 8 });
      const { lo, hi } = attentionBeforeOutputEnclosure(w, seqs, 50);
      const target = Math.min(T, H * d);
      const wit = intervalRankLowerBound(lo, hi);
      return wit.rank >= target
        ? { holds: true }
        : { holds: false, failure: "builder-failed", detail: `memcap's generic weights give a proven rank ${wit.rank} < min(T₀, H·d) = ${target}${wit.reason ? ` (${wit.reason})` : ""}` };
    },
    describe: ({ seed, H, d, S, T }) => `N = 4, S = ${S}, d = ${d}, H = ${H}, T₀ = ${T}, seed ${seed}`,
    expected: "holds",
    quickRuns: 20,
  }),
  defineClaim({
    id: "dana.lemma-2.S1",
    paper: PAPER,
    source: "Lemma 2 as stated, for context length S = 1",
    cite: "p. 4 (Lemma 2; no restriction on S in §2, p. 2); the proof (p. 12, eq. (7)) needs an index i ≠ i_max(t), i.e. S ≥ 2",
    rigor: "exact",
    quantifier: "universal",
    statement:
      "for S = 1, H ≥ 2 and d < T₀ ≤ N, some choice of W_QK^h, e, pos gives rank{A(t)} ≥ min(T₀, H·d)",
    literalFailure: {
      kind: "statement",
      what: "for S = 1 every head averages one token with weight exactly 1, so the H blocks of A(t) are copies of x(t,1) and rank{A(t)} ≤ d < min(T₀, H·d) for EVERY choice of weights and embeddings; the paper never excludes S = 1. Theorem 1 does not need the lemma there (with one position the embedding alone realizes any encoder).",
    },
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e5 }), H: fc.integer({ min: 2, max: 3 }), d: fc.integer({ min: 1, max: 3 }), N: fc.integer({ min: 2, max: 8 }), T: fc.integer({ min: 2, max: 8 }) }),
    check: ({ seed, H, d, N, T }) => {
      if (T > N || T <= d) return { holds: true }; // outside the failing range: nothing claimed here
      const rng = tableRng(seed);
      const e = intMatrix(rng, N, d, 5);
      const pos = intMatrix(rng, 1, d, 5)[0]!;
      const toks = randomLookupTable({ N, S: 1, T, seed }).sequences.map((s) => s[0]!);
      // softmax over one position: the weight is exactly 1 whatever W_QK^h is, so A^h(t) = x(t,1) for every head
      const A = Array.from({ length: H * d }, (_, r) => toks.map((tok) => e[tok]![r % d]!.add(pos[r % d]!)));
      const rk = certifiedRank(A).rank;
      const target = Math.min(T, H * d);
      return rk >= target ? { holds: true } : { holds: false, detail: `rank{A(t)} = ${rk} ≤ d = ${d} < min(T₀, H·d) = ${target}: the ${H} head blocks are identical copies of x(t,1) (exact), for any W_QK, e, pos` };
    },
    describe: ({ seed, H, d, N, T }) => `S = 1, N = ${N}, d = ${d}, H = ${H}, T₀ = ${T}, seed ${seed}`,
    expected: "fails",
    knownCounterexample: { input: { seed: 0, H: 2, d: 1, N: 2, T: 2 }, seed: 1, note: "the smallest case: two one-token sequences, d = 1, two heads: rank 1 < 2" },
    repair: "dana.lemma-2 (S ≥ 2, the setting of the proof)",
    quickRuns: 30,
  }),
  defineClaim({
    id: "dana.prop-1",
    paper: PAPER,
    source: "Proposition 1 (Transformers are sequence encoders)",
    cite: "p. 3, eq. (3); the factorization T(t) = W_U E(t) is on p. 2 (§3, before Definition 1)",
    rigor: "exact",
    quantifier: "universal",
    statement:
      "an attention-only Transformer's logits factor as W_U·E(t) with E(t) ∈ R^d, so its N × T₀ logit matrix has rank ≤ d and it lies in L(N,S,d), whence d_KL(π, T) ≥ d_KL(π, L(N,S,d)); checked exactly on hardmax AoTs of eq. (1)'s shape (random integer weights; rank certified with null vectors)",
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e5 }), H: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 3 }), N: fc.integer({ min: 3, max: 6 }) }),
    check: ({ seed, H, d, N }) => {
      const S = 2;
      const rng = tableRng(seed);
      const e = intMatrix(rng, N, d, 4);
      const pos = intMatrix(rng, S, d, 4);
      const heads = Array.from({ length: H }, () => ({ QK: intMatrix(rng, d, d, 2), OV: intMatrix(rng, d, d, 2) }));
      const WU = intMatrix(rng, N, d, 3);
      const seqs = randomLookupTable({ N, S, T: Math.min(N * N, 12), seed }).sequences;
      const logits = seqs.map((t) => {
        const X = t.map((tok, s) => e[tok]!.map((v, i) => v.add(pos[s]![i]!)));
        const xS = X[S - 1]!;
        let E = xS.slice();
        for (const h of heads) {
          const q = h.QK.map((row) => row.reduce((a, v, i) => a.add(v.mul(xS[i]!)), Rational.ZERO)); // W_QK x_S
          const sc = X.map((x) => q.reduce((a, v, i) => a.add(v.mul(x[i]!)), Rational.ZERO));
          const mx = sc.reduce((a, b) => a.max(b));
          const arg = sc.map((v, s) => (v.eq(mx) ? s : -1)).filter((s) => s >= 0); // hardmax: uniform over the ties
          const avg = xS.map((_, i) => arg.reduce((a, s) => a.add(X[s]![i]!), Rational.ZERO).div(R(arg.length)));
          const out = matMul(h.OV, avg.map((v) => [v])).map((r) => r[0]!);
          E = E.map((v, i) => v.add(out[i]!));
        }
        return WU.map((row) => row.reduce((a, v, i) => a.add(v.mul(E[i]!)), Rational.ZERO));
      });
      const rk = certifiedRank(logits).rank;
      return rk <= d ? { holds: true } : { holds: false, detail: `logit matrix has rank ${rk} > d = ${d}` };
    },
    expected: "holds",
    quickRuns: 20,
  }),
  defineClaim({
    id: "dana.prop-2",
    paper: PAPER,
    source: "Proposition 2, first part (d ≥ N − 1)",
    cite: "p. 3 (Proposition 2)",
    rigor: "exact",
    quantifier: "universal",
    statement:
      "if d ≥ N − 1, every logit vector ℓ ∈ R^N is, up to the shift by a multiple of 1 (which softmax ignores), W·E for a fixed W ∈ R^{N×d} and some E ∈ R^d; taking ℓ = log π(·|t) gives softmax(W E(t)) = π(·|t) exactly, so d_KL(π, L(N,S,d)) = 0 for every π; checked exactly: W's columns span 1^⊥ (certified rank) and W E = ℓ − mean(ℓ)·1 is solved exactly for random rational ℓ (the argument is linear in ℓ, so rational ℓ decide it)",
    arbitrary: fc.record({ N: fc.integer({ min: 2, max: 7 }), extra: fc.integer({ min: 0, max: 2 }), seed: fc.integer({ min: 0, max: 1e5 }) }),
    check: ({ N, extra, seed }) => {
      const d = N - 1 + extra;
      const rng = tableRng(seed);
      // W: columns e_i − e_N (i < N), then random columns orthogonal to 1 (zero column sums)
      const W = Array.from({ length: N }, (_, r) => Array.from({ length: d }, (_, c) => (c < N - 1 ? R(r === c ? 1 : r === N - 1 ? -1 : 0) : Rational.ZERO)));
      for (let c = N - 1; c < d; c++) {
        const col = Array.from({ length: N - 1 }, () => R(rng.int(7) - 3));
        col.push(col.reduce((a, v) => a.sub(v), Rational.ZERO));
        col.forEach((v, r) => (W[r]![c] = v));
      }
      if (certifiedRank(W).rank !== N - 1) return { holds: false, detail: "W's columns do not span 1^⊥" };
      for (let k = 0; k < 5; k++) {
        const l = Array.from({ length: N }, () => Rational.of(rng.int(2001) - 1000, 1 + rng.int(97)));
        const mean = l.reduce((a, v) => a.add(v), Rational.ZERO).div(R(N));
        const s = solve(W, l.map((v) => v.sub(mean)));
        if (!s.consistent) return { holds: false, detail: `ℓ = (${l.join(", ")}) − mean is not in the column space of W` };
      }
      return { holds: true };
    },
    expected: "holds",
    quickRuns: 30,
  }),
  defineClaim({
    id: "dana.prop-2.converse",
    paper: PAPER,
    source: "Proposition 2, converse (d < N − 1)",
    cite: "p. 3 (Proposition 2, second sentence)",
    rigor: "float",
    quantifier: "existential",
    statement:
      "FLOAT: if d < N − 1 some π has d_KL(π, L(N,S,d)) > 0; measured: memcap's best rank-d fit (truncated SVD + Adam, a heuristic upper bound on the infimum) of a random full-support π on N² sequences stays above KL 10⁻⁴; a measurement, not a proof that the infimum is positive",
    arbitrary: fc.record({ N: fc.integer({ min: 3, max: 5 }), seed: fc.integer({ min: 0, max: 1e5 }) }),
    check: ({ N, seed }) => {
      const c = randomConditionals({ N, S: 2, T: N * N, seed });
      const fit = fitLowRankEncoder(c.conditionals.map((r) => r.map((v) => v.toNumber())), c.weights.map((v) => v.toNumber()), N - 2, { steps: 300, seed });
      return fit.kl > 1e-4 ? { holds: true } : { holds: false, detail: `the rank-${N - 2} fit reaches KL ${fit.kl} (float)` };
    },
    expected: "holds",
    quickRuns: 5,
  }),
  defineClaim({
    id: "dana.prop-3",
    paper: PAPER,
    source: "Proposition 3 (association case, d ≥ 2)",
    cite: "p. 3 (Proposition 3); the circle encoder of Theorem 2's proof, p. 7 and A.3 p. 14",
    rigor: "enclosed",
    quantifier: "existential",
    statement:
      "under Assumption 1 (deterministic next token g(t)) and d = 2, d_KL(π, L(N,S,2)) = 0: for every ε = 2^−k memcap's witness — exact rational points W_j on the unit circle, E(t) = λ·W_{g(t)} with λ = ⌈ln((N−1)/ε)/gap⌉ — has d_KL ≤ ε, proven by enclosing −log softmax(W E(t))_{g(t)} with outward-rounded intervals",
    arbitrary: fc.record({ N: fc.integer({ min: 2, max: 12 }), seed: fc.integer({ min: 0, max: 1e5 }), k: fc.integer({ min: 1, max: 40 }) }),
    check: ({ N, seed, k }) => {
      const W = Array.from({ length: N }, (_, j) => rationalCirclePoint(((2 * Math.PI * j) / N + Math.PI) % (2 * Math.PI) - Math.PI));
      const dot = (a: [Rational, Rational], b: [Rational, Rational]) => a[0].mul(b[0]).add(a[1].mul(b[1]));
      // exact gap: min over g ≠ j of W_g·W_g − W_j·W_g (> 0 for distinct points on the circle)
      let gap: Rational | null = null;
      W.forEach((a, g) => W.forEach((b, j) => j !== g && (gap = gap === null || dot(a, a).sub(dot(b, a)).lt(gap) ? dot(a, a).sub(dot(b, a)) : gap)));
      if (gap === null || !(gap as Rational).gt(Rational.ZERO)) return { holds: false, failure: "builder-failed", detail: "two circle points coincide" };
      const eps = Rational.of(1n, 1n << BigInt(k));
      const lam = Math.ceil(Math.log((N - 1) / eps.toNumber()) / (gap as Rational).toNumber()) + 1;
      const table = randomLookupTable({ N, S: 2, T: Math.min(N * N, 6), seed });
      const I = new IntervalArithmetic(40);
      let kl = I.ZERO;
      for (const g of table.next) {
        // KL(δ_g ‖ softmax(z)) = log(1 + Σ_{j≠g} exp(z_j − z_g)), z_j = λ W_j·W_g
        let s = I.ONE;
        W.forEach((wj, j) => j !== g && (s = I.add(s, I.exp(I.fromRational(dot(wj, W[g]!).sub(dot(W[g]!, W[g]!)).mul(R(lam)))))));
        kl = I.add(kl, I.mul(I.log(s), I.fromRational(Rational.of(1n, BigInt(table.next.length)))));
      }
      return decimalToRational(kl.hi).le(eps) ? { holds: true } : { holds: false, failure: "builder-failed", detail: `memcap's witness at λ = ${lam} has d_KL ≤ ${kl.hi.toSD(6)}, not ≤ ε = 2^−${k}` };
    },
    expected: "holds",
    quickRuns: 40,
  }),
  defineClaim({
    id: "dana.construction-rank.literal",
    paper: PAPER,
    source: "proof of Theorem 1 (ε = 0): M = [x(t,S); W_V A(t)] has rank T₀ when T₀ ≤ H·d_h + d",
    cite: "p. 4 (sketch: 'the linear system … is solvable … if the family {W_V A′(t)} has rank T₀'); pp. 13–14 (A.2)",
    rigor: "exact",
    quantifier: "universal",
    statement:
      "for T₀ = H·d_h + d distinct sequences, some choice of embeddings and heads makes the (d + H·d_h) × T₀ matrix M = [x(t,S); W_V^h A^h(t)] (skip rows, then the heads) of full rank T₀",
    literalFailure: {
      kind: "proof-gap",
      what: "the skip rows x(t,S) = e(t_S) + pos_S depend only on the last token, so if the T₀ sequences end in k < d distinct tokens rank M ≤ k + H·d_h < T₀ for EVERY choice of embeddings and heads; the paper states no hypothesis on last tokens (Assumption 1, p. 2; Theorem 1, p. 3; Corollary 1, p. 4). Whether Corollary 1 itself fails on such tables is not settled (another construction might succeed).",
    },
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e5 }), H: fc.integer({ min: 1, max: 2 }), dh: fc.constant(1), N: fc.integer({ min: 3, max: 5 }) }),
    check: ({ seed, H, dh, N }) => {
      const d = 2;
      const T = Math.min(H * dh + d, N * N);
      const table = randomLookupTable({ N, S: 2, T, seed });
      const w = genericWeights({ N, S: 2, d, dh, H, seed, qkScale: 8 });
      // the skip block is exact (dyadic embeddings); the head block has H·d_h rows whatever its (irrational) entries
      const skip = Array.from({ length: d }, (_, i) => table.sequences.map((s) => Rational.parse(String(w.e[s[1]!]![i]!)).add(Rational.parse(String(w.pos[1]![i]!)))));
      const rs = certifiedRank(skip).rank;
      const bound = rs + H * dh;
      return bound >= T
        ? { holds: true }
        : { holds: false, detail: `rank(M) ≤ rank(skip rows) + H·d_h = ${rs} + ${H * dh} < T₀ = ${T}: the ${T} sequences (${table.sequences.map((s) => `(${s})`).join(" ")}) end in ${new Set(table.sequences.map((s) => s[1])).size} distinct token(s), and the skip rows of sequences with the same last token coincide for any e, pos` };
    },
    describe: ({ seed, H, dh, N }) => `N = ${N}, S = 2, d = 2, d_h = ${dh}, H = ${H}, table seed ${seed}`,
    expected: "fails",
    knownCounterexample: { input: { seed: 69517, H: 1, dh: 1, N: 5 }, seed: 1, note: "found by `memcap claims --run --seed 1` as a NaN weight in dana.cor-1; three sequences, one shared last token" },
    repair: "dana.cor-1 and dana.thm-1.eps0 are checked on tables with ≥ d distinct last tokens (M's skip block then has rank d); the builder refuses other tables with this diagnosis",
    quickRuns: 40,
  }),
  defineClaim({
    id: "dana.thm-1.wv-rank-step",
    paper: PAPER,
    source: "proof of Theorem 1 (ε = 0): 'after multiplying by W_V with full rank, the rank stays T₀'",
    cite: "pp. 13–14 (A.2, the sentence across the page break); sketch p. 4 ('since W_V reduces the rank')",
    rigor: "exact",
    quantifier: "universal",
    statement:
      "if A′ (the (H + 1)·d × T₀ attention before output, skip head included) has rank T₀ — Lemma 2's conclusion — and each of its d-row blocks has rank d (so the last-token gap is excluded), then W_V·A′ has rank T₀ for every block-diagonal W_V = diag(W_V^0, W_V^1, …, W_V^H) with W_V^0 ∈ R^{d×d} invertible and each W_V^h ∈ R^{d_h×d} of full rank d_h",
    literalFailure: {
      kind: "proof-step",
      what: "the inference does not follow from Lemma 2: a block-diagonal W_V with full-rank blocks can send a rank-T₀ A′ to rank < T₀ (each W_V^h keeps only d_h of its head's d rows, and those can fall into the span of the other blocks). What the construction needs is a W_V chosen for A′; memcap draws W_V at random and its builds check the result (dana.cor-1, dana.thm-1.eps0)",
    },
    // explicit small integer matrices, so that fast-check shrinks a failure entry by entry to a minimal one
    arbitrary: (() => {
      // drawn at the largest shape (H = 2) and cut to H, so that shrinking can lower H and each entry independently
      const entry = fc.integer({ min: -2, max: 2 });
      const mat = (m: number, n: number) => fc.array(fc.array(entry, { minLength: n, maxLength: n }), { minLength: m, maxLength: m });
      return fc
        .record({ H: fc.integer({ min: 1, max: 2 }), A: mat(6, 4), V0: mat(2, 2), Vh: fc.array(mat(1, 2), { minLength: 2, maxLength: 2 }) })
        .map(({ H, A, V0, Vh }) => ({ H, A: A.slice(0, (H + 1) * 2).map((r) => r.slice(0, H + 2)), V0, Vh: Vh.slice(0, H) }));
    })(),
    check: ({ H, A: A0, V0: V00, Vh: Vh0 }) => {
      const d = 2;
      const dh = 1;
      const T = H * dh + d;
      const toQ = (M: number[][]) => M.map((r) => r.map((v) => R(v)));
      const A = toQ(A0);
      if (certifiedRank(A).rank !== T) return { holds: true }; // premise (Lemma 2's conclusion) fails
      // exclude the last-token gap: every d-row block of A′ (skip block included) has full rank d
      for (let b = 0; b <= H; b++) if (certifiedRank(A.slice(b * d, (b + 1) * d)).rank !== d) return { holds: true };
      const V0 = toQ(V00);
      const Vh = Vh0.map(toQ);
      if (certifiedRank(V0).rank !== d || Vh.some((v) => certifiedRank(v).rank !== dh)) return { holds: true }; // premise fails
      const WV: Rational[][] = [];
      [V0, ...Vh].forEach((B, b) => B.forEach((row) => WV.push(Array.from({ length: (H + 1) * d }, (_, c) => (Math.floor(c / d) === b ? row[c % d]! : Rational.ZERO)))));
      const rk = certifiedRank(matMul(WV, A)).rank;
      const show = (M: Rational[][]) => `[${M.map((r) => r.join(" ")).join("; ")}]`;
      return rk === T ? { holds: true } : { holds: false, detail: `A′ = ${show(A)} has rank ${T} and every block of W_V = ${show(WV)} has full rank, but rank(W_V·A′) = ${rk} < T₀ = ${T} (exact)` };
    },
    describe: ({ H, A, V0, Vh }) => `H = ${H}, d = 2, d_h = 1, T₀ = ${H + 2}, A′ = ${JSON.stringify(A)}, W_V^0 = ${JSON.stringify(V0)}, W_V^h = ${JSON.stringify(Vh)}`,
    expected: "fails",
    knownCounterexample: { input: KNOWN_WV, seed: 1, note: "minimized by hand from the search's finds (`memcap counterexample dana.thm-1.wv-rank-step --seed 2` shrinks to a 4×3 instance with entries in {−2, …, 2}): skip rows e₁, e₂ and head rows e₂, e₃ (rank 3, every block of rank 2, so no last-token gap); W_V^0 = I and W_V^1 = [1 0] keeps the head's first row, e₂, which the skip block already spans" },
    repair: "a W_V chosen for A′ (generic): memcap's builds draw W_V at random and check rank M through the certified result",
    quickRuns: 200,
  }),
];
