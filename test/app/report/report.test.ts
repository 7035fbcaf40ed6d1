/**
 * The report framework with a synthetic section (defined here, not registered in src): config
 * validation, the runner's error isolation and exit code, and the folder it writes (HTML and
 * Markdown with the same content, JSON, SVG + PNG per plot, swapped in atomically).
 */
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { z } from "zod";
import { resolveConfig } from "../../../app/report/config.ts";
import { runReport, reportExitCode } from "../../../app/report/run.ts";
import { silentProgress } from "../../../app/report/progress.ts";
import { writeReport } from "../../../app/report/write.ts";
import { buildDocument } from "../../../app/report/document.ts";
import { toMarkdown } from "../../../app/report/render.ts";
import { formatTextTable } from "../../../app/report/text-table.ts";
import { seriesChart } from "../../../app/plot/charts.ts";
import type { Section } from "../../../app/report/types.ts";
import { SECTIONS } from "../../../app/report/sections/index.ts";

const squares: Section<{ sizes: number[]; label: string }> = {
  id: "squares",
  title: "Squares (synthetic)",
  description: "A synthetic section for the framework's tests.",
  options: z.object({ sizes: z.array(z.number().int().min(1).max(1000)).min(1).default([1, 2, 4, 8]), label: z.string().default("n²") }).strict(),
  quick: { sizes: [1, 2] },
  async run(o, ctx) {
    ctx.progress.total(o.sizes.length);
    const rows = o.sizes.map((n) => {
      ctx.progress.tick(`n=${n}`);
      return [n, n * n];
    });
    return {
      summary: `${o.sizes.length} sizes, seed ${ctx.seed}`,
      notes: ["Squares of `sizes` & <escaping> checks."],
      tables: [{ title: "values", columns: ["n", o.label], rows }],
      plots: [
        { id: "sq", title: "n² vs n", caption: "Squares.", spec: seriesChart({ title: "n² vs n", xTitle: "n", yTitle: "n²", series: [{ name: "n²", role: "measured", points: rows.map(([x, y]) => ({ x: x!, y: y! })) }] }) },
        { id: "lin", title: "n vs n", caption: "Identity.", spec: seriesChart({ title: "n vs n", xTitle: "n", yTitle: "n", series: [{ name: "n", role: "reference", points: rows.map(([x]) => ({ x: x!, y: x! })) }] }) },
      ],
      verdicts: [{ subject: "n² ≥ n", status: rows.every(([a, b]) => b! >= a!) ? "HOLDS" : "FAILS", detail: "exact integer comparison" }],
      json: { rows },
    };
  },
};

const broken: Section<Record<string, never>> = {
  id: "broken",
  title: "Broken (synthetic)",
  description: "Throws.",
  options: z.object({}).strict() as z.ZodType<Record<string, never>>,
  quick: {},
  async run() {
    throw new Error("boom at step 3");
  },
};

const registry = [squares, broken];

describe("resolveConfig", () => {
  it("applies defaults, then --quick overrides, then the user's options", () => {
    expect(resolveConfig({}, registry, { quick: false, where: "x" }).sections[0]!.options).toEqual({ sizes: [1, 2, 4, 8], label: "n²" });
    expect(resolveConfig({}, registry, { quick: true, where: "x" }).sections[0]!.options.sizes).toEqual([1, 2]);
    const p = resolveConfig({ seed: 9, sections: ["squares"], options: { squares: { sizes: [3] } } }, registry, { quick: true, where: "x" });
    expect(p.seed).toBe(9);
    expect(p.sections.map((s) => s.section.id)).toEqual(["squares"]);
    expect(p.sections[0]!.options.sizes).toEqual([3]);
  });

  const bad: [unknown, RegExp][] = [
    [{ seed: -1 }, /^f\.json: seed: /],
    [{ seed: 1.5 }, /^f\.json: seed: expected int/],
    [{ colour: 1 }, /^f\.json: colour: unknown field$/],
    [{ sections: ["squares", "nope"] }, /^f\.json: sections\[1\]: unknown section "nope" \(known: squares, broken\)$/],
    [{ sections: ["squares", "squares"] }, /^f\.json: sections\[1\]: section "squares" listed twice$/],
    [{ options: { squares: { sizes: [1, 0] } } }, /^f\.json: options\.squares\.sizes\[1\]: /],
    [{ options: { squares: { size: [1] } } }, /^f\.json: options\.squares\.size: unknown field$/],
    [{ sections: ["broken"], options: { squares: {} } }, /^f\.json: options\.squares: section "squares" is not in "sections"/],
    [{ options: { squares: [1] } }, /^f\.json: options\.squares: expected an object$/],
  ];
  it.each(bad)("rejects %j with one line naming the field", (raw, re) => {
    let msg = "";
    try {
      resolveConfig(raw, registry, { quick: false, where: "f.json" });
    } catch (e) {
      msg = (e as Error).message;
      expect((e as { exitCode?: number }).exitCode).toBe(2);
    }
    expect(msg).toMatch(re);
    expect(msg).not.toContain("\n");
  });
});

describe("runReport + writeReport", () => {
  it("isolates a failing section, records timings, and writes the same content as HTML and Markdown", async () => {
    const ticks: string[] = [];
    const progress = { section: (_i: number, _n: number, id: string) => ({ total() {}, tick: (l: string) => ticks.push(`${id}:${l}`) }), stop() {} };
    const data = await runReport(resolveConfig({ seed: 5 }, registry, { quick: false, where: "x" }), progress);
    expect(ticks).toEqual(["squares:n=1", "squares:n=2", "squares:n=4", "squares:n=8"]);
    expect(data.sections.map((s) => s.result.verdicts[0]!.status)).toEqual(["HOLDS", "ERROR"]);
    expect(data.sections[1]!.error).toBe("boom at step 3");
    expect(data.sections[0]!.result.summary).toBe("4 sizes, seed 5");
    expect(reportExitCode(data)).toBe(1);

    const out = join(mkdtempSync(join(tmpdir(), "memcap-report-")), "r");
    await writeReport(data, out);
    const w = await writeReport(data, out); // replacing an existing report works and leaves no temporary folders
    expect(readdirSync(join(out, "..")).sort()).toEqual(["r"]);
    expect(readdirSync(join(out, "plots")).sort()).toEqual(["squares-lin.png", "squares-lin.svg", "squares-sq.png", "squares-sq.svg"]);
    expect(w.plots).toHaveLength(2);
    const html = readFileSync(w.html, "utf8");
    const md = readFileSync(w.markdown, "utf8");
    expect(md).toBe(toMarkdown(buildDocument(data)));
    expect((html.match(/<svg/g) ?? []).length).toBe(2);
    expect(html).toContain("Squares of <code>sizes</code> &amp; &lt;escaping&gt; checks.");
    // every heading and table cell of the Markdown appears in the HTML too
    for (const h of md.matchAll(/^#+ (.*)$/gm)) expect(html).toContain(h[1]!.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
    expect(md).toContain("| 8 | 64 |");
    expect(html).toContain("<td>8</td><td>64</td>");
    expect(md).toContain("![n² vs n](plots/squares-sq.svg)");
    expect(md).toContain("**ERROR** Broken (synthetic): boom at step 3");
    const json = JSON.parse(readFileSync(w.json, "utf8"));
    expect(json.sections[0].result.json.rows[3]).toEqual([8, 64]);
    expect(json.seed).toBe(5);
  });

  it("a clean suite exits 0", async () => {
    const data = await runReport(resolveConfig({ sections: ["squares"] }, registry, { quick: true, where: "x" }), silentProgress);
    expect(reportExitCode(data)).toBe(0);
  });
});

describe("formatTextTable", () => {
  it("pads columns and cuts long cells", () => {
    expect(formatTextTable({ columns: ["a", "bb"], rows: [[1, "x".repeat(10)]] }, 5)).toBe("a  bb\n-  -----\n1  xxxx…");
  });
});

describe("the registered sections' options", () => {
  it("parse to defaults, accept --quick, and reject bad fields with one line naming them", () => {
    const plan = resolveConfig({}, SECTIONS, { quick: true, where: "default suite" });
    expect(plan.sections.map((x) => x.section.id)).toEqual(SECTIONS.map((x) => x.id));
    const bad: [unknown, RegExp][] = [
      [{ sections: ["nope"] }, /^s\.json: sections\[0\]: unknown section "nope" \(known: kajitsuka-sato, mahdavi, dana, claims, training\)$/],
      [{ sections: ["ks"], options: { ks: { nextTokenN: [50], sizes: 3 } } }, /^s\.json: options\.ks\.sizes: unknown field$/],
      [{ sections: ["ks"], options: { ks: { nextTokenN: [1] } } }, /^s\.json: options\.ks\.nextTokenN\[0\]: /],
      [{ sections: ["mha"], options: { mha: { context: "both" } } }, /^s\.json: options\.mha\.context: /],
      [{ sections: ["aot"], options: { aot: { d: 2, dh: 3 } } }, /^s\.json: options\.aot\.dh: dh must be ≤ d$/],
      [{ sections: ["training"], options: { training: { lr: -1 } } }, /^s\.json: options\.training\.lr: /],
      [{ sections: ["claims"], options: { claims: { only: [""] } } }, /^s\.json: options\.claims\.only\[0\]: /],
    ];
    for (const [raw, re] of bad) expect(() => resolveConfig(raw, SECTIONS, { quick: false, where: "s.json" })).toThrow(re);
  });
});

describe("memcap report (CLI)", () => {
  const cli = (args: string[]) => spawnSync(process.execPath, ["bin/memcap.mjs", "report", ...args], { encoding: "utf8", timeout: 90_000 });
  it("rejects a bad config with one line and exit 2, writing nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "memcap-cfg-"));
    const f = join(dir, "suite.json");
    writeFileSync(f, JSON.stringify({ sections: ["aot"], options: { aot: { H: [1, 0] } } }));
    const r = cli(["--config", f, "--out", join(dir, "out")]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^memcap: .*suite\.json: options\.aot\.H\[1\]: /);
    expect(existsSync(join(dir, "out"))).toBe(false);
    writeFileSync(f, "{not json");
    const r2 = cli(["--config", f]);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/^memcap: .*suite\.json: malformed JSON/);
  });
});
