// The claims registry: every claim runs with a modest budget; claims expected to hold find no
// counterexample, literal statements known to fail still fail on their recorded counterexample
// (a regression test), and the CLI reports and exits as documented.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLAIMS, getClaim } from "../../../constructions/claims.ts";
import { searchCounterexample } from "../../../src/claims/claim.ts";

describe("claims registry", () => {
  it("has unique ids, a statement and a source for every claim, and at least 15 claims", () => {
    expect(CLAIMS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(CLAIMS.map((c) => c.id)).size).toBe(CLAIMS.length);
    for (const c of CLAIMS) {
      expect(c.id).toMatch(/^(ks|mahdavi|dana|memcap)\./);
      expect(["holds", "fails", "open"]).toContain(c.expected);
      expect(c.statement.length).toBeGreaterThan(20);
      expect(c.source.length).toBeGreaterThan(3);
      if (c.expected === "fails") {
        expect(c.knownCounterexample, `${c.id} records its counterexample`).toBeDefined();
        expect(c.repair, `${c.id} names the repaired step`).toBeDefined();
      }
    }
  });

  for (const c of CLAIMS) {
    if (c.expected === "holds") {
      it(`${c.id} holds on its quick budget`, () => {
        const r = searchCounterexample(c, { runs: Math.min(c.quickRuns ?? 50, 40), seed: 20261124 });
        expect(r.error, r.error).toBeUndefined();
        expect(r.found, `counterexample: ${JSON.stringify(r.counterexample, (_k, v) => (typeof v === "bigint" ? v.toString() : v))} — ${r.detail}`).toBe(false);
      });
    } else if (c.expected === "open") {
      it(`${c.id} (open search target) runs its search without errors and reports what it found`, () => {
        const r = searchCounterexample(c, { runs: Math.min(c.quickRuns ?? 5, 3), seed: 20261124 });
        expect(r.error, r.error).toBeUndefined();
        if (r.found) expect(r.detail).toBeTruthy(); // a find must say what it found
        expect(r.runs).toBeGreaterThan(0);
      });
    } else {
      it(`${c.id}: the recorded counterexample still refutes the literal statement`, () => {
        const out = c.check(c.knownCounterexample!.input);
        expect(out.holds).toBe(false);
        expect(out.detail).toBeTruthy();
      });
    }
  }

  it("random search rediscovers the known failures and shrinks them", () => {
    const g6 = searchCounterexample(getClaim("ks.lemma-G.6.literal")!, { runs: 200, seed: 1 });
    expect(g6.found).toBe(true);
    expect(g6.counterexample).toEqual({ points: [3n], labels: [1n], extras: [], groupSize: 1 });
    const b2 = searchCounterexample(getClaim("ks.lemma-B.2.literal")!, { runs: 2000, seed: 2 });
    expect(b2.found).toBe(true);
    expect(b2.counterexample).toMatchObject({ n: 2, q: 2, p: 1 });
  });
});

describe("memcap claims / counterexample CLI", () => {
  const home = mkdtempSync(join(tmpdir(), "memcap-claims-"));
  const run = (...args: string[]) => spawnSync(process.execPath, ["bin/memcap.mjs", ...args], { encoding: "utf8", env: { ...process.env, MEMCAP_HOME: home } });

  it("exits 1 with the minimized counterexample (and writes --out), 0 when none is found, 2 for an unknown id", () => {
    const out = join(home, "cx.json");
    const found = run("counterexample", "ks.lemma-G.6.literal", "--runs", "50", "--seed", "1", "--out", out);
    expect(found.status).toBe(1);
    expect(found.stdout).toMatch(/counterexample to ks\.lemma-G\.6\.literal/);
    expect(JSON.parse(readFileSync(out, "utf8")).counterexample).toEqual({ points: ["3"], labels: ["1"], extras: [], groupSize: 1 });
    const none = run("counterexample", "ks.lemma-G.5", "--runs", "30", "--seed", "4");
    expect(none.status).toBe(0);
    expect(none.stdout).toMatch(/no counterexample .* 30 random inputs \(seed 4\)/);
    const unknown = run("counterexample", "no.such.claim");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("lists every claim with the status of the last run", () => {
    const r = run("claims", "--json");
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout).result.claims as { id: string; status: string; runs?: number; seed?: number }[];
    expect(rows.length).toBe(CLAIMS.length);
    expect(rows.find((x) => x.id === "ks.lemma-G.6.literal")!.status).toBe("counterexample-found");
    expect(rows.find((x) => x.id === "ks.lemma-G.5")).toMatchObject({ status: "held", runs: 30, seed: 4 });
  });
});
