/**
 * Capacity search: grid syntax and its one-line errors, sharding (every configuration in exactly one
 * shard), the exponential/binary search on a fake deterministic trainer, resume after a simulated kill
 * (JSONL truncated mid-line), a real tiny search (reproducible from its seed), the worker-thread pool,
 * and the CLI's bad-input exits.
 */
import { UserError } from "../../../src/errors.ts";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GridError, parseGrid, parseShard, shardIndices } from "../../../app/capacity/grid.ts";
import { DEFAULT_SEARCH, jobKey, makeJob, type CapacityJob, type ProbeRecord } from "../../../app/capacity/probe.ts";
import { runSweep, type Executor } from "../../../app/capacity/run.ts";
import { searchCapacity } from "../../../app/capacity/search.ts";
import { searchJob, type CapacityRecord } from "../../../app/capacity/search-job.ts";
import { loadFinished } from "../../../app/capacity/store.ts";

const dir = mkdtempSync(join(tmpdir(), "memcap-capacity-"));

describe("grid syntax", () => {
  it("ranges, lists, aliases; Cartesian product with the last key fastest", () => {
    const g = parseGrid("H=1..11:5;d=10,12;N=50", "aot");
    expect(g.keys).toEqual(["H", "d", "vocab"]);
    expect(g.points.map((p) => `${p.H}/${p.d}`)).toEqual(["1/10", "1/12", "6/10", "6/12", "11/10", "11/12"]);
    expect(g.points.every((p) => p.vocab === 50)).toBe(true);
    expect(parseGrid("attn=softmax,hardmax;lr=0.01,1e-3", "aot").points).toHaveLength(4);
    expect(parseGrid("blocks=0..3;m=2;q=8", "ks").points.map((p) => p.blocks)).toEqual([0, 1, 2, 3]);
    expect(parseGrid("n=4;H=2", "mha").points[0]).toEqual({ S: 4, H: 2 });
  });

  it("rejects bad specs with one-line messages", () => {
    const bad: [string, string, RegExp][] = [
      ["", "aot", /empty spec/],
      ["H", "aot", /not key=values/],
      ["X=1", "aot", /unknown key "X"/],
      ["blocks=2", "aot", /unknown key "blocks"/],
      ["H=1;H=2", "aot", /given twice/],
      ["H=1,,2", "aot", /empty value/],
      ["H=3..1", "aot", /empty range/],
      ["H=1..5:0", "aot", /step must be at least 1/],
      ["H=1.5", "aot", /integers/],
      ["H=0", "aot", /must be an integer in \[1/],
      ["H=1,1", "aot", /twice/],
      ["attn=relu", "aot", /softmax, hardmax or uniform/],
      ["lr=-1", "aot", /positive/],
      ["N=10", "ks", /searched|search finds/],
      ["H=1..400;d=1..400", "aot", /exceed the limit/],
    ];
    for (const [spec, model, re] of bad) {
      expect(() => parseGrid(spec, model as "aot"), spec).toThrow(GridError);
      expect(() => parseGrid(spec, model as "aot"), spec).toThrow(re);
      try {
        parseGrid(spec, model as "aot");
      } catch (e) {
        expect((e as Error).message).not.toContain("\n");
      }
    }
  });

  it("shards partition the grid: every configuration in exactly one shard", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 20 }), (total, k) => {
        const seen = new Array<number>(total).fill(0);
        for (let i = 0; i < k; i++) for (const j of shardIndices(total, { index: i, count: k })) seen[j]!++;
        return seen.every((c) => c === 1);
      }),
      { numRuns: 200 },
    );
    expect(parseShard("2/5")).toEqual({ index: 2, count: 5 });
    for (const s of ["5/5", "1/0", "a/b", "-1/3", "1"]) expect(() => parseShard(s)).toThrow(/i\/k/);
  });

  it("the job key ignores the order keys are written in and changes with the settings", () => {
    const a = jobKey("aot", { H: 1, d: 2 }, DEFAULT_SEARCH), b = jobKey("aot", { d: 2, H: 1 }, DEFAULT_SEARCH);
    expect(a).toBe(b);
    expect(jobKey("aot", { H: 1, d: 2 }, { ...DEFAULT_SEARCH, restarts: 3 })).not.toBe(a);
  });
});

describe("search logic on a fake deterministic trainer", () => {
  it("finds the capacity of any monotone predicate, probing each size once, O(log max) probes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 6000 }), async (max, min0, cap) => {
        const min = Math.min(min0, max);
        const asked: number[] = [];
        const r = await searchCapacity(async (n) => (asked.push(n), { n, ok: n <= cap }), { min, max });
        const expected = cap < min ? 0 : Math.min(cap, max);
        expect(r.capacity).toBe(expected);
        expect(r.capped).toBe(cap >= max);
        expect(new Set(asked).size).toBe(asked.length);
        expect(asked.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(max + 1)) + 2);
        // the answer is bracketed by probes: capacity succeeded (or is 0), capacity+1 failed (unless capped)
        if (expected > 0) expect(r.probes.find((p) => p.n === expected)?.ok).toBe(true);
        if (!r.capped && expected + 1 >= min) expect(r.probes.find((p) => p.n === expected + 1)?.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("rejects an empty range", async () => {
    await expect(searchCapacity(async (n) => ({ n, ok: true }), { min: 5, max: 4 })).rejects.toThrow(UserError);
  });
});

/** A fake executor: capacity = 3·H + d from the search logic over a deterministic predicate; counts calls. */
function fakeExecutor(calls: string[]): Executor {
  return async (job: CapacityJob, index: number) => {
    calls.push(job.key);
    const cap = 3 * (job.point.H as number) + (job.point.d as number);
    const probe = async (n: number): Promise<ProbeRecord> => ({ n, ok: n <= cap, restarts: [] });
    const r = await searchCapacity(probe, { min: job.min, max: job.max });
    return { key: job.key, model: job.model, point: job.point, index, capacity: r.capacity, capped: r.capped, criterion: "acc", threshold: null, restarts: 1, seed: 1, dataSeed: job.dataSeed, range: [job.min, job.max], parameters: 0, steps: 0, lr: 0, batch: 0, probes: r.probes, seconds: 0, arithmetic: "float64", note: "fake" } satisfies CapacityRecord;
  };
}

describe("resume", () => {
  it("after a kill that left a half-written line, no finished configuration is lost or repeated", async () => {
    const grid = parseGrid("H=1..4;d=2,3", "aot"); // 8 configurations
    const out = join(dir, "resume.jsonl");
    const calls1: string[] = [];
    const settings = { ...DEFAULT_SEARCH, max: 25 };
    await runSweep({ grid, settings, shard: { index: 0, count: 1 }, out, workers: 0, executor: fakeExecutor(calls1) });
    expect(calls1).toHaveLength(8);
    const full = readFileSync(out, "utf8");
    const lines = full.trimEnd().split("\n");
    // simulate a kill during the 6th append: 5 complete lines + half of the 6th
    const cut = lines.slice(0, 5).join("\n").length + 1 + Math.floor(lines[5]!.length / 2);
    truncateSync(out, cut);
    expect(loadFinished(out).finished.size).toBe(5); // (this load also cuts the tail)
    writeFileSync(out, full.slice(0, cut)); // restore the half-written state for the real resume
    const calls2: string[] = [];
    const events: string[] = [];
    const res = await runSweep({ grid, settings, shard: { index: 0, count: 1 }, out, workers: 0, executor: fakeExecutor(calls2), onEvent: (e) => events.push(e.type) });
    expect(res.skipped).toBe(5);
    expect(calls2).toHaveLength(3);
    const after = readFileSync(out, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as CapacityRecord);
    expect(after).toHaveLength(8);
    expect(new Set(after.map((r) => r.key)).size).toBe(8);
    expect(res.records.map((r) => r.capacity)).toEqual(grid.points.map((p) => Math.min(25, 3 * (p.H as number) + (p.d as number))));
    // a third run does nothing
    const calls3: string[] = [];
    await runSweep({ grid, settings, shard: { index: 0, count: 1 }, out, workers: 0, executor: fakeExecutor(calls3) });
    expect(calls3).toHaveLength(0);
  });

  it("shards written to one file add up to the whole grid, each configuration once", async () => {
    const grid = parseGrid("H=1..5;d=2,3", "aot");
    const out = join(dir, "shards.jsonl");
    for (let i = 0; i < 3; i++) await runSweep({ grid, settings: { ...DEFAULT_SEARCH, max: 25 }, shard: { index: i, count: 3 }, out, workers: 0, executor: fakeExecutor([]) });
    const recs = readFileSync(out, "utf8").trimEnd().split("\n").map((l) => JSON.parse(l) as CapacityRecord);
    expect(recs.map((r) => r.index).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });
});

describe("real training", () => {
  const job = makeJob("aot", { H: 2, d: 2, dh: 2, vocab: 4 }, { ...DEFAULT_SEARCH, steps: 150, restarts: 1 });

  it("a tiny search records every probe with its seed and reproduces from the seed", async () => {
    const a = await searchJob(job);
    expect(a.capacity).toBeGreaterThanOrEqual(1);
    expect(a.capacity).toBeLessThanOrEqual(16);
    for (const p of a.probes) for (const r of p.restarts) expect(Number.isInteger(r.seed)).toBe(true);
    // the probe at `capacity` memorized with all examples correct; at capacity+1 (if probed) it did not
    const at = a.probes.find((p) => p.n === a.capacity)!;
    expect(at.ok && at.restarts.some((r) => r.correct === a.capacity)).toBe(true);
    const b = await searchJob(job);
    expect(b.capacity).toBe(a.capacity);
    expect(b.probes.map((p) => p.restarts.map((r) => r.loss))).toEqual(a.probes.map((p) => p.restarts.map((r) => r.loss)));
  }, 60_000);

  it("the worker-thread pool gives the same records as the in-process run", async () => {
    const grid = parseGrid("H=1,2;d=2;dh=2;vocab=4", "aot");
    const settings = { ...DEFAULT_SEARCH, steps: 150, restarts: 1 };
    const w = await runSweep({ grid, settings, shard: { index: 0, count: 1 }, workers: 2 });
    const s = await runSweep({ grid, settings, shard: { index: 0, count: 1 }, workers: 0 });
    expect(w.records.map((r) => [r.key, r.capacity])).toEqual(s.records.map((r) => [r.key, r.capacity]));
  }, 60_000);
});

/** Runs the CLI in this process (spawning costs ~20 s of tsx start-up on a loaded 2-core machine); returns exit code and stderr. */
async function cli(args: string[]): Promise<{ status: number; stderr: string }> {
  const { main } = await import("../../../app/cli/main.ts");
  const write = process.stderr.write.bind(process.stderr);
  let stderr = "";
  process.stderr.write = ((c: string) => ((stderr += c), true)) as typeof process.stderr.write;
  const before = process.exitCode;
  try {
    process.exitCode = 0;
    await main(["node", "memcap", ...args]);
    return { status: Number(process.exitCode ?? 0), stderr };
  } finally {
    process.stderr.write = write;
    process.exitCode = before;
  }
}

describe("memcap capacity CLI", () => {
  it("bad input exits 2 with one line naming the problem, writing nothing", async () => {
    const out = join(dir, "never.jsonl");
    const cases: [string[], RegExp][] = [
      [["--model", "aot", "--grid", "H=1;Z=2", "--out", out], /unknown key "Z"/],
      [["--model", "nope", "--grid", "H=1"], /--model must be one of/],
      [["--model", "aot", "--grid", "H=1", "--shard", "3/3"], /--shard/],
      [["--model", "ks", "--grid", "blocks=1", "--criterion", "loss"], /--threshold/],
      [["--model", "aot", "--grid", "H=1", "--out", join(dir, "x.txt")], /\.jsonl/],
      [["--model", "aot", "--grid", "vocab=3;S=2", "--min-examples", "20", "--out", out], /exceeds the largest probe/],
      [["--model", "aot", "--grid", "H=1", "--restarts", "0"], /--restarts must be between/],
    ];
    for (const [args, re] of cases) {
      const r = await cli(["capacity", ...args]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr).toMatch(re);
    }
    expect(() => readFileSync(out)).toThrow();
  }, 60_000);

  it("the real binary exits 2 on a bad grid (one spawn)", () => {
    const r = spawnSync(process.execPath, ["bin/memcap.mjs", "capacity", "--model", "aot", "--grid", "H=2..1"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^memcap: grid: H: empty range/);
  }, 60_000);
});
