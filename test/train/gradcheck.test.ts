/**
 * CPU trainer gradients against central finite differences (float64), for every model, both losses,
 * every attention mode whose forward is differentiable, and a causal all-positions attention graph.
 * Hardmax's forward is piecewise constant; its backward is documented as straight-through softmax,
 * so it is checked against the softmax gradient instead.
 */
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../../src/train/cpu.ts";
import { compileGraph, GraphBuilder, initParams, type Graph } from "../../src/train/graph.ts";
import { assembleBatch, buildModel, makeDataset, MODEL_DEFAULTS, type ModelConfig } from "../../src/train/models.ts";
import { trainerRng } from "../../src/random.ts";

const TINY: Record<string, ModelConfig> = {
  "ks uniform": { ...MODEL_DEFAULTS.ks, d: 3, seqLen: 4, examples: 5, blocks: 2 },
  "ks softmax": { ...MODEL_DEFAULTS.ks, d: 3, seqLen: 4, examples: 5, blocks: 1, attention: "softmax" },
  "mha classification": { ...MODEL_DEFAULTS.mha, d: 4, dh: 3, heads: 2, seqLen: 3, examples: 5, classes: 3 },
  "mha regression": { ...MODEL_DEFAULTS.mha, d: 4, dh: 3, heads: 2, seqLen: 3, examples: 5, classes: 0 },
  "mha, the authors' architecture (shared embedding, positions, biases)": { ...MODEL_DEFAULTS.mha, d: 4, dh: 3, heads: 2, seqLen: 3, examples: 5, classes: 3, mhaArch: "authors", init: "torch" },
  "mha, the authors' architecture, regression, fixed context": { ...MODEL_DEFAULTS.mha, d: 4, dh: 3, heads: 2, seqLen: 3, examples: 5, classes: 0, mhaArch: "authors", context: "fixed" },
  aot: { ...MODEL_DEFAULTS.aot, d: 3, dh: 2, heads: 2, vocab: 3, seqLen: 2, examples: 5 },
  "aot-code d≠d_h": { ...MODEL_DEFAULTS["aot-code"], d: 4, dh: 2, heads: 2, vocab: 3, seqLen: 3, examples: 5 },
  "aot-code d=d_h": { ...MODEL_DEFAULTS["aot-code"], d: 3, dh: 3, heads: 2, vocab: 3, seqLen: 2, examples: 5 },
  transformer: { ...MODEL_DEFAULTS.transformer, d: 4, dh: 2, heads: 2, vocab: 4, seqLen: 3, hidden: 5, examples: 6 },
};

/** Max relative error between analytic and finite-difference parameter gradients. */
function gradCheck(graph: Graph, seed: number, setBatch: (be: CpuBackend) => void): { worst: number; checked: number } {
  const be = new CpuBackend(compileGraph(graph));
  const p = initParams(graph, seed);
  be.mem.set(p, 0);
  setBatch(be);
  be.forwardBackward();
  const P = graph.paramCount;
  const analytic = be.mem.slice(P, 2 * P);
  const lossAt = (): number => {
    be.forward();
    let s = 0;
    for (let r = 0; r < graph.lossRowCount; r++) s += be.mem[graph.lossRows + r]!;
    return s / graph.lossRowCount;
  };
  let worst = 0;
  const h = 1e-6;
  for (let i = 0; i < P; i++) {
    const w = be.mem[i]!;
    be.mem[i] = w + h;
    const up = lossAt();
    be.mem[i] = w - h;
    const down = lossAt();
    be.mem[i] = w;
    const fd = (up - down) / (2 * h);
    const err = Math.abs(fd - analytic[i]!) / (1e-7 + Math.max(Math.abs(fd), Math.abs(analytic[i]!)));
    worst = Math.max(worst, Math.abs(fd - analytic[i]!) < 1e-8 ? 0 : err);
  }
  return { worst, checked: P };
}

describe("CPU gradients match finite differences (float64)", () => {
  for (const [name, cfg] of Object.entries(TINY)) {
    it(name, () => {
      for (const seed of [1, 2]) {
        const data = makeDataset(cfg, seed);
        const graph = buildModel(cfg, data.size);
        const { worst, checked } = gradCheck(graph, seed, (be) => be.setBatch(assembleBatch(data, Array.from({ length: data.size }, (_, i) => i))));
        expect(checked).toBeGreaterThan(10);
        expect(worst).toBeLessThan(1e-5);
      }
    });
  }

  it("causal multi-query attention with biases, residual and MSE", () => {
    // every position queries (nq = S), so the causal mask matters; exercises views with s1 ≠ 0 and M > 1
    const B = 3, S = 4, d = 3, H = 2, dh = 2;
    const g = new GraphBuilder(B);
    const x = g.input("x", [B * S, d]);
    const W = (n: string, i: number, o: number) => g.param(n, [i, o], { kind: "normal", std: 0.8 });
    const Q = g.linear(x, B * S, d, H * dh, W("Wq", d, H * dh));
    const K = g.linear(x, B * S, d, H * dh, W("Wk", d, H * dh));
    const V = g.linear(x, B * S, d, H * dh, W("Wv", d, H * dh), g.param("bv", [H * dh], { kind: "normal", std: 0.5 }));
    const view = (t: string) => ({ t, s0: S * H * dh, s1: dh, rs: H * dh, cs: 1 });
    const a = g.attention({ prefix: "a", B, H, nq: S, nk: S, dh, dv: dh, q: view(Q), k: view(K), v: view(V), scale: 0.7, mode: "softmax", causal: true, qFirst: 0 });
    const o = g.linear(a, B * S, H * dh, 1, W("Wo", H * dh, 1));
    g.mse(o, g.input("y", [B * S, 1]), B * S, 1, "abs", 0.1);
    const graph = g.finish();
    const rng = trainerRng(7);
    const { worst } = gradCheck(graph, 3, (be) =>
      be.setBatch({ floats: new Map([["x", new Float64Array(B * S * d).map(() => rng.normal())], ["y", new Float64Array(B * S).map(() => rng.normal())]]), ints: new Map() }),
    );
    expect(worst).toBeLessThan(1e-5);
  });

  it("causal mask: query i never sees keys after position i", () => {
    const B = 1, S = 3;
    const g = new GraphBuilder(B);
    const s = g.input("s", [S, S]);
    const p = g.act("p", [S, S]);
    g.ops.push({ op: "attn", x: s, out: p, rows: S, cols: S, groupRows: S, qFirst: 0, causal: true, mode: "softmax" });
    g.mse(p, g.input("y", [S, S]), S, S, "abs", 0.1);
    const be = new CpuBackend(compileGraph(g.finish()));
    be.setBatch({ floats: new Map([["s", new Float64Array([5, 9, 9, 1, 2, 9, 0, 0, 0])], ["y", new Float64Array(9)]]), ints: new Map() });
    be.forward();
    const t = be.program.graph.tensors.get("p")!;
    const P = Array.from(be.mem.slice(t.offset, t.offset + 9));
    expect(P.slice(0, 3)).toEqual([1, 0, 0]);
    expect(P[2]! + P[5]!).toBe(0);
    expect(P[6]! + P[7]! + P[8]!).toBeCloseTo(1, 12);
  });

  it("hardmax forward averages the argmax set; its backward is the softmax gradient (straight-through)", () => {
    const cfgS: ModelConfig = { ...TINY.aot!, attention: "softmax" };
    const cfgH: ModelConfig = { ...TINY.aot!, attention: "hardmax" };
    const data = makeDataset(cfgS, 4);
    const idx = Array.from({ length: data.size }, (_, i) => i);
    const run = (cfg: ModelConfig) => {
      const graph = buildModel(cfg, data.size);
      const be = new CpuBackend(compileGraph(graph));
      be.mem.set(initParams(graph, 4), 0);
      be.setBatch(assembleBatch(data, idx));
      be.forwardBackward();
      return { be, graph };
    };
    const h = run(cfgH), s = run(cfgS);
    const probs = h.graph.tensors.get("attn.probs")!;
    const vals = Array.from(h.be.mem.slice(probs.offset, probs.offset + probs.size));
    expect(vals.every((v) => v === 0 || v === 1 || v === 0.5)).toBe(true);
    // the gradient w.r.t. the scores is the softmax one evaluated at the hardmax forward's upstream gradient
    const sc = h.graph.tensors.get("attn.scores")!;
    const dP = h.be.mem.slice(probs.gradOffset, probs.gradOffset + probs.size);
    const dS = h.be.mem.slice(sc.gradOffset, sc.gradOffset + sc.size);
    const S = h.be.mem.slice(sc.offset, sc.offset + sc.size);
    const cols = cfgH.seqLen;
    for (let r = 0; r < sc.size / cols; r++) {
      const row = Array.from(S.slice(r * cols, (r + 1) * cols));
      const mx = Math.max(...row), e = row.map((v) => Math.exp(v - mx)), z = e.reduce((a, b) => a + b);
      const p = e.map((v) => v / z);
      const dot = p.reduce((a, v, j) => a + v * dP[r * cols + j]!, 0);
      p.forEach((pj, j) => expect(dS[r * cols + j]).toBeCloseTo(pj * (dP[r * cols + j]! - dot), 12));
    }
    expect(s.graph.paramCount).toBe(h.graph.paramCount);
  });
});
