// memcap assumptions: each dataset kind is checked exactly, violations come with their witness,
// and --violate shows the step that breaks.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "memcap-assumptions-"));
const run = (...args: string[]) => spawnSync(process.execPath, ["bin/memcap.mjs", "assumptions", ...args, "--json"], { encoding: "utf8" });
const file = (name: string, data: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(data));
  return p;
};

describe("memcap assumptions", () => {
  it("K&S data: exact r², δ², and the inconsistent pair named", () => {
    const r = run(file("ks.json", { tokens: [[1, 0], [0, 1], ["1/2", "1/2"]], sequences: [[0, 1, 1], [1, 0, 1], [2, 2, 0]], labels: [1, 2, 0] }));
    expect(r.status).toBe(1); // an assumption is violated: the claim "the assumptions hold" is false
    const j = JSON.parse(r.stdout).result;
    expect(j.kind).toBe("kajitsuka-sato");
    expect(j.assumptions[0].detail).toMatch(/r² = 1\b/);
    expect(j.assumptions[1].detail).toMatch(/δ² = 1\/2\b/);
    expect(j.assumptions[2]).toMatchObject({ holds: false, witness: { sequences: [0, 1], position: 2 } });
    expect(j.allHold).toBe(false);
  });

  it("a matrix: exact Kruskal rank with a dependent witness", () => {
    const r = run(file("m.json", [[1, 0, 0], [0, 1, 0], [1, 1, 0], [2, 0, 0]]));
    const j = JSON.parse(r.stdout).result;
    expect(j.assumptions[0].detail).toBe("kruskal rank = 1");
    expect(j.assumptions[0].witness.rows).toEqual([0, 3]);
    expect(j.assumptions[1].holds).toBe(false);
  });

  it("--violate mha:A1 reports the exact Assumption 1 witness and that the construction cannot certify", () => {
    const j = JSON.parse(run("--violate", "mha:A1", "--seed", "1").stdout).result;
    const a1 = j.assumptions.find((a: { assumption: string }) => a.assumption.startsWith("Assumption 1"));
    expect(a1.holds).toBe(false);
    expect(a1.witness.indices.length).toBe(2);
    expect(j.outcome).not.toMatch(/still certified \(unexpected\)/);
  });

  it("bad input is one line and exit 2", () => {
    const r = spawnSync(process.execPath, ["bin/memcap.mjs", "assumptions", file("x.json", { foo: 1 })], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});
