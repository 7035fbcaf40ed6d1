// Kajitsuka & Sato's random-data experiment (examples/experiments/ks-random.ts, ks-tuning.ts): the model's
// parameter count against the paper's formula, the seeded tuning loop (K trials with recorded seeds, best-of,
// reproducible), the --warmup / --epochs / --trials flags end to end, and the PyTorch peer computing the same thing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildModel, ksPaperParameterCount, MODEL_DEFAULTS } from "../../../src/train/models.ts";
import { readParts, renderDocument } from "../../../examples/experiments/ks-random-doc.ts";
import { bestTrial, DEFAULT_SPACE, ksConfig, memcapJob, minimumBlocks, PeerData, runMemcapTrial, runPeerTrial, runTasks, trialSpecs, type TrialOutcome, type TrialSettings } from "../../../examples/experiments/ks-tuning.ts";

const SCRIPT = "examples/experiments/ks-random.ts";
const PYTHON = "/tmp/train-f32-venv/bin/python";
const tsx = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", SCRIPT, ...args], { encoding: "utf8" });
const tiny: TrialSettings = { N: 12, n: 3, blocks: 1, epochs: 30, dataSeed: 5, precision: "f64", weightDecay: 0.01, schedule: "cosine" };

describe("K&S eq. (165) model", () => {
  it("has the paper's parameter count d·m + 2·#blocks·(2mq + q + m) + 2ms + m (q = 4m = 8, s = m = 2) for every n", () => {
    expect(ksPaperParameterCount({ d: 6, m: 2, q: 8, s: 2, blocks: 4 })).toBe(358);
    for (const blocks of [0, 1, 4, 6]) for (const n of [1, 10, 100]) {
      expect(buildModel(ksConfig({ N: 2, n, blocks }), 2).paramCount).toBe(ksPaperParameterCount({ d: 6, m: 2, q: 8, s: 2, blocks }));
    }
    // and it follows m and q when they change (the count is not a constant of this shape)
    const wide = { ...MODEL_DEFAULTS.ks, d: 5, width: 3, hidden: 12, blocks: 2, examples: 2, seqLen: 4 };
    expect(buildModel(wide, 2).paramCount).toBe(ksPaperParameterCount({ d: 5, m: 3, q: 12, s: 3, blocks: 2 }));
  });
});

describe("tuning loop", () => {
  it("samples K seeded trials inside the stated ranges, reproducibly, independent of K and distinct per (n, #blocks)", () => {
    const a = trialSpecs({ seed: 3, n: 10, blocks: 4, trials: 6, space: DEFAULT_SPACE });
    expect(a).toHaveLength(6);
    expect(trialSpecs({ seed: 3, n: 10, blocks: 4, trials: 6, space: DEFAULT_SPACE })).toEqual(a);
    expect(trialSpecs({ seed: 3, n: 10, blocks: 4, trials: 2, space: DEFAULT_SPACE })).toEqual(a.slice(0, 2));
    for (const t of a) {
      expect(t.lr).toBeGreaterThanOrEqual(DEFAULT_SPACE.lr[0]);
      expect(t.lr).toBeLessThanOrEqual(DEFAULT_SPACE.lr[1]);
      expect(Number.isInteger(t.warmup) && t.warmup >= DEFAULT_SPACE.warmup[0] && t.warmup <= DEFAULT_SPACE.warmup[1]).toBe(true);
    }
    expect(new Set(a.map((t) => t.initSeed)).size).toBe(6);
    expect(new Set(a.map((t) => t.lr)).size).toBe(6);
    const other = trialSpecs({ seed: 3, n: 10, blocks: 5, trials: 6, space: DEFAULT_SPACE });
    expect(other.map((t) => t.initSeed)).not.toEqual(a.map((t) => t.initSeed));
    expect(() => trialSpecs({ seed: 1, n: 1, blocks: 1, trials: 1, space: { lr: [0, 1], warmup: [0, 1] } })).toThrow(RangeError);
  });
  it("log-uniform learning rates: about half below the geometric mean of the range", () => {
    const s = trialSpecs({ seed: 9, n: 10, blocks: 1, trials: 400, space: { lr: [1e-4, 1], warmup: [0, 0] } });
    const below = s.filter((t) => t.lr < 1e-2).length;
    expect(below).toBeGreaterThan(160);
    expect(below).toBeLessThan(240);
  });
  it("keeps the lowest MSE (a NaN never wins, ties go to the earlier trial); minimum #blocks is the smallest below the threshold", () => {
    expect(bestTrial([0.5, 0.2, 0.3])).toBe(1);
    expect(bestTrial([NaN, 0.9, 0.9])).toBe(1);
    expect(bestTrial([NaN])).toBe(-1);
    expect(minimumBlocks(new Map([[1, 0.5], [2, 0.009], [3, 0.001]]), 0.01)).toBe(2);
    expect(minimumBlocks(new Map([[1, 0.5], [2, 0.01]]), 0.01)).toBeNull();
  });
  it("runs trials on two worker threads with the same results as in this thread", async () => {
    const specs = trialSpecs({ seed: 2, n: 3, blocks: 1, trials: 3, space: DEFAULT_SPACE });
    const jobs = specs.map((s) => memcapJob(tiny, s));
    const threaded: TrialOutcome[] = [], inline: TrialOutcome[] = [];
    await runTasks(jobs.map((job) => ({ kind: "memcap" as const, job })), 2, (i, r) => (threaded[i] = r as TrialOutcome));
    await runTasks(jobs.map((job) => ({ kind: "memcap" as const, job })), 0, (i, r) => (inline[i] = r as TrialOutcome));
    expect(threaded.map((r) => r.mse)).toEqual(inline.map((r) => r.mse));
    expect(new Set(threaded.map((r) => r.mse)).size).toBe(3); // different seeds, lr and warmup: different outcomes
  });
});

describe("ks-random.ts end to end", () => {
  it("--trials K runs K trials per (n, #blocks), records every seed and setting, keeps the best, and a trial reproduces from its record", async () => {
    const r = tsx(["--N", "12", "--n", "3,5", "--minBlocks", "1", "--maxBlocks", "2", "--epochs", "40", "--trials", "3", "--precision", "f64", "--seed", "4", "--out", "-", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[12\/12\] memcap/); // progress on stderr
    const out = JSON.parse(r.stdout);
    expect(out.measurement).toBe("FLOAT");
    expect(out.tuning).toMatchObject({ sampler: "seeded random search", trials: 3 });
    expect(out.rows.map((row: { n: number }) => row.n)).toEqual([3, 5]);
    const row = out.rows[1], b2 = row.byBlocks[1];
    expect(b2.blocks).toBe(2);
    expect(b2.parameters).toBe(b2.paperParameters);
    expect(b2.memcap.trials).toHaveLength(3);
    const mses = b2.memcap.trials.map((t: { mse: number }) => t.mse);
    expect(b2.memcap.best).toBe(mses.indexOf(Math.min(...mses)));
    expect(b2.memcap.bestMse).toBe(Math.min(...mses));
    const specs = trialSpecs({ seed: 4, n: 5, blocks: 2, trials: 3, space: DEFAULT_SPACE });
    for (const [k, t] of b2.memcap.trials.entries()) expect({ lr: t.lr, warmup: t.warmup, initSeed: t.initSeed, sampleSeed: t.sampleSeed }).toEqual({ lr: specs[k]!.lr, warmup: specs[k]!.warmup, initSeed: specs[k]!.initSeed, sampleSeed: specs[k]!.sampleSeed });
    const t = b2.memcap.trials[1];
    const again = await runMemcapTrial({ N: 12, n: 5, blocks: 2, epochs: 40, dataSeed: 4, precision: "f64", weightDecay: 0.01, schedule: "cosine", lr: t.lr, warmup: t.warmup, initSeed: t.initSeed });
    expect(again.mse).toBe(t.mse);
  });
  it("--trials 0 trains once with --lr and --warmup for --epochs; the warmup changes the outcome", () => {
    const run = (warmup: number) => {
      const r = tsx(["--N", "10", "--n", "3", "--minBlocks", "1", "--maxBlocks", "1", "--epochs", "25", "--trials", "0", "--lr", "0.02", "--warmup", String(warmup), "--precision", "f64", "--workers", "0", "--out", "-", "--json"]);
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const a = run(0), b = run(20);
    expect(a.tuning).toEqual({ sampler: "none", trials: 0, lr: 0.02, warmup: 0 });
    expect(a.training.epochs).toEqual([25]);
    expect(a.rows[0].epochs).toBe(25);
    const ta = a.rows[0].byBlocks[0].memcap.trials, tb = b.rows[0].byBlocks[0].memcap.trials;
    expect(ta).toHaveLength(1);
    expect([ta[0].lr, ta[0].warmup, tb[0].warmup]).toEqual([0.02, 0, 20]);
    expect(ta[0].initSeed).toBe(tb[0].initSeed);
    expect(ta[0].mse).not.toBe(tb[0].mse);
  });
  it("--epochs E1,E2 gives one row per budget with the same trials (seeds, lr, warmup), and the document shows both", () => {
    const r = tsx(["--N", "10", "--n", "3", "--minBlocks", "1", "--maxBlocks", "1", "--epochs", "5,30", "--trials", "2", "--precision", "f64", "--out", "-", "--json"]);
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.rows.map((row: { epochs: number }) => row.epochs)).toEqual([5, 30]);
    const [short, long] = out.rows.map((row: { byBlocks: { memcap: { trials: { initSeed: number; lr: number; warmup: number; mse: number }[] } }[] }) => row.byBlocks[0]!.memcap.trials);
    expect(short.map((t: { initSeed: number; lr: number }) => [t.initSeed, t.lr])).toEqual(long.map((t: { initSeed: number; lr: number }) => [t.initSeed, t.lr]));
    expect(short[0].mse).not.toBe(long[0].mse);
    const md = renderDocument([out]);
    expect(md).toMatch(/\| 3 \| 5 \| 2 \(lr 0\.001 … 0\.1, warmup 0 … 200\) \| 4 \| > 1 \|/);
    expect(md).toMatch(/\| 3 \| 30 \| 2 /);
    expect(md).toContain("FLOAT measurement");
    // parts on disk: main first, every part's rows in the one table
    const dir = mkdtempSync(join(tmpdir(), "ks-parts-"));
    try {
      writeFileSync(join(dir, "x.zeta.json"), JSON.stringify({ ...out, part: "zeta", rows: [{ ...out.rows[0], n: 7 }] }));
      writeFileSync(join(dir, "x.main.json"), JSON.stringify(out));
      writeFileSync(join(dir, "y.main.json"), JSON.stringify(out));
      const parts = readParts(dir, "x");
      expect(parts.map((p) => p.part)).toEqual(["main", "zeta"]);
      const both = renderDocument(parts);
      expect(both).toMatch(/\| 7 \| 5 \|/);
      expect(both).toMatch(/\| 3 \| 30 \|/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it("bad flags: one ks-random line, exit 2", () => {
    for (const bad of [["--trials", "-1"], ["--precision", "f16"], ["--workers", "3"], ["--bogus", "1"], ["--schedule", "step"], ["--part", "../x"], ["--epochs", "0"]]) {
      const r = tsx(["--out", "-", ...bad]);
      expect(r.status, `${bad.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^ks-random: /);
    }
  });
});

describe.skipIf(!existsSync(PYTHON))(`PyTorch peer (bench/ks_random_torch.py; skipped when ${PYTHON} is absent)`, () => {
  it("from memcap's initial weights in float64 it starts at the same MSE and ends where memcap does", async () => {
    const job = memcapJob({ ...tiny, n: 4, blocks: 2, epochs: 60 }, trialSpecs({ seed: 1, n: 4, blocks: 2, trials: 1, space: { lr: [0.01, 0.01], warmup: [5, 5] } })[0]!);
    const data = new PeerData();
    try {
      const [m, p] = [await runMemcapTrial(job), await runPeerTrial(job, data, PYTHON, "bench/ks_random_torch.py")];
      expect(p.parameters).toBe(m.parameters);
      expect(Math.abs(p.initMse - m.initMse)).toBeLessThan(1e-12);
      expect(Math.abs(p.mse - m.mse) / m.mse).toBeLessThan(1e-6);
      expect(p.mse).toBeLessThan(p.initMse); // it trained
      const t = await runPeerTrial(job, data, PYTHON, "bench/ks_random_torch.py", "torch");
      expect(t.initMse).not.toBeCloseTo(m.initMse, 6); // PyTorch's initialization is a different starting point
    } finally {
      data.dispose();
    }
  });
});
