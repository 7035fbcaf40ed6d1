/**
 * `memcap crosscheck`: trained capacity vs construction-certified capacity vs bound formulas for a
 * paper's model; flags candidate counterexamples to upper-bound statements (app/crosscheck/run.ts).
 */
import type { Command } from "commander";
import { GridError } from "../../capacity/grid.ts";
import { defaultWorkers } from "../../capacity/run.ts";
import { crosscheck, formatCrosscheck, PAPER_DEFAULTS, PAPERS, type CrosscheckReport, type Paper } from "../../crosscheck/run.ts";
import { UserError } from "../../../src/errors.ts";
import { paperId, paperNames } from "../../../src/papers.ts";
import { emit, intFlag } from "../output.ts";
import { BACKENDS, type BackendName } from "../../../src/train/backends.ts";

export function register(program: Command): void {
  program
    .command("crosscheck")
    .description("trained capacity (float) vs construction-certified capacity vs bound formulas; flags candidate counterexamples (saved with weights)")
    .option("--paper <p>", `${paperNames()} (default: all three)`)
    .option("--budget <grid>", `architectures/parameter budgets as a capacity grid for the paper's model (defaults: ${PAPERS.map((p) => `${p}: "${PAPER_DEFAULTS[p].grid}"`).join("; ")})`)
    .option("--out <dir>", "folder for capacity JSONL (resumable), crosscheck-<paper>.json and candidate weights")
    .option("--steps <n>", "training steps per restart", intFlag("steps", 1, 1_000_000), 300)
    .option("--restarts <r>", "restarts per probed size", intFlag("restarts", 1, 100), 2)
    .option("--max-examples <n>", "largest probed size (aot: default vocab^S; mha/ks: 256)", intFlag("max-examples", 1, 1 << 20))
    .option("--workers <w>", "worker threads for training (default: cores)", intFlag("workers", 0, 256))
    .option("--seed <s>", "base seed", intFlag("seed", 0, 2 ** 31 - 1), 1)
    .option("--backend <b>", "training backend: cpu | webgpu (float32; configurations run in this thread)", "cpu")
    .option("--batched", "webgpu: train a probe's restarts side by side in one set of dispatches")
    .option("--json", "print the report(s) as JSON")
    .action(async (f: { paper?: string; budget?: string; out?: string; steps: number; restarts: number; maxExamples?: number; workers?: number; seed: number; backend: string; batched?: boolean; json?: boolean }) => {
      if (!(BACKENDS as readonly string[]).includes(f.backend)) throw new UserError(`--backend must be one of ${BACKENDS.join(", ")}, got "${f.backend}"`);
      if (f.batched && f.backend !== "webgpu") throw new UserError("--batched needs --backend webgpu");
      const named = f.paper === undefined ? undefined : paperId(f.paper);
      if (f.paper !== undefined && named === undefined) throw new UserError(`--paper must be one of ${paperNames()}, got "${f.paper}"`);
      if (f.budget !== undefined && f.paper === undefined) throw new UserError("--budget needs --paper (the grid keys depend on the model)");
      const papers: Paper[] = named ? [named] : [...PAPERS];
      const reports: CrosscheckReport[] = [];
      for (const paper of papers) {
        try {
          reports.push(await crosscheck({ paper, grid: f.budget, out: f.out, steps: f.steps, restarts: f.restarts, maxExamples: f.maxExamples, workers: f.workers ?? defaultWorkers(), seed: f.seed, backend: f.backend as BackendName, batched: !!f.batched, progress: (s) => process.stderr.write(s + "\n") }));
        } catch (e) {
          if (e instanceof GridError || e instanceof RangeError) throw new UserError(`--budget: ${e.message}`);
          throw e;
        }
      }
      emit(!!f.json, reports.length === 1 ? reports[0] : reports, () => reports.map(formatCrosscheck).join("\n\n"));
    });
}
