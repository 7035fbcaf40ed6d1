/**
 * A small seeded PRNG for the trainers (splitmix32 state, Box–Muller normals). Every random
 * choice in src/train (initial weights, data, batch order) goes through one of these, so a run is
 * reproduced by its seed alone and the CPU and WebGPU backends see the same numbers.
 */
export class Rng {
  private s: number;
  private spare: number | null = null;
  /** @example new Rng(1).uniform() // a float in [0, 1) */
  constructor(seed: number) {
    this.s = (seed | 0) ^ 0x9e3779b9;
  }
  /** 32 uniform random bits. @example new Rng(1).u32() */
  u32(): number {
    this.s = (this.s + 0x9e3779b9) | 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  }
  /** Uniform in [0, 1) with 53 random bits. @example new Rng(2).uniform() */
  uniform(): number {
    return (this.u32() * 2 ** 21 + (this.u32() >>> 11)) / 2 ** 53;
  }
  /** Uniform integer in [0, n). @example new Rng(3).int(10) */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
  /** Standard normal (Box–Muller). @example new Rng(4).normal() */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u)), t = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(t);
    return r * Math.cos(t);
  }
  /** ±1 with probability ½ each (Rademacher). @example new Rng(5).sign() */
  sign(): number {
    return this.u32() & 1 ? 1 : -1;
  }
  /** A uniformly random permutation of [0, n) (Fisher–Yates). @example new Rng(6).permutation(4) */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j]!, p[i]!];
    }
    return p;
  }
}
