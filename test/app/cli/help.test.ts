// `memcap --help` and `--version` are answered without the TypeScript loader (app/cli/help.mjs); the
// text they print must be exactly what commander prints for every registered command.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { topLevelHelp } from "../../../scripts/cli-help.ts";

describe("memcap --help / --version fast path", () => {
  it("app/cli/help.txt is commander's help for the registered commands (run scripts/cli-help.ts after changing a command)", async () => {
    expect(readFileSync("app/cli/help.txt", "utf8")).toBe(await topLevelHelp());
  });
  it("prints the help and the package version, exit 0", () => {
    const h = spawnSync(process.execPath, ["bin/memcap.mjs", "--help"], { encoding: "utf8" });
    expect(h.status).toBe(0);
    expect(h.stdout).toBe(readFileSync("app/cli/help.txt", "utf8"));
    const v = spawnSync(process.execPath, ["bin/memcap.mjs", "--version"], { encoding: "utf8" });
    expect(v.stdout.trim()).toBe(JSON.parse(readFileSync("package.json", "utf8")).version);
  });
});
