// Every writing command refuses a bad output path before any work, with one memcap: line and exit 2,
// and leaves no temporary file behind.
import { describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { spawnSync } from "node:child_process";

const BIN = resolve("bin/memcap.mjs");

describe("bad output paths, every writing command", () => {
  const dir = mkdtempSync(join(tmpdir(), "memcap-outpaths-"));
  mkdirSync(join(dir, "adir"));
  mkdirSync(join(dir, "adir.jsonl"));
  writeFileSync(join(dir, "afile"), "");
  writeFileSync(join(dir, "m.json"), JSON.stringify([[1, 2], [3, 4]]));
  const cert = join(dir, "c.json");
  spawnSync(process.execPath, [BIN, "construct", "aot", "--N", "6", "--H", "2", "--seed", "1", "--out", cert], { encoding: "utf8" });
  const cases: string[][] = [
    ["construct", "ks-next-token", "--N", "20", "--n", "3", "--d", "2", "--out", "@"],
    ["construct", "mha", "--d", "8", "--n", "3", "--H", "2", "--out", "@"],
    ["construct", "aot", "--N", "6", "--H", "2", "--out", "@"],
    ["construct", "aot-distribution", "--N", "4", "--H", "2", "--out", "@"],
    ["train", "--model", "aot", "--steps", "5", "--log", "@"],
    ["train", "--model", "aot", "--steps", "5", "--certificate", "@"],
    ["train", "--model", "aot", "--steps", "5", "--save", "@"],
    ["export", cert, "--format", "onnx", "--out", "@"],
    ["export", cert, "--format", "safetensors", "--out", "@"],
    ["counterexample", "ks.lemma-B.2.literal", "--runs", "5", "--out", "@"],
    ["rank", join(dir, "m.json"), "--certificate", "@"],
    ["capacity", "--model", "aot", "--grid", "H=1;d=2;dh=2;vocab=3", "--steps", "5", "--out", "@.jsonl"],
  ];
  const bad = (c: string[], path: string) => c.map((a) => (a === "@" ? path : a === "@.jsonl" ? `${path === "adir" ? "adir" : "afile/x"}.jsonl` : a));
  it.each(cases.flatMap((c) => [bad(c, "adir"), bad(c, "afile/x.out")]))("memcap %s …", (...args) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: "utf8", timeout: 120_000 });
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("memcap:"));
    expect(r.status, r.stderr.slice(-300)).toBe(2);
    expect(lines.at(-1), r.stderr).toMatch(/is a directory|is a file|not a folder|not writable/);
    expect(r.stderr).not.toMatch(/^\s+at |internal error/m);
    expect(readdirSync(dir).filter((f) => f.includes("tmp"))).toEqual([]);
  });
});

describe("an interrupt mid-run", () => {
  it("train: exit 130, one memcap: line saying what was kept, the streamed log kept, no temporary left", async () => {
    const { spawn } = await import("node:child_process");
    const { readFileSync } = await import("node:fs");
    const dir = mkdtempSync(join(tmpdir(), "memcap-interrupt-"));
    const child = spawn(process.execPath, [BIN, "train", "--model", "aot", "--steps", "2000000", "--log-every", "50", "--log", "t.jsonl"], { cwd: dir });
    let err = "";
    child.stderr.on("data", (b) => (err += String(b)));
    await new Promise((r) => setTimeout(r, 4000));
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    expect(code).toBe(130);
    expect(err.trim().split("\n").at(-1)).toMatch(/^memcap: interrupted \(SIGINT\); kept t\.jsonl \(\d+ lines?\)$/);
    expect(readFileSync(join(dir, "t.jsonl"), "utf8").trim().split("\n").length).toBeGreaterThan(0);
    expect(readdirSync(dir).filter((f) => f.includes("tmp"))).toEqual([]);
  });
});
