/**
 * The adversarial corpus (cases.ts): every certificate gets its expected exit code and line, in
 * process (the CLI's mapping: strict reader → checker; Invalid → 2) and, for a sample, through a real
 * `memcap check` process. No case may crash (any other exception fails the test). `onMain` in each
 * case says what main's checker at 5d007ab did with the same bytes; the count below is of the cases
 * where that was a false VERIFIED, a crash, or another wrong exit code.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCertificate } from "../../../proofs-check/check.ts";
import { readJson } from "../../../proofs-check/json.ts";
import { Invalid } from "../../../proofs-check/validate.ts";
import { CASES } from "./cases.ts";

const EXIT = { VERIFIED: 0, REJECTED: 1, INCONCLUSIVE: 3 } as const;

function run(bytes: Uint8Array): { exit: number; text: string } {
  try {
    const r = checkCertificate(readJson(bytes));
    return { exit: EXIT[r.verdict], text: r.claims.map((c) => `${c.status} ${c.id}: ${c.detail}`).join("\n") };
  } catch (e) {
    if (e instanceof Invalid) return { exit: 2, text: e.message };
    throw e;
  }
}

describe("adversarial certificates (bounds, names, strict input)", () => {
  it("has at least 30 cases of distinct names, most of which main's checker got wrong", () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CASES.map((c) => c.name)).size).toBe(CASES.length);
    const wrongOnMain = CASES.filter((c) => !c.onMain.startsWith(`exit ${c.exit}`));
    expect(wrongOnMain.length).toBeGreaterThanOrEqual(30);
  });
  for (const c of CASES) {
    it(`${c.name} (${c.class}): exit ${c.exit}`, () => {
      const r = run(c.bytes());
      expect({ exit: r.exit, text: r.text }).toMatchObject({ exit: c.exit });
      expect(r.text).toMatch(c.says);
    });
  }
  it("the real CLI gives the same exit codes, one line on stderr for invalid files, and never a stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "memcap-adv-"));
    const sample = CASES.filter((_, i) => i % 6 === 0);
    for (const c of sample) {
      const f = join(dir, `${c.name}.json`);
      writeFileSync(f, c.bytes());
      const p = spawnSync(process.execPath, ["bin/memcap.mjs", "check", f], { encoding: "utf8" });
      expect(p.status, `${c.name}: ${p.stderr}`).toBe(c.exit);
      expect(p.stderr).not.toMatch(/\n\s+at /);
      if (c.exit === 2) expect(p.stderr.trim().split("\n")).toHaveLength(1);
    }
  }, 120_000);
});
