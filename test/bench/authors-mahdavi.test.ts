// bench/authors-mahdavi.ts without PyTorch: the one-line skip (exit 0) when the authors' code or a Python with
// torch is missing, and one memcap: line (exit 2) on bad flags. A real process each.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const tmp = mkdtempSync(join(tmpdir(), "authors-mahdavi-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const fake = join(tmp, "authors");
mkdirSync(join(fake, "src"), { recursive: true });
for (const f of ["attn_models.py", "tasks.py", "trainers.py", "task_datasets.py"]) writeFileSync(join(fake, "src", f), "");
const env: NodeJS.ProcessEnv = { ...process.env };
delete env.MEMCAP_MAHDAVI_AUTHORS;
delete env.MEMCAP_PYTHON;
const bench = (...args: string[]) => spawnSync("npx", ["tsx", "bench/authors-mahdavi.ts", ...args], { encoding: "utf8", env });

describe("bench/authors-mahdavi.ts", () => {
  it("skips with one line and exit 0 without the authors' code, or without a Python that imports torch", () => {
    const a = bench();
    expect(a.status).toBe(0);
    expect(a.stdout.trim().split("\n")).toHaveLength(1);
    expect(a.stdout).toMatch(/^authors-mahdavi skipped: the authors' code is not given/);
    const b = bench("--authors-dir", join(tmp, "nope"));
    expect(b.status).toBe(0);
    expect(b.stdout).toMatch(/^authors-mahdavi skipped: the authors' code is not at .*nope \(no src\/attn_models\.py/);
    const c = bench("--authors-dir", fake, "--python", join(tmp, "no-python"));
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/^authors-mahdavi skipped: .*no-python cannot import torch and numpy/);
  }, 60_000);
  it("refuses bad flags with one memcap: line and exit 2", () => {
    for (const args of [["--H", "1,x"], ["--restarts", "0"], ["--bogus", "1"], ["--H"]]) {
      const r = bench(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stderr, args.join(" ")).toMatch(/^memcap: /);
    }
  }, 60_000);
});
