// A trained capacity as a certified lower bound: the successful restart retrained from its seed, its
// rationalized weights certified, the certificate VERIFIED; and `memcap capacity --certify` wiring.
import { describe, expect, it } from "vitest";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { certifyCapacity } from "../../../app/capacity/certify.ts";
import { DEFAULT_SEARCH, makeJob } from "../../../app/capacity/probe.ts";
import { searchJob } from "../../../app/capacity/search-job.ts";
import { checkCertificate } from "../../../proofs-check/check.ts";
import { runInProcess } from "../../fixtures/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "cap-cert-"));

const run = runInProcess;

describe("certified capacity", () => {
  for (const [model, point] of [["aot", { H: 1, d: 2, dh: 2, vocab: 5, attn: "softmax" }], ["mha", { H: 2, d: 4, dh: 2, n: 3, classes: 3 }]] as const) {
    it(`${model}: the capacity found by the float search is certified (all n examples, VERIFIED)`, async () => {
      const job = makeJob(model, point, { ...DEFAULT_SEARCH, steps: 300, restarts: 1, max: 40 });
      const rec = await searchJob(job);
      expect(rec.capacity).toBeGreaterThan(0);
      const c = (await certifyCapacity(job, rec, join(dir, `${model}.json`)))!;
      expect(c.model.record.correct).toBe(rec.capacity); // the retrained restart is the one the search recorded
      expect(c).toMatchObject({ n: rec.capacity, certified: rec.capacity, undecided: 0, verdict: "VERIFIED", lowerBound: rec.capacity });
      expect(checkCertificate(JSON.parse(readFileSync(join(dir, `${model}.json`), "utf8"))).verdict).toBe("VERIFIED");
    });
  }

  it("memcap capacity --certify adds a certified lower bound per record; refuses --certify with --criterion loss", async () => {
    const r = await run("capacity", "--model", "aot", "--grid", "H=1;d=2;dh=2;vocab=5", "--workers", "0", "--steps", "300", "--restarts", "1", "--max-examples", "25", "--certify", "--certificates", join(dir, "certs"), "--json");
    expect(r.status, r.stderr).toBe(0);
    const rec = JSON.parse(r.stdout).result.records[0];
    expect(rec.certified).toMatchObject({ capacity: rec.capacity, lowerBound: rec.capacity, verdict: "VERIFIED" });
    expect(existsSync(join(dir, "certs", "capacity-0.json"))).toBe(true);
    const bad = await run("capacity", "--model", "ks", "--grid", "blocks=1", "--criterion", "loss", "--threshold", "0.01", "--certify");
    expect([bad.status, bad.stderr.trim()]).toEqual([2, "memcap: --certify needs --criterion acc (a loss threshold is not a per-example memorization criterion)"]);
  });
});
