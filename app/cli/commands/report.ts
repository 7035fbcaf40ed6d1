/**
 * `memcap report`: runs the suite (every registered section: constructions built and re-checked,
 * bound comparisons, claims, a training cross-check), prints a summary table and writes a report
 * folder with index.html, report.md, report.json and plots (SVG + PNG).
 */
import type { Command } from "commander";
import { readJsonFile } from "../../../src/io/json-input.ts";
import { emit, intFlag } from "../output.ts";
import { UserError } from "../../../src/errors.ts";
import { resolveConfig } from "../../report/config.ts";
import { stderrProgress } from "../../report/progress.ts";
import { reportExitCode, runReport, verdictCounts } from "../../report/run.ts";
import { summaryTable } from "../../report/document.ts";
import { formatTextTable } from "../../report/text-table.ts";
import { SECTIONS } from "../../report/sections/index.ts";
import { availableParallelism } from "node:os";

interface ReportFlags {
  config?: string;
  out: string;
  json?: boolean;
  quick?: boolean;
  seed?: number;
  sections?: string;
  strict?: boolean;
  workers?: number;
}

export function register(program: Command): void {
  program
    .command("report")
    .description("run the default suite (or --config FILE), print a summary and write an HTML/Markdown/JSON report with plots")
    .option("--config <file>", "suite configuration JSON: {seed, sections, options} (see README)")
    .option("--out <dir>", "report folder (replaced atomically)", "report/latest")
    .option("--quick", "smaller sizes for a fast look")
    .option("--seed <n>", "override the suite's seed", intFlag("seed", 0, 2 ** 31 - 1))
    .option("--sections <ids>", "comma-separated section ids to run (overrides the config's list)")
    .option("--workers <n>", "sections run side by side on worker threads (default: one per core, at most the number of sections; 1: in process)", intFlag("workers", 1, 64))
    .option("--strict", "exit 1 when a certificate is REJECTED or a section errors (default: exit 0 once the report is written)")
    .option("--json", "print the report data as one JSON document on stdout")
    .addHelpText("after", `\nSections: ${SECTIONS.map((s) => s.id).join(", ") || "(none registered)"}\nExample: memcap report --quick --out report/quick`)
    .action(async (flags: ReportFlags) => {
      const raw = flags.config ? readJsonFile(flags.config) : {};
      if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new UserError(`${flags.config}: (top level): expected an object`);
      const cfg: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
      if (flags.seed !== undefined) cfg.seed = flags.seed;
      if (flags.sections !== undefined) cfg.sections = flags.sections.split(",").map((s) => s.trim()).filter(Boolean);
      const where = flags.config ?? (flags.sections !== undefined ? "--sections" : "default suite");
      const plan = resolveConfig(cfg, SECTIONS, { quick: !!flags.quick, where });
      if (plan.sections.length === 0) throw new UserError("no report sections are registered");
      const data = await runReport(plan, stderrProgress(), undefined, { workers: flags.workers ?? availableParallelism() });
      // vega, vega-lite and resvg load only here, not with every memcap command
      const { writeReport } = await import("../../report/write.ts");
      const written = await writeReport(data, flags.out);
      emit(!!flags.json, { ...data, written }, () => {
        const counts = Object.entries(verdictCounts(data)).map(([k, n]) => `${n} ${k}`).join(", ");
        return [
          formatTextTable(summaryTable(data, { short: true }), 90),
          "",
          `verdicts: ${counts || "none"}; ${data.seconds.toFixed(1)} s`,
          `report: ${written.html} (+ report.md, report.json, ${written.plots.length} plots as SVG and PNG)`,
        ].join("\n");
      });
      const bad = reportExitCode(data);
      if (bad) process.stderr.write(`memcap report: some certificates were REJECTED or a section failed; see ${written.html}\n`);
      process.exitCode = flags.strict ? bad : 0;
    });
}
