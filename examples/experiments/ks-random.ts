/**
 * Kajitsuka & Sato's random-data experiment (ICLR 2025, App. H.2, pp. 41–42) with their tuning procedure at a
 * budget this machine affords: N random sequences of n tokens in R^6 (entries U[0,1)), Rademacher ±1 labels, MSE;
 * the model of eq. (165) (p. 40) with q = 4m, m = 2; per (n, #blocks) K trials of full-batch AdamW for `epochs`
 * epochs, each with a sampled learning rate and warmup interval (ks-tuning.ts), the best trial kept; the minimum
 * #blocks is the smallest one whose best training MSE is below the threshold (0.01, p. 41). The paper finds 4 for
 * every n ∈ {10, 100, 1000, 10000} at N = 500 (p. 41).
 *
 * `--peer` runs every trial a second time in PyTorch (bench/ks_random_torch.py, one thread): same data, same initial
 * weights, same hyperparameters, same precision — it separates "the task is hard at this budget" from "memcap's
 * trainer is worse". `--trials 0` trains once per #blocks with `--lr` and `--warmup` (no tuning).
 *
 *   npx tsx examples/experiments/ks-random.ts [--N 500 --n 10,100,1000 --minBlocks 1 --maxBlocks 6 --epochs 1000
 *       --trials 2 --lrMin 0.001 --lrMax 0.1 --warmupMin 0 --warmupMax 200 --weightDecay 0.01 --schedule cosine
 *       --precision f64|f32 --workers 2 --seed 1 --peer --peerInit memcap|torch --python /tmp/train-f32-venv/bin/python
 *       --out ks-random --part main --log trials.jsonl --json]
 *
 * `--epochs` takes a list (E1,E2,…): the same trials (seeds, learning rates, warmups) are trained at every budget.
 * Writes the part's results to <out>.<part>.json next to this script and renders <out>.md from every
 * <out>.*.json part there (`--out -`: writes nothing, prints this part's document); `--json` prints the part's
 * JSON on stdout; `--renderOnly` re-renders <out>.md from the parts present and trains nothing; progress goes to stderr, and `--log FILE` appends every finished trial to FILE as it ends. Every MSE is a FLOAT measurement of a float model, not a certificate.
 */
import { existsSync } from "node:fs";
import { openJsonlLog, writeFileAtomic } from "../../src/io/output.ts";
import { SCHEDULES, type Schedule } from "../../src/train/schedule.ts";
import { buildModel, ksPaperParameterCount } from "../../src/train/models.ts";
import { BACKEND, flags, PRECISION, say } from "./common.ts";
import { readParts, renderDocument, type Engine, type EngineCell, type Part, type PartRow } from "./ks-random-doc.ts";
import { bestTrial, DEFAULT_SPACE, ksConfig, memcapJob, minimumBlocks, PeerData, runPeerTrial, runTasks, trialSpecs, type PoolTask, type SearchSpace, type TrialOutcome, type TrialSettings, type TrialSpec } from "./ks-tuning.ts";

const PAPER_MINIMUM = 4; // p. 41: #blocks = 4 is the smallest model that memorizes, for every n
const PEER_SCRIPT = new URL("../../bench/ks_random_torch.py", import.meta.url).pathname;

const f = parseFlags(() => flags({
  seed: 1, N: 500, n: [10, 100, 1000], minBlocks: 1, maxBlocks: 6, epochs: [1000], trials: 2, lr: 0.03, warmup: 10,
  lrMin: DEFAULT_SPACE.lr[0], lrMax: DEFAULT_SPACE.lr[1], warmupMin: DEFAULT_SPACE.warmup[0], warmupMax: DEFAULT_SPACE.warmup[1],
  weightDecay: 0.01, schedule: "cosine", threshold: 0.01, workers: 2, peer: false, peerInit: "memcap",
  python: "/tmp/train-f32-venv/bin/python", out: "ks-random", part: "main", log: "", json: false, renderOnly: false,
}));

/** Bad flags: one `ks-random: …` line and exit 2, no stack trace. */
function parseFlags<T>(parse: () => T): T {
  try {
    if (BACKEND !== "cpu") throw new Error("ks-random trains on the CPU backend only (its trials run on worker threads)");
    return parse();
  } catch (e) {
    process.stderr.write(`ks-random: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
}

function check(): void {
  const int = (v: number, name: string, min: number) => {
    if (!(Number.isInteger(v) && v >= min)) throw new RangeError(`--${name} must be an integer ≥ ${min}, got ${v}`);
  };
  int(f.N, "N", 1);
  f.n.forEach((n) => int(n, "n", 1));
  int(f.minBlocks, "minBlocks", 0);
  int(f.maxBlocks, "maxBlocks", f.minBlocks);
  f.epochs.forEach((e) => int(e, "epochs", 1));
  if (f.out !== "-" && !/^[A-Za-z0-9_-]+$/.test(f.out)) throw new RangeError(`--out must be a plain name (letters, digits, _ -) or -, got "${f.out}"`);
  if (!/^[A-Za-z0-9_-]+$/.test(f.part)) throw new RangeError(`--part must be a plain name (letters, digits, _ -), got "${f.part}"`);
  int(f.trials, "trials", 0);
  int(f.warmup, "warmup", 0);
  int(f.workers, "workers", 0);
  if (f.workers > 2) throw new RangeError("--workers is at most 2 on this shared 2-core machine");
  if (!(f.lr > 0)) throw new RangeError(`--lr must be positive, got ${f.lr}`);
  if (!(SCHEDULES as readonly string[]).includes(f.schedule)) throw new RangeError(`--schedule must be one of ${SCHEDULES.join(", ")}`);
  if (!(f.weightDecay >= 0)) throw new RangeError(`--weightDecay must be ≥ 0, got ${f.weightDecay}`);
  if (f.peerInit !== "memcap" && f.peerInit !== "torch") throw new RangeError(`--peerInit must be memcap or torch, got ${f.peerInit}`);
  if (f.peer && !existsSync(f.python)) throw new RangeError(`--peer needs PyTorch's python at --python ${f.python} (not found)`);
}

interface TrialRecord extends TrialSpec, TrialOutcome {
  engine: Engine;
  epochs: number;
  cpuSeconds?: number;
}

async function main(): Promise<void> {
  check();
  if (f.renderOnly) {
    // re-render <out>.md from the parts already written, training nothing
    const dir = new URL("./", import.meta.url).pathname;
    const parts = readParts(dir, f.out);
    if (!parts.length) throw new RangeError(`--renderOnly: no ${f.out}.*.json parts next to the script`);
    writeFileAtomic(`${dir}${f.out}.md`, renderDocument(parts));
    say(`wrote examples/experiments/${f.out}.md from ${parts.length} part(s)`);
    return;
  }
  const space: SearchSpace = { lr: [f.lrMin, f.lrMax], warmup: [f.warmupMin, f.warmupMax] };
  const blocksList = Array.from({ length: f.maxBlocks - f.minBlocks + 1 }, (_, i) => f.minBlocks + i);
  const settings = (n: number, blocks: number, epochs: number): TrialSettings => ({ N: f.N, n, blocks, epochs, dataSeed: f.seed, precision: PRECISION, weightDecay: f.weightDecay, schedule: f.schedule as Schedule });
  // the same K trials (hyperparameters and initial weights) for every epoch budget: they depend on (seed, n, #blocks, k) only
  const specsFor = (n: number, blocks: number): TrialSpec[] =>
    f.trials > 0 ? trialSpecs({ seed: f.seed, n, blocks, trials: f.trials, space }) : trialSpecs({ seed: f.seed, n, blocks, trials: 1, space: { lr: [f.lr, f.lr], warmup: [f.warmup, f.warmup] } });
  const engines = f.peer ? (["memcap", "pytorch"] as const) : (["memcap"] as const);
  const work: { engine: Engine; spec: TrialSpec; epochs: number; cost: number }[] = [];
  for (const n of f.n) for (const epochs of f.epochs) for (const b of blocksList) for (const spec of specsFor(n, b)) for (const engine of engines) work.push({ engine, spec, epochs, cost: n * (b + 1) * epochs });
  // longest first, so that the two workers finish together
  const order = work.map((_, i) => i).sort((a, b) => work[b]!.cost - work[a]!.cost || a - b);
  const peerData = f.peer ? new PeerData() : null;
  const records: (TrialRecord | undefined)[] = new Array(work.length);
  const tasks: PoolTask<TrialOutcome>[] = order.map((i) => {
    const w = work[i]!, job = memcapJob(settings(w.spec.n, w.spec.blocks, w.epochs), w.spec);
    return w.engine === "memcap" ? { kind: "memcap", job } : { kind: "peer", run: () => runPeerTrial(job, peerData!, f.python, PEER_SCRIPT, f.peerInit as "memcap" | "torch") };
  });
  say(`ks-random: ${work.length} trials (${f.n.length} n × ${f.epochs.length} epoch budget(s) × ${blocksList.length} #blocks × ${Math.max(1, f.trials)} trial(s)${f.peer ? " × 2 engines" : ""}) on ${f.workers} worker(s), ${PRECISION}`);
  const t0 = performance.now();
  let finished = 0;
  // every finished trial as one JSON line, so that an interrupted long run keeps what it measured
  const log = f.log ? openJsonlLog(f.log) : null;
  try {
    await runTasks(tasks, f.workers, (k, r) => {
      const i = order[k]!, w = work[i]!;
      records[i] = { engine: w.engine, epochs: w.epochs, ...w.spec, ...(r as TrialOutcome) };
      log?.append(records[i]!);
      finished++;
      const el = (performance.now() - t0) / 1000;
      say(`[${finished}/${work.length}] ${w.engine} n=${w.spec.n} epochs=${w.epochs} blocks=${w.spec.blocks} trial ${w.spec.trial} (init seed ${w.spec.initSeed}): lr ${w.spec.lr.toExponential(3)} warmup ${w.spec.warmup} → MSE ${r.mse.toExponential(3)} sign-error ${r.signError.toFixed(3)} (${r.seconds.toFixed(1)} s; ${el.toFixed(0)} s elapsed)`);
    });
  } finally {
    peerData?.dispose();
    log?.close();
  }
  const wall = (performance.now() - t0) / 1000;
  const all = records as TrialRecord[];
  const rows: PartRow[] = f.n.flatMap((n) => f.epochs.map((epochs) => {
    const byBlocks = blocksList.map((blocks): PartRow["byBlocks"][number] => {
      const per: Record<string, EngineCell> = {};
      for (const e of engines) {
        const trials = all.filter((r) => r.engine === e && r.n === n && r.epochs === epochs && r.blocks === blocks).sort((a, b) => a.trial - b.trial);
        const best = bestTrial(trials.map((t) => t.mse));
        per[e] = { best, bestMse: best >= 0 ? trials[best]!.mse : NaN, bestSignError: best >= 0 ? trials[best]!.signError : NaN, trials: trials.map(({ engine: _e, n: _n, blocks: _b, epochs: _p, ...t }) => t) };
      }
      return { blocks, parameters: buildModel(ksConfig({ N: 1, n, blocks }), 1).paramCount, paperParameters: ksPaperParameterCount({ d: 6, m: 2, q: 8, s: 2, blocks }), ...per };
    });
    const minOf = (key: "bestMse" | "bestSignError") => Object.fromEntries(engines.map((e) => [e, minimumBlocks(new Map(byBlocks.map((b) => [b.blocks, (b[e] as EngineCell)[key]])), f.threshold)]));
    return { n, epochs, paperMinimum: PAPER_MINIMUM, minimum: minOf("bestMse"), minimumSignError: minOf("bestSignError"), byBlocks };
  }));
  const initGap = f.peer && f.peerInit === "memcap"
    ? Math.max(...all.filter((r) => r.engine === "memcap").map((m) => Math.abs(all.find((p) => p.engine === "pytorch" && p.n === m.n && p.epochs === m.epochs && p.blocks === m.blocks && p.trial === m.trial)!.initMse - m.initMse)))
    : null;
  const sum = (e: string) => all.filter((r) => r.engine === e).reduce((a, r) => a + r.seconds, 0);
  const result: Part = {
    experiment: "Kajitsuka & Sato ICLR 2025, App. H.2 random data (pp. 41–42)", measurement: "FLOAT", part: f.part, command: commandLine(),
    N: f.N, d: 6, m: 2, q: 8, s: 2, threshold: f.threshold, dataSeed: f.seed, seed: f.seed, blocks: [f.minBlocks, f.maxBlocks],
    tuning: f.trials > 0 ? { sampler: "seeded random search", trials: f.trials, lr: space.lr, lrScale: "log-uniform", warmup: space.warmup, warmupScale: "uniform integer (epochs)", keep: "best-of trials (lowest final training MSE)" } : { sampler: "none", trials: 0, lr: f.lr, warmup: f.warmup },
    training: { optimizer: "AdamW", batch: "full", epochs: f.epochs, weightDecay: f.weightDecay, betas: [0.9, 0.999], eps: 1e-8, schedule: `linear warmup, then ${f.schedule}`, precision: PRECISION, init: "memcap N(0, 1/fan_in) weights, zero biases" },
    peer: f.peer ? { script: "bench/ks_random_torch.py", threads: 1, sameData: true, init: f.peerInit === "memcap" ? "memcap's initial weights (the same as memcap's trial)" : "PyTorch nn.Linear defaults U(±1/√fan_in) for weights and biases, from the trial's init seed", maxInitMseGap: initGap } : null,
    workers: f.workers, wallSeconds: wall, trainSeconds: Object.fromEntries(engines.map((e) => [e, sum(e)])),
    rows,
  };
  if (f.out !== "-") {
    const dir = new URL("./", import.meta.url).pathname;
    writeFileAtomic(`${dir}${f.out}.${f.part}.json`, JSON.stringify(result, null, 1) + "\n");
    const md = renderDocument(readParts(dir, f.out));
    writeFileAtomic(`${dir}${f.out}.md`, md);
    say(`wrote examples/experiments/${f.out}.${f.part}.json and ${f.out}.md (from every ${f.out}.*.json part)`);
    if (!f.json) process.stdout.write(md);
  } else if (!f.json) process.stdout.write(renderDocument([result]));
  if (f.json) process.stdout.write(JSON.stringify(result) + "\n");
}

function commandLine(): string {
  return `npx tsx examples/experiments/ks-random.ts --seed ${f.seed} --N ${f.N} --n ${f.n.join(",")} --minBlocks ${f.minBlocks} --maxBlocks ${f.maxBlocks} --epochs ${f.epochs.join(",")} --trials ${f.trials}` +
    (f.trials > 0 ? ` --lrMin ${f.lrMin} --lrMax ${f.lrMax} --warmupMin ${f.warmupMin} --warmupMax ${f.warmupMax}` : ` --lr ${f.lr} --warmup ${f.warmup}`) +
    ` --weightDecay ${f.weightDecay} --schedule ${f.schedule} --precision ${PRECISION} --threshold ${f.threshold} --workers ${f.workers}${f.peer ? ` --peer --peerInit ${f.peerInit}` : ""} --out ${f.out} --part ${f.part}`;
}

main().catch((e: unknown) => {
  process.stderr.write(`ks-random: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof RangeError ? 2 : 1);
});
