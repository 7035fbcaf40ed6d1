import { describe, expect, it, beforeAll, afterAll } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyRankCertificate, ratMatrix } from "../../../src/linalg/index.ts";

let dir = "";
const run = (...args: string[]) => spawnSync(process.execPath, ["bin/memcap.mjs", ...args], { encoding: "utf8" });
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "memcap-rank-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("memcap rank", () => {
  it("prints the rank as text and as JSON with a certificate that verifies", () => {
    const m = file("m.json", '[[1,2,3],[2,4,6],["1/2",1,"3/2"]]');
    const t = run("rank", m);
    expect(t.status).toBe(0);
    expect(t.stdout.split("\n")[0]).toBe("rank: 1");
    const out = join(dir, "cert.json");
    const j = run("rank", m, "--json", "--full-certificate", "--certificate", out);
    expect(j.status).toBe(0);
    const data = JSON.parse(j.stdout).result;
    expect(data.rank).toBe(1);
    expect(data.verified).toBe(true);
    const A = ratMatrix([[1, 2, 3], [2, 4, 6], ["1/2", 1, "3/2"]]);
    expect(verifyRankCertificate(A, data.certificate)).toBe(true);
    expect(verifyRankCertificate(A, JSON.parse(readFileSync(out, "utf8")).certificate)).toBe(true);
  });
  it("big integer strings take the fast path and agree with the general one; --float is labelled", () => {
    const big = "123456789012345678901234567890";
    const m = file("big.json", JSON.stringify([[big, "1", "-5"], ["2", big, "7"], [big, big, "2"]]));
    const j = JSON.parse(run("rank", m, "--json", "--float").stdout).result;
    expect(j.rank).toBe(3);
    expect(j.float.arithmetic).toBe("float64");
    const r = file("r.json", JSON.stringify([["0.5", "1", "-5"], ["1/2", "1", "-5"], [" 3", "3.0", "1e1"]]));
    expect(JSON.parse(run("rank", r, "--json").stdout).result.rank).toBe(2);
  });
  it("bad input: one line on stderr, exit 2, nothing on stdout", () => {
    const cases = [
      file("ragged.json", "[[1,2],[3]]"),
      file("nan.json", '[[1,"x"],[3,4]]'),
      file("trunc.json", "[[1,2],"),
      file("empty.json", "[]"),
      file("emptyrow.json", "[[]]"),
      file("inf.json", '[["Infinity",1]]'),
      join(dir, "missing.json"),
    ];
    for (const c of cases) {
      const r = run("rank", c);
      expect(r.status, c).toBe(2);
      expect(r.stdout).toBe("");
      const lines = r.stderr.trim().split("\n");
      expect(lines.length, r.stderr).toBe(1);
      expect(lines[0]).toMatch(/^memcap: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

describe("memcap kruskal", () => {
  it("exact with witness, and the seeded estimate", () => {
    const k = file("k.json", "[[1,0,0],[0,1,0],[1,1,0],[2,0,0]]");
    const j = JSON.parse(run("kruskal", k, "--json").stdout).result;
    expect(j.kruskalRank).toBe(1);
    expect(j.witness).toEqual([0, 3]);
    const t = run("kruskal", file("k2.json", "[[1,0,0],[0,1,0],[0,0,1],[1,1,1]]"));
    expect(t.stdout.split("\n")[0]).toBe("kruskal rank: 3");
    const e = JSON.parse(run("kruskal", k, "--estimate", "--size", "2", "--samples", "300", "--seed", "5", "--json").stdout).result;
    expect(e.samples).toBe(300);
    expect(e.seed).toBe(5);
    expect(e.fullRank).toBeLessThan(300); // rows 0 and 3 are parallel
    const bad = run("kruskal", k, "--estimate", "--size", "9");
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n").length).toBe(1);
  });
});
