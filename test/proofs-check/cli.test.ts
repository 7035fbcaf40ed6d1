/**
 * `memcap check` exit codes and output, by spawning the real CLI: 0 VERIFIED, 1 REJECTED (naming
 * the claim and example), 2 unreadable/invalid (one line, no stack), 3 INCONCLUSIVE (with the
 * precision to ask for), and --precision / --json.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Certificate } from "../../src/certificate/format.ts";
import { reluInterpCert, rng, softmaxCert } from "../fixtures/checker.ts";

const dir = mkdtempSync(join(tmpdir(), "memcap-check-"));
function write(name: string, c: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof c === "string" ? c : JSON.stringify(c));
  return p;
}
const check = (...args: string[]) => spawnSync(process.execPath, ["bin/memcap.mjs", "check", ...args], { encoding: "utf8" });

function closeLogits(): Certificate {
  const c = softmaxCert(rng(3), 4, "argmax", 20);
  const aff = c.network.layers[1] as Extract<Certificate["network"]["layers"][number], { type: "affine" }>;
  aff.W = [aff.W[0]!, aff.W[0]!.slice()];
  aff.b = ["0", "1e-30"];
  c.dataset.labels = c.dataset.labels.map(() => 1);
  c.claims = c.claims.filter((x) => x.kind === "memorizes");
  return c;
}

describe("memcap check", () => {
  it("exit 0 on a valid certificate, listing every claim and the file size", () => {
    const c = reluInterpCert(rng(1), 5);
    const r = check(write("ok.json", c));
    expect(r.status).toBe(0);
    for (const cl of c.claims) expect(r.stdout).toContain(cl.id);
    expect(r.stdout).toMatch(/bytes/);
    expect(r.stdout).toMatch(/^VERIFIED/m);
  });
  it("exit 1 naming the claim, the example and computed vs claimed", () => {
    const c = reluInterpCert(rng(1), 5);
    c.dataset.labels[3] = String(Number(c.dataset.labels[3]) + 7);
    const r = check(write("bad.json", c));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/REJECTED: claim memorizes, example 3/);
    expect(r.stdout).toMatch(/computed .* label/);
  });
  it("exit 2 with one line for unreadable, malformed or semantically invalid files", () => {
    const c = reluInterpCert(rng(1), 5);
    const cases = [write("trunc.json", JSON.stringify(c).slice(0, 100)), write("dims.json", { ...c, dataset: { ...c.dataset, sequences: c.dataset.sequences.map(() => [99]) } })];
    for (const f of cases) {
      const r = check(f);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^memcap: /);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });
  it("exit 3 when the precision is too low, 0 with --precision; --json carries the same", () => {
    const f = write("close.json", closeLogits());
    const low = check(f, "--json");
    expect(low.status).toBe(3);
    const data = JSON.parse(low.stdout).result;
    expect(data.verdict).toBe("INCONCLUSIVE");
    expect(data.claims[0]).toMatchObject({ id: "argmax", kind: "memorizes", status: "inconclusive", neededDigits: 40 });
    expect(data.bytes).toBeGreaterThan(100);
    expect(data.checkerLines).toBeGreaterThan(100);
    const hi = check(f, "--precision", "40");
    expect(hi.status).toBe(0);
    expect(hi.stdout).toMatch(/interval arithmetic at 40 digits/);
    expect(check(f, "--precision", "abc").status).toBe(2);
  });
});
