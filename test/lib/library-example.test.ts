/**
 * docs/library.md's worked example, run as a consumer would: `npm pack` this checkout, install the
 * tarball into an empty temporary project (from npm's cache where it can), and run the doc's first
 * ```ts block with the installed tsx; then type-check a consumer's claims against the installed types.
 * Slow-ish (the install dominates: ~30–50 s on a loaded machine).
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
    // a claim built on the consumer's own `import fc from "fast-check"` type-checks against memcap's
    // defineClaim (fast-check is a peer dependency: one copy); a mistyped checker does not
    writeFileSync(join(app, "good.mts"), 'import fc from "fast-check";\nimport { defineClaim, q } from "memcap";\nexport const c = defineClaim({ id: "u.x", paper: "user", source: "me", statement: "x + 0 = x", arbitrary: fc.integer(), check: (x) => ({ holds: q(x).add(q(0)).eq(q(x)) }), expected: "holds" });\n');
    writeFileSync(join(app, "bad.mts"), 'import fc from "fast-check";\nimport { defineClaim } from "memcap";\nexport const c = defineClaim({ id: "u.y", paper: "user", source: "me", statement: "s", arbitrary: fc.integer(), check: (x: string) => ({ holds: x.length > 0 }), expected: "holds" });\n');
    const tsconfig = (file: string) => JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, allowImportingTsExtensions: true, noEmit: true, skipLibCheck: true, types: ["node"], typeRoots: [join(root, "node_modules", "@types")] }, files: [file] });
    const tsc = join(root, "node_modules", ".bin", "tsc");
    writeFileSync(join(app, "tsconfig.json"), tsconfig("good.mts"));
    run(tsc, ["-p", "."], app); // throws on a type error
    writeFileSync(join(app, "tsconfig.json"), tsconfig("bad.mts"));
    let failure = "";
    try {
      run(tsc, ["-p", "."], app);
    } catch (e) {
      failure = String((e as { stdout?: string }).stdout);
    }
    expect(failure).toMatch(/bad\.mts.*error TS/);
  }, 180_000);
});
