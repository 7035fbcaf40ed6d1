// memcap construct ks-* / bounds ks: exit codes, one-line refusals, certificates the checker verifies.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CertificateSchema } from "../../../src/certificate/format.ts";
import { checkCertificate } from "../../../proofs-check/check.ts";
import { runInProcess } from "../../fixtures/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "ks-cli-"));

const run = runInProcess;

describe("memcap construct ks-next-token / ks-seq2seq", () => {
  it("refuses an inconsistent dataset with exit 2 and one line naming both sequences (a real process), writing nothing", () => {
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ tokens: [[1, 0], [0, 1]], sequences: [[0, 1, 1], [1, 0, 1]], labels: [1, 2] }));
    const out = join(dir, "x.json");
    const r = spawnSync(process.execPath, ["bin/memcap.mjs", "construct", "ks-next-token", "--data", bad, "--out", out], { encoding: "utf8" });
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/^memcap: .*sequences 0 and 1/);
    expect(existsSync(out)).toBe(false);
  });
  it("asks for --data or --N", async () => {
    const r = await run("construct", "ks-next-token");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--data|--N/);
  });
  it("builds, verifies and certifies a seq2seq dataset; the independent checker verifies the certificate", async () => {
    const out = join(dir, "s.json");
    const r = await run("construct", "ks-seq2seq", "--N", "12", "--n", "3", "--d", "2", "--classes", "2", "--vocab", "8", "--seed", "5", "--out", out, "--json");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout).result;
    expect(j.memorized).toBe(36);
    expect(j.instances).toBe(36);
    expect(j.counts.width).toBe(14);
    const cert = CertificateSchema.parse(JSON.parse(readFileSync(out, "utf8")));
    expect(cert.network.output.positions).toBe("all");
    expect(checkCertificate(cert).verdict).toBe("VERIFIED");
  });
  it("--sweep prints a fitted exponent; bounds ks prints the Theorem 4.3 bound", async () => {
    const r = await run("construct", "ks-next-token", "--sweep", "8,16,32", "--n", "3", "--d", "2", "--vocab", "16", "--json");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout).result;
    expect(j.rows.length).toBe(3);
    expect(Number.isFinite(j.fittedExponentInN.parameters)).toBe(true);
    const b = await run("bounds", "ks", "--N", "200", "--n", "6", "--d", "4", "--classes", "3", "--json");
    expect(b.status).toBe(0);
    const bj = JSON.parse(b.stdout).result;
    expect(bj.bounds.find((x: { id: string }) => x.id === "thm4.3-W").value).toBe("2.77967044535");
  });
  it("--variant paper: printed, in --json and in the certificate; ends with proofs-check VERIFIED; lower bounds are reference lines", async () => {
    const out = join(dir, "p.json");
    const r = await run("construct", "ks-next-token", "--variant", "paper", "--N", "20", "--n", "3", "--d", "2", "--vocab", "12", "--seed", "3", "--out", out, "--json");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout).result;
    expect(j.variant).toBe("paper");
    expect(j.memorized).toBe(20);
    expect(j.check.status).toBe("VERIFIED");
    expect(j.info.paper.f2.blocksG6).toBe(j.info.paper.f2.paperDepthG6);
    expect(j.bounds.find((b: { id: string }) => b.id === "thm4.2").holds).toBeUndefined();
    expect(j.lowerBoundHypotheses.thm42.applies).toBe(false);
    const cert = CertificateSchema.parse(JSON.parse(readFileSync(out, "utf8")));
    expect(cert.construction.options.variant).toBe("paper");
    expect(cert.claims.find((c) => c.id === "bound-thm4.2")).toMatchObject({ kind: "bound" });
    expect((cert.claims.find((c) => c.id === "bound-thm4.2") as { compare?: unknown }).compare).toBeUndefined();
    const t = await run("construct", "ks-next-token", "--variant", "paper", "--N", "20", "--n", "3", "--d", "2", "--vocab", "12", "--seed", "3");
    expect(t.stdout).toMatch(/--variant paper/);
    expect(t.stdout.trim().split("\n").pop()).toMatch(/^proofs-check: VERIFIED/);
  });
  it("refuses --group-size with the paper variant and an unknown variant (exit 2)", async () => {
    const a = await run("construct", "ks-next-token", "--variant", "paper", "--group-size", "2", "--N", "10");
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/--group-size/);
    const b = await run("construct", "ks-next-token", "--variant", "nope", "--N", "10");
    expect(b.status).toBe(2);
  });
  it("--sweep with a variant reports the baseline and the crossover, labelled measured / extrapolated", async () => {
    const r = await run("construct", "ks-next-token", "--variant", "compact", "--sweep", "8,16", "--n", "3", "--d", "2", "--vocab", "16", "--json", "--no-check");
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout).result;
    expect(j.variant).toBe("compact");
    expect(j.rows.every((x: { baselineParameters: number }) => x.baselineParameters > 0)).toBe(true);
    expect(["measured", "extrapolated", "none"]).toContain(j.crossoverWithBaseline.parameters.kind);
  });
  it("bounds ks --json gives the paper's R = 400·√(3d)·n³·r·N⁵·δ⁻¹·π", async () => {
    const b = await run("bounds", "ks", "--N", "100", "--n", "4", "--d", "3", "--r", "2", "--delta", "1/2", "--json");
    expect(b.status).toBe(0);
    const R = JSON.parse(b.stdout).result.bounds.find((x: { id: string }) => x.id === "R");
    expect(Number(R.value) / (400 * 3 * 64 * 2 * 1e10 * 2 * Math.PI)).toBeCloseTo(1, 9);
  });
});
