// bench/authors-dana.ts without PyTorch: its flags, the skip when the authors' code or Python is missing, the jobs
// each side receives, and the table assembled from JSON of the shape the two sides print.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "../../src/errors.ts";
import { authorsJob, compare, comparisonTables, memcapArgs, missingAuthorsDir, parseBenchArgs, sd, type AuthorsResult, type MemcapResult } from "../../bench/authors-dana-lib.ts";

const tmp = mkdtempSync(join(tmpdir(), "authors-dana-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fakeAuthors = join(tmp, "authors");
spawnSync("mkdir", ["-p", fakeAuthors]);
for (const f of ["models.py", "train.py", "utils.py"]) writeFileSync(join(fakeAuthors, f), "");

describe("authors-dana flags", () => {
  it("defaults to the reduced budget of Experiment 1 and takes the environment's directory and Python", () => {
    const o = parseBenchArgs([], { MEMCAP_DANA_AUTHORS: "/a", MEMCAP_PYTHON: "/py" });
    expect(o).toMatchObject({ exp: 1, Hs: [1, 16, 31], epochs: 16, restarts: 3, seed: 1, authorsSeed: 2222, precisions: ["f32", "f64"], authorsDir: "/a", python: "/py", full: false });
    expect(parseBenchArgs([], {})).toMatchObject({ authorsDir: undefined, python: "python3" });
  });
  it("--full is the notebook's recipe, flags override it and the environment", () => {
    expect(parseBenchArgs(["--full"], {})).toMatchObject({ Hs: [1, 6, 11, 16, 21, 26, 31], epochs: 64, restarts: 5 });
    expect(parseBenchArgs(["--exp", "6", "--full"], {})).toMatchObject({ Hs: [1, 5, 9, 13, 17, 21], epochs: 64, restarts: 20 });
    expect(parseBenchArgs(["--full", "--restarts", "2", "--H", "3,4", "--authors-dir", "/b", "--python", "/q"], { MEMCAP_DANA_AUTHORS: "/a", MEMCAP_PYTHON: "/py" })).toMatchObject({ Hs: [3, 4], restarts: 2, authorsDir: "/b", python: "/q" });
  });
  it("refuses bad input with a UserError", () => {
    for (const argv of [["--exp", "3"], ["--H", "1,x"], ["--H", "0"], ["--epochs", "1"], ["--restarts", "0"], ["--precisions", "f16"], ["--bogus", "1"], ["--python"], ["stray"]]) {
      expect(() => parseBenchArgs(argv, {}), argv.join(" ")).toThrow(UserError);
    }
    expect(() => parseBenchArgs(["--epochs", "1"], {})).toThrow(/64 batches, fewer than the 101/);
  });
  it("gives both sides the same settings", () => {
    const o = parseBenchArgs(["--exp", "6", "--H", "1,9", "--epochs", "4", "--restarts", "2", "--seed", "5", "--authors-seed", "7"], {});
    expect(authorsJob(o)).toEqual({ exp: 6, N: 10, d: 2, dh: 2, Hs: [1, 9], restarts: 2, epochs: 4, batch_size: 256, num_batch: 64, lr: 0.1, lr_low: 0.1 * 5e-2, seed: 7, last: 100 });
    expect(memcapArgs(o, "f32").join(" ")).toBe("examples/experiments/dana.ts --exp 6 --H 1,9 --restarts 2 --epochs 4 --seed 5 --precision f32 --json");
  });
});

describe("authors-dana skips without the authors' code or PyTorch", () => {
  it("names what is missing", () => {
    expect(missingAuthorsDir(undefined)).toMatch(/--authors-dir DIR or MEMCAP_DANA_AUTHORS/);
    expect(missingAuthorsDir(join(tmp, "nope"))).toMatch(/does not exist/);
    expect(missingAuthorsDir(tmp)).toMatch(/models\.py is not in/);
    expect(missingAuthorsDir(fakeAuthors)).toBeNull();
  });
  it("prints one line and exits 0 (no directory; a Python that cannot run)", () => {
    const env = { ...process.env, MEMCAP_DANA_AUTHORS: "", MEMCAP_PYTHON: "" };
    const a = spawnSync("npx", ["tsx", "bench/authors-dana.ts"], { encoding: "utf8", env });
    expect(a.status).toBe(0);
    expect(a.stdout.trim().split("\n")).toHaveLength(1);
    expect(a.stdout).toMatch(/^authors-dana: skipped: the authors' code is not given/);
    const b = spawnSync("npx", ["tsx", "bench/authors-dana.ts", "--authors-dir", fakeAuthors, "--python", join(tmp, "no-python")], { encoding: "utf8", env });
    expect(b.status).toBe(0);
    expect(b.stdout).toMatch(/^authors-dana: skipped: .*no-python could not run the driver/);
    const c = spawnSync("npx", ["tsx", "bench/authors-dana.ts", "--exp", "2"], { encoding: "utf8", env });
    expect(c.status).toBe(2);
    expect(c.stderr.trim()).toBe("memcap: --exp must be 1 or 6, got 2");
  }, 60_000);
  it("the Python driver reports a missing directory as JSON, before importing anything", () => {
    const r = spawnSync("python3", ["bench/authors_dana.py", "--authors-dir", join(tmp, "nope"), "--check"], { encoding: "utf8" });
    if (r.error) return; // no python3 on this machine: nothing to run the driver with
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ missing: `the authors' directory '${join(tmp, "nope")}' does not exist` });
  });
});

describe("authors-dana table", () => {
  const o = parseBenchArgs(["--H", "1,31", "--epochs", "2", "--restarts", "2"], {});
  const authors = (): AuthorsResult => ({
    torch: "2.x", threads: 1, blas: "mkl", dtype: "float32", seed: 2222,
    rows: [
      { H: 1, runs: [{ accuracy: 0.1, wall_s: 2, cpu_s: 2, batches: 128 }, { accuracy: 0.12, wall_s: 2, cpu_s: 1.8, batches: 128 }], parameters_total: 1630, parameters_used: 1430, unused: ["linear_compress.weight", "linear_decompress.weight"] },
      { H: 31, runs: [{ accuracy: 0.5, wall_s: 5, cpu_s: 6, batches: 128 }, { accuracy: 0.52, wall_s: 5, cpu_s: 6, batches: 128 }], parameters_total: 13630, parameters_used: 13430, unused: ["linear_compress.weight", "linear_decompress.weight"] },
    ],
  });
  const memcap = (accs1: number[], accs31: number[]): MemcapResult => ({
    N: 50, d: 10, dh: 10, seed: 1, epochs: 2, batch: 256, examples: 16384, arithmetic: "float32",
    rows: [
      { H: 1, accuracy: 0, restarts: accs1, parameters: 1430, seconds: 0.5, cpuSeconds: 0.4 },
      { H: 31, accuracy: 0, restarts: accs31, parameters: 13430, seconds: 2.5, cpuSeconds: 3 },
    ],
  });
  it("pairs rows by H: means and sample sd over restarts, differences, wall ratios, spread verdicts, thread check", () => {
    const rows = compare(o, authors(), { f32: memcap([0.11, 0.13], [0.6, 0.62]) });
    expect(rows[0]!.authors.mean).toBeCloseTo(0.11, 12);
    expect(rows[0]!.authors.sd).toBeCloseTo(sd([0.1, 0.12]), 12);
    expect(rows[0]!.memcap.f32!.mean).toBeCloseTo(0.12, 12);
    const t = comparisonTables(rows, ["f32"]);
    expect(t.accuracy[0]).toBe("| H | authors (mean ± sd) | memcap f32 (mean ± sd) | f32 − authors | f32 within 2 sd | parameters trained (authors = memcap) | authors' module total |");
    // H = 1: +0.010 against 2 sd = 0.028 → yes; H = 31: +0.100 → no
    expect(t.accuracy[2]).toBe("| 1 | 0.110 ± 0.014 | 0.120 ± 0.014 | +0.010 | yes | 1430 | 1630 (linear_compress.weight, linear_decompress.weight never read) |");
    expect(t.accuracy[3]).toBe("| 31 | 0.510 ± 0.014 | 0.610 ± 0.014 | +0.100 | no | 13430 | 13630 (linear_compress.weight, linear_decompress.weight never read) |");
    // wall 4 s / 0.5 s = 8, CPU 3.8 s / 0.4 s = 9.5; H = 31: CPU 12 s over 10 s wall (off one thread), 12 / 3 = 4
    expect(t.time[0]).toBe("| H | authors wall s | authors CPU s | authors CPU/wall | memcap f32 wall s | memcap f32 CPU s | authors / memcap f32: wall | : CPU |");
    expect(t.time[2]).toBe("| 1 | 4.0 | 3.8 | 0.95 | 0.5 | 0.4 | 8.00 | 9.50 |");
    expect(t.time[3]).toBe("| 31 | 10.0 | 12.0 | 1.20 | 2.5 | 3.0 | 4.00 | 4.00 |");
    expect(t.outside).toEqual(["H = 31 (f32: +0.100, authors' sd 0.014)"]);
    expect(t.warnings).toEqual(["⚠ H = 31: the authors' run used 1.20 CPU-seconds per wall second: not one thread"]);
  });
  it("refuses a comparison of different work: parameter counts, restarts, batches, shape", () => {
    const m = memcap([0.1, 0.1], [0.5, 0.5]);
    expect(() => compare(o, authors(), { f64: { ...m, rows: m.rows.map((r) => ({ ...r, parameters: r.parameters + 200 })) } })).toThrow(/parameter counts differ at H = 1: the authors' AoT trains 1430 \(of 1630\), memcap f64 1630/);
    expect(() => compare(o, authors(), { f64: { ...m, rows: m.rows.map((r) => ({ ...r, restarts: [0.1] })) } })).toThrow(/did 1 restarts/);
    expect(() => compare(o, authors(), { f64: { ...m, epochs: 3 } })).toThrow(/ran 3 epochs/);
    expect(() => compare(o, authors(), { f64: { ...m, d: 2 } })).toThrow(/not Experiment 1's/);
    const a = authors();
    a.rows[1]!.runs[0]!.batches = 64;
    expect(() => compare(o, a, { f64: m })).toThrow(/recorded 64 batches at H = 31/);
    expect(() => compare({ ...o, Hs: [1, 6] }, authors(), { f64: m })).toThrow(/no row for H = 6/);
  });
});

describe("memcap's side of the bench", () => {
  it("dana.ts --json at the bench's arguments prints what compare() reads, in the precision asked for", () => {
    const o = parseBenchArgs(["--exp", "6", "--H", "1", "--epochs", "2", "--restarts", "1"], {});
    const run = (p: "f32" | "f64") => {
      const r = spawnSync("npx", ["tsx", ...memcapArgs(o, p)], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as MemcapResult;
    };
    const f32 = run("f32"), f64 = run("f64");
    expect([f32.arithmetic, f64.arithmetic]).toEqual(["float32", "float64"]);
    expect(f32.rows[0]!.cpuSeconds).toBeGreaterThan(0);
    // the authors' AoT at N = 10, d = d_h = 2, H = 1: embedding 20 + positions 3·2 + one head 4·2² + unembedding 20
    const authors: AuthorsResult = { torch: "-", threads: 1, blas: "-", dtype: "float32", seed: 2222, rows: [{ H: 1, runs: [{ accuracy: 0.2, wall_s: 1, cpu_s: 1, batches: 128 }], parameters_total: 70, parameters_used: 62, unused: [] }] };
    const rows = compare(o, authors, { f32, f64 });
    expect(rows[0]!.memcap.f64!.parameters).toBe(62);
    expect(rows[0]!.memcap.f32!.mean).toBe(f32.rows[0]!.restarts[0]);
    const bad = spawnSync("npx", ["tsx", "examples/experiments/dana.ts", "--exp", "6", "--precision", "f16"], { encoding: "utf8" });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--precision must be one of f64, f32, got "f16"/);
  }, 60_000);
});
