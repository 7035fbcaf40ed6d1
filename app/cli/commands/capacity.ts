/**
 * `memcap capacity`: for every configuration of a grid, the largest number of training examples a
 * trained model memorizes (float measurement), searched with restarts; results append to a JSONL
 * file and a killed run resumes; `--certify` turns each capacity into a certified lower bound (the
 * trained weights' certificate, re-checked by proofs-check). docs/capacity.md.
 */
import type { Command } from "commander";
import { GridError, describePoint, parseGrid, parseShard } from "../../capacity/grid.ts";
import { DEFAULT_SEARCH, makeJob, type SearchSettings } from "../../capacity/probe.ts";
import { certifyCapacity } from "../../capacity/certify.ts";
import { join } from "node:path";
import { defaultWorkers, runSweep } from "../../capacity/run.ts";
import { FLOAT_NOTE } from "../../capacity/search-job.ts";
import { CAPACITY_DEFINITION, formatCapacity } from "../../capacity/definition.ts";
import { BACKENDS, type BackendName } from "../../../src/train/backends.ts";
import { MODEL_NAMES, type ModelName } from "../../../src/train/models.ts";
import { UserError } from "../../../src/errors.ts";
import { emit, intFlag, numberFlag } from "../output.ts";
import { checkOutput } from "../../../src/io/output.ts";

interface Flags {
  model: string;
  grid: string;
  restarts: number;
  criterion: string;
  threshold?: number;
  out?: string;
  shard: string;
  workers?: number;
  seed: number;
  minExamples: number;
  maxExamples: number;
  steps: number;
  lr: number;
  batch: number;
  warmup: number;
  backend: string;
  batched?: boolean;
  json?: boolean;
  certify?: boolean;
  certificates?: string;
}

export function register(program: Command): void {
  program
    .command("capacity")
    .description("largest number of examples a trained model memorizes (float measurement), per grid configuration; resumable JSONL")
    .requiredOption("--model <name>", `model: ${MODEL_NAMES.join(" | ")}`)
    .requiredOption("--grid <spec>", 'configurations, e.g. "H=1..31:5;d=10;dh=10;vocab=50" (keys: H d dh S vocab|N classes blocks m q attn steps lr batch warmup; a..b[:step] ranges; docs/capacity.md)')
    .option("--restarts <r>", "training restarts per probed size (success if any meets the criterion)", intFlag("restarts", 1, 1000), DEFAULT_SEARCH.restarts)
    .option("--criterion <c>", "acc: 100% training accuracy; loss: whole-set training loss below --threshold", "acc")
    .option("--threshold <x>", "loss threshold for --criterion loss (Kajitsuka–Sato: 0.01)", numberFlag("threshold", 0, 1e9))
    .option("--out <file.jsonl>", "append one line per finished configuration; rerunning skips those already there")
    .option("--shard <i/k>", "run only configurations j with j mod k = i (0-based, e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT)", "0/1")
    .option("--workers <w>", "worker threads (default: number of cores; 0 = this thread)", intFlag("workers", 0, 256))
    .option("--seed <s>", "base seed (data pools and every restart's seed derive from it; recorded)", intFlag("seed", 0, 2 ** 31 - 1), DEFAULT_SEARCH.seed)
    .option("--min-examples <n>", "first probed size", intFlag("min-examples", 1, 1 << 24), DEFAULT_SEARCH.min)
    .option("--max-examples <n>", "largest probed size (0: aot family vocab^S, ks/mha 4096)", intFlag("max-examples", 0, 1 << 24), DEFAULT_SEARCH.max)
    .option("--steps <n>", "training steps per restart (grid key steps overrides)", intFlag("steps", 1, 10_000_000), DEFAULT_SEARCH.steps)
    .option("--lr <x>", "peak learning rate (grid key lr overrides)", numberFlag("lr", 1e-12, 10), DEFAULT_SEARCH.lr)
    .option("--batch <n>", "batch size, capped at n (full batch: early stop at 100%)", intFlag("batch", 1, 1 << 20), DEFAULT_SEARCH.batch)
    .option("--warmup <n>", "warmup steps", intFlag("warmup", 0, 10_000_000), DEFAULT_SEARCH.warmup)
    .option("--backend <b>", `training backend: ${BACKENDS.join(" | ")} (webgpu: float32, configurations run in this thread)`, "cpu")
    .option("--batched", "webgpu: train a probe's restarts side by side in one set of dispatches")
    .option("--json", "print the finished records as one JSON document")
    .option("--certify", "turn each capacity into a certified lower bound: retrain the successful restart from its seed, certify the examples its rationalized weights memorize (intervals for softmax), re-check with proofs-check")
    .option("--certificates <dir>", "with --certify: write each certificate there (capacity-<index>.json)")
    .action(async (f: Flags) => {
      if (!(BACKENDS as readonly string[]).includes(f.backend)) throw new UserError(`--backend must be one of ${BACKENDS.join(", ")}, got "${f.backend}"`);
      if (f.batched && f.backend !== "webgpu") throw new UserError("--batched needs --backend webgpu");
      if (!(MODEL_NAMES as readonly string[]).includes(f.model)) throw new UserError(`--model must be one of ${MODEL_NAMES.join(", ")}, got "${f.model}"`);
      if (f.criterion !== "acc" && f.criterion !== "loss") throw new UserError(`--criterion must be acc or loss, got "${f.criterion}"`);
      if (f.criterion === "loss" && f.threshold === undefined) throw new UserError("--criterion loss needs --threshold X");
      if (f.criterion === "acc" && f.threshold !== undefined) throw new UserError("--threshold applies only to --criterion loss");
      if (f.out !== undefined && !f.out.endsWith(".jsonl")) throw new UserError(`--out must name a .jsonl file, got "${f.out}"`);
      if (f.out !== undefined) checkOutput(f.out, { what: "capacity log" }); // before any training
      if (f.certify && f.criterion !== "acc") throw new UserError("--certify needs --criterion acc (a loss threshold is not a per-example memorization criterion)");
      if (f.certificates && !f.certify) throw new UserError("--certificates needs --certify");
      const model = f.model as ModelName;
      let grid, shard;
      try {
        grid = parseGrid(f.grid, model);
        shard = parseShard(f.shard);
      } catch (e) {
        if (e instanceof GridError) throw new UserError(e.message);
        throw e;
      }
      const settings: SearchSettings = {
        criterion: f.criterion, threshold: f.threshold ?? DEFAULT_SEARCH.threshold, restarts: f.restarts, seed: f.seed,
        min: f.minExamples, max: f.maxExamples, steps: f.steps, lr: f.lr, batch: f.batch, warmup: f.warmup,
        ...(f.backend !== "cpu" ? { backend: f.backend as BackendName } : {}), ...(f.batched ? { batched: true } : {}),
      };
      const say = (s: string) => process.stderr.write(s + "\n");
      let res;
      try {
        res = await runSweep({
          grid, settings, shard, out: f.out, workers: f.workers ?? defaultWorkers(),
          onEvent: (e) => {
            if (e.type === "start") say(`capacity: ${e.total} configuration(s) in shard ${shard.index}/${shard.count}, ${e.skipped} already in ${f.out ?? "(no --out)"}, ${e.pending} to run on ${e.workers} worker(s)${e.truncatedBytes ? `; cut a half-written last line (${e.truncatedBytes} bytes)` : ""}`);
            else if (e.type === "probe") say(`  [${e.point}] n=${e.probe.n}: ${e.probe.ok ? "memorized" : "not memorized"} (${e.probe.restarts.length} restart(s), best acc ${Math.max(...e.probe.restarts.map((r) => r.accuracy)).toFixed(3)})`);
            else say(`[${e.finished}/${e.pending}] ${e.point}: capacity ${formatCapacity(e.record)}${e.record.capped ? " (capped at max)" : ""} (${e.record.probes.length} probes, ${e.record.seconds.toFixed(1)}s)`);
          },
        });
      } catch (e) {
        if (e instanceof RangeError) throw new UserError(e.message);
        throw e;
      }
      // certified lower bounds (after the sweep, so that the JSONL file stays the float search's record)
      const certified = new Map<string, { capacity: number; certified: number; undecided: number; lowerBound: number | null; verdict: string; arithmetic: string; certificate: string | null; seconds: number }>();
      if (f.certify) {
        for (const r of res.records) {
          const file = f.certificates ? join(f.certificates, `capacity-${r.index}.json`) : undefined;
          const c = await certifyCapacity(makeJob(model, r.point, settings), r, file);
          if (!c) continue;
          certified.set(r.key, { capacity: r.capacity, certified: c.certified, undecided: c.undecided, lowerBound: c.lowerBound, verdict: c.verdict, arithmetic: c.arithmetic, certificate: c.file, seconds: c.seconds });
          say(`  [${describePoint(r.point)}] n=${r.capacity}: ${c.certified}/${r.capacity} certified (${c.arithmetic}), proofs-check ${c.verdict}`);
        }
      }
      const certLine = (key: string): string => {
        const c = certified.get(key);
        if (!c) return f.certify ? "  (nothing to certify)" : "";
        return c.lowerBound !== null ? `  certified lower bound ${c.lowerBound} (VERIFIED)` : `  certified ${c.certified}/${c.capacity} (${c.verdict}): the capacity stays FLOAT`;
      };
      const records = f.certify ? res.records.map((r) => ({ ...r, certified: certified.get(r.key) ?? null })) : res.records;
      emit(!!f.json, { model, grid: f.grid, shard: `${shard.index}/${shard.count}`, out: f.out ?? null, skipped: res.skipped, computed: res.computed, seconds: res.seconds, definition: CAPACITY_DEFINITION, note: FLOAT_NOTE, records }, () =>
        [
          `capacity search, --model ${model}, criterion ${settings.criterion === "acc" ? "100% training accuracy" : `loss < ${settings.threshold}`}, best of ${settings.restarts} restart(s), seed ${settings.seed}, backend ${f.backend}${f.batched ? " (batched)" : ""}`,
          `(${CAPACITY_DEFINITION})`,
          ...res.records.map((r) => `  ${describePoint(r.point).padEnd(40)} capacity ${formatCapacity(r).padStart(7)}  parameters ${r.parameters}  (${r.probes.length} probes)${r.bestAccuracy ? `  best accuracy at n=${r.bestAccuracy.n}: ${r.bestAccuracy.correct}/${r.bestAccuracy.n}` : ""}${certLine(r.key)}`),
          `${res.computed} computed, ${res.skipped} resumed from ${f.out ?? "-"}, ${res.seconds.toFixed(1)}s`,
          `(${FLOAT_NOTE})`,
        ].join("\n"),
      );
    });
}
