/**
 * Kajitsuka & Sato's lemmas as registered claims (src/claims/claim.ts): each with the arbitrary of
 * valid inputs and the checker memcap uses. Literal statements that fail are registered with
 * `expected: "fails"`, their minimized counterexample (COUNTEREXAMPLES.md) and the repaired step.
 */
import fc from "fast-check";
import { defineClaim, type Claim } from "../../src/claims/claim.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { bitEncoding, bitSegment, stepConstants, tentMap } from "./bit-extraction.ts";
import { intervalIndicator, lemmaC1Reference, planLemmaC1, segmentIndicator } from "./lemma-c1.ts";
import { greedyDistinguishingTokens, lemmaB2h, lemmaB2Shift, lemmaB2Weights, restrictedCounts, tokenIdProjection, weightedSum } from "./sequence-id.ts";
import { searchLemmaB2Counterexample } from "./counterexamples.ts";
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

export const KS_CLAIMS: Claim[] = [
  defineClaim({
    id: "ks.lemma-G.4",
    paper: PAPER,
    source: "Lemma G.4 (after Vardi et al.)",
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
    statement: "the bit-extraction network maps separated scalars (≥ 2, gaps ≥ 2) to their labels and extra points to 0",
    arbitrary: c1Input,
    check: (inp) => checkC1(inp, false),
    expected: "holds",
    quickRuns: 60,
  }),
  defineClaim({
    id: "ks.lemma-G.6.literal",
    paper: PAPER,
    source: "Lemma G.6 as called in Lemma C.1 (ρ = log C, c = log R)",
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
    source: "Lemma B.2 (shifted weights f = h + ⌊2N²|A|√π⌋)",
    statement: "for two sequences with distinct restricted counts m ≠ m′ and a direction v satisfying Lemma G.1 on m − m′, the shifted weights keep Σ m f ≠ Σ m′ f",
    arbitrary: fc.record({ theta: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), n: fc.integer({ min: 2, max: 4 }), q: fc.integer({ min: 1, max: 3 }), p: fc.integer({ min: 1, max: 3 }) }),
    check: ({ theta, n, q, p }) => {
      // two sequences of length n: a₁^q z^(n−q) and a₂^p z^(n−p) with z ∉ A = {a₁, a₂}, N = 2
      if (q > n || p > n || p === q) return { holds: true };
      const N = 2;
      const v = [Math.cos(theta), Math.sin(theta)];
      const norm = Math.hypot(q, p);
      const g1 = Math.abs(v[0]! * q - v[1]! * p) >= (1 / (N * N)) * Math.sqrt(8 / (Math.PI * 2)) * norm * 1.001;
      if (!g1) return { holds: true }; // Lemma G.1's premise fails for this v: nothing is claimed
      const f = lemmaB2h(v, N).map((x) => x + lemmaB2Shift(N, 2));
      const a = weightedSum([q, 0], f);
      const b = weightedSum([0, p], f);
      return a !== b ? { holds: true } : { holds: false, detail: `counts (${q},0) and (0,${p}) on A both sum to ${a} with f = (${f.join(", ")}): the shift ⌊2N²|A|√π⌋ is added once per token of A, and the sequences hold different numbers of them` };
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
    source: "Theorem 4.1 (next-token) / Corollary 4.1 (seq2seq)",
    statement: "for consistent, separated data the built network has width ≤ 14, exactly one (uniform) attention layer, and outputs every label exactly",
    arbitrary: fc.record({ N: fc.integer({ min: 1, max: 12 }), n: fc.integer({ min: 1, max: 4 }), d: fc.integer({ min: 1, max: 3 }), classes: fc.integer({ min: 1, max: 4 }), seed: fc.integer({ min: 0, max: 1e6 }), seq2seq: fc.boolean() }),
    check: ({ N, n, d, classes, seed, seq2seq }) => {
      const vocab = Math.min(8, 17 ** d);
      if (N > vocab ** n) return { holds: true }; // not enough distinct sequences: outside the generator's range
      const ds = generateSequenceDataset({ N, n, d, classes, vocab, seed, seq2seq });
      const { network } = buildKsNetwork(ds, { seq2seq, seed });
      const c = countNetwork(network);
      if (c.width > 14) return { holds: false, detail: `width ${c.width} > 14` };
      const att = network.layers.filter((l) => l.type === "attention");
      if (att.length !== 1 || att[0]!.type !== "attention" || att[0]!.attention !== "uniform") return { holds: false, detail: `${att.length} attention layers` };
      const out = compileExact(network).evaluate(ds.sequences, ds.tokens);
      for (let i = 0; i < out.length; i++) {
        const lab = ds.labels[i]!;
        const labs = Array.isArray(lab) ? lab : [lab];
        for (let k = 0; k < out[i]!.length; k++)
          if (!out[i]![k]![0]!.eq(Rational.fromBigInt(labs[k]!))) return { holds: false, detail: `sequence ${i} position ${k}: output ${out[i]![k]![0]}, label ${labs[k]}` };
      }
      return { holds: true };
    },
    expected: "holds",
    quickRuns: 8,
  }),
];

KS_CLAIMS.push(
  defineClaim({
    id: "ks.eq-5.permutation-equivariance",
    paper: PAPER,
    source: "Section 3, eq. (5): consistency is necessary",
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
