/**
 * Sequence datasets over a vocabulary of token vectors, as Kajitsuka & Sato's memorization
 * theorems take them (digest: shared/papers/kajitsuka-sato.md, "Setup"):
 *
 *  - Assumption 4.1, token-wise (r,δ)-separation: every token has ‖x‖₂ ≤ r and two distinct
 *    tokens are at least δ apart. `separation(vocab)` measures r² and δ² exactly and gives
 *    rational bounds r̄ ≥ r, δ̲ ≤ δ (the theorems need r ≥ 1, 0 < δ ≤ 1; we clamp to that).
 *  - Consistency, eq. (5): a permutation-equivariant model cannot tell apart two sequences with
 *    the same last token and the same multiset of tokens, so their labels must agree.
 *    `findInconsistency` names the first conflicting pair.
 *  - A seeded generator of random separated vocabularies (grid points k/8, so δ ≥ 1/8 by
 *    construction) and of distinct random sequences with consistent labels.
 *
 * Other constructions (Mahdavi et al., Dana et al.) reuse this module; nothing here is specific to
 * one paper beyond the names of the assumptions.
 *
 * @example
 *   const ds = generateSequenceDataset({ N: 10, n: 4, d: 3, classes: 2, vocab: 16, seed: 1 });
 *   findInconsistency(ds) // null
 */
import { UserError } from "../errors.ts";
import { Rational } from "../numbers/rational.ts";
import { mulberry32 } from "../random.ts";

/** A dataset: vocabulary vectors, sequences of token indices, labels (one per sequence, or one per position). */
export interface SequenceDataset {
  tokens: Rational[][];
  sequences: number[][];
  /** Next-token: one integer label per sequence. Seq2seq: one array of labels per sequence. */
  labels: bigint[] | bigint[][];
}


/** Uniform integer in [lo, hi] from a PRNG. @example randInt(mulberry32(1), 0, 9) */
export function randInt(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}


function sqDist(a: Rational[], b: Rational[]): Rational {
  let s = Rational.ZERO;
  for (let i = 0; i < a.length; i++) {
    const t = a[i]!.sub(b[i]!);
    s = s.add(t.mul(t));
  }
  return s;
}

/**
 * Integer square root ⌊√n⌋ of a non-negative bigint: the float guess where n fits a double exactly,
 * Newton's iteration from above otherwise (a float guess for n ≫ 2^53 is off by far more than a few
 * steps, and stepping by ±1 from it never ends in practice). @example isqrt(10n ** 40n + 1n) // 10n ** 20n
 */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  if (n < 1n << 52n) {
    let x = BigInt(Math.floor(Math.sqrt(Number(n))));
    while (x * x > n) x--;
    while ((x + 1n) * (x + 1n) <= n) x++;
    return x;
  }
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2)); // ≥ √n
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** Rational upper bound on √q with denominator 2^k (exact: (ub)² ≥ q). */
export function sqrtUpper(q: Rational, k = 16): Rational {
  const scale = 1n << BigInt(2 * k);
  const t = (q.num * scale + q.den - 1n) / q.den; // ⌈q·4^k⌉
  let s = isqrt(t);
  if (s * s < t) s++;
  return Rational.of(s, 1n << BigInt(k));
}

/** Rational lower bound on √q with denominator 2^k (exact: (lb)² ≤ q). */
export function sqrtLower(q: Rational, k = 16): Rational {
  const scale = 1n << BigInt(2 * k);
  return Rational.of(isqrt((q.num * scale) / q.den), 1n << BigInt(k));
}

export interface Separation {
  /** max ‖x‖² over the vocabulary (exact). */
  rSquared: Rational;
  /** min ‖x − x'‖² over distinct vocabulary entries (exact). */
  deltaSquared: Rational;
  /** r̄ = max(1, upper bound on √rSquared): the r the theorems use (r ≥ 1). */
  r: Rational;
  /** δ̲ = min(1, lower bound on √deltaSquared): the δ the theorems use (0 < δ ≤ 1). */
  delta: Rational;
  /** Pairs of vocabulary indices holding the same vector (they would be one token). */
  duplicates: [number, number][];
}

/**
 * Assumption 4.1, measured exactly. O(V²·d) rational operations.
 * @example separation([[q(1),q(0)],[q(0),q(1)]]).deltaSquared.toString() // "2"
 */
export function separation(tokens: Rational[][]): Separation {
  let r2 = Rational.ZERO;
  let d2: Rational | null = null;
  const duplicates: [number, number][] = [];
  const zero = tokens[0]?.map(() => Rational.ZERO) ?? [];
  for (let i = 0; i < tokens.length; i++) {
    r2 = r2.max(sqDist(tokens[i]!, zero));
    for (let j = i + 1; j < tokens.length; j++) {
      const s = sqDist(tokens[i]!, tokens[j]!);
      if (s.isZero()) duplicates.push([i, j]);
      else if (d2 === null || s.lt(d2)) d2 = s;
    }
  }
  const delta2 = d2 ?? Rational.ONE;
  return {
    rSquared: r2,
    deltaSquared: delta2,
    r: Rational.ONE.max(sqrtUpper(r2)),
    delta: Rational.ONE.min(sqrtLower(delta2)),
    duplicates,
  };
}

/** The multiset of a sequence as a canonical string key (sorted token indices). */
export function multisetKey(seq: number[]): string {
  return [...seq].sort((a, b) => a - b).join(",");
}

export interface Inconsistency {
  /** Indices of the two sequences. */
  i: number;
  j: number;
  /** Position compared (the last one for next-token). */
  position: number;
  message: string;
}

/**
 * Consistency, eq. (5): returns the first pair of sequences that have the same multiset and the
 * same token at a labelled position but different labels (next-token: the last position; seq2seq:
 * every position), or null.
 * @example findInconsistency({tokens, sequences: [[0,1,1],[1,0,1]], labels: [1n,2n]}) // {i:0, j:1, …}
 */
export function findInconsistency(ds: SequenceDataset): Inconsistency | null {
  const seen = new Map<string, { i: number; k: number; label: bigint }>();
  for (let i = 0; i < ds.sequences.length; i++) {
    const seq = ds.sequences[i]!;
    const ms = multisetKey(seq);
    const lab = ds.labels[i]!;
    const positions = Array.isArray(lab) ? seq.map((_, k) => k) : [seq.length - 1];
    for (const k of positions) {
      const y = Array.isArray(lab) ? lab[k]! : lab;
      const key = `${ms}|${seq[k]}`;
      const prev = seen.get(key);
      if (prev === undefined) seen.set(key, { i, k, label: y });
      else if (prev.label !== y) {
        const where = Array.isArray(lab) ? ` at positions ${prev.k} and ${k} (token ${seq[k]})` : "";
        return {
          i: prev.i,
          j: i,
          position: k,
          message: `inconsistent labels (eq. 5): sequences ${prev.i} and ${i} have the same multiset of tokens and the same token${where} but labels ${prev.label} and ${y}`,
        };
      }
    }
  }
  return null;
}

export interface GeneratorOptions {
  N: number;
  n: number;
  d: number;
  classes: number;
  vocab: number;
  seed: number;
  /** Per-position labels (Corollary 4.1) instead of one label per sequence. */
  seq2seq?: boolean;
}

/**
 * A random (r,δ)-separated vocabulary: V distinct grid points with coordinates k/8, k ∈ [−8, 8],
 * so ‖x‖ ≤ √d and δ ≥ 1/8 hold by construction (and are measured by `separation`).
 * @example generateSeparatedVocabulary(16, 3, 1).length // 16
 */
export function generateSeparatedVocabulary(V: number, d: number, seed: number): Rational[][] {
  if (V > 17 ** d) throw new UserError(`cannot place ${V} distinct grid tokens in dimension ${d} (at most ${17 ** d})`);
  const rand = mulberry32(seed);
  const seen = new Set<string>();
  const out: Rational[][] = [];
  while (out.length < V) {
    const ks = Array.from({ length: d }, () => randInt(rand, -8, 8));
    const key = ks.join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ks.map((k) => Rational.of(k, 8)));
  }
  return out;
}

/**
 * N distinct random sequences of length n over a fresh separated vocabulary, with labels in
 * {0,…,classes−1} drawn per (multiset, labelled token) so that eq. (5) holds by construction.
 * @example generateSequenceDataset({ N: 10, n: 4, d: 3, classes: 2, vocab: 16, seed: 1 }).sequences.length // 10
 */
export function generateSequenceDataset(o: GeneratorOptions): SequenceDataset {
  const tokens = generateSeparatedVocabulary(o.vocab, o.d, o.seed);
  const rand = mulberry32(o.seed ^ 0x5eed);
  const maxDistinct = o.vocab ** o.n;
  if (o.N > maxDistinct) throw new UserError(`only ${maxDistinct} distinct sequences of length ${o.n} exist over ${o.vocab} tokens; asked for ${o.N}`);
  const seen = new Set<string>();
  const sequences: number[][] = [];
  let tries = 0;
  while (sequences.length < o.N) {
    if (++tries > 50 * o.N + 1000) throw new UserError(`could not draw ${o.N} distinct sequences (try a larger --vocab or --n)`);
    const s = Array.from({ length: o.n }, () => randInt(rand, 0, o.vocab - 1));
    const key = s.join(",");
    if (seen.has(key)) continue;
    seen.add(key);
    sequences.push(s);
  }
  const byKey = new Map<string, bigint>();
  const labelFor = (seq: number[], k: number): bigint => {
    const key = `${multisetKey(seq)}|${seq[k]}`;
    let y = byKey.get(key);
    if (y === undefined) {
      y = BigInt(randInt(rand, 0, o.classes - 1));
      byKey.set(key, y);
    }
    return y;
  };
  const labels = o.seq2seq ? sequences.map((s) => s.map((_, k) => labelFor(s, k))) : sequences.map((s) => labelFor(s, s.length - 1));
  return { tokens, sequences, labels: labels as bigint[] | bigint[][] };
}
