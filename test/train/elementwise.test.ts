/**
 * The WebAssembly elementwise kernels against plain JavaScript loops that round every operation to the
 * kernel's precision (identity in float64, Math.fround in float32): equal bit for bit, including the ReLU's
 * NaN → 0 and the ReLU backward leaving dx untouched (−0 stays −0) where x ≤ 0. Shapes cover rows shorter
 * than a vector, whole vectors and ragged tails.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { adam } from "../../src/train/cpu.ts";
import { wasmElementwiseKernels } from "../../src/train/kernels-elementwise.ts";
import { PRECISIONS, wasmMatmulKernels } from "../../src/train/kernels-wasm.ts";
import { trainerRng } from "../../src/random.ts";

const SIZE = 6 * 1024;
const A = 0, B = 1024, C = 2048, D = 3072, E = 4096, F = 5120;

for (const precision of PRECISIONS) {
  describe(`elementwise kernels (${precision})`, () => {
    const k = wasmMatmulKernels(SIZE, precision);
    const ew = wasmElementwiseKernels(k.memory, precision);
    const mem = precision === "f32" ? new Float32Array(k.memory.buffer, 0, SIZE) : new Float64Array(k.memory.buffer, 0, SIZE);
    const r = precision === "f32" ? Math.fround : (x: number) => x;
    const relu = (v: number) => (v > 0 ? v : 0);
    const fill = (seed: number) => {
      const rng = trainerRng(seed);
      for (let i = 0; i < SIZE; i++) {
        const u = rng.uniform();
        mem[i] = u < 0.05 ? 0 : u < 0.08 ? -0 : u < 0.09 ? NaN : rng.normal();
      }
    };
    /** runs the kernel and the reference on copies of the same memory and compares bit patterns */
    const same = (run: () => void, ref: (m: Float64Array) => void) => {
      const want = Float64Array.from(mem);
      ref(want);
      run();
      const got = Float64Array.from(mem);
      for (let i = 0; i < SIZE; i++) if (!Object.is(got[i], want[i])) expect([i, got[i]]).toEqual([i, want[i]]);
    };
    const shape = fc.record({ rows: fc.integer({ min: 1, max: 9 }), bLen: fc.integer({ min: 1, max: 19 }), seed: fc.integer({ min: 1, max: 1e6 }) });
    const rowsOf = (n: number, bLen: number, f: (e: number, j: number) => void) => {
      for (let row = 0; row < n; row += bLen) for (let j = 0; j < bLen; j++) f(row + j, j);
    };
    const cases: Record<string, (n: number, bLen: number) => [() => void, (m: Float64Array) => void]> = {
      addBias: (n, bLen) => [() => ew.addBias(A, B, C, n, bLen), (m) => rowsOf(n, bLen, (e, j) => (m[C + e] = r(m[A + e]! + m[B + j]!)))],
      addBiasRelu: (n, bLen) => [
        () => ew.addBiasRelu(A, B, C, D, n, bLen),
        (m) => rowsOf(n, bLen, (e, j) => { const v = r(m[A + e]! + m[B + j]!); m[C + e] = v; m[D + e] = relu(v); }),
      ],
      addBiasResidual: (n, bLen) => [
        () => ew.addBiasResidual(A, B, C, D, E, n, bLen),
        (m) => rowsOf(n, bLen, (e, j) => { const v = r(m[A + e]! + m[B + j]!); m[C + e] = v; m[E + e] = r(m[D + e]! + v); }),
      ],
      relu: (n) => [() => ew.relu(A, B, n), (m) => { for (let i = 0; i < n; i++) m[B + i] = relu(m[A + i]!); }],
      axpy: (n) => [() => ew.axpy(A, B, n), (m) => { for (let i = 0; i < n; i++) m[A + i] = r(m[A + i]! + m[B + i]!); }],
      axpy2: (n) => [() => ew.axpy2(A, B, C, n), (m) => { for (let i = 0; i < n; i++) { m[A + i] = r(m[A + i]! + m[C + i]!); m[B + i] = r(m[B + i]! + m[C + i]!); } }],
      reduceRows: (n, bLen) => [() => ew.reduceRows(A, B, n, bLen), (m) => rowsOf(n, bLen, (e, j) => (m[A + j] = r(m[A + j]! + m[B + e]!)))],
      axpyReduce: (n, bLen) => [
        () => ew.axpyReduce(A, B, C, n, bLen),
        (m) => rowsOf(n, bLen, (e, j) => { const g = m[C + e]!; m[A + e] = r(m[A + e]! + g); m[B + j] = r(m[B + j]! + g); }),
      ],
      reluBack: (n) => [() => ew.reluBack(A, B, C, n), (m) => { for (let i = 0; i < n; i++) if (m[A + i]! > 0) m[C + i] = r(m[C + i]! + m[B + i]!); }],
      reluBackAxpyReduce: (n, bLen) => [
        () => ew.reluBackAxpyReduce(A, B, C, D, E, n, bLen),
        (m) => rowsOf(n, bLen, (e, j) => {
          let g = m[C + e]!;
          if (m[A + e]! > 0) m[C + e] = g = r(g + m[B + e]!);
          m[D + e] = r(m[D + e]! + g);
          m[E + j] = r(m[E + j]! + g);
        }),
      ],
      residualBiasBack: (n, bLen) => [
        () => ew.residualBiasBack(A, B, C, D, E, n, bLen),
        (m) => rowsOf(n, bLen, (e, j) => {
          const g = m[E + e]!;
          m[A + e] = r(m[A + e]! + g);
          const y = (m[B + e] = r(m[B + e]! + g));
          m[C + e] = r(m[C + e]! + y);
          m[D + j] = r(m[D + j]! + y);
        }),
      ],
      transpose: (n, bLen) => {
        const K = n / bLen, N = bLen; // read a K×N block with strides (1, K) (a column-major matrix)
        return [() => ew.transpose(F, A, K, N, 1, K), (m) => { for (let kk = 0; kk < K; kk++) for (let j = 0; j < N; j++) m[F + kk * N + j] = m[A + kk + j * K]!; }];
      },
    };
    for (const [name, make] of Object.entries(cases)) {
      it(`${name} equals the JavaScript loop bit for bit`, () => {
        fc.assert(
          fc.property(shape, ({ rows, bLen, seed }) => {
            fill(seed);
            const [run, ref] = make(rows * bLen, bLen);
            same(run, ref);
          }),
          { numRuns: 40 },
        );
      });
    }

    it("Adam and AdamW equal cpu.ts's adam() (float64 bit for bit; float32 rounding each operation)", () => {
      for (const decoupled of [true, false]) {
        for (const n of [1, 5, 64, 67]) {
          fill(n + (decoupled ? 100 : 0));
          for (let i = 0; i < SIZE; i++) if (!Number.isFinite(mem[i]!)) mem[i] = 0.25;
          for (let i = 0; i < n; i++) mem[D + i] = Math.abs(mem[D + i]!); // second moments are ≥ 0
          const h = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, decoupled, t: 7 };
          const c1 = 1 - h.beta1 ** h.t, c2 = 1 - h.beta2 ** h.t;
          const run = () => (decoupled ? ew.adamW : ew.adamL2)(A, B, C, D, n, h.lr, h.beta1, h.beta2, c1, c2, h.eps, h.weightDecay);
          if (precision === "f64") same(run, (m) => adam(m, A, B, C, D, n, h));
          else
            same(run, (m) => {
              const f = Math.fround, [lr, b1, b2, fc1, fc2, eps, wd] = [h.lr, h.beta1, h.beta2, c1, c2, h.eps, h.weightDecay].map(f) as number[];
              const omb1 = f(1 - b1!), omb2 = f(1 - b2!);
              for (let i = 0; i < n; i++) {
                let g = m[B + i]!;
                const w = m[A + i]!;
                if (!decoupled) g = f(g + f(wd! * w));
                const mm = (m[C + i] = f(f(b1! * m[C + i]!) + f(omb1 * g)));
                const vv = (m[D + i] = f(f(b2! * m[D + i]!) + f(f(omb2 * g) * g)));
                let upd = f(f(mm / fc1!) / f(f(Math.sqrt(f(vv / fc2!))) + eps!));
                if (decoupled) upd = f(upd + f(wd! * w));
                m[A + i] = f(w - f(lr! * upd));
              }
            });
        }
      }
    });
  });
}
