// ONNX parity: the exported graph run in onnxruntime-node (float64) gives memcap's float evaluator's
// outputs — on random networks of every layer kind and option, and on small certified networks of
// each construction, whose float64 survival the two must then agree on.
import { describe, expect, it } from "vitest";
import { randomNetwork } from "../../../src/eval/random-network.ts";
import { evaluateFloat } from "../../../src/eval/float.ts";
import { encodeOnnxModel } from "../../../src/io/onnx-proto.ts";
import type { Certificate } from "../../../src/certificate/format.ts";
import { networkToOnnx } from "../../../app/export/onnx.ts";
import { floatVocabulary, memcapSurvival, onnxruntimeOutputs, onnxruntimeSurvival } from "../../../app/export/survival.ts";
import { certifyAot, certifyKs, certifyMha, generateMhaDataset, generateSequenceDataset, randomLookupTable } from "../../../lib/index.ts";

/** Largest |a − b| / max(1, |a|) over all entries; Infinity when shapes differ or one side is NaN alone. */
function maxRelativeGap(a: number[][][], b: number[][][]): number {
  let gap = 0;
  if (a.length !== b.length) return Infinity;
  a.forEach((s, i) => {
    if (s.length !== b[i]!.length) gap = Infinity;
    s.forEach((p, j) =>
      p.forEach((v, k) => {
        const w = b[i]![j]?.[k];
        if (w === undefined || Number.isNaN(v) !== Number.isNaN(w)) gap = Infinity;
        else if (v !== w) gap = Math.max(gap, Math.abs(v - w) / Math.max(1, Math.abs(v)));
      }),
    );
  });
  return gap;
}

describe("ONNX export runs in onnxruntime-node as memcap's float evaluator", () => {
  it("random networks of every layer kind (float64): outputs agree to a few ulps, exactly when no rounding happens", async () => {
    const seen = new Set<string>();
    let exactRuns = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const tokens = seed % 2 === 0;
      const { net, vocabulary, sequences } = randomNetwork({ seed, depth: 6, width: 3, tokens, attention: ["softmax", "hardmax", "uniform"], positions: seed % 3 === 0 ? "all" : "last" });
      for (const l of net.layers) seen.add(l.type === "attention" ? `${l.attention} queries=${l.queries} keys=${l.keys} residual=${l.residual}${l.scale ? " scaled" : ""}` : l.type);
      const cert = { network: net, dataset: { sequences, labels: [], ...(tokens ? {} : { vocabulary: vocabulary.map((r) => r.map((x) => x.toString())) }) } } as unknown as Certificate;
      const ort = await onnxruntimeOutputs(cert, encodeOnnxModel(networkToOnnx(net, "float64")), "float64");
      expect(ort, "onnxruntime-node is a devDependency and must load").not.toBeNull();
      const mem = evaluateFloat(net, sequences, tokens ? undefined : vocabulary.map((r) => r.map((x) => x.toNumber())));
      const gap = maxRelativeGap(mem, ort!);
      // 1e-13: a few ulps of float64, from a runtime's own summation order in MatMul and its exp
      expect(gap, `seed ${seed}`).toBeLessThan(1e-13);
      if (gap === 0) exactRuns++;
    }
    for (const kind of ["embedding", "positional", "affine", "relu", "ffn"]) expect(seen).toContain(kind);
    for (const a of ["softmax", "hardmax", "uniform"]) expect([...seen].some((s) => s.startsWith(a))).toBe(true);
    for (const opt of ["queries=last", "queries=all", "keys=all-but-last", "keys=causal", "keys=all", "residual=false", "scaled"]) expect([...seen].some((s) => s.includes(opt)), opt).toBe(true);
    expect(exactRuns).toBeGreaterThan(10);
  }, 60_000);

  const constructions: [string, () => Certificate][] = [
    ["Kajitsuka–Sato next-token (N = 40)", () => certifyKs(generateSequenceDataset({ N: 40, n: 6, d: 4, classes: 3, vocab: 32, seed: 7 }), { seed: 7 }).certificate],
    ["Mahdavi et al. (d = 16, n = 4, H = 2)", () => certifyMha(generateMhaDataset({ d: 16, n: 4, T: 7, context: "shared", seed: 1 }), { H: 2, dh: 4, seed: 1 }).certificate!],
    ["Dana et al. aot (N = 8, H = 3)", () => certifyAot(randomLookupTable({ N: 8, S: 2, T: 8, seed: 4 }), { d: 2, dh: 2, H: 3, seed: 4 }).certificate!],
  ];
  for (const [name, make] of constructions) {
    it(`${name}: float64 outputs and survival agree; float32 survival is measured by both`, async () => {
      const cert = make();
      expect(cert).toBeTruthy();
      const onnx = encodeOnnxModel(networkToOnnx(cert.network, "float64"));
      const ort = (await onnxruntimeOutputs(cert, onnx, "float64"))!;
      const mem = memcapSurvival(cert, "float64");
      const rt = (await onnxruntimeSurvival(cert, onnx, "float64"))!;
      expect(rt.memorized).toBe(mem.memorized);
      expect(mem.memorized).toBe(mem.claimed); // these sizes survive float64 whole
      const f32 = encodeOnnxModel(networkToOnnx(cert.network, "float32"));
      const rt32 = (await onnxruntimeSurvival(cert, f32, "float32"))!;
      expect(rt32.claimed).toBe(mem.claimed);
      const floats = evaluateFloat(cert.network, cert.dataset.sequences, floatVocabulary(cert, "float64"));
      expect(maxRelativeGap(floats, ort)).toBeLessThan(1e-12);
    }, 60_000);
  }
});
