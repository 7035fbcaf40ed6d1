// memcap import / train --save --certificate through the CLI: externally produced safetensors (Python
// safetensors + NumPy, committed fixtures whose labels come from an independent NumPy forward pass) import
// and certify VERIFIED; a transposed W_O is refused with one line naming the tensor; a saved model round-trips.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkCertificate } from "../../proofs-check/check.ts";
import { decodeSafetensors, encodeSafetensors, type StTensor } from "../../src/io/safetensors.ts";
import { runInProcess } from "../fixtures/cli.ts";

const dir = mkdtempSync(join(tmpdir(), "memcap-import-"));
const FX = "test/fixtures/interop";

const run = runInProcess;

const memorizes = (file: string) => JSON.parse(readFileSync(file, "utf8")).claims.find((c: { kind: string }) => c.kind === "memorizes");

describe("memcap import", () => {
  for (const [name, arch] of [["transformer", "transformer"], ["mha", "mha"], ["transformer-postln", "transformer"]]) {
    it(`certifies every example of the externally produced ${name} model (labels from its NumPy forward pass), VERIFIED`, async () => {
      const out = join(dir, `${name}.json`);
      const r = await run("import", `${FX}/${name}.safetensors`, "--arch", arch!, "--config", `${FX}/${name}.config.json`, "--data", `${FX}/${name}.data.json`, "--out", out, "--json");
      expect(r.status, r.stderr).toBe(0);
      const env = JSON.parse(r.stdout);
      expect(env).toMatchObject({ command: "import", certificate: out, verdicts: [{ status: "VERIFIED" }] });
      const res = env.result;
      const N = JSON.parse(readFileSync(`${FX}/${name}.data.json`, "utf8")).labels.length;
      expect(res).toMatchObject({ examples: N, certified: N, undecided: 0, verdict: "VERIFIED" });
      expect(memorizes(out).count).toBe(N);
      const cert = JSON.parse(readFileSync(out, "utf8"));
      expect(checkCertificate(cert).verdict).toBe("VERIFIED");
      // the checker's decimal path (no float64 fast path) agrees, LayerNorm and 1/√d_h included
      expect(checkCertificate(cert, { decimalOnly: true }).verdict).toBe("VERIFIED");
      if (name === "transformer-postln") expect(cert.network.layers.filter((L: { type: string }) => L.type === "layernorm")).toHaveLength(2);
    });
  }

  it("refuses a transposed W_O with one memcap: line naming the tensor (exit 2, nothing written; a real process)", () => {
    const { tensors, metadata } = decodeSafetensors(readFileSync(`${FX}/transformer.safetensors`));
    const W = tensors["attn.out_proj.weight"]!;
    const [r, c] = W.shape as [number, number];
    const T = new Float32Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) T[j * r + i] = W.data[i * c + j] as number;
    const bad = join(dir, "transposed.safetensors");
    writeFileSync(bad, encodeSafetensors({ ...tensors, "attn.out_proj.weight": { dtype: "F32", shape: [c, r], data: T } as StTensor }, metadata));
    const out = join(dir, "never.json");
    const p = spawnSync(process.execPath, ["bin/memcap.mjs", "import", bad, "--arch", "transformer", "--config", `${FX}/transformer.config.json`, "--data", `${FX}/transformer.data.json`, "--out", out], { encoding: "utf8" });
    expect(p.status).toBe(2);
    const lines = p.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^memcap: .*tensor attn\.out_proj\.weight has shape \[4,8\], .*needs \[8,4\] — it looks transposed/);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses a missing tensor, an extra tensor, the wrong arch and a malformed file, each in one line", async () => {
    const { tensors } = decodeSafetensors(readFileSync(`${FX}/mha.safetensors`));
    const args = (f: string, arch = "mha") => ["import", f, "--arch", arch, "--config", `${FX}/mha.config.json`, "--data", `${FX}/mha.data.json`, "--out", join(dir, "x.json")];
    const write = (name: string, t: Record<string, StTensor>) => (writeFileSync(join(dir, name), encodeSafetensors(t)), join(dir, name));
    const { "readout.weight": _drop, ...rest } = tensors;
    let r = await run(...args(write("missing.safetensors", rest)));
    expect([r.status, r.stderr.trim()]).toEqual([2, expect.stringMatching(/^memcap: .*tensor readout\.weight is missing \(--arch mha needs shape \[3,6\]\)$/)]);
    r = await run(...args(write("extra.safetensors", { ...tensors, "ln.weight": { dtype: "F32", shape: [6], data: new Float32Array(6) } })));
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/^memcap: .*tensor ln\.weight is not part of the --arch mha state dict/)]);
    r = await run(...args(`${FX}/mha.safetensors`, "aot").slice(0, 4), "--data", `${FX}/mha.data.json`, "--out", join(dir, "x.json"));
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    writeFileSync(join(dir, "junk.safetensors"), "not a safetensors file at all");
    r = await run(...args(join(dir, "junk.safetensors")));
    expect([r.status, r.stderr.trim().split("\n").length]).toEqual([2, 1]);
    expect(r.stderr).toMatch(/^memcap: .*junk\.safetensors: safetensors: header length/);
    expect(existsSync(join(dir, "x.json"))).toBe(false);
  });

  it("train --save --certificate, then import of the saved weights (config from its metadata) certifies the same examples", async () => {
    const cert = join(dir, "t.json"), st = join(dir, "t.safetensors");
    const r = await run("train", "--model", "aot-code", "--vocab", "5", "--seq-len", "2", "--d", "6", "--dh", "2", "--heads", "2", "--steps", "150", "--lr", "0.05", "--seed", "2", "--json", "--certificate", cert, "--save", st);
    expect(r.status, r.stderr).toBe(0);
    const env = JSON.parse(r.stdout.trim().split("\n").at(-1)!);
    expect(env).toMatchObject({ command: "train", certificate: cert, verdicts: [{ status: "FLOAT" }, { status: "VERIFIED" }] });
    const summary = env.result;
    expect(summary.certificate).toMatchObject({ verdict: "VERIFIED", examples: 25 });
    expect(summary.certificate.certified).toBeGreaterThanOrEqual(summary.certificate.floatMemorized - summary.certificate.undecided - summary.certificate.floatCorrectRefuted);
    const { tensors, metadata } = decodeSafetensors(readFileSync(st));
    expect(metadata["memcap.arch"]).toBe("aot-code");
    expect(Object.keys(tensors).sort()).toEqual(["attn.k_proj.weight", "attn.out_proj.weight", "attn.q_proj.weight", "attn.v_proj.weight", "compress.weight", "decompress.weight", "embedding.weight", "positional.weight", "unembedding.weight"]);
    expect(tensors["compress.weight"]!.shape).toEqual([2, 6]); // nn.Linear(d=6, d_h=2).weight is out×in
    const c = JSON.parse(readFileSync(cert, "utf8"));
    const data = join(dir, "data.json");
    writeFileSync(data, JSON.stringify({ sequences: c.dataset.sequences, labels: c.dataset.labels.map(Number) }));
    const out = join(dir, "imported.json");
    const i = await run("import", st, "--arch", "aot-code", "--data", data, "--out", out, "--json");
    expect(i.status, i.stderr).toBe(0);
    expect(JSON.parse(i.stdout).result).toMatchObject({ verdict: "VERIFIED", certified: memorizes(cert).count });
    expect(memorizes(out).examples).toEqual(memorizes(cert).examples);
  });
});
