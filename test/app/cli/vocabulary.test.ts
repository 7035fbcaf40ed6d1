// The shared flag vocabulary: the papers' symbols are accepted next to each command's own spelling.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { normalizeSpellings } from "../../../app/cli/main.ts";

describe("one vocabulary across commands", () => {
  it("rewrites --H/--n/--T for train and --vocab/--n for Dana's commands, nothing elsewhere", () => {
    expect(normalizeSpellings(["node", "memcap", "train", "--model", "aot", "--H", "3", "--n=2", "--T", "9"])).toEqual(["node", "memcap", "train", "--model", "aot", "--heads", "3", "--seq-len=2", "--examples", "9"]);
    expect(normalizeSpellings(["node", "memcap", "construct", "aot", "--vocab", "6", "--n", "2"]).slice(4)).toEqual(["--N", "6", "--S", "2"]);
    expect(normalizeSpellings(["node", "memcap", "construct", "ks-next-token", "--N", "20", "--n", "4"]).slice(4)).toEqual(["--N", "20", "--n", "4"]);
  });
  it("gives the same run under both spellings", () => {
    const run = (...a: string[]) => JSON.parse(spawnSync(process.execPath, ["bin/memcap.mjs", "bounds", "dana", "--d", "2", "--dh", "2", "--H", "3", "--json", ...a], { encoding: "utf8" }).stdout).result;
    expect(run("--vocab", "10", "--n", "2")).toEqual(run("--N", "10", "--S", "2"));
  });
});
