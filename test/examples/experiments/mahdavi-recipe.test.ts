// examples/experiments/mahdavi-recipe.ts: the authors' recipe (main.py, trainers.py) in memcap's options.
import { describe, expect, it } from "vitest";
import { AUTHORS_FULL, authorsParameters, findAuthors, meanSd, memcapConfig, memcapOptions, REDUCED, runMemcap, theorem1Fraction, trainSteps, type MahdaviSize } from "../../../examples/experiments/mahdavi-recipe.ts";
import { buildModel } from "../../../src/train/models.ts";

describe("Mahdavi et al.'s recipe in memcap's terms", () => {
  it("train_steps = max(epochs·N // batch, min_train_steps) (main.py l. 122–130)", () => {
    expect(trainSteps(AUTHORS_FULL)).toBe(58593); // 500·30 000 // 256
    expect(trainSteps({ ...AUTHORS_FULL, N: 10_000 })).toBe(50_000); // the minimum dominates
    expect(trainSteps(REDUCED)).toBe(REDUCED.minSteps);
  });
  it("options: Adam lr 1e-3, batch 256, warmup steps // 20 from 0.01, cosine, best-of-validations with early stop", () => {
    const o = memcapOptions(AUTHORS_FULL);
    expect(o).toMatchObject({ steps: 58593, batch: 256, lr: 1e-3, optimizer: "adam", weightDecay: 0, schedule: "cosine", warmup: 2929, warmupStart: 0.01, keepBest: { every: 500, stopAtFull: true } });
  });
  it("the model at the full size has the authors' parameter count (4160 + 8320·H + 6500)", () => {
    for (const H of [1, 5, 60]) expect(buildModel(memcapConfig(AUTHORS_FULL, H), 2).paramCount).toBe(10660 + 8320 * H);
    expect(authorsParameters(AUTHORS_FULL, 20)).toBe(10660 + 8320 * 20);
  });
  it("Theorem 1 reference line H(min(n,d_h)−1)+1 over N, capped at 1", () => {
    expect(theorem1Fraction(REDUCED, 2)).toBeCloseTo((2 * 7 + 1) / REDUCED.N, 15);
    expect(theorem1Fraction({ ...REDUCED, N: 10 }, 4)).toBe(1);
  });
  it("a short run trains, stops early at accuracy 1 when it memorizes, and reports its counts", async () => {
    const tiny: MahdaviSize = { ...REDUCED, N: 16, d: 8, n: 2, dh: 8, classes: 2, minSteps: 4000, validateEvery: 10, lr: 1e-2 };
    const r = await runMemcap(tiny, 4, 1);
    expect(r.parameters).toBe(authorsParameters(tiny, 4));
    expect(r.accuracy).toBe(1);
    expect(r.steps!).toBeLessThan(trainSteps(tiny));
  });
  it("finds the authors' checkout or says why not; mean and sample sd", () => {
    const s = findAuthors("/nonexistent-dir", "python3");
    expect("skip" in s && s.skip).toMatch(/not at \/nonexistent-dir/);
    const none = findAuthors(undefined, undefined, {});
    expect("skip" in none && none.skip).toMatch(/not given/);
    const fromEnv = findAuthors(undefined, undefined, { MEMCAP_MAHDAVI_AUTHORS: "/elsewhere", MEMCAP_PYTHON: "/py" });
    expect("skip" in fromEnv && fromEnv.skip).toMatch(/not at \/elsewhere/);
    const m = meanSd([1, 3]);
    expect(m.mean).toBe(2);
    expect(m.sd).toBeCloseTo(Math.SQRT2, 15);
  });
});
