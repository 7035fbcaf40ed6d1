/**
 * Kruskal rank of a set of vectors: the largest k such that EVERY k of them are linearly
 * independent (the quantity the memorization papers need for their "any k tokens" arguments).
 *
 * Exact search: subsets of size s = 1, 2, … are enumerated depth-first in lexicographic order,
 * each prefix keeping its echelon basis modulo a random prime (so a subset costs one vector
 * reduction, not a rank computation). Independence modulo p implies independence over Q, so an
 * independent subset is settled at once; a subset that looks dependent modulo p is confirmed
 * exactly over Q (and, if the prime was unlucky, counted as independent). The first confirmed
 * dependent subset of size s gives k = s − 1 and is the witness, with the exact coefficients of
 * the dependence.
 *
 * Randomized estimate (sets too large to search): K random k-subsets (seeded), each certified
 * independent modulo p or confirmed dependent exactly; reports the count and the fraction of
 * full-rank ones, as the papers do.
 *
 * @example
 *   kruskalRank(ratMatrix([[1, 0, 0], [0, 1, 0], [1, 1, 0], [2, 0, 0]]))
 *   // { kruskalRank: 1, witness: [0, 3], dependence: ["2", "-1"], subsetsChecked: … }
 */
import { Rational } from "../numbers/rational.ts";
import { IntMatrix } from "./intmatrix.ts";
import { PrimeStream, invMod, mulMod, reduce } from "./modular.ts";
import { nullSpace, transpose } from "./exact.ts";
import { randomSubset } from "./random.ts";
import { Mulberry32 } from "../random.ts";

export interface KruskalResult {
  kruskalRank: number;
  /** Indices (increasing) of a dependent subset of size kruskalRank + 1, when kruskalRank < min(#vectors, dim). */
  witness?: number[];
  /** Nonzero coefficients c (one per witness vector) with Σ c_i·v_i = 0 exactly. */
  dependence?: Rational[];
  /** Number of subsets whose independence was decided. */
  subsetsChecked: number;
  /** The prime used for the modular filter. */
  prime: number;
}

export interface KruskalOptions {
  /** Called every 65,536 subsets with the count so far and the subset size being searched (progress lines). */
  onProgress?: (checked: number, size: number) => void;
  /** Stop with a RangeError after this many subsets (default 20 million). */
  maxSubsets?: number;
  /** Seed of the random prime (default 1). */
  seed?: number;
}

/** Incremental echelon basis modulo p: push a vector (reduced against the basis), pop it again. */
class ModEchelon {
  private readonly rows: Float64Array[];
  private readonly piv: Int32Array;
  size = 0;
  constructor(
    readonly dim: number,
    cap: number,
    readonly p: number,
  ) {
    this.rows = Array.from({ length: cap }, () => new Float64Array(dim));
    this.piv = new Int32Array(cap);
  }
  /** Reduces v; if independent, pushes it and returns true, otherwise leaves the basis unchanged. */
  push(v: Float64Array, offset: number): boolean {
    const { dim, p } = this;
    const w = this.rows[this.size]!;
    for (let x = 0; x < dim; x++) w[x] = v[offset + x]!;
    for (let j = 0; j < this.size; j++) {
      const c = this.piv[j]!;
      const f = w[c]!;
      if (f === 0) continue;
      const b = this.rows[j]!;
      const g = p - f;
      for (let x = 0; x < dim; x++) if (b[x] !== 0) w[x] = reduce(w[x]! + g * b[x]!, p);
    }
    let c = -1;
    for (let x = 0; x < dim; x++)
      if (w[x] !== 0) {
        c = x;
        break;
      }
    if (c < 0) return false;
    const inv = invMod(w[c]!, p);
    for (let x = c; x < dim; x++) if (w[x] !== 0) w[x] = mulMod(w[x]!, inv, p);
    this.piv[this.size] = c;
    this.size++;
    return true;
  }
  pop(): void {
    this.size--;
  }
}

/** Exact dependence among the given rows: nonzero coefficients c with Σ c_i·V[i] = 0, or null. */
export function exactDependence(V: readonly (readonly Rational[])[], subset: readonly number[]): Rational[] | null {
  const rows = subset.map((i) => V[i]!);
  const ns = nullSpace(transpose(rows));
  if (ns.length === 0) return null;
  // clear denominators for a readable integer combination
  const v = ns[0]!;
  let l = 1n;
  for (const x of v) if (x.den !== 1n) l = (l * x.den) / gcdBig(l, x.den);
  return v.map((x) => x.mul(Rational.of(l)));
}

function gcdBig(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a < 0n ? -a : a;
}

/**
 * Exact Kruskal rank of the rows of V, with a verified dependent witness when it is below
 * min(#vectors, dim). Throws a RangeError when the search would exceed `maxSubsets`.
 *
 * @example
 *   kruskalRank(ratMatrix([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]])).kruskalRank // 3
 */
export function kruskalRank(V: readonly (readonly Rational[])[], opts: KruskalOptions = {}): KruskalResult {
  const N = V.length;
  const d = N ? V[0]!.length : 0;
  const K = Math.min(N, d);
  const maxSubsets = opts.maxSubsets ?? 20_000_000;
  const primes = new PrimeStream(2 ** 26, (opts.seed ?? 1) * 0x85ebca6b);
  for (let attempt = 0; ; attempt++) {
    const prime = primes.next();
    if (K === 0) return { kruskalRank: 0, subsetsChecked: 0, prime };
    const r = kruskalWithPrime(V, N, d, K, prime, maxSubsets, opts.onProgress);
    if (r) return r;
    // an unlucky prime made an independent prefix look dependent: try another one
    if (attempt > 20) throw new Error("kruskalRank: 20 unlucky primes in a row (bug)");
  }
}

function kruskalWithPrime(V: readonly (readonly Rational[])[], N: number, d: number, K: number, prime: number, maxSubsets: number, onProgress?: (checked: number, size: number) => void): KruskalResult | null {
  const R = IntMatrix.fromRationals(V).matrix.residues(prime);
  const ech = new ModEchelon(d, K, prime);
  let checked = 0;
  const idx = new Int32Array(K + 1);
  for (let s = 1; s <= K; s++) {
    // depth-first over s-subsets; prefixes of length < s are independent (smaller sizes passed)
    let found: { witness: number[]; dependence: Rational[] } | null = null;
    const dfs = (depth: number, from: number): void => {
      for (let i = from; i <= N - (s - depth) && !found; i++) {
        idx[depth] = i;
        const independent = ech.push(R, i * d);
        if (depth === s - 1) {
          if ((++checked & 0xffff) === 0) onProgress?.(checked, s);
          if (checked > maxSubsets)
            throw new RangeError(`exact Kruskal search passed ${maxSubsets} subsets (${N} vectors in dimension ${d}); use the randomized estimate`);
          if (independent) ech.pop();
          else {
            const subset = Array.from(idx.subarray(0, s));
            const dep = exactDependence(V, subset);
            if (dep) found = { witness: subset, dependence: dep };
            // else: an unlucky prime; the subset is independent over Q
          }
        } else if (independent) {
          dfs(depth + 1, i + 1);
          ech.pop();
        } else {
          // a dependent prefix would have been found at a smaller size unless the prime is unlucky
          const subset = Array.from(idx.subarray(0, depth + 1));
          const dep = exactDependence(V, subset);
          if (dep) found = { witness: subset, dependence: dep };
          else throw UNLUCKY;
        }
      }
    };
    try {
      dfs(0, 0);
    } catch (e) {
      if (e === UNLUCKY) return null;
      throw e;
    }
    if (found) {
      const f = found as { witness: number[]; dependence: Rational[] };
      return { kruskalRank: f.witness.length - 1, witness: f.witness, dependence: f.dependence, subsetsChecked: checked, prime };
    }
  }
  return { kruskalRank: K, subsetsChecked: checked, prime };
}

const UNLUCKY = new Error("unlucky prime");

export interface KruskalEstimate {
  /** Subset size tested. */
  k: number;
  samples: number;
  /** How many of the sampled k-subsets are linearly independent (each certified). */
  fullRank: number;
  fraction: number;
  seed: number;
  prime: number;
  /** A sampled subset that is dependent (confirmed exactly), if any. */
  witness?: number[];
  dependence?: Rational[];
}

/**
 * Randomized Kruskal estimate: how many of `samples` random k-subsets (seeded) of the rows of V
 * are linearly independent. Independence is certified modulo a prime; apparent dependence is
 * confirmed exactly. The fraction is 1 for every k ≤ the exact Kruskal rank.
 *
 * @example
 *   kruskalEstimate(V, 3, 1000, 42) // { k: 3, samples: 1000, fullRank: 1000, fraction: 1, … }
 */
export function kruskalEstimate(V: readonly (readonly Rational[])[], k: number, samples: number, seed: number): KruskalEstimate {
  const N = V.length;
  const d = N ? V[0]!.length : 0;
  if (!Number.isInteger(k) || k < 1 || k > N) throw new RangeError(`subset size must be between 1 and ${N}, got ${k}`);
  const prime = new PrimeStream(2 ** 26, (seed + 1) * 0x27d4eb2d).next();
  const R = IntMatrix.fromRationals(V).matrix.residues(prime);
  const rng = new Mulberry32(seed);
  let fullRank = 0;
  let witness: number[] | undefined;
  let dependence: Rational[] | undefined;
  for (let t = 0; t < samples; t++) {
    const subset = randomSubset(rng, N, k);
    let independent = k <= d;
    if (independent) {
      const ech = new ModEchelon(d, k, prime);
      for (const i of subset) if (!ech.push(R, i * d)) independent = false;
    }
    if (!independent) {
      const dep = exactDependence(V, subset);
      if (dep) {
        if (!witness) {
          witness = subset;
          dependence = dep;
        }
      } else independent = true;
    }
    if (independent) fullRank++;
  }
  const out: KruskalEstimate = { k, samples, fullRank, fraction: samples ? fullRank / samples : 1, seed, prime };
  if (witness) Object.assign(out, { witness, dependence });
  return out;
}
