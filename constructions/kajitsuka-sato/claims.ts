/**
 * Kajitsuka & Sato's lemmas as registered claims (src/claims/claim.ts): each with the arbitrary of
 * valid inputs and the checker memcap uses. Literal statements that fail are registered with
 * `expected: "fails"`, their minimized counterexample (COUNTEREXAMPLES.md) and the repaired step.
 */
import fc from "fast-check";
import { defineClaim, type Claim, type ClaimOutcome } from "../../src/claims/claim.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { bitEncoding, bitSegment, stepConstants, tentMap } from "./bit-extraction.ts";
import { intervalIndicator, lemmaC1Reference, planLemmaC1, segmentIndicator } from "./lemma-c1.ts";
import { greedyDistinguishingTokens, lemmaB2h, lemmaB2Shift, lemmaB2Weights, restrictedCounts, tokenIdProjection, weightedSum } from "./sequence-id.ts";
import { searchLemmaB2Counterexample } from "./counterexamples.ts";
import { binSegment, findLemmaB2Weights, lemmaB2ProofStep, lemmaG6Output } from "./statement-checks.ts";
import { buildKsNetwork } from "./theorem-4-1.ts";
import { generateSeparatedVocabulary, generateSequenceDataset, multisetKey } from "../../src/data/sequences.ts";
import { compileExact } from "../../src/eval/exact.ts";
import { countNetwork } from "../../src/ir/count.ts";
import { randomNetwork } from "../../src/eval/random-network.ts";

const half = Rational.of(1n, 2n);
const PAPER = "kajitsuka-sato" as const;

/** (L, u, i, j): an L-bit integer u and a bit range 1 ≤ i ≤ j ≤ L. */
const bitRange = fc
  .integer({ min: 1, max: 48 })
  .chain((L) => fc.tuple(fc.constant(L), fc.bigInt({ min: 0n, max: (1n << BigInt(L)) - 1n }), fc.integer({ min: 1, max: L }), fc.integer({ min: 1, max: L })))
  .map(([L, u, a, b]) => ({ L, u, i: Math.min(a, b), j: Math.max(a, b) }));

const smallRational = fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 64 })).map(([a, b]) => Rational.of(a, b));

/** Lemma C.1 inputs: sorted-able integers ≥ 2 with gaps ≥ 2, labels in [0, 2^cbits), extra points. */
const c1Input = fc
  .tuple(fc.uniqueArray(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 4 }))
  .map(([raw, cbits, seed, g]) => {
    const xs = raw.map((v) => BigInt(2 * v + (seed % 2)));
    const nx = Math.floor(xs.length / 3);
    const labels = xs.slice(nx).map((_, i) => BigInt((seed * 7919 + i * 104729) % (1 << cbits)));
    return { points: xs.slice(nx), labels, extras: xs.slice(0, nx), groupSize: g };
  });
type C1Input = { points: bigint[]; labels: bigint[]; extras: bigint[]; groupSize: number };

function checkC1(inp: C1Input, swapWidths: boolean) {
  const plan = planLemmaC1(inp.points, inp.labels, inp.extras, { groupSize: inp.groupSize, swapWidths });
  for (let i = 0; i < inp.points.length; i++) {
    const got = lemmaC1Reference(plan, inp.points[i]!);
    if (got !== inp.labels[i]) return { holds: false, detail: `point ${inp.points[i]} gets ${got}, label ${inp.labels[i]}` };
  }
  for (const x of inp.extras) {
    const got = lemmaC1Reference(plan, x);
    if (got !== 0n) return { holds: false, detail: `extra point ${x} gets ${got}, not 0` };
  }
  return { holds: true };
}

/** Random multisets (sequences over a small vocabulary): N sequences of length n. */
const sequenceSets = fc
  .tuple(fc.integer({ min: 2, max: 10 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 0, max: 1e6 }))
  .map(([V, n, N, seed]) => {
    let s = seed;
    const next = () => (s = (s * 1103515245 + 12345) % 2147483648);
    return Array.from({ length: N }, () => Array.from({ length: n }, () => next() % V));
  });

function distinctRestricted(seqs: number[][], A: number[]): number[][] {
  return [...new Map(seqs.map((s) => [multisetKey(s), s])).values()].map((s) => restrictedCounts(s, A));
}

const b2Cx = searchLemmaB2Counterexample(1);

/** Theorem 4.1 / Corollary 4.1 on one generated dataset: memcap's witness (width ≤ 14, one uniform attention layer, exact labels). */
const ksTheoremCheck = ({ N, n, d, classes, seed, seq2seq }: { N: number; n: number; d: number; classes: number; seed: number; seq2seq: boolean }): ClaimOutcome => {
      const vocab = Math.min(8, 17 ** d);
      if (N > vocab ** n) return { holds: true }; // not enough distinct sequences: outside the generator's range
      const ds = generateSequenceDataset({ N, n, d, classes, vocab, seed, seq2seq });
      const { network } = buildKsNetwork(ds, { seq2seq, seed });
      const c = countNetwork(network);
      if (c.width > 14) return { holds: false, failure: "builder-failed", detail: `memcap's network has width ${c.width} > 14` };
      const att = network.layers.filter((l) => l.type === "attention");
      if (att.length !== 1 || att[0]!.type !== "attention" || att[0]!.attention !== "uniform") return { holds: false, failure: "builder-failed", detail: `memcap's network has ${att.length} attention layers` };
      const out = compileExact(network).evaluate(ds.sequences, ds.tokens);
      for (let i = 0; i < out.length; i++) {
        const lab = ds.labels[i]!;
        const labs = Array.isArray(lab) ? lab : [lab];
        for (let k = 0; k < out[i]!.length; k++)
          if (!out[i]![k]![0]!.eq(Rational.fromBigInt(labs[k]!))) return { holds: false, failure: "builder-failed", detail: `memcap's network: sequence ${i} position ${k}: output ${out[i]![k]![0]}, label ${labs[k]}` };
      }
      return { holds: true };
    };


export const KS_CLAIMS: Claim[] = [
  defineClaim({
    id: "ks.lemma-G.4",
    paper: PAPER,
    source: "Lemma G.4 (after Vardi et al.)",
    cite: "p. 37 (Lemma G.4)",
    rigor: "exact",
    quantifier: "universal",
    statement: "bits i..j of an L-bit integer u are extracted exactly by tent-map iterates ψ^(k−1), two exact ReLU steps and an XOR per bit",
    arbitrary: bitRange,
    check: ({ L, u, i, j }) => {
      const want = BigInt("0b" + u.toString(2).padStart(L, "0").slice(i - 1, j));
      const got = bitSegment(u, L, i, j);
      return got === want ? { holds: true } : { holds: false, detail: `BIN_${i}:${j}(${u}) = ${want}, extracted ${got}` };
    },
    expected: "holds",
    quickRuns: 200,
  }),
  defineClaim({
    id: "ks.lemma-G.4.margins",
    paper: PAPER,
    source: "Lemma G.4 (step exactness)",
    cite: "p. 37 (Lemma G.4), proof p. 38: the step constants",
    rigor: "exact",
    quantifier: "universal",
    statement: "|ψ^(k−1)(z1) − ½| ≥ 2^(−L−1) and |ψ^(k−1)(z2) − ψ^(k−1)(z1)| ≥ 2^(−L−2) for every k ≤ L, so the steps with K = 2^(L+1), 2^(L+3) are exact",
    arbitrary: fc.integer({ min: 1, max: 24 }).chain((L) => fc.tuple(fc.constant(L), fc.bigInt({ min: 0n, max: (1n << BigInt(L)) - 1n }))),
    check: ([L, u]) => {
      let [z1, z2] = bitEncoding(u, L);
      const [K1, K2] = stepConstants(L);
      for (let k = 1; k <= L; k++) {
        if (z1.sub(half).abs().lt(Rational.of(1n, K1))) return { holds: false, detail: `bit ${k}: |ψ(z1) − ½| = ${z1.sub(half).abs()} < 1/${K1}` };
        if (z2.sub(z1).abs().lt(Rational.of(1n, K2))) return { holds: false, detail: `bit ${k}: |ψ(z2) − ψ(z1)| < 1/${K2}` };
        z1 = tentMap(z1);
        z2 = tentMap(z2);
      }
      return { holds: true };
    },
    expected: "holds",
    quickRuns: 100,
  }),
  defineClaim({
    id: "ks.lemma-G.2",
    paper: PAPER,
    source: "Lemma G.2 (interval indicator)",
    cite: "p. 37 (Lemma G.2)",
    rigor: "exact",
    quantifier: "universal",
    statement: "σ(1 − 2σ(a−x) − 2σ(x−b)) is 1 on [a,b], 0 outside [a−½, b+½] and in [0,1] everywhere",
    arbitrary: fc.tuple(smallRational, smallRational, smallRational),
    check: ([a0, b0, x]) => {
      const [a, b] = a0.le(b0) ? [a0, b0] : [b0, a0];
      const v = intervalIndicator(x, a, b);
      if (v.lt(Rational.ZERO) || v.gt(Rational.ONE)) return { holds: false, detail: `value ${v} outside [0,1]` };
      if (x.ge(a) && x.le(b) && !v.eq(Rational.ONE)) return { holds: false, detail: `x = ${x} in [${a}, ${b}] but indicator ${v}` };
      if ((x.le(a.sub(half)) || x.ge(b.add(half))) && !v.isZero()) return { holds: false, detail: `x = ${x} outside [a−½, b+½] but indicator ${v}` };
      return { holds: true };
    },
    expected: "holds",
    quickRuns: 300,
  }),
  defineClaim({
    id: "ks.lemma-G.5",
    paper: PAPER,
    source: "Lemma G.5 (segment bracket)",
    cite: "p. 38 (Lemma G.5)",
    rigor: "exact",
    quantifier: "universal",
    statement: "the bracket σ(1 − 2σ(u − x) − 2σ(x − u − 1)) is 1 at x ∈ {u, u+1} and 0 at integers ≥ 2 away",
    arbitrary: fc.tuple(fc.integer({ min: 0, max: 100000 }), fc.integer({ min: -6, max: 6 })),
    check: ([u, k]) => {
      const v = segmentIndicator(Rational.of(u + k), Rational.of(u));
      const want = k === 0 || k === 1 ? Rational.ONE : Rational.ZERO;
      return v.eq(want) ? { holds: true } : { holds: false, detail: `x = u + ${k}: bracket ${v}, expected ${want}` };
    },
    expected: "holds",
  }),
  defineClaim({
    id: "ks.lemma-C.1",
    paper: PAPER,
    source: "Lemma C.1 (Stages II and III, repaired slot widths)",
    cite: "p. 28 (Lemma C.1, eq. (97)); proof pp. 29–31, eqs. (99)–(108)",
    rigor: "exact",
    quantifier: "existential",
    statement: "the bit-extraction network maps separated scalars (≥ 2, gaps ≥ 2) to their labels and extra points to 0",
    arbitrary: c1Input,
    check: (inp) => {
      const r = checkC1(inp, false);
      return r.holds ? r : { ...r, failure: "builder-failed" as const };
    },
    expected: "holds",
    quickRuns: 60,
  }),
  defineClaim({
    id: "ks.lemma-G.6.literal",
    paper: PAPER,
    source: "Lemma G.6 as called in the proof of Lemma C.1 (ρ = log C, c = log R)",
    cite: "p. 30 ('Lemma G.6 with ρ = log C, n = N/log N and c = log R'); Lemma G.6 p. 38",
    rigor: "exact",
    quantifier: "universal",
    literalFailure: {
      kind: "misprint",
      what: "ρ and c are swapped in the call: in Lemma G.6 ρ is the slot width of u (the ⌊x_i⌋, each up to R) and c that of w (the labels, below C), and eqs. (99), (100), (108) use them that way; read literally, u's slots overflow. With the two swapped back Lemma C.1 holds (ks.lemma-C.1)",
    },
    statement: "with u's segments in log C-bit slots and w's in log R-bit slots (the text's call), the Stage III scan still outputs every label",
    arbitrary: c1Input,
    check: (inp) => checkC1(inp, true),
    expected: "fails",
    knownCounterexample: { input: { points: [3n], labels: [1n], extras: [], groupSize: 1 }, seed: 0, note: "one point x = 3 with label 1 (C = 2, R = 3): found by exhaustive search over ≤ 3 points < 40" },
    repair: "ks.lemma-C.1: segments of u in ρ = ⌈log R⌉-bit slots and of w in c = ⌈log C⌉-bit slots, consistent with eqs. (99), (100), (108)",
    describe: (inp) => `points ${inp.points.join(", ")} with labels ${inp.labels.join(", ")}, extras [${inp.extras.join(", ")}], group size ${inp.groupSize}`,
    quickRuns: 60,
  }),
  defineClaim({
    id: "ks.lemma-C.2",
    paper: PAPER,
    source: "Lemma C.2 (token id)",
    cite: "p. 29 (Lemma C.2)",
    rigor: "exact",
    quantifier: "existential",
    statement: "the token-id projection sends every vocabulary token to an integer ≥ 2, distinct tokens at least 2 apart",
    arbitrary: fc.tuple(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 10000 })).filter(([V, d]) => V <= 17 ** d),
    check: ([V, d, seed]) => {
      const tid = tokenIdProjection(generateSeparatedVocabulary(V, d, seed), seed);
      const vs = [...tid.values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (vs[0]! < 2n) return { holds: false, detail: `smallest id ${vs[0]} < 2` };
      for (let i = 1; i < vs.length; i++) if (vs[i]! - vs[i - 1]! < 2n) return { holds: false, detail: `ids ${vs[i - 1]} and ${vs[i]} closer than 2` };
      return { holds: true };
    },
    expected: "holds",
    quickRuns: 40,
  }),
  defineClaim({
    id: "ks.lemma-B.1",
    paper: PAPER,
    source: "Lemma B.1 (greedy distinguishing tokens)",
    cite: "p. 16 (Lemma B.1)",
    rigor: "exact",
    quantifier: "existential",
    statement: "the greedy set A of token values distinguishes every pair of distinct multisets by their counts on A, with |A| ≤ (#distinct multisets) − 1",
    arbitrary: sequenceSets,
    check: (seqs) => {
      const A = greedyDistinguishingTokens(seqs);
      const byCounts = new Map<string, string>();
      for (const s of seqs) {
        const r = restrictedCounts(s, A).join(",");
        const ms = multisetKey(s);
        const prev = byCounts.get(r);
        if (prev !== undefined && prev !== ms) return { holds: false, detail: `multisets ${prev} and ${ms} share counts ${r} on A = {${A}}` };
        byCounts.set(r, ms);
      }
      const distinct = new Set(seqs.map(multisetKey)).size;
      return A.length <= Math.max(0, distinct - 1) ? { holds: true } : { holds: false, detail: `|A| = ${A.length} > ${distinct - 1}` };
    },
    expected: "holds",
    quickRuns: 100,
  }),
  defineClaim({
    id: "ks.lemma-B.2.literal",
    paper: PAPER,
    source: "proof of Lemma B.2: the choice f := h + ⌊2N²|S|√π⌋",
    cite: "p. 18 (end of the proof of Lemma B.2: 'by setting f(x) := h(x) + ⌊2N²|S|√π⌋'); the lemma is on p. 16, eq. (16)",
    rigor: "exact",
    quantifier: "universal",
    literalFailure: {
      kind: "proof-step",
      what: "what fails is the proof's choice f := h + ⌊2N²|S|√π⌋ (p. 18): the shift is added once per token of S, so two multisets of different sizes can collide (Σ m f = Σ m h + ⌊2N²|S|√π⌋·|m|). The lemma's existential statement still holds on the counterexample (ks.lemma-B.2 finds an f in the stated range), and Theorem 4.1 survives with memcap's repaired shift (ks.lemma-B.2.repaired, ks.thm-4.1)",
    },
    statement: "for two multisets with distinct counts m ≠ m′ on S and a direction v satisfying Lemma G.1 on m − m′ (p. 37), the proof's weights f = h + ⌊2N²|S|√π⌋ with h = ⌈N²|S|√π·v⌉ keep Σ m f ≠ Σ m′ f (v an exact rational unit vector; every √π product and G.1's premise decided on a 60-digit enclosure of π)",
    arbitrary: fc.record({ theta: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), n: fc.integer({ min: 2, max: 4 }), q: fc.integer({ min: 1, max: 3 }), p: fc.integer({ min: 1, max: 3 }) }),
    check: ({ theta, n, q, p }) => {
      // two sequences of length n: a₁^q z^(n−q) and a₂^p z^(n−p) with z ∉ S = {a₁, a₂}, N = 2
      if (q > n || p > n || p === q) return { holds: true };
      const r = lemmaB2ProofStep(theta, q, p);
      if (r.premise !== "holds") return { holds: true }; // Lemma G.1's premise fails (or is undecided) for this v: nothing is claimed
      return r.sums[0] !== r.sums[1]
        ? { holds: true }
        : { holds: false, detail: `counts (${q},0) and (0,${p}) on S both sum to ${r.sums[0]} with f = (${r.f.join(", ")}) = h + ${r.shift}, h = ⌈8√π·v⌉ = (${r.h.join(", ")}), v = (${r.v.map((x) => x.toNumber().toFixed(6)).join(", ")}) exact rational on the unit circle: the shift ⌊2N²|S|√π⌋ is added once per token of S, and the sequences hold different numbers of them` };
    },
    describe: ({ theta, n, q, p }) => `N = 2, n = ${n}, v = (cos ${theta.toFixed(6)}, sin ${theta.toFixed(6)}), m = (${q}, 0), m′ = (0, ${p})`,
    expected: "fails",
    ...(b2Cx
      ? { knownCounterexample: { input: { theta: Math.atan2(b2Cx.v[1]!, b2Cx.v[0]!), n: b2Cx.n, q: b2Cx.m[0]!, p: b2Cx.mPrime[1]! }, seed: b2Cx.seed, note: "searchLemmaB2Counterexample(1) in constructions/kajitsuka-sato/counterexamples.ts" } }
      : {}),
    repair: "ks.lemma-B.2.repaired: f = h + (2n·max|h| + 1), so Σ m f determines (|seq ∩ A|, Σ m h)",
    quickRuns: 300,
  }),
  defineClaim({
    id: "ks.lemma-B.2.repaired",
    paper: PAPER,
    source: "Lemma B.2, memcap's repaired shift",
    cite: "memcap's repair of the proof step on p. 18 (Lemma B.2, p. 16, eq. (16))",
    rigor: "exact",
    quantifier: "universal",
    statement: "with f = h + (2n·max|h| + 1) every weight is positive and distinct multisets get distinct sums Σ m f",
    arbitrary: fc.tuple(sequenceSets, fc.integer({ min: 0, max: 1e6 })),
    check: ([seqs, seed]) => {
      const A = greedyDistinguishingTokens(seqs);
      if (A.length === 0) return { holds: true };
      const counts = distinctRestricted(seqs, A);
      const w = lemmaB2Weights(counts, seqs.length, seqs[0]!.length, seed);
      if (w.fRepaired.some((f) => f <= 0n)) return { holds: false, detail: `non-positive weight in (${w.fRepaired.join(", ")})` };
      const sums = counts.map((m) => weightedSum(m, w.fRepaired).toString());
      return new Set(sums).size === sums.length ? { holds: true } : { holds: false, detail: `two multisets share the sum; sums ${sums.join(", ")}` };
    },
    expected: "holds",
    quickRuns: 60,
  }),
  defineClaim({
    id: "ks.thm-4.1",
    paper: PAPER,
    source: "Theorem 4.1 (next-token prediction)",
    cite: "p. 6 (Theorem 4.1, eq. (6): width 14, depth Õ(√N)); formal statement p. 20 (Theorem B.1)",
    rigor: "exact",
    quantifier: "existential",
    statement: "for consistently labelled, token-wise separated data there is a Transformer of width 14 with one self-attention layer that memorizes it; memcap's witness (compact variant, B.2 repaired) is built and every label checked exactly; the depth Õ(√N) is asymptotic and not decided here; a failure is memcap's builder failing",
    arbitrary: fc.record({ N: fc.integer({ min: 1, max: 12 }), n: fc.integer({ min: 1, max: 4 }), d: fc.integer({ min: 1, max: 3 }), classes: fc.integer({ min: 1, max: 4 }), seed: fc.integer({ min: 0, max: 1e6 }), seq2seq: fc.constant(false) }),
    check: ksTheoremCheck,
    expected: "holds",
    quickRuns: 8,
  }),
  defineClaim({
    id: "ks.cor-4.1",
    paper: PAPER,
    source: "Corollary 4.1 (sequence-to-sequence prediction)",
    cite: "p. 9 (Corollary 4.1, eq. (10): width 14, depth Õ(√(nN)))",
    rigor: "exact",
    quantifier: "existential",
    statement: "for consistently labelled (eq. (10)), token-wise separated data there is a Transformer of width 14 with one self-attention layer that outputs every token's label; memcap's witness is built and every label checked exactly; the depth is asymptotic and not decided; a failure is memcap's builder failing",
    arbitrary: fc.record({ N: fc.integer({ min: 1, max: 8 }), n: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 3 }), classes: fc.integer({ min: 1, max: 4 }), seed: fc.integer({ min: 0, max: 1e6 }), seq2seq: fc.constant(true) }),
    check: ksTheoremCheck,
    expected: "holds",
    quickRuns: 6,
  }),
];

KS_CLAIMS.push(
  defineClaim({
    id: "ks.eq-5.permutation-equivariance",
    paper: PAPER,
    source: "Section 3, eq. (5): consistency is necessary",
    cite: "p. 6 (the sentence before Theorem 4.1 and condition 1, eq. (5))",
    rigor: "exact",
    quantifier: "universal",
    statement: "a Transformer without positional encoding or mask (uniform/hardmax attention, residual FFNs) gives the same last-position output on sequences with the same last token and the same multiset, so consistent labels are necessary",
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e6 }), depth: fc.integer({ min: 1, max: 6 }), width: fc.integer({ min: 1, max: 3 }) }),
    check: ({ seed, depth, width }) => {
      const { net, vocabulary, sequences } = randomNetwork({ seed, depth, width, kinds: ["affine", "relu", "ffn"], attention: ["uniform", "hardmax"], positions: "last" });
      for (const l of net.layers) if (l.type === "attention") l.keys = "all";
      const permuted = sequences.map((s) => {
        const head = s.slice(0, -1);
        for (let i = head.length - 1; i > 0; i--) {
          const j = (seed * 31 + i * 17) % (i + 1);
          [head[i], head[j]] = [head[j]!, head[i]!];
        }
        return [...head, s[s.length - 1]!];
      });
      const a = compileExact(net).evaluate(sequences, vocabulary);
      const b = compileExact(net).evaluate(permuted, vocabulary);
      for (let i = 0; i < a.length; i++)
        for (let k = 0; k < a[i]![0]!.length; k++)
          if (!a[i]![0]![k]!.eq(b[i]![0]![k]!)) return { holds: false, detail: `sequence ${sequences[i]} vs ${permuted[i]}: coordinate ${k} differs (${a[i]![0]![k]} vs ${b[i]![0]![k]})` };
      return { holds: true };
    },
    expected: "holds",
    quickRuns: 50,
  }),
);

/** Distinct count vectors on S (every element of S used): Lemma B.2's inputs, with the literal step's counterexample first. */
const b2Families = fc.oneof(
  fc.constant([[2, 0], [0, 1]] as number[][]),
  fc
    .record({ N: fc.integer({ min: 2, max: 4 }), s: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 0, max: 1e6 }) })
    .map(({ N, s, seed }) => {
      let x = seed;
      const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
      const seen = new Set<string>();
      const out: number[][] = [];
      for (let t = 0; t < 50 && out.length < N; t++) {
        const m = Array.from({ length: s }, () => next() % 4);
        if (m.every((c) => c === 0) || seen.has(m.join())) continue;
        seen.add(m.join());
        out.push(m);
      }
      return out;
    })
    .filter((ms) => ms.length >= 2 && ms[0]!.every((_, i) => ms.some((m) => m[i]! > 0))),
);

/** Lemma G.6 inputs: slot widths, u with n segments pairwise ≥ 2 apart, any w, a segment index j. */
/** Lemma G.6's setting on one input: x = ⌊x⌋ (+ ½) with ⌊x⌋ the j-th ρ-bit segment of u, and the network's output; null when x ≤ 0 (outside the lemma). */
function g6Network({ rho, c, n, u, w, j, half }: { rho: number; c: number; n: number; u: bigint; w: bigint; j: number; half: boolean }): { x: Rational; got: Rational } | null {
  const uj = binSegment(u, rho * n, rho * j + 1, rho * (j + 1));
  const x = Rational.fromBigInt(uj).add(half ? Rational.of(1n, 2n) : Rational.ZERO);
  return x.gt(Rational.ZERO) ? { x, got: lemmaG6Output(x, u, w, rho, c, n) } : null;
}

const g6Input = fc
  .record({ rho: fc.integer({ min: 1, max: 4 }), c: fc.integer({ min: 1, max: 4 }), n: fc.integer({ min: 1, max: 3 }), seed: fc.integer({ min: 0, max: 1e6 }), j: fc.nat(2), half: fc.boolean() })
  .map(({ rho, c, n, seed, j, half }) => {
    let x = seed;
    const next = () => (x = (x * 1103515245 + 12345) % 2147483648);
    const segs: bigint[] = [];
    for (let t = 0; t < 200 && segs.length < n; t++) {
      const v = BigInt(next() % (1 << rho));
      if (segs.every((s) => (s > v ? s - v : v - s) >= 2n)) segs.push(v);
    }
    const u = segs.reduce((a, v) => (a << BigInt(rho)) + v, 0n);
    const w = BigInt(next()) % (1n << BigInt(c * segs.length)); // LEN(w) = c·n for the n segments kept
    return { rho, c, n: segs.length, u, w, j: Math.min(j, segs.length - 1), half };
  })
  .filter((g) => g.n >= 1);

KS_CLAIMS.push(
  defineClaim({
    id: "ks.lemma-B.2",
    paper: PAPER,
    source: "Lemma B.2 (the statement: some f separates the multisets)",
    cite: "p. 16 (Lemma B.2, eq. (16)); the failing proof step is on p. 18 (ks.lemma-B.2.literal)",
    rigor: "exact",
    quantifier: "existential",
    statement:
      "for distinct multisets m^(1..N) with |m^(i)| ≤ M and S the union of their supports there is f : S → [⌈4N²|S|√π⌉] whose sums Σ m^(i) f are distinct, pairwise ≥ √|S| apart and ≤ 4MN²|S|√π (√π decided by a 60-digit enclosure of π, gaps on squares); memcap searches the range exhaustively when it has ≤ 2·10⁵ points — then 'none' refutes — and samples it otherwise (then 'none' is a builder failure). Includes the counterexample to the proof's choice of f",
    arbitrary: b2Families,
    check: (counts) => {
      const r = findLemmaB2Weights(counts);
      if (r.f) return { holds: true };
      return r.search === "exhaustive"
        ? { holds: false, detail: `no f : S → [${r.K}] separates the sums (all ${r.tried} candidates tried)` }
        : { holds: false, failure: "builder-failed", detail: `no separating f among ${r.tried} random candidates in [${r.K}]^${counts[0]!.length} (the range was not searched exhaustively)` };
    },
    describe: (counts) => `count vectors ${counts.map((m) => `(${m.join(", ")})`).join(", ")} on S`,
    expected: "holds",
    quickRuns: 40,
  }),
  defineClaim({
    id: "ks.lemma-G.6",
    paper: PAPER,
    source: "Lemma G.6 as its proof gives it (output BIN_{jc+1:(j+1)c}(w))",
    cite: "p. 38 (Lemma G.6); proof p. 39, eqs. (162)–(164)",
    rigor: "exact",
    quantifier: "universal",
    statement: "with u's n segments (ρ bits each) pairwise ≥ 2 apart and ⌊x⌋ = BIN_{ρj+1:ρ(j+1)}(u), the proof's network (eq. (162)) outputs BIN_{jc+1:(j+1)c}(w), the j-th c-bit segment of w (eq. (163)); exact rationals, segments extracted by the Lemma G.4 realization",
    arbitrary: g6Input,
    check: (p) => {
      const { rho, c, n, w, j } = p;
      const run = g6Network(p);
      if (!run) return { holds: true }; // the lemma needs x > 0
      const { x, got } = run;
      const want = binSegment(w, c * n, c * j + 1, c * (j + 1));
      return got.eq(Rational.fromBigInt(want)) ? { holds: true } : { holds: false, detail: `F(x = ${x}) = ${got}, BIN_{jc+1:(j+1)c}(w) = ${want}` };
    },
    expected: "holds",
    quickRuns: 100,
  }),
  defineClaim({
    id: "ks.lemma-G.6.eq-153",
    paper: PAPER,
    source: "Lemma G.6, eq. (153) as printed (output BIN_{ρj+1:ρ(j+1)}(w))",
    cite: "p. 38, eq. (153); the proof's eq. (163), p. 39, gives BIN_{jc+1:(j+1)c}(w)",
    rigor: "exact",
    quantifier: "universal",
    literalFailure: {
      kind: "misprint",
      what: "eq. (153) indexes w's segment with ρ (u's slot width) where the proof (eqs. (156), (162), (163)) uses c (w's slot width); when ρ ≠ c the printed index reads the wrong bits of w (or bits past LEN(w) = c·n). Read with c, the lemma holds (ks.lemma-G.6)",
    },
    statement: "with u's segments pairwise ≥ 2 apart and ⌊x⌋ = BIN_{ρj+1:ρ(j+1)}(u), Lemma G.6's network outputs BIN_{ρj+1:ρ(j+1)}(w)",
    arbitrary: g6Input,
    check: (p) => {
      const { rho, c, n, w, j } = p;
      const run = g6Network(p);
      if (!run) return { holds: true };
      const { got } = run;
      if (rho * (j + 1) > c * n) return { holds: false, detail: `BIN_{${rho * j + 1}:${rho * (j + 1)}}(w) reads past LEN(w) = c·n = ${c * n} bits; the network outputs ${got} = BIN_{jc+1:(j+1)c}(w)` };
      const literal = binSegment(w, c * n, rho * j + 1, rho * (j + 1));
      return got.eq(Rational.fromBigInt(literal)) ? { holds: true } : { holds: false, detail: `ρ = ${rho}, c = ${c}, n = ${n}, w = ${w} (${w.toString(2).padStart(c * n, "0")}), j = ${j}: the network outputs ${got} = BIN_{jc+1:(j+1)c}(w), eq. (153) says BIN_{ρj+1:ρ(j+1)}(w) = ${literal}` };
    },
    describe: ({ rho, c, n, u, w, j, half }) => `ρ = ${rho}, c = ${c}, n = ${n}, u = ${u}, w = ${w}, j = ${j}, x = ⌊x⌋${half ? " + ½" : ""}`,
    expected: "fails",
    knownCounterexample: { input: { rho: 1, c: 2, n: 1, u: 1n, w: 2n, j: 0, half: true }, seed: 1, note: "the smallest case: one segment, u = 1 (ρ = 1 bit), w = 2 = 10₂ (c = 2 bits), x = 3/2: the network outputs 2, eq. (153) reads BIN_{1:1}(w) = 1" },
    repair: "ks.lemma-G.6: the j-th segment of w is BIN_{jc+1:(j+1)c}(w), as in eq. (163)",
    quickRuns: 100,
  }),
  defineClaim({
    id: "ks.lemma-C.1.label-bits",
    paper: PAPER,
    source: "proof of Lemma C.1: labels y ∈ [C] stored in log C-bit slots of w",
    cite: "p. 29 ('… log C-bit sequences …', BIN_{k·log C+1:(k+1)·log C}(w_j) = y^(i)); [C] = {1, …, C} (notation, p. 3)",
    rigor: "exact",
    quantifier: "universal",
    literalFailure: {
      kind: "proof-step",
      what: "a label y ∈ [C] = {1, …, C} needs ⌊log₂ C⌋ + 1 bits, one more than log C (even rounded up) when C is a power of two and y = C; the lemma survives with ⌊log₂ C⌋ + 1-bit slots (memcap: c = bit length of the largest label, ks.lemma-C.1), which changes the depth and bit bounds only by constants",
    },
    statement: "every label y ∈ [C] fits in a ⌈log₂ C⌉-bit slot",
    arbitrary: fc.integer({ min: 1, max: 1024 }).chain((C) => fc.tuple(fc.constant(C), fc.integer({ min: 1, max: C }))) as fc.Arbitrary<[number, number]>,
    check: ([C, y]: [number, number]) => {
      const slot = C === 1 ? 0 : (C - 1).toString(2).length; // ⌈log₂ C⌉ exactly: the bit length of C − 1
      const need = y.toString(2).length;
      return need <= slot ? { holds: true } : { holds: false, detail: `C = ${C}: label y = ${y} needs ${need} bits, the slot has ⌈log₂ C⌉ = ${slot}` };
    },
    describe: ([C, y]: [number, number]) => `C = ${C}, y = ${y}`,
    expected: "fails",
    knownCounterexample: { input: [2, 2], seed: 1, note: "C = 2: the label 2 = 10₂ needs 2 bits, log C = 1" },
    repair: "⌊log₂ C⌋ + 1-bit label slots (planLemmaC1: c = bit length of the largest label)",
    quickRuns: 200,
  }),
  defineClaim({
    id: "ks.lemma-F.1",
    paper: PAPER,
    source: "Lemma F.1 (limited bit complexity), the decomposition of its proof",
    cite: "p. 34 (Lemma F.1, eqs. (136)–(137)); proof p. 35, eqs. (140)–(142)",
    rigor: "exact",
    quantifier: "existential",
    statement:
      "the proof's decomposition: split the N points into groups of B² and sum one Lemma C.1 network per group, each given the other groups' points as zero-label extra points; the sum outputs every label and 0 on the extra points (exact, memcap's Lemma C.1 arithmetic; width 13 and the ≲ bounds on depth and bits are not decided here); a failure is memcap's construction failing",
    arbitrary: fc.record({ inp: c1Input, B: fc.integer({ min: 1, max: 3 }) }),
    check: ({ inp, B }) => {
      const g = B * B;
      const groups: number[][] = [];
      for (let i = 0; i < inp.points.length; i += g) groups.push(Array.from({ length: Math.min(g, inp.points.length - i) }, (_, k) => i + k));
      const plans = groups.map((idx) =>
        planLemmaC1(
          idx.map((i) => inp.points[i]!),
          idx.map((i) => inp.labels[i]!),
          [...inp.extras, ...inp.points.filter((_, i) => !idx.includes(i))],
          { groupSize: inp.groupSize },
        ),
      );
      const F = (x: bigint) => plans.reduce((s, p) => s + lemmaC1Reference(p, x), 0n);
      for (let i = 0; i < inp.points.length; i++) if (F(inp.points[i]!) !== inp.labels[i]) return { holds: false, failure: "builder-failed", detail: `point ${inp.points[i]} gets ${F(inp.points[i]!)}, label ${inp.labels[i]}` };
      for (const x of inp.extras) if (F(x) !== 0n) return { holds: false, failure: "builder-failed", detail: `extra point ${x} gets ${F(x)}, not 0` };
      return { holds: true };
    },
    expected: "holds",
    quickRuns: 40,
  }),
  defineClaim({
    id: "ks.thm-F.1",
    paper: PAPER,
    source: "Theorem F.1 (next-token prediction with limited bits, width 15)",
    cite: "pp. 35–36 (Theorem F.1, eqs. (143)–(145): width 15, R = 400√(3d)n³rN⁵δ⁻¹π, B ∈ [√N])",
    rigor: "exact",
    quantifier: "existential",
    statement:
      "for consistently labelled, token-wise separated data and B ∈ [√N] there is a width-15 Transformer with bit complexity ≲ log d + (B/log B)·max{log R, log C} that memorizes it; memcap witnesses only B = ⌊√N⌋ (where the bound is Theorem 4.1's and its width-14 network qualifies); for smaller B memcap builds no network yet, and the status says builder-failed, not refuted",
    arbitrary: fc.record({ N: fc.integer({ min: 1, max: 12 }), n: fc.integer({ min: 1, max: 3 }), d: fc.integer({ min: 1, max: 3 }), classes: fc.integer({ min: 1, max: 4 }), seed: fc.integer({ min: 0, max: 1e6 }), B: fc.integer({ min: 1, max: 3 }) }),
    check: ({ N, n, d, classes, seed, B }) => {
      if (B > Math.floor(Math.sqrt(N))) return { holds: true }; // outside B ∈ [√N]
      if (B < Math.floor(Math.sqrt(N))) return { holds: false, failure: "builder-failed", detail: `B = ${B} < ⌊√N⌋ = ${Math.floor(Math.sqrt(N))}: memcap builds no bounded-bit (Lemma F.1) network yet; ks.lemma-F.1 checks its decomposition step` };
      return ksTheoremCheck({ N, n, d, classes, seed, seq2seq: false });
    },
    expected: "holds",
    quickRuns: 6,
  }),
  defineClaim({
    id: "ks.thm-4.2",
    paper: PAPER,
    source: "Theorem 4.2 (lower bound Ω(√N), next-token): the finite step of its proof",
    cite: "p. 8 (Theorem 4.2); proof p. 23 (Theorem B.2) and p. 24 (the VC bound of Goldberg & Jerrum)",
    rigor: "exact",
    quantifier: "asymptotic",
    statement:
      "Theorem 4.2 is asymptotic (Ω with an unspecified constant): no finite check refutes it. memcap checks the step its proof rests on: on sequences with X_{:,k} = X_{:,1} every self-attention layer acts token-wise (an average of identical tokens is that token, for softmax, hardmax or uniform weights), so the Transformer computes a feed-forward network of the single token — checked exactly on random networks of eq. (4)'s shape with uniform/hardmax attention: the output on (x, …, x) equals the output on (x)",
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e6 }), depth: fc.integer({ min: 1, max: 6 }), width: fc.integer({ min: 1, max: 3 }), reps: fc.integer({ min: 2, max: 5 }) }),
    check: ({ seed, depth, width, reps }) => {
      const { net, vocabulary, sequences } = randomNetwork({ seed, depth, width, kinds: ["affine", "relu", "ffn"], attention: ["uniform", "hardmax"], positions: "last" });
      // eq. (4): every position is updated and attends to all positions (no mask, no last-query shortcut)
      for (const l of net.layers)
        if (l.type === "attention") {
          l.keys = "all";
          l.queries = "all";
        }
      const ev = compileExact(net);
      for (const s of sequences) {
        const tok = s[0]!;
        const a = ev.evaluate([Array.from({ length: reps }, () => tok)], vocabulary)[0]!;
        const b = ev.evaluate([[tok]], vocabulary)[0]!;
        const A = a[a.length - 1]!;
        const B = b[b.length - 1]!;
        for (let k = 0; k < A.length; k++) if (!A[k]!.eq(B[k]!)) return { holds: false, detail: `token ${tok} repeated ${reps} times: coordinate ${k} is ${A[k]}, on the single token ${B[k]}` };
      }
      return { holds: true };
    },
    expected: "holds",
    quickRuns: 40,
  }),
  defineClaim({
    id: "ks.thm-4.3",
    paper: PAPER,
    source: "Theorem 4.3 (lower bound Ω(√(nN/log(nN))), hardmax, seq2seq): its premise at finite size",
    cite: "p. 10 (Theorem 4.3, eq. (13)); proof pp. 24–27 (Theorem B.3, Lemma B.4); Remark 4.6, p. 9",
    rigor: "exact",
    quantifier: "asymptotic",
    statement:
      "Theorem 4.3 is asymptotic (Ω with an unspecified constant): no finite check refutes it. memcap checks its premise at finite size: on N sequences whose nN tokens are all distinct, memcap's seq2seq networks (uniform attention = hardmax with zero query/key weights, so inside the theorem's class) realize every one of the 2^{nN} label patterns exactly, i.e. the class shatters them; the theorem then says such a class needs Ω(√(nN/log(nN))) parameters",
    arbitrary: fc.record({ seed: fc.integer({ min: 0, max: 1e6 }), N: fc.integer({ min: 1, max: 2 }), n: fc.integer({ min: 1, max: 2 }), d: fc.integer({ min: 1, max: 2 }) }),
    check: ({ seed, N, n, d }) => {
      const tokens = generateSeparatedVocabulary(N * n, d, seed);
      const sequences = Array.from({ length: N }, (_, i) => Array.from({ length: n }, (_, k) => i * n + k)); // all nN tokens distinct
      for (let pattern = 0; pattern < 2 ** (N * n); pattern++) {
        const labels = sequences.map((s) => s.map((t) => BigInt((pattern >> t) & 1)));
        const { network } = buildKsNetwork({ tokens, sequences, labels }, { seq2seq: true, seed });
        const out = compileExact(network).evaluate(sequences, tokens);
        for (let i = 0; i < N; i++)
          for (let k = 0; k < n; k++)
            if (!out[i]![k]![0]!.eq(Rational.fromBigInt(labels[i]![k]!))) return { holds: false, failure: "builder-failed", detail: `label pattern ${pattern.toString(2).padStart(N * n, "0")}: sequence ${i} position ${k} gets ${out[i]![k]![0]}` };
      }
      return { holds: true };
    },
    expected: "holds",
    quickRuns: 3,
  }),
);
