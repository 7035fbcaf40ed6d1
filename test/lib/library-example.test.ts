/**
 * docs/library.md's worked example, run as a consumer would: `npm pack` this checkout, install the
 * tarball into an empty temporary project (from npm's cache where it can), and run the doc's first
 * ```ts block with the installed tsx. Slow-ish (the install dominates: ~30–50 s on a loaded machine).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "memcap-lib-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string) => execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 150_000 });

describe("docs/library.md example from an installed tarball", () => {
  it("packs, installs and runs the example: certificate VERIFIED, one claim held, one counterexample", () => {
    run("npm", ["pack", "--silent", "--pack-destination", dir], root);
    const tgz = readdirSync(dir).find((f) => f.endsWith(".tgz"))!;
    const app = join(dir, "app");
    execFileSync("mkdir", ["-p", app]);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", version: "1.0.0", type: "module", private: true }));
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--silent", join(dir, tgz)], app);
    // the tarball carries the sources, not the tests or benchmarks
    const installed = join(app, "node_modules", "memcap");
    expect(readdirSync(installed)).toEqual(expect.arrayContaining(["lib", "src", "proofs-check", "bin"]));
    expect(readdirSync(installed)).not.toContain("test");
    expect(readdirSync(installed)).not.toContain("bench");
    const doc = readFileSync(join(root, "docs", "library.md"), "utf8");
    const code = /```ts\n([\s\S]*?)```/.exec(doc)![1]!;
    writeFileSync(join(app, "example.mts"), code);
    const out = run(join(app, "node_modules", ".bin", "tsx"), ["example.mts"], app);
    const printed = /```text\n([\s\S]*?)```/.exec(doc)![1]!;
    expect(out.trim()).toBe(printed.trim());
    expect(out).toContain("check: VERIFIED");
    // the bin of the installed package works too
    expect(run(join(app, "node_modules", ".bin", "memcap"), ["--version"], app).trim()).toBe("0.1.0");
  }, 180_000);
});
