/**
 * Scale benchmark for Kajitsuka & Sato's Theorem 4.1 network (not a timed test). For each N, in a
 * fresh child process: build ks-next-token (compact or paper variant), verify it exactly on every
 * sequence (the builder's verification, on --threads worker threads), write the certificate (streamed,
 * src/io/json-stream.ts), then re-check it with proofs-check in ANOTHER child process
 * (proofs-check/main.ts --threads, its own worker threads). Prints wall time, CPU time and peak memory
 * of each phase, the total against the budget (issue 19: N = 10⁵ compact, and the paper variant at
 * N = 10⁴, each in under 10 minutes wall on this 2-core machine and under 4 GiB), and the growth
 * exponents in N (least squares on log-log, floats). As a peer in the same run, the one-thread
 * evaluator is timed against the threaded one on the smallest N.
 *
 *   npx tsx bench/ks-scale.ts                          # compact N = 1000, 4000, 10⁴ and paper N = 1000, 4000
 *   npx tsx bench/ks-scale.ts --variant paper 1000 10000
 *   npx tsx bench/ks-scale.ts --one 100000             # one size, the whole pipeline, ends VERIFIED or not
 *   npx tsx bench/ks-scale.ts --one 10000 --variant paper --threads 2
 *   npx tsx bench/ks-scale.ts --estimate 100000 --sample 300   # per-example CPU of both evaluators on a sample,
 *                                                              # extrapolated to N (a FLOAT estimate, not a run)
 *
 * CPU time is user + system of each process, all its threads: under contention wall time also
 * measures the other jobs on the machine, so the load average is printed beside it.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSequenceDataset } from "../src/data/sequences.ts";
import { ksCertificate, runKs, runKsParallel } from "../constructions/kajitsuka-sato/certify.ts";
import type { KsVariant } from "../constructions/kajitsuka-sato/theorem-4-1.ts";
import { writeJsonAtomic } from "../src/io/output.ts";
import { CERTIFICATE_FORMAT, CERTIFICATE_VERSION } from "../src/certificate/format.ts";
import { compileExact } from "../src/eval/exact.ts";
import { buildKsVariant } from "../constructions/kajitsuka-sato/variants.ts";
import { validateCertificate } from "../proofs-check/validate.ts";
import { Evaluator } from "../proofs-check/evaluate.ts";
import { exactArith } from "../proofs-check/exact.ts";
import { batchedOutputs } from "../proofs-check/exact-batch.ts";
import { fitExponentXY as fitExponent } from "../src/numbers/fit.ts";

const SHAPE = { n: 16, d: 8, classes: 2, vocab: 256, seed: 1 };
const BUDGET_S = 600;
const BUDGET_MIB = 4096;

interface Phase {
  wall: number;
  cpu: number;
  peakMiB: number;
}
interface One {
  N: number;
  variant: KsVariant;
  threads: number;
  memorized: number;
  depth: number;
  parameters: number;
  bitComplexity: number;
  certificateMiB: number;
  build: number;
  verify: number;
  write: number;
  builder: Phase;
  check: Phase & { verdict: string };
  peer?: { oneThreadVerify: number; ratio: number };
}

const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

/** Child process: build, verify, write; then the checker in its own child process. */
async function one(N: number, variant: KsVariant, threads: number, peer: boolean): Promise<One> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const ds = generateSequenceDataset({ N, ...SHAPE });
  const { run, certificateParts } = await runKsParallel(ds, { seq2seq: false, seed: SHAPE.seed, variant, threads }, (line) => process.stderr.write(`  ${line}\n`));
  const t1 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), "memcap-ks-scale-"));
  const file = join(dir, "ks.json");
  let check: One["check"] = { verdict: "not run", wall: 0, cpu: 0, peakMiB: 0 };
  let write = 0;
  let certificateMiB = 0;
  try {
    if (run.memorized === run.instances) {
      writeJsonAtomic(file, ksCertificate(ds, run, certificateParts.network, { N, ...SHAPE }));
      write = (performance.now() - t1) / 1000;
      certificateMiB = statSync(file).size / 2 ** 20;
      process.stderr.write(`  certificate written (${write.toFixed(1)} s, ${certificateMiB.toFixed(1)} MiB); re-checking with proofs-check on ${threads} threads\n`);
      check = runChecker(file, threads);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const builder: Phase = { wall: (performance.now() - t0) / 1000 - check.wall, cpu: cpuSeconds(process.cpuUsage(c0)), peakMiB: process.resourceUsage().maxRSS / 1024 };
  const r: One = {
    N,
    variant,
    threads,
    memorized: run.memorized,
    depth: run.counts.depth,
    parameters: run.counts.parameters,
    bitComplexity: run.counts.bitComplexity,
    certificateMiB,
    build: run.seconds.build,
    verify: run.seconds.verify,
    write,
    builder,
    check,
  };
  if (peer) {
    const { run: single } = runKs(ds, { seq2seq: false, seed: SHAPE.seed, variant });
    r.peer = { oneThreadVerify: single.seconds.verify, ratio: single.seconds.verify / run.seconds.verify };
  }
  return r;
}

/** proofs-check/main.ts on the file in a child process: its verdict, wall, CPU and peak memory (GNU time). */
function runChecker(file: string, threads: number): One["check"] {
  const main = fileURLToPath(new URL("../proofs-check/main.ts", import.meta.url));
  const t0 = performance.now();
  const res = spawnSync("/usr/bin/time", ["-f", "%U %S %M", process.execPath, "--import", "tsx", main, file, "--threads", String(threads)], { encoding: "utf8", maxBuffer: 1 << 26 });
  const wall = (performance.now() - t0) / 1000;
  const last = res.stdout.trim().split("\n").pop() ?? "";
  const timing = res.stderr.trim().split("\n").pop()!.split(" ").map(Number);
  const verdict = res.status === 0 ? "VERIFIED" : `${last.split(" ")[0] || "failed"} (exit ${res.status}${res.stderr ? `: ${res.stderr.trim().split("\n")[0]}` : ""})`;
  return { verdict, wall, cpu: timing[0]! + timing[1]!, peakMiB: timing[2]! / 1024 };
}

function runChild(N: number, variant: KsVariant, threads: number, peer: boolean): One {
  const self = fileURLToPath(import.meta.url);
  const res = spawnSync(process.execPath, ["--import", "tsx", self, "--child", String(N), "--variant", variant, "--threads", String(threads), ...(peer ? ["--peer"] : [])], { encoding: "utf8", maxBuffer: 1 << 26, stdio: ["ignore", "pipe", "inherit"] });
  if (res.status !== 0) throw new Error(`child for N = ${N} failed (${res.status})`);
  return JSON.parse(res.stdout.trim().split("\n").pop()!) as One;
}

const total = (r: One) => r.builder.wall + r.check.wall;
const peak = (r: One) => Math.max(r.builder.peakMiB, r.check.peakMiB);

function show(r: One): void {
  console.log(
    [r.variant, r.N, `${r.memorized}/${r.N}`, r.depth, r.parameters, r.bitComplexity, r.certificateMiB.toFixed(1), r.build.toFixed(1), r.verify.toFixed(1), r.write.toFixed(1), r.builder.cpu.toFixed(1), r.builder.peakMiB.toFixed(0), r.check.wall.toFixed(1), r.check.cpu.toFixed(1), r.check.peakMiB.toFixed(0), r.check.verdict, total(r).toFixed(1)].join("\t"),
  );
  if (r.peer) console.log(`  peer (N = ${r.N}): exact verification on 1 thread ${r.peer.oneThreadVerify.toFixed(1)} s vs ${r.threads} threads ${r.verify.toFixed(1)} s: ×${r.peer.ratio.toFixed(2)}`);
}

function verdictLine(r: One): string {
  const wall = total(r);
  const met = wall < BUDGET_S && peak(r) < BUDGET_MIB && r.check.verdict === "VERIFIED";
  return `${r.variant} N = ${r.N}: ${r.check.verdict}; ${wall.toFixed(1)} s wall (build + verify + write ${r.builder.wall.toFixed(1)} s, check ${r.check.wall.toFixed(1)} s), CPU ${(r.builder.cpu + r.check.cpu).toFixed(1)} s, peak ${peak(r).toFixed(0)} MiB on ${r.threads} threads — budget ${BUDGET_S} s and ${BUDGET_MIB} MiB: ${met ? "met" : "NOT met"} (load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores)`;
}

/**
 * Per-example CPU time of the builder's evaluator and of the checker's on K evenly spaced sequences,
 * extrapolated to all N on `threads` threads. Labelled an estimate: nothing is verified by it.
 */
function estimate(N: number, K: number, v: KsVariant, threads: number): void {
  const ds = generateSequenceDataset({ N, ...SHAPE });
  const t0 = performance.now();
  const { network } = buildKsVariant(ds, { seq2seq: false, seed: SHAPE.seed, variant: v });
  const build = (performance.now() - t0) / 1000;
  const pick = Array.from({ length: K }, (_, k) => Math.floor((k * N) / K));
  const c0 = process.cpuUsage();
  compileExact(network).evaluate(pick.map((i) => ds.sequences[i]!), ds.tokens);
  const builderMs = (cpuSeconds(process.cpuUsage(c0)) * 1000) / K;
  const cert = JSON.parse(JSON.stringify({ format: CERTIFICATE_FORMAT, version: CERTIFICATE_VERSION, construction: { id: "ks-next-token", paper: "", options: {}, seed: 1 }, network, dataset: { vocabulary: ds.tokens.map((r) => r.map(String)), sequences: ds.sequences, labels: ds.labels.map(String) }, evaluation: { mode: "exact" }, claims: [{ kind: "memorizes", id: "m", criterion: { type: "exact" }, examples: "all", count: N }] }));
  const c1 = process.cpuUsage();
  const checked = validateCertificate(cert);
  const validate = cpuSeconds(process.cpuUsage(c1));
  const c2 = process.cpuUsage();
  // the checker's threads evaluate the integer tail in batches (exact-batch.ts), else one example at a time
  if (!batchedOutputs(checked, pick, () => {})) {
    const e = new Evaluator(checked, exactArith());
    for (const i of pick) e.outputs(i);
  }
  const checkerMs = (cpuSeconds(process.cpuUsage(c2)) * 1000) / K;
  const perThread = (N * (builderMs + checkerMs)) / 1000 / threads;
  console.log(`${v} N = ${N}: built in ${build.toFixed(1)} s; on ${K} sampled sequences the builder's evaluator takes ${builderMs.toFixed(2)} ms CPU per sequence, the checker's ${checkerMs.toFixed(2)} ms (validation ${validate.toFixed(1)} s CPU)`);
  console.log(`  estimate (FLOAT, extrapolated from the sample, not a run): ${(N * builderMs / 1000).toFixed(0)} s + ${(N * checkerMs / 1000).toFixed(0)} s CPU of exact evaluation, ≈ ${(perThread + build + 2 * validate).toFixed(0)} s wall on ${threads} threads — budget ${BUDGET_S} s (load average ${loadavg()[0]!.toFixed(1)})`);
}

const HEAD = "variant\tN\tmemorized\tdepth\tparameters\tbits\tcert MiB\tbuild s\tverify s\twrite s\tbuilder cpu s\tbuilder MiB\tcheck s\tcheck cpu s\tcheck MiB\tcheck\ttotal wall s";

const args = process.argv.slice(2);
const flag = (name: string) => {
  const k = args.indexOf(name);
  return k >= 0 ? args[k + 1] : undefined;
};
const variant = (flag("--variant") ?? "compact") as KsVariant;
if (!["compact", "paper"].includes(variant)) throw new RangeError("--variant compact|paper");
const threads = Number(flag("--threads") ?? availableParallelism());
if (args[0] === "--child") {
  process.stdout.write(JSON.stringify(await one(Number(args[1]), variant, threads, args.includes("--peer"))) + "\n");
} else if (args[0] === "--estimate") {
  estimate(Number(args[1]), Number(flag("--sample") ?? 300), variant, threads);
} else if (args[0] === "--one") {
  const r = runChild(Number(args[1]), variant, threads, false);
  console.log(HEAD);
  show(r);
  console.log(verdictLine(r));
} else {
  const Ns = args.filter((a, i) => /^\d+$/.test(a) && args[i - 1] !== "--threads").map(Number);
  const plan: [KsVariant, number[]][] = flag("--variant") ? [[variant, Ns.length ? Ns : [1000, 4000, 10000]]] : [["compact", Ns.length ? Ns : [1000, 4000, 10000]], ["paper", Ns.length ? Ns : [1000, 4000]]];
  console.log(`ks-next-token scale (n = ${SHAPE.n}, d = ${SHAPE.d}, C = ${SHAPE.classes}, V = ${SHAPE.vocab}, seed ${SHAPE.seed}), ${threads} threads`);
  console.log(HEAD);
  for (const [v, sizes] of plan) {
    const rows = sizes.map((N, i) => {
      const r = runChild(N, v, threads, i === 0);
      show(r);
      return r;
    });
    if (rows.length >= 2) {
      const xs = rows.map((r) => r.N);
      const e = (ys: number[]) => fitExponent(xs, ys).toFixed(2);
      console.log(`${v}: fitted exponents in N (least squares on log-log, float): total wall ${e(rows.map(total))}, CPU ${e(rows.map((r) => r.builder.cpu + r.check.cpu))}, check CPU ${e(rows.map((r) => r.check.cpu))}, peak memory ${e(rows.map(peak))}, parameters ${e(rows.map((r) => r.parameters))}, depth ${e(rows.map((r) => r.depth))}, bit complexity ${e(rows.map((r) => r.bitComplexity))}`);
    }
    for (const r of rows) if ((v === "compact" && r.N >= 100000) || (v === "paper" && r.N >= 10000)) console.log(verdictLine(r));
  }
}
