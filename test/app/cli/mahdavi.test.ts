// `construct mha` and `bounds mahdavi` say that Mahdavi et al.'s Theorem 1 is a reconstruction and name
// its sources, and print the parameter order of what was built (Θ(Hd(d_h + d_v))), never "= Θ(Hd²)"
// when d_v = 1.
import { describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { parameterOrder } from "../../../src/bounds/mahdavi.ts";

const run = (...args: string[]) => spawnSync(process.execPath, ["bin/memcap.mjs", ...args], { encoding: "utf8" });

describe("Mahdavi et al. output", () => {
  it("construct mha: reconstruction with its sources, parameter order matching d_v = 1", () => {
    const r = run("construct", "mha", "--d", "6", "--n", "3", "--H", "2", "--seed", "1");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\[reconstruction\]/);
    expect(r.stdout).toMatch(/abstract \(arXiv 2306\.02010/);
    expect(r.stdout).toMatch(/Table 1 \(p\. 8: T₀ = H\(d_h − 1\) \+ 1\)/);
    expect(r.stdout).toMatch(/§7/);
    expect(r.stdout).toMatch(/Θ\(Hd\(d_h \+ d_v\)\) with d_h \+ d_v = 4/);
    expect(r.stdout).not.toMatch(/= Θ\(Hd²\)/);
  });

  it("bounds mahdavi: the same", () => {
    const r = run("bounds", "mahdavi", "--d", "8", "--n", "4", "--H", "2");
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/reconstruction/);
    expect(r.stdout).not.toMatch(/= Θ\(Hd²\)/);
  });

  it("Θ(Hd²) only when d_h and d_v are both d", () => {
    expect(parameterOrder({ d: 8, dh: 8, dv: 8 })).toMatch(/= Θ\(Hd²\)$/);
    expect(parameterOrder({ d: 8, dh: 4, dv: 1 })).not.toMatch(/= Θ\(Hd²\)/);
  });
});
