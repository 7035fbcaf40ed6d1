/** `memcap train` end to end (CPU backend), and the trainer's determinism and learning on every model default. */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CpuBackend } from "../../../src/train/cpu.ts";
import { MODEL_DEFAULTS, MODEL_NAMES } from "../../../src/train/models.ts";
import { learningRate } from "../../../src/train/schedule.ts";
import { DEFAULT_TRAIN, setupTraining, train } from "../../../src/train/trainer.ts";

const cpu = async (p: ConstructorParameters<typeof CpuBackend>[0]) => new CpuBackend(p);

describe("memcap train", () => {
  it("--json prints step records and a summary; --log writes the same JSONL", () => {
    const dir = mkdtempSync(join(tmpdir(), "memcap-train-"));
    const log = join(dir, "run.jsonl");
    const out = execFileSync("node", ["bin/memcap.mjs", "train", "--model", "aot", "--steps", "60", "--seed", "3", "--json", "--log", log], { encoding: "utf8" });
    const recs = out.trim().split("\n").map((l) => JSON.parse(l));
    const steps = recs.filter((r) => !r.result);
    expect(steps[0].step).toBe(1);
    expect(steps.at(-1).step).toBe(60);
    for (const r of steps) expect(typeof r.loss === "number" && r.accuracy >= 0 && r.accuracy <= 1).toBe(true);
    const summary = recs.at(-1).result; // the closing record is the JSON envelope
    expect(recs.at(-1).command).toBe("train");
    expect(summary.summary).toBe(true);
    expect(summary.loss).toBeLessThan(0.7 * steps[0].loss);
    expect(summary.seed).toBe(3);
    expect(readFileSync(log, "utf8").trim().split("\n").map((l) => JSON.parse(l))).toEqual(recs);
  });

  it("bad flags: one line, exit 2", () => {
    for (const args of [["--steps", "0"], ["--model", "gpt"], ["--model", "mha", "--classes", "1"], ["--lr", "x"]]) {
      const r = spawnSync("node", ["bin/memcap.mjs", "train", ...args], { encoding: "utf8" });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n").length).toBe(1);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });
});

describe("trainer", () => {
  for (const m of MODEL_NAMES) {
    it(`${m}: the default task's loss falls below 0.7× within 200 steps, reproducibly`, async () => {
      const run = () => train(setupTraining(MODEL_DEFAULTS[m], 256, 1), { ...DEFAULT_TRAIN, logEvery: 1000 }, cpu);
      const a = await run();
      expect(a.loss).toBeLessThan(0.7 * a.firstLoss);
      const b = await run();
      expect(b.loss).toBe(a.loss);
    });
  }

  it("schedules: warmup rises linearly, cosine and linear decay to 0, constant stays", () => {
    expect(learningRate("cosine", 1, 4, 100, 0)).toBe(0.25);
    expect(learningRate("cosine", 1, 4, 100, 3)).toBe(1);
    expect(learningRate("cosine", 1, 4, 100, 4)).toBe(1);
    expect(learningRate("cosine", 1, 4, 104, 54)).toBeCloseTo(0.5, 12);
    expect(learningRate("linear", 1, 0, 10, 5)).toBeCloseTo(0.5, 12);
    expect(learningRate("constant", 1, 0, 10, 9)).toBe(1);
  });
});
