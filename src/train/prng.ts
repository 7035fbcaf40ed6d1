/**
 * A small seeded PRNG for the trainers (splitmix32 state, Box–Muller normals). Every random
 * choice in src/train (initial weights, data, batch order) goes through one of these, so a run is
 * reproduced by its seed alone and the CPU and WebGPU backends see the same numbers.
 */
import { SplitMix32 } from "../random.ts";

export class Rng extends SplitMix32 {
  /** @example new Rng(1).uniform() // a float in [0, 1) */
  constructor(seed: number) {
    super((seed | 0) ^ 0x9e3779b9);
  }
}
