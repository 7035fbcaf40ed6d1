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
 *       --trials 2 --lrMin 0.001 --lrMax 0.3 --warmupMin 0 --warmupMax 300 --weightDecay 0.01 --schedule cosine
 *       --precision f32 --workers 2 --seed 1 --peer --peerInit memcap|torch --python /tmp/train-f32-venv/bin/python
 *       --out ks-random --json]
 *
 * Writes <out>.md and <out>.json next to this script (`--out -`: neither), `--json` prints the JSON on stdout;
 * progress goes to stderr. Every MSE is a FLOAT measurement of a float model, not a certificate.
 */
import { existsSync } from "node:fs";
import { writeFileAtomic } from "../../src/io/output.ts";
import { SCHEDULES, type Schedule } from "../../src/train/schedule.ts";
import { buildModel, ksPaperParameterCount } from "../../src/train/models.ts";
import { BACKEND, flags, say } from "./common.ts";
import { bestTrial, DEFAULT_SPACE, ksConfig, memcapJob, minimumBlocks, PeerData, runPeerTrial, runTasks, trialSpecs, type PoolTask, type SearchSpace, type TrialOutcome, type TrialSettings, type TrialSpec } from "./ks-tuning.ts";

const PAPER_MINIMUM = 4; // p. 41: #blocks = 4 is the smallest model that memorizes, for every n
const PEER_SCRIPT = new URL("../../bench/ks_random_torch.py", import.meta.url).pathname;

const f = parseFlags(() => flags({
  seed: 1, N: 500, n: [10, 100, 1000], minBlocks: 1, maxBlocks: 6, epochs: 1000, trials: 2, lr: 0.03, warmup: 10,
  lrMin: DEFAULT_SPACE.lr[0], lrMax: DEFAULT_SPACE.lr[1], warmupMin: DEFAULT_SPACE.warmup[0], warmupMax: DEFAULT_SPACE.warmup[1],
  weightDecay: 0.01, schedule: "cosine", precision: "f32", threshold: 0.01, workers: 2, peer: false, peerInit: "memcap",
  python: "/tmp/train-f32-venv/bin/python", out: "ks-random", json: false,
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
  int(f.epochs, "epochs", 1);
  int(f.trials, "trials", 0);
  int(f.warmup, "warmup", 0);
  int(f.workers, "workers", 0);
  if (f.workers > 2) throw new RangeError("--workers is at most 2 on this shared 2-core machine");
  if (!(f.lr > 0)) throw new RangeError(`--lr must be positive, got ${f.lr}`);
  if (!(SCHEDULES as readonly string[]).includes(f.schedule)) throw new RangeError(`--schedule must be one of ${SCHEDULES.join(", ")}`);
  if (f.precision !== "f32" && f.precision !== "f64") throw new RangeError(`--precision must be f32 or f64, got ${f.precision}`);
  if (!(f.weightDecay >= 0)) throw new RangeError(`--weightDecay must be ≥ 0, got ${f.weightDecay}`);
  if (f.peerInit !== "memcap" && f.peerInit !== "torch") throw new RangeError(`--peerInit must be memcap or torch, got ${f.peerInit}`);
  if (f.peer && !existsSync(f.python)) throw new RangeError(`--peer needs PyTorch's python at --python ${f.python} (not found)`);
}

interface TrialRecord extends TrialSpec, TrialOutcome {
  engine: "memcap" | "pytorch";
  cpuSeconds?: number;
}

async function main(): Promise<void> {
  check();
  const space: SearchSpace = { lr: [f.lrMin, f.lrMax], warmup: [f.warmupMin, f.warmupMax] };
  const blocksList = Array.from({ length: f.maxBlocks - f.minBlocks + 1 }, (_, i) => f.minBlocks + i);
  const settings = (n: number, blocks: number): TrialSettings => ({ N: f.N, n, blocks, epochs: f.epochs, dataSeed: f.seed, precision: f.precision as "f32" | "f64", weightDecay: f.weightDecay, schedule: f.schedule as Schedule });
  const specsFor = (n: number, blocks: number): TrialSpec[] =>
    f.trials > 0 ? trialSpecs({ seed: f.seed, n, blocks, trials: f.trials, space }) : trialSpecs({ seed: f.seed, n, blocks, trials: 1, space: { lr: [f.lr, f.lr], warmup: [f.warmup, f.warmup] } });
  const work: { engine: TrialRecord["engine"]; spec: TrialSpec; cost: number }[] = [];
  for (const n of f.n) for (const b of blocksList) for (const spec of specsFor(n, b)) for (const engine of f.peer ? (["memcap", "pytorch"] as const) : (["memcap"] as const)) work.push({ engine, spec, cost: n * (b + 1) });
  // longest first, so that the two workers finish together
  const order = work.map((_, i) => i).sort((a, b) => work[b]!.cost - work[a]!.cost || a - b);
  const peerData = f.peer ? new PeerData() : null;
  const records: (TrialRecord | undefined)[] = new Array(work.length);
  const tasks: PoolTask<TrialOutcome>[] = order.map((i) => {
    const w = work[i]!, job = memcapJob(settings(w.spec.n, w.spec.blocks), w.spec);
    return w.engine === "memcap" ? { kind: "memcap", job } : { kind: "peer", run: () => runPeerTrial(job, peerData!, f.python, PEER_SCRIPT, f.peerInit as "memcap" | "torch") };
  });
  say(`ks-random: ${work.length} trials (${f.n.length} n × ${blocksList.length} #blocks × ${Math.max(1, f.trials)} trial(s)${f.peer ? " × 2 engines" : ""}) on ${f.workers} worker(s), ${f.epochs} epochs each, ${f.precision}`);
  const t0 = performance.now();
  let finished = 0;
  try {
    await runTasks(tasks, f.workers, (k, r) => {
      const i = order[k]!, w = work[i]!;
      records[i] = { engine: w.engine, ...w.spec, ...(r as TrialOutcome) };
      finished++;
      const el = (performance.now() - t0) / 1000;
      say(`[${finished}/${work.length}] ${w.engine} n=${w.spec.n} blocks=${w.spec.blocks} trial ${w.spec.trial} (init seed ${w.spec.initSeed}): lr ${w.spec.lr.toExponential(3)} warmup ${w.spec.warmup} → MSE ${r.mse.toExponential(3)} sign-error ${r.signError.toFixed(3)} (${r.seconds.toFixed(1)} s; ${el.toFixed(0)} s elapsed)`);
    });
  } finally {
    peerData?.dispose();
  }
  const wall = (performance.now() - t0) / 1000;
  const all = records as TrialRecord[];

  const engines = f.peer ? (["memcap", "pytorch"] as const) : (["memcap"] as const);
  const rows = f.n.map((n) => {
    const byBlocks = blocksList.map((blocks) => {
      const built = buildModel(ksConfig({ N: 1, n, blocks }), 1).paramCount;
      const paper = ksPaperParameterCount({ d: 6, m: 2, q: 8, s: 2, blocks });
      const per = Object.fromEntries(engines.map((e) => {
        const trials = all.filter((r) => r.engine === e && r.n === n && r.blocks === blocks).sort((a, b) => a.trial - b.trial);
        const best = bestTrial(trials.map((t) => t.mse));
        return [e, { best, bestMse: best >= 0 ? trials[best]!.mse : NaN, bestSignError: best >= 0 ? trials[best]!.signError : NaN, trials: trials.map(({ engine: _e, n: _n, blocks: _b, ...t }) => t) }];
      }));
      return { blocks, parameters: built, paperParameters: paper, ...per };
    });
    const minimum = Object.fromEntries(engines.map((e) => [e, minimumBlocks(new Map(byBlocks.map((b) => [b.blocks, (b as unknown as Record<string, { bestMse: number }>)[e]!.bestMse])), f.threshold)]));
    const minimumSignError = Object.fromEntries(engines.map((e) => [e, minimumBlocks(new Map(byBlocks.map((b) => [b.blocks, (b as unknown as Record<string, { bestSignError: number }>)[e]!.bestSignError])), f.threshold)]));
    return { n, paperMinimum: PAPER_MINIMUM, minimum, minimumSignError, byBlocks };
  });
  const initGap = f.peer && f.peerInit === "memcap" ? Math.max(...f.n.flatMap((n) => blocksList.flatMap((b) => all.filter((r) => r.n === n && r.blocks === b && r.engine === "memcap").map((m) => {
    const p = all.find((r) => r.engine === "pytorch" && r.n === n && r.blocks === b && r.trial === m.trial)!;
    return Math.abs(p.initMse - m.initMse);
  })))) : null;
  const sum = (e: string) => all.filter((r) => r.engine === e).reduce((a, r) => a + r.seconds, 0);
  const result = {
    experiment: "Kajitsuka & Sato ICLR 2025, App. H.2 random data (pp. 41–42)", measurement: "FLOAT",
    N: f.N, d: 6, m: 2, q: 8, s: 2, threshold: f.threshold, dataSeed: f.seed, seed: f.seed,
    tuning: f.trials > 0 ? { sampler: "seeded random search", trials: f.trials, lr: space.lr, lrScale: "log-uniform", warmup: space.warmup, warmupScale: "uniform integer (epochs)", keep: "best-of trials (lowest final training MSE)" } : { sampler: "none", trials: 0, lr: f.lr, warmup: f.warmup },
    training: { optimizer: "AdamW", batch: "full", epochs: f.epochs, weightDecay: f.weightDecay, betas: [0.9, 0.999], eps: 1e-8, schedule: `linear warmup, then ${f.schedule}`, precision: f.precision, init: "memcap N(0, 1/fan_in) weights, zero biases" },
    peer: f.peer ? { script: "bench/ks_random_torch.py", threads: 1, sameData: true, init: f.peerInit === "memcap" ? "memcap's initial weights (the same as memcap's trial)" : "PyTorch nn.Linear defaults U(±1/√fan_in) for weights and biases, from the trial's init seed", maxInitMseGap: initGap } : null,
    workers: f.workers, wallSeconds: wall, trainSeconds: Object.fromEntries(engines.map((e) => [e, sum(e)])),
    rows,
  };
  const md = document(result);
  if (f.out !== "-") {
    writeFileAtomic(new URL(`./${f.out}.json`, import.meta.url).pathname, JSON.stringify(result, null, 1) + "\n");
    writeFileAtomic(new URL(`./${f.out}.md`, import.meta.url).pathname, md);
    say(`wrote examples/experiments/${f.out}.md and .json`);
  }
  process.stdout.write(f.json ? JSON.stringify(result) + "\n" : md);
}

type Result = {
  rows: { n: number; minimum: Record<string, number | null>; minimumSignError: Record<string, number | null>; byBlocks: ({ blocks: number; parameters: number; paperParameters: number } & Record<string, unknown>)[] }[];
  peer: { maxInitMseGap: number | null } | null;
  wallSeconds: number;
  trainSeconds: Record<string, number>;
};

function document(r: Result): string {
  const e3 = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));
  const min = (v: number | null) => (v === null ? `> ${f.maxBlocks}` : String(v));
  const engines = f.peer ? ["memcap", "pytorch"] : ["memcap"];
  const bestCol = (row: Result["rows"][number], e: string) => row.byBlocks.map((b) => `${b.blocks}: ${e3((b[e] as { bestMse: number }).bestMse)}`).join("; ");
  const tuning = f.trials > 0
    ? `**${f.trials} trial(s)** per (n, #blocks), seeded random search: learning rate log-uniform in [${f.lrMin}, ${f.lrMax}], warmup interval a uniform integer in [${f.warmupMin}, ${f.warmupMax}] epochs; the trial with the lowest final training MSE is kept (best-of)`
    : `no tuning: lr ${f.lr}, warmup ${f.warmup} epochs, one run per #blocks`;
  const cmd = `npx tsx examples/experiments/ks-random.ts --seed ${f.seed} --N ${f.N} --n ${f.n.join(",")} --minBlocks ${f.minBlocks} --maxBlocks ${f.maxBlocks} --epochs ${f.epochs} --trials ${f.trials}` +
    (f.trials > 0 ? ` --lrMin ${f.lrMin} --lrMax ${f.lrMax} --warmupMin ${f.warmupMin} --warmupMax ${f.warmupMax}` : ` --lr ${f.lr} --warmup ${f.warmup}`) +
    ` --weightDecay ${f.weightDecay} --schedule ${f.schedule} --precision ${f.precision} --threshold ${f.threshold} --workers ${f.workers}${f.peer ? ` --peer --peerInit ${f.peerInit}` : ""} --out ${f.out}`;
  const lines = [
    "# Kajitsuka & Sato's random-data experiment: minimum #blocks vs sequence length n",
    "",
    "Every MSE here is a **FLOAT measurement** (" + (f.precision === "f32" ? "float32" : "float64") + " training of a float model), not a certificate. Generated by `examples/experiments/ks-random.ts`; all trials, seeds and hyperparameters are in `" + f.out + ".json`.",
    "",
    "## Table",
    "",
    `N = ${f.N}, tokens in R^6 with U[0,1) entries, Rademacher ±1 labels, memorized = best training MSE < ${f.threshold}. ${tuning}. Columns: minimum #blocks, then the best trial's final MSE for every #blocks tried.`,
    "",
    `| n | paper's minimum #blocks | memcap's minimum #blocks | memcap best MSE per #blocks |${f.peer ? " PyTorch peer's minimum #blocks | peer best MSE per #blocks |" : ""}`,
    `|---|---|---|---|${f.peer ? "---|---|" : ""}`,
    ...r.rows.map((row) => `| ${row.n} | ${PAPER_MINIMUM} | ${min(row.minimum.memcap ?? null)} | ${bestCol(row, "memcap")} |${f.peer ? ` ${min(row.minimum.pytorch ?? null)} | ${bestCol(row, "pytorch")} |` : ""}`),
    "",
    `Reading "training error" as the sign error of the best-MSE trial instead (fraction of examples with the wrong sign < ${f.threshold}): minimum #blocks ` +
      r.rows.map((row) => `n = ${row.n}: ${engines.map((e) => `${e} ${min(row.minimumSignError[e] ?? null)}`).join(", ")}`).join("; ") + ".",
    "",
    `Parameters (counted in the built network; equal to the paper's formula d·m + 2·#blocks·(2mq + q + m) + 2ms + m with d 6, m 2, q 8, s 2, for every n): ` +
      r.rows[0]!.byBlocks.map((b) => `${b.blocks} blocks ${b.parameters}${b.parameters === b.paperParameters ? "" : ` (paper formula ${b.paperParameters}!)`}`).join(", ") + ".",
    "",
    r.peer ? `PyTorch peer: bench/ks_random_torch.py, torch.optim.AdamW, one thread, the same data, hyperparameters and ${f.precision === "f32" ? "float32" : "float64"}` + (f.peerInit === "memcap" ? `, memcap's initial weights; largest |initial MSE memcap − peer| over all trials ${e3(r.peer.maxInitMseGap ?? NaN)} (the two compute the same function).` : `, PyTorch's nn.Linear initialization (weights and biases U(±1/√fan_in)) instead of memcap's.`) + ` Training time: memcap ${r.trainSeconds.memcap!.toFixed(0)} s, PyTorch ${r.trainSeconds.pytorch!.toFixed(0)} s summed over trials; ${r.wallSeconds.toFixed(0)} s wall on ${f.workers} worker(s) on a shared 2-core machine.` : `Training time: ${r.trainSeconds.memcap!.toFixed(0)} s summed over trials, ${r.wallSeconds.toFixed(0)} s wall on ${f.workers} worker(s) on a shared 2-core machine.`,
    "",
    `Regenerate: \`${cmd}\``,
    "",
  ];
  return lines.join("\n");
}

main().catch((e: unknown) => {
  process.stderr.write(`ks-random: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(e instanceof RangeError ? 2 : 1);
});
