// Trained models → exact IR networks: for every model kind, the converted network's rigorous evaluation
// (exact, or float64/decimal intervals for softmax) agrees with the trainer's own float forward pass
// wherever it decides, the certificate of what the model memorizes is VERIFIED, and mutations are REJECTED.
import { describe, expect, it } from "vitest";
import { checkCertificate } from "../../proofs-check/check.ts";
import type { Certificate } from "../../src/certificate/format.ts";
import { compileExact } from "../../src/eval/exact.ts";
import { evaluateFloatInterval } from "../../src/eval/float-interval.ts";
import { evaluateInterval } from "../../src/eval/interval.ts";
import { certifyTrained, trainedTask } from "../../src/interop/certify.ts";
import { trainedNetwork } from "../../src/interop/convert.ts";
import { fromStateDict, toStateDict } from "../../src/interop/layout.ts";
import { networkTensors } from "../../app/export/tensors.ts";
import type { Network } from "../../src/ir/network.ts";
import { Rational } from "../../src/numbers/rational.ts";
import { CpuBackend } from "../../src/train/cpu.ts";
import { assembleBatch, MODEL_DEFAULTS, type ModelConfig } from "../../src/train/models.ts";
import { DEFAULT_TRAIN, setupTraining, train, type TrainedModel, type TrainingSetup } from "../../src/train/trainer.ts";

const CASES: [string, Partial<ModelConfig>][] = [
  ["aot", { vocab: 6, seqLen: 2, d: 4, dh: 2, heads: 2 }],
  ["aot-code", { vocab: 5, seqLen: 2, d: 6, dh: 2, heads: 2 }], // compress/decompress, 1/√2 enclosed
  ["aot-code", { vocab: 5, seqLen: 3, d: 4, dh: 4, heads: 2 }], // d = d_h: no compress, scale 1/2 exact
  ["transformer", { vocab: 5, seqLen: 3, d: 8, dh: 2, heads: 2, hidden: 8 }],
  ["mha", { examples: 24, seqLen: 4, d: 6, dh: 3, heads: 2, classes: 3 }],
  ["mha", { examples: 16, seqLen: 4, d: 6, dh: 4, heads: 2, classes: 0 }], // regression, abs-error
  ["mha", { examples: 24, seqLen: 4, d: 6, dh: 3, heads: 2, classes: 3, mhaArch: "authors", init: "torch" }], // biases, sinusoidal positions, 1/√d
  ["ks", { examples: 30, seqLen: 4, blocks: 1 }], // uniform attention: exact arithmetic
  ["ks", { examples: 30, seqLen: 4, blocks: 1, attention: "softmax" }],
  ["aot", { vocab: 5, seqLen: 2, d: 4, dh: 2, heads: 2, attention: "hardmax" }], // exact arithmetic
];

async function trained(kind: string, over: Partial<ModelConfig>): Promise<{ config: ModelConfig; setup: TrainingSetup; m: TrainedModel }> {
  const config = { ...MODEL_DEFAULTS[kind as "aot"], ...over, model: kind } as ModelConfig;
  const setup = setupTraining(config, 256, 3);
  let m: TrainedModel | undefined;
  await train(setup, { ...DEFAULT_TRAIN, steps: 150, lr: 0.05, seed: 3 }, async (p) => new CpuBackend(p), undefined, (x) => (m = x));
  return { config, setup, m: m! };
}

/** The trainer's own float outputs (logits, or the scalar prediction) per example. */
async function trainerOutputs(setup: TrainingSetup, params: Float64Array): Promise<number[][]> {
  const g = setup.program.graph;
  const loss = g.ops.find((o) => o.op === "ce" || o.op === "mse")!;
  const name = loss.op === "ce" ? loss.logits : loss.op === "mse" ? loss.pred : "";
  const cols = loss.op === "ce" ? loss.classes : loss.op === "mse" ? loss.k : 0;
  const t = g.tensors.get(name)!;
  const be = new CpuBackend(setup.program);
  await be.setParams(params);
  const N = setup.data.size, B = g.batch;
  const out: number[][] = [];
  for (let start = 0; start < N; start += B) {
    const s = Math.min(start, N - B);
    be.setBatch(assembleBatch(setup.data, Array.from({ length: B }, (_, i) => s + i)));
    be.forward();
    const mem = await be.readMemory();
    for (let r = start - s; r < B; r++) out.push(Array.from(mem.subarray(t.offset + r * cols, t.offset + (r + 1) * cols)));
  }
  return out;
}

/** Output enclosures of the converted network: exact when piecewise linear, else float64 then decimal intervals. */
function enclosures(net: Network, seqs: number[][], vocab: Parameters<typeof evaluateInterval>[2]): { lo: number; hi: number }[][] {
  if (!net.layers.some((L) => L.type === "attention" && L.attention === "softmax"))
    return compileExact(net).evaluate(seqs, vocab).map((o) => o[0]!.map((r) => ({ lo: r.toNumber(), hi: r.toNumber(), exact: r }) as { lo: number; hi: number }));
  const f = evaluateFloatInterval(net, seqs, vocab);
  const d = evaluateInterval(net, seqs.slice(0, 3), vocab, { precisionDigits: 30 });
  // the float64 and decimal enclosures agree (both contain the exact value)
  d.forEach((o, i) => o[0]!.forEach((iv, c) => expect(iv.lo.lte(f[i]![0]![c]!.hi) && iv.hi.gte(f[i]![0]![c]!.lo)).toBe(true)));
  return f.map((o) => o[0]!);
}

describe("trained models as exact IR networks", () => {
  for (const [kind, over] of CASES) {
    it(`${kind} ${JSON.stringify(over)}: the converted network agrees with the trainer wherever decided, and certifies`, async () => {
      const { config, setup, m } = await trained(kind, over);
      const net = trainedNetwork(config, setup.program.graph, m.params);
      const task = trainedTask(config, setup.data);
      const floatOut = await trainerOutputs(setup, m.params);
      const enc = enclosures(net, task.sequences, task.vocabulary ?? undefined);
      let decided = 0;
      enc.forEach((o, i) => {
        const f = floatOut[i]!;
        if (config.model === "mha" && config.classes === 0) {
          // regression: the trainer's float output lies within rounding of the enclosure
          expect(Math.abs(f[0]! - (o[0]!.lo + o[0]!.hi) / 2)).toBeLessThan(1e-9 * (1 + Math.abs(f[0]!)));
          return decided++;
        }
        // the class the enclosure proves to be the argmax (ks: the sign read-out's class)
        const win = o.findIndex((x, k) => o.every((y, j) => j === k || x.lo > y.hi));
        if (win < 0) return;
        decided++;
        const floatClass = config.model === "ks" ? (f[0]! > 0 ? 1 : 0) : f.indexOf(Math.max(...f));
        expect(win, `example ${i}`).toBe(floatClass);
      });
      expect(decided).toBeGreaterThan(task.sequences.length * 0.9);

      const r = certifyTrained(net, task, { construction: { id: `trained-${kind}`, paper: "test", options: {}, seed: 3 } });
      // every float-correct example the evaluation decides is claimed; float-wrong ones are not
      r.decisions.forEach((d, i) => d !== "undecided" && expect(d === "memorized", `example ${i}`).toBe(m.floatCorrect[i] === 1));
      expect(r.memorized.length).toBeGreaterThan(0);
      const rep = checkCertificate(JSON.parse(JSON.stringify(r.certificate)));
      expect(rep.verdict, JSON.stringify(rep.claims)).toBe("VERIFIED");
      // the state dict round-trips to the same parameters
      expect(Array.from(fromStateDict(config, setup.program.graph, toStateDict(setup.program.graph, m.params, "F64")))).toEqual(Array.from(m.params));
    });
  }

  it("REJECTS a trained certificate that lists a non-memorized example, drops a memorized one, flips a label, or transposes a head's W_O", async () => {
    const { config, setup, m } = await trained("aot-code", { vocab: 5, seqLen: 2, d: 4, dh: 4, heads: 1 });
    const r = certifyTrained(trainedNetwork(config, setup.program.graph, m.params), trainedTask(config, setup.data), { construction: { id: "t", paper: "test", options: {}, seed: 3 } });
    const cert = r.certificate;
    const N = cert.dataset.sequences.length;
    const claim = cert.claims[0] as Extract<Certificate["claims"][number], { kind: "memorizes" }>;
    expect(checkCertificate(JSON.parse(JSON.stringify(cert))).verdict).toBe("VERIFIED");
    expect(claim.count).toBeGreaterThan(0);
    expect(claim.count).toBeLessThan(N); // this seed leaves examples unmemorized: the list is a proper subset
    const mutate = (f: (c: Certificate & { claims: typeof claim[] }) => void): string => {
      const c = JSON.parse(JSON.stringify(cert));
      f(c);
      return checkCertificate(c).verdict;
    };
    const listed = claim.examples as number[];
    const missing = Array.from({ length: N }, (_, i) => i).find((i) => !listed.includes(i))!;
    expect(mutate((c) => ((c.claims[0]!.examples = [...listed, missing].sort((a, b) => a - b)), (c.claims[0]!.count += 1)))).toBe("REJECTED");
    expect(mutate((c) => ((c.claims[0]!.examples = listed.slice(1)), (c.claims[0]!.count -= 1)))).toBe("REJECTED");
    expect(mutate((c) => (c.dataset.labels[listed[0]!] = String((Number(c.dataset.labels[listed[0]!]) + 1) % config.vocab)))).toBe("REJECTED");
    expect(
      mutate((c) => {
        const att = c.network.layers.find((L) => L.type === "attention") as Extract<Network["layers"][number], { type: "attention" }>;
        const WO = att.heads[0]!.WO; // (d + 2d_h) × d_h: transpose its trained d_h × d_h block
        const k = WO.length - WO[0]!.length;
        const block = WO.slice(k).map((row) => row.slice());
        block.forEach((row, i) => row.forEach((_, j) => (WO[k + i]![j] = block[j]![i]!)));
      }),
    ).toBe("REJECTED");
  });

  it("leaves out of the certificate the examples no precision decides (an exact tie of two logits under softmax), and says which", () => {
    // logits 0 and 1 are equal for every input (identical rows of the read-out): argmax never strict
    const net: Network = {
      format: "memcap-network", version: 1, input: { kind: "tokens", vocab: 3 },
      layers: [
        { type: "embedding", table: [["1", "0"], ["0", "1"], ["1", "1"]] },
        { type: "attention", attention: "softmax", residual: true, queries: "last", keys: "all", scaleInvSqrt: "2",
          heads: [{ WQ: [["1", "0"]], WK: [["0", "1"]], WV: [["1", "0"]], WO: [["1"], ["0"]] }] },
        { type: "affine", W: [["1", "1"], ["1", "1"], ["2", "-1"]] },
      ],
      output: { positions: "last", kind: "logits" },
    };
    const sequences = [[0, 0], [0, 1], [1, 1], [2, 0], [1, 0]];
    // logit 2 = 2·y₁ − y₂ vs logits 0 = 1 = y₁ + y₂: class 2 wins iff y₁ > 2·y₂
    const labels = [2, 0, 1, 2, 2].map((l) => Rational.of(l));
    const r = certifyTrained(net, { vocabulary: null, sequences, labels, criterion: { type: "argmax" } }, { construction: { id: "tie", paper: "test", options: {}, seed: null } });
    const where = r.decisions.map((d, i) => [i, d]);
    expect(r.undecided.length, JSON.stringify(where)).toBeGreaterThan(0);
    expect(r.undecided.every((i) => labels[i]!.lt(Rational.of(2)))).toBe(true);
    expect(r.certificate.construction.options.undecidedExamples).toEqual(r.undecided);
    expect(r.certificate.dataset.sequences).toHaveLength(sequences.length - r.undecided.length);
    expect(r.precisionDigits).toBe(120); // every precision was tried
    expect(checkCertificate(JSON.parse(JSON.stringify(r.certificate))).verdict).toBe("VERIFIED");
  });

  it("exports a trained network's irrational 1/√d_h as the nearest double, and refuses a layernorm in one line", async () => {
    const { config, setup, m } = await trained("transformer", { vocab: 4, seqLen: 2, d: 4, dh: 2, heads: 1, hidden: 4 });
    const net = trainedNetwork(config, setup.program.graph, m.params);
    const att = net.layers.findIndex((L) => L.type === "attention");
    expect(net.layers[att]).toMatchObject({ scale: "1", scaleInvSqrt: "2" });
    const t = networkTensors(net, "float64")[`layers.${att}.scale`]!;
    expect(t.shape).toEqual([]);
    expect(t.data[0]).toBe(1 / Math.sqrt(2));
    const withLn: Network = { ...net, layers: [...net.layers.slice(0, att + 1), { type: "layernorm", gamma: ["1", "1", "1", "1"], beta: ["0", "0", "0", "0"], eps: "1/100000" }, ...net.layers.slice(att + 1)] };
    expect(() => networkTensors(withLn, "float32")).toThrow(/layer 3: type "layernorm" cannot be exported/);
  });
});
