/**
 * Runs a planned suite section by section, timing each. A section that throws does not stop the
 * others: its failure is recorded as an ERROR verdict with the message, and the report's exit code
 * says so. The result is plain data (ReportData), rendered elsewhere.
 */
import os from "node:os";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { takeRecheckedCertificates, type KeptCertificate } from "./recheck.ts";
import { version } from "../cli/help.mjs";
import type { ReportPlan } from "./config.ts";
import type { ReportProgress } from "./progress.ts";
import type { SectionResult, Verdict } from "./types.ts";

export interface SectionRun {
  id: string;
  title: string;
  description: string;
  options: Record<string, unknown>;
  seconds: number;
  result: SectionResult;
  /** Set when the section threw: its message (the result then holds one ERROR verdict). */
  error?: string;
}

export interface ReportData {
  tool: string;
  createdAt: string;
  seed: number;
  quick: boolean;
  environment: { node: string; platform: string; cpus: number; cpuModel: string; memoryGiB: number; loadAverage: number[] };
  /** What produced the report: the git commit (null outside a checkout) and the installed versions of the dependencies. */
  provenance: Provenance;
  seconds: number;
  sections: SectionRun[];
  /** Every certificate the report re-checked, in order; the VERIFIED ones are written to certificates/ (write.ts). */
  certificates: KeptCertificate[];
}

/**
 * Executes every section of the plan in order.
 * @example
 * const data = await runReport(resolveConfig({}, SECTIONS, { quick: true, where: "default" }), silentProgress);
 * data.sections.length;
 */
export async function runReport(plan: ReportPlan, progress: ReportProgress, now: () => Date = () => new Date(), o: { workers?: number } = {}): Promise<ReportData> {
  const t0 = performance.now();
  const createdAt = now().toISOString();
  const sections: SectionRun[] = [];
  takeRecheckedCertificates(); // start from an empty list
  const workers = Math.min(o.workers ?? 1, plan.sections.length);
  if (workers > 1) {
    const { runSectionsInWorkers } = await import("./parallel.ts");
    const runs = await runSectionsInWorkers(plan, progress, workers);
    return finish(plan, createdAt, t0, runs.map((r) => r.run), runs.flatMap((r) => r.certificates));
  }
  try {
    for (const [i, { section, options }] of plan.sections.entries()) {
      const sink = progress.section(i, plan.sections.length, section.id);
      const s0 = performance.now();
      const base = { id: section.id, title: section.title, description: section.description, options };
      try {
        const result = await section.run(options, { seed: plan.seed, progress: sink });
        sections.push({ ...base, seconds: (performance.now() - s0) / 1000, result });
      } catch (e) {
        const message = (e as Error)?.message ?? String(e);
        const verdict: Verdict = { subject: section.title, status: "ERROR", detail: message.split("\n")[0]! };
        sections.push({
          ...base,
          seconds: (performance.now() - s0) / 1000,
          error: message,
          result: { summary: `error: ${verdict.detail}`, tables: [], plots: [], verdicts: [verdict], json: { error: message } },
        });
      }
    }
  } finally {
    progress.stop();
  }
  return finish(plan, createdAt, t0, sections, takeRecheckedCertificates());
}

function finish(plan: ReportPlan, createdAt: string, t0: number, sections: SectionRun[], certificates: KeptCertificate[]): ReportData {
  const cpus = os.cpus();
  return {
    tool: `memcap ${version()}`,
    createdAt,
    seed: plan.seed,
    quick: plan.quick,
    environment: {
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? "unknown",
      memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    },
    provenance: provenance(),
    seconds: (performance.now() - t0) / 1000,
    sections,
    certificates,
  };
}

export interface Provenance {
  commit: string | null;
  /** The working tree had uncommitted changes when the report ran. */
  dirty: boolean | null;
  dependencies: Record<string, string>;
}

/** The git commit of the working directory and the versions of memcap's installed dependencies. */
export function provenance(): Provenance {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const git = (args: string[]) => {
    try {
      return execFileSync("git", ["-C", root, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return null;
    }
  };
  const commit = git(["rev-parse", "HEAD"]);
  const status = commit === null ? null : git(["status", "--porcelain", "--untracked-files=no"]);
  const dependencies: Record<string, string> = {};
  try {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies?: Record<string, string> };
    for (const name of Object.keys(pkg.dependencies ?? {})) {
      try {
        dependencies[name] = (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
      } catch {
        dependencies[name] = "not installed";
      }
    }
  } catch {
    /* not run from the project root: no dependency list */
  }
  return { commit, dirty: status === null ? null : status.length > 0, dependencies };
}

/** Counts verdicts by status over the whole report. */
export function verdictCounts(data: ReportData): Record<string, number> {
  const c: Record<string, number> = {};
  for (const s of data.sections) for (const v of s.result.verdicts) c[v.status] = (c[v.status] ?? 0) + 1;
  return c;
}

/**
 * 1 when a certificate memcap built itself was REJECTED or a section could not run (a bug to look at);
 * 0 otherwise. A FAILS (a paper's literal statement failing an exact check) is a finding, shown but not an error.
 */
export function reportExitCode(data: ReportData): number {
  const c = verdictCounts(data);
  return (c.REJECTED ?? 0) + (c.ERROR ?? 0) > 0 ? 1 : 0;
}
