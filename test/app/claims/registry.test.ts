// The claims registry: every claim runs with a modest budget; claims expected to hold find no
// counterexample, literal statements known to fail still fail on their recorded counterexample
// (a regression test), and the CLI reports and exits as documented.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CLAIMS, getClaim } from "../../../constructions/claims.ts";
import { claimStatus, searchCounterexample } from "../../../src/claims/claim.ts";
import { claimsSection } from "../../../app/report/sections/claims.ts";

describe("claims registry", () => {
  it("has unique ids, a statement and a source for every claim, and at least 15 claims", () => {
    expect(CLAIMS.length).toBeGreaterThanOrEqual(15);
    expect(new Set(CLAIMS.map((c) => c.id)).size).toBe(CLAIMS.length);
    for (const c of CLAIMS) {
      expect(c.id).toMatch(/^(ks|mahdavi|dana|memcap)\./);
      expect(["holds", "fails", "open"]).toContain(c.expected);
      expect(c.statement.length).toBeGreaterThan(20);
      expect(c.source.length).toBeGreaterThan(3);
      expect(["exact", "enclosed", "float"]).toContain(c.rigor);
      expect(["universal", "existential", "asymptotic"]).toContain(c.quantifier);
      // every paper claim cites its place in the full text: a page (or, for Mahdavi, the sources of the reconstruction)
      if (c.paper !== "memcap") expect(c.cite, `${c.id} cites page/equation`).toMatch(c.paper === "mahdavi" ? /reconstruct|no paper statement/ : /p\. \d+/);
      if (c.rigor === "float") expect(c.statement, `${c.id} says FLOAT`).toMatch(/^FLOAT/);
      if (c.expected === "fails") {
        expect(c.knownCounterexample, `${c.id} records its counterexample`).toBeDefined();
        expect(c.repair, `${c.id} names the repaired step`).toBeDefined();
        expect(c.literalFailure, `${c.id} says what exactly fails`).toBeDefined();
        expect(["proof-step", "misprint", "statement", "proof-gap"]).toContain(c.literalFailure!.kind);
      }
    }
  });

  // claims whose witness memcap does not build yet: their quick run must say builder-failed, never refuted
  const NOT_BUILT = new Set(["ks.thm-F.1"]);
  for (const c of CLAIMS) {
    if (c.expected === "holds") {
      it(`${c.id} holds on its quick budget${NOT_BUILT.has(c.id) ? " (or says builder-failed)" : ""}`, () => {
        const r = searchCounterexample(c, { runs: Math.min(c.quickRuns ?? 50, 40), seed: 20261124 });
        expect(r.error, r.error).toBeUndefined();
        const st = claimStatus(c, r);
        if (NOT_BUILT.has(c.id)) expect(["builder-failed", "witnessed"]).toContain(st);
        else expect(r.found, `${st}: ${JSON.stringify(r.counterexample, (_k, v) => (typeof v === "bigint" ? v.toString() : v))} — ${r.detail}`).toBe(false);
        if (!r.found) expect(st).toBe(c.rigor === "float" ? "float-held" : c.quantifier === "existential" ? "witnessed" : "held");
      });
    } else if (c.expected === "open") {
      it(`${c.id} (open search target) runs its search without errors and reports what it found`, () => {
        const r = searchCounterexample(c, { runs: Math.min(c.quickRuns ?? 5, 3), seed: 20261124 });
        expect(r.error, r.error).toBeUndefined();
        if (r.found) expect(r.detail).toBeTruthy(); // a find must say what it found
        expect(r.runs).toBeGreaterThan(0);
      });
    } else {
      it(`${c.id}: the recorded counterexample still refutes the literal statement, rigorously`, () => {
        const out = c.check(c.knownCounterexample!.input);
        expect(out.holds).toBe(false);
        expect(out.failure ?? "refuted").toBe("refuted");
        expect(out.detail).toBeTruthy();
      });
    }
  }

  it("status words: a known-false claim the search misses is NOT-REPRODUCED, a builder failure is not a refutation, FLOAT stays FLOAT", () => {
    const fails = { expected: "fails" as const, rigor: "exact" as const, quantifier: "universal" as const };
    expect(claimStatus(fails, { found: false })).toBe("not-reproduced");
    expect(claimStatus(fails, { found: true, failure: "refuted" })).toBe("reproduced");
    expect(claimStatus(fails, { found: true, failure: "builder-failed" })).toBe("not-reproduced");
    const ex = { expected: "holds" as const, rigor: "enclosed" as const, quantifier: "existential" as const };
    expect(claimStatus(ex, { found: false })).toBe("witnessed");
    expect(claimStatus(ex, { found: true, failure: "builder-failed" })).toBe("builder-failed");
    expect(claimStatus(ex, { found: true })).toBe("refuted");
    const fl = { expected: "holds" as const, rigor: "float" as const, quantifier: "universal" as const };
    expect(claimStatus(fl, { found: false })).toBe("float-held");
    expect(claimStatus(fl, { found: true })).toBe("float-violation");
    expect(claimStatus(fl, { found: true, error: "boom" })).toBe("error");
  });

  it("the report's quick run counts a known-false claim it did not reproduce as not reproduced, not held, and names FLOAT", async () => {
    const ticks: string[] = [];
    const ctx = { seed: 7, progress: { total: () => {}, tick: (l: string) => ticks.push(l) } } as unknown as Parameters<typeof claimsSection.run>[1];
    // one random input: the B.2 literal failure needs a special direction and is not found in one run
    const r = await claimsSection.run({ only: ["ks.lemma-B.2.literal", "dana.prop-2.converse", "ks.lemma-G.5"], maxRuns: 1 }, ctx);
    expect(r.summary).toMatch(/1 not reproduced/);
    expect(r.summary).toMatch(/0 reproduced/);
    expect(r.summary).toMatch(/1 FLOAT-held/);
    expect(r.summary).toMatch(/1 held/);
    expect(claimsSection.description).not.toMatch(/each decided with exact arithmetic/);
    const row = r.tables[0]!.rows.find((x) => x[0] === "ks.lemma-B.2.literal")!;
    expect(row[4]).toBe("NOT-REPRODUCED");
    expect(row[5]).toMatch(/the search missed it; the recorded counterexample still refutes it/);
    expect(r.tables[0]!.rows.find((x) => x[0] === "dana.prop-2.converse")![2]).toBe("FLOAT");
  });

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
    expect(rows.find((x) => x.id === "ks.lemma-G.6.literal")!.status).toBe("reproduced");
    expect(rows.find((x) => x.id === "ks.lemma-G.5")).toMatchObject({ status: "held", runs: 30, seed: 4 });
  });
});
