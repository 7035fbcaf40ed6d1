// The layering rules hold on the tree, and each rule fires when a violation is planted (so the test
// would fail if one of the architecture issue's findings came back).
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { importsOf, layeringViolations, readTree, PROOFS_CHECK_TRUSTED_FILES } from "../../scripts/layering.ts";

const tree = readTree(process.cwd());
const planted = (path: string, source: string) => layeringViolations(new Map([...tree, [path, source]]));
const baseline = layeringViolations(tree);

describe("layering: kernel → constructions → applications; proofs-check apart", () => {
  it("holds on the repository", () => {
    expect(baseline).toEqual([]);
  });

  it("reads static, type-only, re-export and dynamic imports", () => {
    const e = importsOf("app/x.ts", `import a from "./a.ts";\nimport type { B } from '../src/b.ts';\nexport { c } from "./c.ts";\nconst d = await import("./d.ts");\n// import z from "./commented.ts"`);
    expect(e.map((x) => [x.to, x.typeOnly])).toEqual([["app/a.ts", false], ["src/b.ts", true], ["app/c.ts", false], ["app/d.ts", false]]);
  });

  const fresh = (extra: string[]) => extra.filter((v) => !baseline.includes(v));
  it("fails when a construction imports CLI code or commander", () => {
    expect(fresh(planted("constructions/dana/bad.ts", `import { emit } from "../../app/cli/output.ts";`))).toHaveLength(1);
    expect(fresh(planted("constructions/dana/bad.ts", `import type { Command } from "commander";`))).toHaveLength(1);
  });
  it("fails when a kernel module imports an application's or the checker's code", () => {
    expect(fresh(planted("src/data/bad.ts", `import { UserError } from "../../app/cli/errors.ts";`))).toHaveLength(1);
    expect(fresh(planted("src/bounds/bad.ts", `import { formatBoundValue } from "../../proofs-check/bound.ts";`))).toHaveLength(1);
    expect(fresh(planted("src/eval/bad.ts", `import { certifyAot } from "../../constructions/dana/certify.ts";`))).toHaveLength(1);
  });
  it("fails when proofs-check imports beyond its trusted files and packages", () => {
    expect(fresh(planted("proofs-check/bad.ts", `import { countNetwork } from "../src/ir/count.ts";`))).toHaveLength(1);
    expect(fresh(planted("proofs-check/bad.ts", `import { create } from "mathjs";`)).length).toBeGreaterThan(0);
    // no loader inside proofs-check; worker threads start only the loader entry bin/ts-worker.mjs or its own files
    expect(fresh(planted("proofs-check/bad.ts", `import { register } from "tsx/esm/api";`))).toHaveLength(1);
    expect(fresh(planted("proofs-check/bad.ts", `new Worker(new URL("../bin/ts-worker.mjs", import.meta.url), { workerData: { module: new URL("./worker-main.ts", import.meta.url).href } });`))).toEqual([]);
    expect(fresh(planted("proofs-check/bad.ts", `new Worker(new URL("../src/ir/count.ts", import.meta.url));`))).toHaveLength(1);
    expect(fresh(planted("proofs-check/bad.ts", `import { Rational } from "../src/numbers/rational.ts"; import { z } from "zod"; import { readFileSync } from "node:fs";`))).toEqual([]);
  });
  it("fails on a runtime import cycle, not on a type-only one", () => {
    const files = new Map([
      ["constructions/x/a.ts", `import { b } from "./b.ts";`],
      ["constructions/x/b.ts", `import { a } from "./a.ts";`],
    ]);
    expect(layeringViolations(files).some((v) => v.startsWith("runtime import cycle"))).toBe(true);
    files.set("constructions/x/b.ts", `import type { A } from "./a.ts";`);
    expect(layeringViolations(files)).toEqual([]);
  });
  it("lists exactly the trusted files that proofs-check/README.md names", () => {
    const readme = readFileSync("proofs-check/README.md", "utf8");
    for (const f of PROOFS_CHECK_TRUSTED_FILES) expect(readme).toContain(f);
  });
});
