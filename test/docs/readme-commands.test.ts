// Every command in the README's Commands table answers --help, and its example runs as written (in a
// scratch folder, chained: the certificates the construct examples write are what check/export read).
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";

const BIN = resolve("bin/memcap.mjs");
const readme = readFileSync("README.md", "utf8");
const table = readme.slice(readme.indexOf("\n## Commands"), readme.indexOf("\n## ", readme.indexOf("\n## Commands") + 5));
const rows = table
  .split("\n")
  .filter((l) => /^\| `[a-z]/.test(l))
  .map((l) => {
    const [, names, rest] = l.split("|");
    return { commands: [...names!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!), example: /`(memcap [^`]+)`/.exec(rest!)?.[1] };
  });

describe("README: every command in the table", () => {
  it("the table lists the commands", () => {
    expect(rows.length).toBeGreaterThanOrEqual(15);
  });
  it.each(rows.flatMap((r) => r.commands))("memcap %s --help exits 0", (cmd) => {
    const r = spawnSync(process.execPath, [BIN, ...cmd.split(" "), "--help"], { encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: memcap /);
  });
  it("each example runs as written: exit 0 (1 where the example finds a counterexample), one memcap: line at most on failure, no stack trace", { timeout: 600_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), "memcap-readme-"));
    writeFileSync(join(dir, "m.json"), JSON.stringify([[1, 2, 3], [2, 4, 6], ["1/2", 1, "3/2"]]));
    writeFileSync(join(dir, "pairs.json"), JSON.stringify({ sequences: [[0, 1], [2, 3], [4, 5], [9, 9]], labels: [1, 2, 3, 4] }));
    writeFileSync(join(dir, "data.json"), JSON.stringify({ tokens: [[1, 0], [0, 1], ["1/2", "1/2"]], sequences: [[0, 1, 2], [1, 0, 2], [2, 2, 0]], labels: [1, 2, 0] }));
    for (const { example } of rows) {
      if (!example) continue;
      const r = spawnSync("bash", ["-c", example.replace(/^memcap /, `"${process.execPath}" "${BIN}" `)], { cwd: dir, encoding: "utf8", timeout: 300_000 });
      const allowed = /^memcap (counterexample|assumptions)\b/.test(example) ? [0, 1] : [0];
      expect(allowed, `${example}: exit ${r.status}: ${r.stderr.slice(-300)}`).toContain(r.status);
      expect(r.stderr, example).not.toMatch(/^\s+at |internal error/m);
    }
  });
});
