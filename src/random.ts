/**
 * memcap's seeded pseudo-random generators: every random choice in memcap takes a seed and goes
 * through one of these two (never Math.random), so a result is reproduced by its seed alone.
 *
 *   mulberry32(seed)  floats in [0, 1) from a 32-bit state — datasets, random networks, linear algebra
 *   SplitMix32(seed)  32-bit words (splitmix32), 53-bit uniforms, Box–Muller normals with a spare,
 *                     signs and permutations — trainers and Mahdavi-style data
 *
 * @example
 *   const u = mulberry32(1); u(); // 0.627…
 *   new SplitMix32(7).normal();
 */

/** mulberry32: a stream of floats in [0, 1) from a 32-bit seed. @example mulberry32(1)() // 0.6270739405881613 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** splitmix32's finalizer on a 32-bit word (also used to scramble seeds). @example scramble32(0x9e3779b9) */
export function scramble32(z: number): number {
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** splitmix32 words, 53-bit uniforms, normals (Box–Muller, the second value kept as a spare). */
export class SplitMix32 {
  private s: number;
  private spare: number | null = null;
  /** `state` is the raw 32-bit starting state. @example new SplitMix32(1).u32() */
  constructor(state: number) {
    this.s = state >>> 0;
  }
  /** 32 uniform random bits. */
  u32(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    return scramble32(this.s);
  }
  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return (this.u32() * 2 ** 21 + (this.u32() >>> 11)) / 2 ** 53;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    const t = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }
  /** ±1 with probability ½ each (Rademacher). */
  sign(): number {
    return this.u32() & 1 ? 1 : -1;
  }
  /** A uniformly random permutation of [0, n) (Fisher–Yates). */
  permutation(n: number): number[] {
    return fisherYates(n, (k) => this.int(k));
  }
}

/** A uniformly random permutation of [0, n) from an integer source int(k) ∈ [0, k). */
export function fisherYates(n: number, int: (k: number) => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = int(i + 1);
    [p[i], p[j]] = [p[j]!, p[i]!];
  }
  return p;
}
