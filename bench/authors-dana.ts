/**
 * Dana, Pydi & Chevaleyre's own PyTorch code beside memcap's reproduction of their recipe, at the same settings:
 * accuracy and wall time per H (run: `npx tsx bench/authors-dana.ts --authors-dir DIR --python PY`).
 *
 * Authors' side: bench/authors_dana.py imports models.py / train.py / utils.py from their repository
 * (leodana2000/Transformer_Attentional_Memory; --authors-dir DIR or $MEMCAP_DANA_AUTHORS) and repeats their
 * notebook's steps (experiments.ipynb, "Experiment 1" or "Experiment 6"): one dataset of 16,384 sequences drawn
 * with their generate_data, their AoT, their train() (Adam lr 0.1 × LinearLR(0.1 → 0.005) per epoch), accuracy
 * sum(Acc[-101:-1]) / 100, in float32 on one thread (torch.set_num_threads(1), set_num_interop_threads(1),
 * OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = MKL_NUM_THREADS = 1; CPU time / wall time is printed and checked ≤ 1.10).
 * memcap's side: examples/experiments/dana.ts --json with the same N, d, d_h, H, dataset size, batch, epochs,
 * schedule and restarts, once per precision (--precision f32 and f64). The two sides draw their datasets and
 * initial weights from their own generators (torch's, seeded --authors-seed; memcap's, seeded --seed): the
 * comparison is of the recipe's distribution of outcomes, hence of means against the restarts' spread.
 *
 * Default budget (a few minutes here): H = 1, 16, 31 (Exp. 6: 1, 9, 17), 16 epochs, 3 restarts. `--full` runs
 * the notebook's recipe: every H of the experiment, 64 epochs, 5 restarts (Exp. 6: 20); --H, --epochs,
 * --restarts override either. Without the authors' directory or a Python that imports torch, numpy and tqdm
 * (--python PY or $MEMCAP_PYTHON, default python3), one line says what is missing and the exit status is 0.
 * The parameter counts must agree (the authors' parameters their forward pass reaches against memcap's count;
 * exit 1 otherwise). Every accuracy is a float training measurement (FLOAT), not a certificate.
 *
 *   npx tsx bench/authors-dana.ts --authors-dir DIR [--exp 1|6] [--H 1,16,31] [--epochs 16] [--restarts 3]
 *        [--seed 1] [--authors-seed 2222] [--precisions f32,f64] [--python PY] [--md FILE] [--full]
 */
import { spawn } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { writeFileAtomic } from "../src/io/output.ts";
import { UserError } from "../src/errors.ts";
import { ONE_THREAD_ENV } from "./train-bench-lib.ts";
import { authorsJob, compare, comparisonTables, EXPERIMENTS, memcapArgs, missingAuthorsDir, parseBenchArgs, RECIPE, type AuthorsResult, type BenchOptions, type MemcapResult } from "./authors-dana-lib.ts";

/** The repository root: the children run there, whatever the caller's directory. */
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NOTHING = /(?!)/;

/** Runs a child to its end (in ROOT); resolves with stdout, rejects with the last stderr line. stderr lines matching `echo` are relayed. */
function run(cmd: string, args: string[], input: string, env: NodeJS.ProcessEnv, echo: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ["pipe", "pipe", "pipe"], env, cwd: ROOT });
    let out = "", err = "", partial = "";
    p.stdout.on("data", (b) => (out += b));
    p.stderr.on("data", (b) => {
      err += b;
      // tqdm redraws with \r; only whole lines of ours are relayed
      const parts = (partial + b).split(/[\r\n]/);
      partial = parts.pop()!;
      for (const l of parts) if (echo.test(l)) process.stderr.write(l + "\n");
    });
    p.on("error", (e) => reject(e));
    p.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args[0]} exited with ${code}: ${err.trim().split(/[\r\n]/).filter(Boolean).pop() ?? ""}`))));
    p.stdin.end(input);
  });
}
const lastJson = <T>(s: string): T => JSON.parse(s.trim().split("\n").filter(Boolean).pop()!) as T;

async function main(o: BenchOptions): Promise<number> {
  const skip = missingAuthorsDir(o.authorsDir);
  if (skip) {
    console.log(`authors-dana: skipped: ${skip}`);
    return 0;
  }
  const driver = ["bench/authors_dana.py", "--authors-dir", o.authorsDir!];
  const env = { ...process.env, ...ONE_THREAD_ENV, TQDM_DISABLE: "1" };
  const check = await run(o.python, [...driver, "--check"], "", env, NOTHING).then((s) => lastJson<{ ok?: true; missing?: string; torch?: string }>(s)).catch((e: Error): { ok?: true; missing?: string } => ({ missing: `${o.python} could not run the driver (${e.message.split("\n")[0]})` }));
  if (!check.ok) {
    console.log(`authors-dana: skipped: ${check.missing}`);
    return 0;
  }
  const spec = EXPERIMENTS[o.exp];
  const load0 = os.loadavg();
  process.stderr.write(`authors-dana: Experiment ${o.exp}, H = ${o.Hs.join(", ")}, ${o.epochs} epochs, ${o.restarts} restart(s); the authors' code first, then memcap ${o.precisions.join(", ")}\n`);
  const authors = lastJson<AuthorsResult>(await run(o.python, driver, JSON.stringify(authorsJob(o)), env, /^authors /));
  const memcap: Partial<Record<"f32" | "f64", MemcapResult>> = {};
  // dana.ts prints one indented JSON document
  for (const p of o.precisions) memcap[p] = JSON.parse(await run(process.execPath, ["--import", "tsx", ...memcapArgs(o, p)], "", process.env, /^exp /)) as MemcapResult;
  const load1 = os.loadavg();
  let rows;
  try {
    rows = compare(o, authors, memcap);
  } catch (e) {
    console.log(`authors-dana: the two sides did not do the same work: ${(e as Error).message}`);
    return 1;
  }
  const t = comparisonTables(rows, o.precisions);
  const cpu = os.cpus();
  const flagsUsed = [`--exp ${o.exp}`, `--H ${o.Hs.join(",")}`, `--epochs ${o.epochs}`, `--restarts ${o.restarts}`, `--seed ${o.seed}`, `--authors-seed ${o.authorsSeed}`].join(" ");
  const out = [
    `# Dana et al. Experiment ${o.exp}: the authors' PyTorch code beside memcap's reproduction of their recipe`,
    ``,
    `Machine: ${cpu[0]?.model ?? "unknown CPU"} (${cpu.length} logical cores); load average ${load0.map((x) => x.toFixed(1)).join(" / ")} at the start, ${load1.map((x) => x.toFixed(1)).join(" / ")} at the end. Node ${process.version}; PyTorch ${authors.torch} (BLAS ${authors.blas}), ${authors.threads} thread.`,
    `Command: \`npx tsx bench/authors-dana.ts --authors-dir DIR ${flagsUsed}\` (the authors' repository leodana2000/Transformer_Attentional_Memory).`,
    ``,
    `Settings, both sides: N = ${spec.N}, d = d_h = ${spec.d}, S = 2, one dataset of ${RECIPE.batchSize * RECIPE.numBatch} sequences drawn with replacement and reused for every H and restart, batch ${RECIPE.batchSize}, ${o.epochs} epochs (${o.epochs * RECIPE.numBatch} steps), Adam lr ${RECIPE.lr} × LinearLR(0.1 → 0.005 over ${o.epochs} epochs) stepped per epoch, ${o.restarts} restart(s) per H; accuracy = on-batch argmax accuracy before each update, mean of the ${RECIPE.last} batches before the last, then mean ± sample sd over restarts.`,
    `Authors: their generate_data / AoT / train() in ${authors.dtype} (torch's default dtype), torch seeded ${authors.seed} as their notebook does${o.exp === 1 ? " (reseeded before the H loop, as the Experiment 1 cell does)" : ""}. memcap: examples/experiments/dana.ts --json --precision f32 / f64, dataset seed ${o.seed}, initial weights seeded ${o.seed} + 1000·(restart + 1) + H.`,
    `The datasets and initial weights come from each side's own generator, so the comparison is between two samples of the recipe's outcome: "within 2 sd" means |memcap − authors| ≤ 2 × the sample sd of the authors' restarts.`,
    `Accuracies are **FLOAT** measurements of float training runs, not certificates. Times are sums over restarts of the training loop alone, wall and process CPU (every thread: V8's compiler and GC threads count on memcap's side), one-time set-up excluded on both sides (the authors': one untimed warm-up epoch; memcap's: building and compiling the model); memcap's include its final whole-set evaluation pass, which the authors' train() does not do. The two sides run one after the other, so the wall ratio also sees the load changing between them: the CPU ratio is the steadier figure on this shared machine.`,
    `PyTorch on one thread: torch.set_num_threads(1), set_num_interop_threads(1) and ${Object.entries(ONE_THREAD_ENV).map(([k, v]) => `${k}=${v}`).join(", ")}; its process CPU time / wall time per H is in the table (≤ 1.10 checked; below 1: it waited for a core on the loaded machine). memcap trains on one thread (the CPU backend's WebAssembly kernels; dana.ts runs its restarts one after another).`,
    ``,
    `## Accuracy (FLOAT)`,
    ``,
    ...t.accuracy,
    ``,
    `Parameter counts agree at every H: memcap's aot-code against the authors' AoT parameters that a forward/backward pass reaches (a .grad that stays None marks one it never reads; their module also builds linear_compress and linear_decompress, ${2 * spec.d * spec.dh} weights used only when d ≠ d_head, models.py Transformer.forward).`,
    t.outside.length ? `memcap is outside 2 sd of the authors' restarts at ${t.outside.join("; ")}.` : `memcap's mean is within 2 sd of the authors' restarts at every H, in every precision run.`,
    ``,
    `## Time (sum over restarts; authors / memcap > 1: memcap faster)`,
    ``,
    ...t.time,
    ...(t.warnings.length ? ["", ...t.warnings] : []),
  ].join("\n") + "\n";
  process.stdout.write(out);
  if (o.md) writeFileAtomic(o.md, out);
  return 0;
}

let opts: BenchOptions;
try {
  opts = parseBenchArgs(process.argv.slice(2), process.env);
} catch (e) {
  if (!(e instanceof UserError)) throw e;
  process.stderr.write(`memcap: ${e.message}\n`);
  process.exit(e.exitCode);
}
process.exitCode = await main(opts);
