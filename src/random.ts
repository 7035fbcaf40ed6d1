/**
 * memcap's seeded randomness, in one place: every random choice in memcap takes a seed and goes
 * through a generator of this file (never Math.random), so a result is reproduced by its seed alone.
 * Every generator is an `Rng`; the streams a seed produces are pinned by test/random.test.ts.
 *
 *   SplitMix32(state)  splitmix32 words, 53-bit uniforms, Box–Muller normals with a spare —
 *                      trainers (`trainerRng`) and Mahdavi-style data
 *   Mulberry32(state)  mulberry32 uniforms (32 bits), Box–Muller normals without a spare —
 *                      look-up tables and Dana's weights (`tableRng`), linear algebra
 *   mulberry32(seed)   the same mulberry32 stream as a bare function — datasets, random networks
 *
 * @example
 *   const u = mulberry32(1); u(); // 0.627…
 *   trainerRng(7).normal();
 */

/** A seeded source of uniforms, integers, normals and permutations. */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal. */
  normal(): number;
  /** A uniformly random permutation of [0, n). */
  permutation(n: number): number[];
}

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

/** Box–Muller: the radius √(−2 ln u) for u ∈ (0, 1] and the angle 2πv for v ∈ [0, 1). */
export function boxMuller(u: number, v: number): { r: number; theta: number } {
  return { r: Math.sqrt(-2 * Math.log(u)), theta: 2 * Math.PI * v };
}

/** A standard normal from a bare uniform stream (one Box–Muller draw, u clamped away from 0). */
export function gaussian(rand: () => number): number {
  const { r, theta } = boxMuller(Math.max(rand(), 1e-300), rand());
  return r * Math.cos(theta);
}

/** splitmix32 words, 53-bit uniforms, normals (Box–Muller, the second value kept as a spare). */
export class SplitMix32 implements Rng {
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
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const { r, theta } = boxMuller(u, this.uniform());
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
  /** ±1 with probability ½ each (Rademacher). */
  sign(): number {
    return this.u32() & 1 ? 1 : -1;
  }
  permutation(n: number): number[] {
    return fisherYates(n, (k) => this.int(k));
  }
}

/** mulberry32 uniforms with 32 random bits; normals by one Box–Muller draw each (no spare). */
export class Mulberry32 implements Rng {
  readonly uniform: () => number;
  /** `state` is the raw 32-bit starting state. @example new Mulberry32(1).uniform() // 0.627… */
  constructor(state: number) {
    this.uniform = mulberry32(state);
  }
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
  normal(): number {
    const { r, theta } = boxMuller(1 - this.uniform(), this.uniform());
    return r * Math.cos(theta);
  }
  permutation(n: number): number[] {
    return fisherYates(n, (k) => this.int(k));
  }
}

/** The trainers' generator (initial weights, data, batch order): the CPU and WebGPU backends share it. */
export function trainerRng(seed: number): SplitMix32 {
  return new SplitMix32((seed | 0) ^ 0x9e3779b9);
}

/** The generator of look-up tables and Dana et al.'s generic weights (mulberry32 on a scrambled seed). */
export function tableRng(seed: number): Mulberry32 {
  return new Mulberry32(scramble32((seed >>> 0) + 0x9e3779b9));
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
