// User claims from a module (`--from`): examples/user-claims.ts lists, runs and is searched by the
// CLI like the registry's claims; a module without claims, or an unknown id, is one line and exit 2.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadUserClaims } from "../../../app/claims/user.ts";
import { searchCounterexample } from "../../../src/claims/claim.ts";

const memcap = (...args: string[]) => spawnSync(process.execPath, ["bin/memcap.mjs", ...args], { encoding: "utf8" });

describe("claims from a user's module", () => {
  it("loads the shipped example's three claims; the two true ones hold, the false one is refuted and shrunk", async () => {
    const claims = await loadUserClaims("examples/user-claims.ts");
    expect(claims.map((c) => c.id)).toEqual(["user.mediant-between", "user.uniform-is-mean", "user.uniform-is-last-token"]);
    for (const c of claims) {
      const r = searchCounterexample(c, { runs: 60, seed: 3 });
      expect(r.error).toBeUndefined();
      expect(r.found, `${c.id}: ${r.detail}`).toBe(c.expected === "fails");
    }
  });

  it("memcap claims --from --run --json lists them with their statuses, without touching the registry's", () => {
    const r = memcap("claims", "--from", "examples/user-claims.ts", "--run", "--seed", "2", "--json");
    expect(r.status, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout).result.claims as { id: string; status: string; paper: string }[];
    expect(rows.map((x) => [x.id, x.status])).toEqual([
      ["user.mediant-between", "held"],
      ["user.uniform-is-mean", "held"],
      ["user.uniform-is-last-token", "reproduced"], // registered as false (expected "fails"), exact by default: the search found its counterexample again
    ]);
    expect(rows.every((x) => x.paper === "user")).toBe(true);
  });

  it("memcap counterexample ID --from finds the false claim's minimal counterexample (exit 1) and none for a true one (exit 0)", () => {
    const bad = memcap("counterexample", "user.uniform-is-last-token", "--from", "examples/user-claims.ts", "--json");
    expect(bad.status, bad.stderr).toBe(1);
    const rec = JSON.parse(bad.stdout).result;
    expect(rec.found).toBe(true);
    expect(rec.counterexample).toHaveLength(2); // one token is its own mean: a counterexample needs two
    const good = memcap("counterexample", "user.uniform-is-mean", "--from", "examples/user-claims.ts", "--runs", "50");
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain("no counterexample");
  });

  it("refuses a module without claims, a missing file and an unknown id with one line and exit 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "memcap-user-claims-"));
    const empty = join(dir, "none.mts");
    writeFileSync(empty, "export const x = 1;\n");
    for (const args of [["claims", "--from", empty], ["claims", "--from", join(dir, "missing.ts")], ["counterexample", "nope", "--from", "examples/user-claims.ts"]]) {
      const r = memcap(...args);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^memcap: /);
    }
  });
});
