// The pieces of Mahdavi et al.'s training recipe (examples/experiments/mahdavi.ts --recipe authors): the
// authors' BaselineAttention as `mha` with mhaArch "authors" (shape, parameter count, forward pass, torch
// initialization, fixed context), the warmup of their SequentialLR, and their best-of-validations checkpoint.
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../../src/train/cpu.ts";
import { compileGraph, initParams, type Program } from "../../src/train/graph.ts";
import { assembleBatch, buildModel, mahdaviAuthorsParamCount, makeDataset, MODEL_DEFAULTS, sinusoidalPositions, validateConfig, type ModelConfig } from "../../src/train/models.ts";
import { learningRate } from "../../src/train/schedule.ts";
import { DEFAULT_TRAIN, setupTraining, train, type TrainOptions } from "../../src/train/trainer.ts";
import { trainedNetwork } from "../../src/interop/convert.ts";

const authors = (d: number, dh: number, H: number, n: number, classes: number, examples = 6): ModelConfig => ({ ...MODEL_DEFAULTS.mha, d, dh, heads: H, seqLen: n, classes, examples, mhaArch: "authors", init: "torch" });
const cpu = async (p: Program) => new CpuBackend(p);

describe("Mahdavi et al.'s model (mhaArch: authors)", () => {
  it("has the authors' parameter count for the same shape (attn_models.py: embedding, Wq/Wk/Wv per head, Wo, decoder)", () => {
    // their defaults (main.py: d_model = n_dims = 64, dh = d_model, 100 classes): 4160 + 8320·H + 6500
    expect(mahdaviAuthorsParamCount({ dIn: 64, d: 64, dh: 64, H: 1, classes: 100 })).toBe(18980);
    expect(mahdaviAuthorsParamCount({ dIn: 64, d: 64, dh: 64, H: 20, classes: 100 })).toBe(10660 + 8320 * 20);
    for (const [d, dh, H, n, C] of [[16, 16, 1, 8, 10], [16, 16, 8, 8, 10], [8, 3, 5, 4, 0], [64, 64, 2, 32, 100]] as const) {
      const g = buildModel(authors(d, dh, H, n, C), 4);
      expect(g.paramCount).toBe(mahdaviAuthorsParamCount({ dIn: d, d, dh, H, classes: C > 0 ? C : 1 }));
    }
    // memcap's reconstruction keeps its own count (no embedding, no biases)
    const plain = buildModel({ ...MODEL_DEFAULTS.mha, d: 16, dh: 8, heads: 4, seqLen: 8, classes: 10 }, 4);
    expect(plain.paramCount).toBe(2 * 16 * 4 * 8 + 16 * 4 + 4 * 16 + 16 * 10);
  });

  it("sinusoidal positions as SinPositionalEncoding: row 0 = (0, 1, 0, 1, …), sin² + cos² = 1, frequency 10000^(−2i/d)", () => {
    const d = 6, pe = sinusoidalPositions(4, d);
    expect(Array.from(pe.subarray(0, d))).toEqual([0, 1, 0, 1, 0, 1]);
    for (let p = 0; p < 4; p++) for (let i = 0; i < d / 2; i++) expect(pe[p * d + 2 * i]! ** 2 + pe[p * d + 2 * i + 1]! ** 2).toBeCloseTo(1, 14);
    expect(pe[3 * d + 2]).toBeCloseTo(Math.sin(3 / 10000 ** (2 / 6)), 14);
    expect(pe[2 * d + 5]).toBeCloseTo(Math.cos(2 / 10000 ** (4 / 6)), 14);
  });

  it("computes the authors' forward pass: shared embedding + bias, position 0 on the query, 1 … n on the contexts, 1/√d, decoder bias", () => {
    const c = authors(4, 3, 2, 3, 5, 4);
    const data = makeDataset(c, 2);
    const g = buildModel(c, data.size);
    const be = new CpuBackend(compileGraph(g));
    const params = initParams(g, 9);
    be.mem.set(params, 0);
    be.setBatch(assembleBatch(data, [0, 1, 2, 3]));
    be.forward();
    const P = (name: string) => {
      const t = g.tensors.get(name)!;
      return { v: params.subarray(t.offset, t.offset + t.size), cols: t.shape[t.shape.length - 1]! };
    };
    const { d, dh, heads: H, seqLen: n, classes: C } = c;
    const We = P("embed"), be_ = P("embed.b"), Wq = P("W_Q"), Wk = P("W_K"), Wv = P("W_V"), Wo = P("W_O"), Wr = P("readout"), br = P("readout.b");
    const pe = sinusoidalPositions(n + 1, d);
    const embed = (x: ArrayLike<number>, pos: number) => Array.from({ length: d }, (_, j) => { let s = be_.v[j]! + pe[pos * d + j]!; for (let i = 0; i < d; i++) s += x[i]! * We.v[i * d + j]!; return s; });
    const proj = (x: number[], W: { v: Float64Array; cols: number }, col: number) => x.reduce((s, xi, i) => s + xi * W.v[i * W.cols + col]!, 0);
    const q = data.floats.get("query")!.data, ctx = data.floats.get("context")!.data, labels = data.ints.get("labels")!.data;
    for (let e = 0; e < 4; e++) {
      // the authors' sequence is (query, context_1 … context_n): the query is token 0
      const x0 = embed(q.subarray(e * d, (e + 1) * d), 0);
      const xs = Array.from({ length: n }, (_, j) => embed(ctx.subarray((e * n + j) * d, (e * n + j + 1) * d), j + 1));
      const o = new Array<number>(d).fill(0);
      for (let h = 0; h < H; h++) {
        const qh = Array.from({ length: dh }, (_, k) => proj(x0, Wq, h * dh + k));
        const sc = xs.map((x) => qh.reduce((s, qk, k) => s + qk * proj(x, Wk, h * dh + k), 0) / Math.sqrt(d));
        const m = Math.max(...sc), w = sc.map((s) => Math.exp(s - m)), Z = w.reduce((a, b) => a + b, 0);
        const head = xs.reduce((s, x, j) => s + (w[j]! / Z) * proj(x, Wv, h), 0);
        for (let j = 0; j < d; j++) o[j] = o[j]! + head * Wo.v[h * d + j]!;
      }
      const logits = Array.from({ length: C }, (_, k) => br.v[k]! + proj(o, Wr, k));
      const m = Math.max(...logits), lse = m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0));
      expect(be.mem[g.lossRows + e]).toBeCloseTo(lse - logits[labels[e]!]!, 12);
    }
  });

  it("initializes as the authors' code: nn.Linear U(±1/√d) for embedding and decoder, Xavier per head, Xavier on W_O", () => {
    const d = 16, dh = 8, H = 3, C = 10;
    const g = buildModel(authors(d, dh, H, 4, C), 4);
    const p = initParams(g, 3);
    const want: Record<string, number> = {
      embed: 1 / Math.sqrt(d), "embed.b": 1 / Math.sqrt(d), readout: 1 / Math.sqrt(d), "readout.b": 1 / Math.sqrt(d),
      W_Q: Math.sqrt(6 / (d + dh)), W_K: Math.sqrt(6 / (d + dh)), W_V: Math.sqrt(6 / (d + 1)), W_O: Math.sqrt(6 / (H + d)),
    };
    const params = [...g.tensors.values()].filter((t) => t.role === "param");
    expect(params.map((t) => t.name).sort()).toEqual(Object.keys(want).sort());
    for (const t of params) {
      const b = want[t.name]!;
      expect(t.init, t.name).toEqual({ kind: "uniform", lo: -b, hi: b });
      let maxAbs = 0;
      for (let i = 0; i < t.size; i++) maxAbs = Math.max(maxAbs, Math.abs(p[t.offset + i]!));
      expect(maxAbs, t.name).toBeLessThanOrEqual(b);
      if (t.size >= 48) expect(maxAbs, t.name).toBeGreaterThan(0.8 * b); // drawn over the whole range, not a narrower law
    }
  });

  it("context 'fixed' shares one context among all examples; 'random' draws one per example", () => {
    const fixed = makeDataset({ ...authors(4, 4, 1, 3, 3, 5), context: "fixed" }, 1).floats.get("context")!;
    const random = makeDataset(authors(4, 4, 1, 3, 3, 5), 1).floats.get("context")!;
    for (let e = 1; e < 5; e++) {
      expect(Array.from(fixed.data.subarray(e * fixed.per, (e + 1) * fixed.per))).toEqual(Array.from(fixed.data.subarray(0, fixed.per)));
      expect(Array.from(random.data.subarray(e * random.per, (e + 1) * random.per))).not.toEqual(Array.from(random.data.subarray(0, random.per)));
    }
  });

  it("rejects what it cannot express, with one line", () => {
    expect(() => validateConfig({ ...authors(5, 4, 1, 3, 3) })).toThrow(/even --d/);
    expect(() => validateConfig({ ...MODEL_DEFAULTS.aot, mhaArch: "authors" })).toThrow(/--model mha only/);
  });

  it("converts to an exact IR network: embedding and readout biases, the sinusoidal table with the query's row last, 1/√d", () => {
    const c = authors(4, 4, 1, 3, 3);
    const g = buildModel(c, 2);
    const net = trainedNetwork(c, g, initParams(g, 1));
    expect(net.layers.map((L) => L.type)).toEqual(["affine", "positional", "attention", "affine"]);
    const [embed, pos, att, readout] = net.layers as [Extract<typeof net.layers[number], { type: "affine" }>, Extract<typeof net.layers[number], { type: "positional" }>, Extract<typeof net.layers[number], { type: "attention" }>, Extract<typeof net.layers[number], { type: "affine" }>];
    expect(embed.b).toHaveLength(4);
    expect(readout.b).toHaveLength(3);
    expect(pos.table).toHaveLength(c.seqLen + 1);
    expect(pos.table[c.seqLen]!.map(Number)).toEqual([0, 1, 0, 1]); // the authors' row 0: sin 0, cos 0
    expect(att.scale).toBe("1/2"); // 1/√d with d = 4, exact
  });
});

describe("the authors' schedule: SequentialLR(LinearLR(0.01 → 1, steps//20), CosineAnnealingLR(steps − warmup)) (trainers.py l. 99–111)", () => {
  it("equals PyTorch's recursive (chainable) LinearLR and CosineAnnealingLR updates step by step", () => {
    const lr = 1e-3, steps = 400, W = Math.floor(steps / 20), s = 0.01, T = steps - W;
    // torch's chainable forms: LinearLR multiplies by 1 + (end − start)/(total·start + (k − 1)(end − start));
    // CosineAnnealingLR (eta_min 0) by (1 + cos(πk/T))/(1 + cos(π(k − 1)/T)); SequentialLR restarts the
    // cosine at the milestone with the base rate
    let cur = lr * s;
    for (let t = 0; t < steps; t++) {
      if (t > 0 && t < W) cur *= 1 + (1 - s) / (W * s + (t - 1) * (1 - s));
      else if (t === W) cur = lr;
      else if (t > W) cur *= (1 + Math.cos((Math.PI * (t - W)) / T)) / (1 + Math.cos((Math.PI * (t - W - 1)) / T));
      expect(learningRate("cosine", lr, W, steps, t, s), `step ${t}`).toBeCloseTo(cur, 15);
    }
    // memcap's own warmup (no warmupStart) is unchanged: lr·(t + 1)/W
    expect(learningRate("cosine", lr, W, steps, 0)).toBeCloseTo(lr / W, 18);
  });
});

describe("the authors' checkpoint: lowest whole-set loss among validations every k steps, early stop at 100 %", () => {
  const c = authors(4, 4, 2, 3, 3, 24);
  const base: TrainOptions = { ...DEFAULT_TRAIN, steps: 60, batch: 8, lr: 0.3, schedule: "constant", warmup: 0, optimizer: "adam", logEvery: 1000 };
  it("keeps the parameters of the lowest-loss validation: the loss of training exactly that many steps, the least of all validated", async () => {
    const kept = await train(setupTraining(c, 8, 1, 2), { ...base, keepBest: { every: 7, stopAtFull: false } }, cpu);
    expect(kept.validations).toBe(Math.ceil(60 / 7)); // after the updates of steps 0, 7, …, 56
    expect((kept.keptAfterSteps! - 1) % 7).toBe(0);
    expect(kept.keptAfterSteps).toBeGreaterThan(1); // lr 0.3 moves the loss; the first state is not the best
    const validated: number[] = [];
    for (let k = 1; k <= 60; k += 7) {
      const upTo = await train(setupTraining(c, 8, 1, 2), { ...base, steps: k }, cpu);
      validated.push(upTo.loss);
      if (k === kept.keptAfterSteps) expect([upTo.loss, upTo.accuracy]).toEqual([kept.loss, kept.accuracy]);
    }
    expect(kept.loss).toBe(Math.min(...validated));
    expect(kept.validationLosses).toEqual(validated);
  });
  it("stops at the first validation where every example is correct", async () => {
    const easy = authors(8, 8, 4, 2, 2, 8);
    const s = await train(setupTraining(easy, 8, 1, 2), { ...base, steps: 3000, lr: 0.02, keepBest: { every: 5, stopAtFull: true } }, cpu);
    expect(s.accuracy).toBe(1);
    expect(s.steps).toBeLessThan(3000);
    expect((s.steps - 1) % 5).toBe(0);
  });
});
