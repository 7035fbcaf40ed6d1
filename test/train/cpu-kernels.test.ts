/**
 * The CPU backend's fast paths: the WebAssembly SIMD matmul kernels against a plain strided loop, the fused
 * elementwise kernels against the same kernels run one by one, and finite-difference gradients on models
 * large enough to take the SIMD paths the tiny gradient-check models do not (mmOuter, transposed weights).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../../src/train/cpu.ts";
import { compileGraph, initParams } from "../../src/train/graph.ts";
import { PRECISIONS, wasmMatmulKernels, type MatmulFn } from "../../src/train/kernels-wasm.ts";
import { assembleBatch, buildModel, makeDataset, MODEL_DEFAULTS, type ModelConfig } from "../../src/train/models.ts";
import { trainerRng } from "../../src/random.ts";

type Args = Parameters<MatmulFn>;

function naive(m: Float64Array, ...[n0, n1, M, N, K, alpha, beta, a, as0, as1, ars, acs, b, bs0, bs1, brs, bcs, c, cs0, cs1, crs, ccs]: Args): void {
  for (let o0 = 0; o0 < n0; o0++)
    for (let o1 = 0; o1 < n1; o1++)
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += m[a + o0 * as0 + o1 * as1 + i * ars + k * acs]! * m[b + o0 * bs0 + o1 * bs1 + k * brs + j * bcs]!;
          const ci = c + o0 * cs0 + o1 * cs1 + i * crs + j * ccs;
          m[ci] = beta === 0 ? alpha * s : m[ci]! + alpha * s;
        }
}

for (const precision of PRECISIONS) {
  describe(`WebAssembly SIMD matmul kernels (${precision})`, () => {
    const kern = wasmMatmulKernels(3 * 4096, precision);
    const mem = precision === "f32" ? new Float32Array(kern.memory.buffer, 0, 3 * 4096) : new Float64Array(kern.memory.buffer, 0, 3 * 4096);
    // float64: only the summation order differs; float32: rounding of every product and sum (K ≤ 40 terms of size ≲ 10)
    const tolerance = precision === "f64" ? 1e-12 : 2e-5;
    for (const kind of ["mmTile", "mmRow", "mmOuter", "mmDot"] as const) {
      it(`${kind} equals the strided loop (random shapes, strides, alpha, beta)`, () => {
        fc.assert(
          fc.property(
            fc.record({
              n0: fc.integer({ min: 1, max: 2 }), n1: fc.integer({ min: 1, max: 2 }),
              M: fc.integer({ min: 1, max: 13 }), N: fc.integer({ min: 1, max: 21 }), K: fc.integer({ min: 1, max: 40 }),
              alpha: fc.constantFrom(1, 0.5, -2), beta: fc.constantFrom(0, 1), aT: fc.boolean(), seed: fc.integer({ min: 1, max: 1e6 }),
            }),
            ({ n0, n1, M, N, K, alpha, beta, aT, seed }) => {
              const rng = trainerRng(seed);
              for (let i = 0; i < mem.length; i++) mem[i] = rng.uniform() < 0.2 ? 0 : rng.normal();
              const A = 0, B = 4096, C = 8192;
              // A row-major or transposed; B row-major for the row kernels, column-major for the dot kernel
              const ars = kind !== "mmDot" && aT ? 1 : K, acs = kind !== "mmDot" && aT ? M : 1;
              const brs = kind === "mmDot" ? 1 : N, bcs = kind === "mmDot" ? K : 1;
              const crs = N + 1; // padded rows: columns past N must stay untouched
              const args: Args = [n0, n1, M, N, K, alpha, beta, A, n1 * M * K, M * K, ars, acs, B, n1 * K * N, K * N, brs, bcs, C, n1 * M * crs, M * crs, crs, 1];
              const ref = Float64Array.from(mem); // the same values, summed in float64
              naive(ref, ...args);
              kern[kind](...args);
              let worst = 0;
              for (let i = 0; i < mem.length; i++) worst = Math.max(worst, Math.abs(mem[i]! - ref[i]!) / (1 + Math.abs(ref[i]!)));
              expect(worst).toBeLessThanOrEqual(tolerance);
            },
          ),
          { numRuns: 60 },
        );
      });
    }
  });
}

const MID: Record<string, ModelConfig> = {
  "ks (FFN blocks over 60 tokens)": { ...MODEL_DEFAULTS.ks, examples: 6 },
  transformer: { ...MODEL_DEFAULTS.transformer, vocab: 5, d: 8, dh: 4, heads: 2, hidden: 16, examples: 20 },
  aot: { ...MODEL_DEFAULTS.aot, vocab: 5, examples: 20 },
};

describe("fused CPU step", () => {
  for (const [name, cfg] of Object.entries(MID)) {
    it(`${name}: forwardBackward equals the kernels run one by one, bit for bit`, () => {
      const data = makeDataset(cfg, 3);
      const graph = buildModel(cfg, data.size);
      const prog = compileGraph(graph);
      const fused = new CpuBackend(prog), single = new CpuBackend(prog);
      const batch = assembleBatch(data, Array.from({ length: data.size }, (_, i) => i));
      for (const be of [fused, single]) {
        be.mem.set(initParams(graph, 5), 0);
        be.setBatch(batch);
      }
      fused.forwardBackward();
      single.run(prog.zeroGrads);
      for (const k of [...prog.forward, ...prog.backward]) single.run(k);
      expect(Array.from(fused.mem)).toEqual(Array.from(single.mem));
    });

    it(`${name}: gradients match finite differences on the SIMD paths`, () => {
      const data = makeDataset(cfg, 4);
      const graph = buildModel(cfg, data.size);
      const be = new CpuBackend(compileGraph(graph));
      be.mem.set(initParams(graph, 6), 0);
      be.setBatch(assembleBatch(data, Array.from({ length: data.size }, (_, i) => i)));
      be.forwardBackward();
      const P = graph.paramCount, analytic = be.mem.slice(P, 2 * P);
      const loss = () => {
        be.forward();
        let s = 0;
        for (let r = 0; r < graph.lossRowCount; r++) s += be.mem[graph.lossRows + r]!;
        return s / graph.lossRowCount;
      };
      const rng = trainerRng(9);
      let worst = 0;
      for (let t = 0; t < 40; t++) {
        const i = Math.floor(rng.uniform() * P), w = be.mem[i]!, h = 1e-6;
        be.mem[i] = w + h;
        const up = loss();
        be.mem[i] = w - h;
        const down = loss();
        be.mem[i] = w;
        const fd = (up - down) / (2 * h);
        if (Math.abs(fd - analytic[i]!) > 1e-8) worst = Math.max(worst, Math.abs(fd - analytic[i]!) / Math.max(Math.abs(fd), Math.abs(analytic[i]!)));
      }
      expect(worst).toBeLessThan(1e-5);
    });
  }
});
