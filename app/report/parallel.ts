/**
 * The report's sections on worker threads, one section per worker at a time, results in the plan's
 * order: every section draws its random choices from the suite's seed alone, so the report is the same
 * as a sequential run's (timings aside). Used by `memcap report` with --workers > 1 (default: one per core).
 */
import { Worker } from "node:worker_threads";
import type { ReportPlan } from "./config.ts";
import type { ReportProgress } from "./progress.ts";
import type { KeptCertificate } from "./recheck.ts";
import type { SectionRun } from "./run.ts";
import type { Progress, SectionResult, Verdict } from "./types.ts";

type Message =
  | { type: "total"; index: number; n: number }
  | { type: "tick"; index: number; label: string }
  | { type: "done"; index: number; result: SectionResult; certificates: KeptCertificate[] }
  | { type: "error"; index: number; message: string; certificates: KeptCertificate[] };

export async function runSectionsInWorkers(plan: ReportPlan, progress: ReportProgress, count: number): Promise<{ run: SectionRun; certificates: KeptCertificate[] }[]> {
  const out: { run: SectionRun; certificates: KeptCertificate[] }[] = new Array(plan.sections.length);
  const sinks: Progress[] = [];
  const started: number[] = [];
  let next = 0;
  const pool = Array.from({ length: count }, () => new Worker(new URL("../../bin/ts-worker.mjs", import.meta.url), { workerData: { module: new URL("./section-worker-main.ts", import.meta.url).href } }));
  try {
    await Promise.all(
      pool.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const give = () => {
              if (next >= plan.sections.length) return resolve();
              const i = next++;
              const { section, options } = plan.sections[i]!;
              sinks[i] = progress.section(i, plan.sections.length, section.id);
              started[i] = performance.now();
              w.postMessage({ index: i, id: section.id, options, seed: plan.seed });
            };
            w.on("message", (m: Message) => {
              if (m.type === "total") return sinks[m.index]!.total(m.n);
              if (m.type === "tick") return sinks[m.index]!.tick(m.label);
              const { section, options } = plan.sections[m.index]!;
              const base = { id: section.id, title: section.title, description: section.description, options, seconds: (performance.now() - started[m.index]!) / 1000 };
              if (m.type === "done") out[m.index] = { run: { ...base, result: m.result }, certificates: m.certificates };
              else {
                const verdict: Verdict = { subject: section.title, status: "ERROR", detail: m.message.split("\n")[0]! };
                out[m.index] = { run: { ...base, error: m.message, result: { summary: `error: ${verdict.detail}`, tables: [], plots: [], verdicts: [verdict], json: { error: m.message } } }, certificates: m.certificates };
              }
              give();
            });
            w.on("error", reject);
            give();
          }),
      ),
    );
  } finally {
    progress.stop();
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return out;
}
